//
// cli/send.cpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// `asio-ipv4 send GROUP|ADDR:PORT ...`: numbered datagrams at a steady rate,
// with TTL, TOS, interface and source address given per datagram as
// control messages (cmsg_socket), not as socket options.

#include "cli/common.hpp"
#include "cli/core/json.hpp"
#include "cli/core/payload.hpp"
#include "cli/core/statistics.hpp"
#include "cli/core/timestamp_fields.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

namespace asio_ipv4::cli {

namespace {

using net::ip::udp;
using clock = std::chrono::steady_clock;

class sender
{
public:
  sender(net::io_context& io, const send_command& c)
    : command_(c), socket_(io), pacing_(io), redraw_(io), stopper_(io,
          [this] {
            finished_ = clock::now();
            boost::system::error_code ignored;
            socket_.next_layer().close(ignored);
            pacing_.cancel();
            redraw_.cancel();
          }),
      live_(stdout_is_terminal() && !c.json), destination_(c.destination, c.port),
      payload_(c.size)
  {
  }

  void open()
  {
    if (command_.interface)
      control_.interface_index = resolve_interface("send", *command_.interface).index;
    if (command_.source)
    {
      // The kernel would refuse a foreign source address at the first send:
      // say so now, as bad input.
      udp::socket probe(socket_.get_executor());
      boost::system::error_code ec;
      probe.open(udp::v4(), ec);
      probe.bind(udp::endpoint(*command_.source, 0), ec);
      if (ec == boost::system::errc::address_not_available)
        throw usage_error("send: --source " + command_.source->to_string() + " is not an address of this host");
      control_.local = command_.source;
    }
    control_.ttl = command_.ttl;
    control_.tos = command_.tos;
    socket_.next_layer().open(udp::v4());
    if (command_.timestamps)
    {
      // SO_TIMESTAMPING: a stamp when the datagram enters the queueing
      // discipline and one when the driver takes it, each an error-queue
      // entry numbered by the socket (0, 1, 2... one per send call), without
      // a copy of the datagram. Linux only: elsewhere the tool says so and
      // sends without stamps.
      using ts = asio_ipv4::timestamping;
      boost::system::error_code ec;
      socket_.next_layer().set_option(
          ts(ts::tx_scheduled | ts::tx_software | ts::software | ts::opt_id | ts::opt_tsonly), ec);
      if (ec)
        std::fprintf(stderr, "asio-ipv4: send: --timestamps: no kernel send timestamps here (%s); going on without\n",
            ec.message().c_str());
      stamps_ = !ec;
    }
    std::random_device random;
    stream_ = random();
  }

  void start()
  {
    started_ = clock::now();
    net::co_spawn(socket_.get_executor(), run(), net::detached);
    if (stamps_)
      net::co_spawn(socket_.get_executor(), read_stamps(), net::detached);
    if (live_)
      redraw_until_stopped(redraw_, stopper_, [this] { draw_status(); });
  }

  int finish()
  {
    if (live_)
      draw_status();
    const double elapsed = seconds_between(started_, finished_);
    const double rate = sent_ > 1 && elapsed > 0 ? double(sent_ - 1) / elapsed : 0;
    // Sends whose stamps did not all come (stopped early, or dropped by the
    // kernel on a full error queue): shown without them.
    std::uint64_t unstamped = 0;
    for (const auto& s : stamps_matcher_.take_pending())
    {
      ++unstamped;
      if (!live_)
        print_sent(s.sequence, payload_.size(), &s);
    }
    if (command_.json)
    {
      json_object summary;
      summary.add("to", to_text()).add("sent", sent_).add("errors", errors_).add("elapsed_s", elapsed).add("rate", rate, 1);
      if (stamps_)
        add_send_stamp_summary(summary, stamps_matcher_, unstamped);
      print_line(json_object().add("summary", summary).str());
    }
    else
    {
      if (stamps_)
        print_line(send_stamp_summary_text(stamps_matcher_, unstamped));
      char line[160];
      std::snprintf(line, sizeof line, "--- %s: %llu sent, %llu errors in %.3f s (%.1f pkt/s)", to_text().c_str(),
          static_cast<unsigned long long>(sent_), static_cast<unsigned long long>(errors_), elapsed, rate);
      print_line(line);
    }
    return errors_ ? 1 : 0;
  }

private:
  std::string to_text() const { return command_.destination.to_string() + ":" + std::to_string(command_.port); }

  net::awaitable<void> run()
  {
    const auto interval = std::chrono::duration<double>(1.0 / command_.rate);
    for (std::uint64_t seq = 0; !stopper_.stopped() && (command_.count == 0 || seq < command_.count); ++seq)
    {
      const auto due = started_ + std::chrono::duration_cast<clock::duration>(interval * double(seq));
      if (due > clock::now())
      {
        pacing_.expires_at(due);
        auto [ec] = co_await pacing_.async_wait(use_tuple);
        if (ec || stopper_.stopped())
          break;
      }
      const std::uint64_t call_ns = unix_time_ns();
      write_payload(payload_header{stream_, seq, call_ns}, payload_.data(), payload_.size());
      auto [ec, n] = co_await socket_.async_send_to(net::buffer(payload_), destination_, control_, use_tuple);
      if (ec == net::error::operation_aborted && stopper_.stopped())
        break;
      if (ec)
      {
        ++errors_;
        // One line per kind of error, not one per datagram.
        if (reported_.insert(ec.value()).second)
          std::fprintf(stderr, "asio-ipv4: send: seq %llu to %s: %s\n", static_cast<unsigned long long>(seq),
              to_text().c_str(), ec.message().c_str());
        continue;
      }
      ++sent_;
      if (stamps_)
      {
        // Its line waits for its stamps (read_stamps). A failed send takes
        // no number: Linux gives it back (see doc/cli.md).
        stamps_matcher_.sent(next_id_++, seq, call_ns);
        continue;
      }
      if (!live_)
        print_sent(seq, n, nullptr);
    }
    // The stamps of the last datagrams come after their send returned: wait
    // for them (at most a second: a slow qdisc, or a stamp the kernel dropped).
    const auto limit = clock::now() + std::chrono::seconds(1);
    while (stamps_ && stamps_matcher_.pending() && !stopper_.stopped() && clock::now() < limit)
    {
      pacing_.expires_after(std::chrono::milliseconds(5));
      co_await pacing_.async_wait(use_tuple);
    }
    stopper_.stop();
  }

  void print_sent(std::uint64_t seq, std::size_t n, const send_stamps* stamps)
  {
    if (command_.json)
    {
      json_object line;
      line.add("to", to_text()).add("seq", seq).add("bytes", std::uint64_t(n));
      if (command_.ttl)
        line.add("ttl", unsigned(*command_.ttl));
      if (command_.tos)
        line.add("tos", unsigned(*command_.tos));
      if (stamps)
        add_send_stamp_fields(line, *stamps);
      print_line(line.str());
    }
    else
      print_line("sent seq " + std::to_string(seq) + " to " + to_text() + " (" + std::to_string(n) + " bytes)"
          + (stamps ? send_stamp_text(*stamps) : std::string()));
  }

  // The send stamps, from the socket's error queue.
  net::awaitable<void> read_stamps()
  {
    std::array<std::uint8_t, 512> scratch;
    for (;;)
    {
      udp::endpoint ignored;
      control_message entry;
      auto [ec, n] = co_await socket_.async_receive_error(net::buffer(scratch), ignored, entry, use_tuple);
      if (stopper_.stopped() || ec == net::error::operation_aborted)
        co_return;
      if (ec)
      {
        std::fprintf(stderr, "asio-ipv4: send: reading send stamps: %s\n", ec.message().c_str());
        co_return;
      }
      if (!entry.error || entry.error->origin != extended_error::origin_timestamping || !entry.software_time
          || entry.software_time->clock != kernel_time::realtime)
        continue;
      const bool scheduled = entry.error->info == extended_error::stamp_scheduled;
      const auto ns = static_cast<std::uint64_t>(entry.software_time->since_epoch.count());
      if (auto done = stamps_matcher_.stamp(entry.error->data, scheduled, ns); done && !live_)
        print_sent(done->sequence, payload_.size(), &*done);
    }
  }

  void draw_status()
  {
    char line[160];
    std::snprintf(line, sizeof line, "\r\x1b[2K%s: %llu sent, %llu errors", to_text().c_str(),
        static_cast<unsigned long long>(sent_), static_cast<unsigned long long>(errors_));
    std::fputs(line, stdout);
    if (stopper_.stopped())
      std::fputc('\n', stdout);
    std::fflush(stdout);
  }


  const send_command& command_;
  cmsg_socket<udp::socket> socket_;
  net::steady_timer pacing_;
  net::steady_timer redraw_;
  stopper stopper_;
  bool live_;
  udp::endpoint destination_;
  control_message control_;
  std::vector<std::uint8_t> payload_;
  std::uint32_t stream_ = 0;
  clock::time_point started_, finished_;
  std::uint64_t sent_ = 0, errors_ = 0;
  std::set<int> reported_;
  bool stamps_ = false;              // --timestamps and timestamping is on
  std::uint32_t next_id_ = 0;        // the id the next send's stamps carry
  send_stamp_matcher stamps_matcher_;
};

} // namespace

int run_send(const send_command& c)
{
  return run_to_completion<sender>(c);
}

} // namespace asio_ipv4::cli
