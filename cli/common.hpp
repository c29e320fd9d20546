//
// cli/common.hpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What the subcommands share: line output that reaches a pipe at once,
// interface lookup by name or index, stopping on SIGINT/SIGTERM, clocks.

#ifndef ASIO_IPV4_CLI_COMMON_HPP
#define ASIO_IPV4_CLI_COMMON_HPP

#include "cli/core/arguments.hpp"

#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace asio_ipv4::cli {

namespace net = boost::asio;

inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

/// A failure at run time that is not the user's input: printed as
/// "asio-ipv4 <command>: <what>", exit status 1.
class runtime_failure : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Writes one line to stdout and flushes it, so a reader on a pipe sees
/// every line when it happens.
void print_line(std::string_view line);

/// stdout is a terminal (the live status lines are drawn only then).
bool stdout_is_terminal();

/// The interface the user named ("eth0" or "3"); throws usage_error
/// ("unknown interface") when there is none.
ip4::network_interface resolve_interface(const std::string& command, const interface_name& name);

/// Interface names by index, looked up once each ("#7" when gone).
class interface_names
{
public:
  const std::string& operator()(unsigned index);

private:
  std::map<unsigned, std::string> names_;
};

/// How a subcommand stops: once, from wherever (its work done, --count,
/// --timeout, an error, SIGINT or SIGTERM). stop() runs `halt` (which closes
/// the sockets and cancels the timers, so every pending operation ends) and
/// gives the signals their default action back, so a second one ends the
/// process; stopped() tells the coroutines to finish.
class stopper
{
public:
  stopper(net::io_context& io, std::function<void()> halt);
  void stop();
  bool stopped() const { return stopped_; }

private:
  net::signal_set signals_;
  std::function<void()> halt_;
  bool stopped_ = false;
};

/// Calls `draw` every 250 ms until `s` stopped (the live status lines on a
/// terminal).
void redraw_until_stopped(net::steady_timer& timer, const stopper& s, std::function<void()> draw);

/// The life of a subcommand: build it on one io_context, open its sockets
/// (bad input throws usage_error before anything runs), start it, run until
/// it stopped (its work done, a signal, --count or --timeout), then finish:
/// the summary and the exit status.
template <class Runner, class Command>
int run_to_completion(const Command& command)
{
  net::io_context io;
  Runner runner(io, command);
  runner.open();
  runner.start();
  io.run();
  return runner.finish();
}

/// Wall-clock time as nanoseconds since 1970.
std::uint64_t unix_time_ns();

/// Seconds between two steady-clock points.
double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to);

/// A duration of `seconds` (fractional) for timers.
std::chrono::steady_clock::duration duration_of(double seconds);

/// The subcommands: each returns the exit status.
int run_interfaces(const interfaces_command& c);
int run_listen(const listen_command& c);
int run_send(const send_command& c);
int run_ssmping(const ssmping_command& c);
int run_ssmpingd(const ssmpingd_command& c);

/// "asio-ipv4 0.1.0": for --version and the ssmping server information.
std::string version_text();

} // namespace asio_ipv4::cli

#endif
