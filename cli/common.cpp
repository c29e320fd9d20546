//
// cli/common.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/common.hpp"
#include "cli/core/arguments.hpp"

#include <asio_ipv4/version.hpp>
#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace asio_ipv4::cli {

void print_line(std::string_view line)
{
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

bool stdout_is_terminal()
{
  return ::isatty(STDOUT_FILENO) == 1;
}

ip4::network_interface resolve_interface(const std::string& command, const interface_name& name)
{
  boost::system::error_code ec;
  ip4::network_interface nic;
  if (auto index = parse_unsigned(name.text, 1, UINT32_MAX))
    nic = ip4::interface_by_index(static_cast<unsigned>(*index), ec);
  else
    nic = ip4::interface_by_name(name.text, ec);
  if (ec == boost::system::errc::no_such_device || ec == net::error::no_such_device)
    throw usage_error(command + ": unknown interface '" + name.text + "'");
  if (ec)
    throw runtime_failure(command + ": cannot list interfaces: " + ec.message());
  return nic;
}

const std::string& interface_names::operator()(unsigned index)
{
  auto it = names_.find(index);
  if (it != names_.end())
    return it->second;
  boost::system::error_code ec;
  auto nic = ip4::interface_by_index(index, ec);
  return names_[index] = ec ? "#" + std::to_string(index) : nic.name;
}

stopper::stopper(net::io_context& io, std::function<void()> halt)
  : signals_(io, SIGINT, SIGTERM), halt_(std::move(halt))
{
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec)
      stop();
  });
}

void stopper::stop()
{
  if (stopped_)
    return;
  stopped_ = true;
  // Give SIGINT and SIGTERM their default action back: a second Ctrl-C
  // ends the process even if something hangs.
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  signals_.clear(ignored);
  halt_();
}

void redraw_until_stopped(net::steady_timer& timer, const stopper& s, std::function<void()> draw)
{
  timer.expires_after(std::chrono::milliseconds(250));
  timer.async_wait([&timer, &s, draw = std::move(draw)](const boost::system::error_code& ec) mutable {
    if (ec || s.stopped())
      return;
    draw();
    redraw_until_stopped(timer, s, std::move(draw));
  });
}

std::uint64_t unix_time_ns()
{
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
}

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to)
{
  return std::chrono::duration<double>(to - from).count();
}

std::chrono::steady_clock::duration duration_of(double seconds)
{
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

std::string version_text()
{
  return std::string("asio-ipv4 ") + ASIO_IPV4_VERSION_STRING;
}

} // namespace asio_ipv4::cli
