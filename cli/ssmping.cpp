//
// cli/ssmping.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// `asio-ipv4 ssmping SERVER ...`: the ssmping client. One socket sends the
// requests and receives the unicast replies; a second one, bound to the
// group at the same port, joins (SERVER, GROUP) (or GROUP from any source
// outside 232/8, as asmping does) and receives the multicast replies. The
// received TTL gives the hop count; the round-trip time is measured on the
// steady clock from each request's send time. Where the system has kernel
// timestamps (Linux), the round trip is also measured from the kernel's
// stamps: the request's send stamp (SO_TIMESTAMPING, read from the unicast
// socket's error queue) to the reply's arrival stamp (SO_TIMESTAMPNS), so
// the user sees how much of the round trip this host's scheduling adds.

#include "cli/common.hpp"
#include "cli/core/json.hpp"
#include "cli/core/ssmping_protocol.hpp"
#include "cli/core/statistics.hpp"
#include "cli/core/timestamp_fields.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

namespace asio_ipv4::cli {

namespace {

using net::ip::udp;
using clock = std::chrono::steady_clock;

std::string milliseconds(double ms)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms);
  return buf;
}

// One request and what came back for it.
struct probe
{
  clock::time_point sent;
  std::optional<std::uint64_t> sent_stamp_ns;   // the kernel's send stamp (the driver took it)
  bool unicast = false;
  bool multicast = false;
  bool timed_out = false;
};

// Replies of one kind (unicast or multicast).
struct reply_counts
{
  rtt_statistics rtt;
  rtt_statistics kernel_rtt;   // send stamp to arrival stamp
  std::uint64_t duplicates = 0;
  std::optional<std::uint32_t> first_seq;
};

class client
{
public:
  client(net::io_context& io, const ssmping_command& c)
    : command_(c), unicast_(io), multicast_(io), pacing_(io), stopper_(io,
          [this] {
            boost::system::error_code ignored;
            unicast_.next_layer().close(ignored);
            multicast_.next_layer().close(ignored);
            pacing_.cancel();
          }),
      timeout_(duration_of(std::max(1.0, c.interval)))
  {
  }

  void open()
  {
    boost::system::error_code ec;
    auto& u = unicast_.next_layer();
    u.open(udp::v4());
    u.set_option(udp::socket::reuse_address(true));
    u.set_option(ip4::receive_ttl(true));
    u.connect(udp::endpoint(command_.server, ssmping::server_port), ec);
    if (ec)
      throw runtime_failure("ssmping: cannot reach " + command_.server.to_string() + ": " + ec.message());
    const udp::endpoint local = u.local_endpoint();

    // The server sends the multicast copy to the group at our port.
    auto& m = multicast_.next_layer();
    m.open(udp::v4());
    m.set_option(udp::socket::reuse_address(true));
    m.bind(udp::endpoint(command_.group, local.port()), ec);
    if (ec)
      throw runtime_failure("ssmping: cannot bind " + command_.group.to_string() + ":" + std::to_string(local.port())
          + ": " + ec.message());
    m.set_option(ip4::multicast_all(false), ec);
    m.set_option(ip4::receive_ttl(true));
    m.set_option(ip4::receive_packet_info(true));
    const bool ssm = source_specific(command_.group);
    if (ssm)
      m.set_option(ip4::source_group_join(command_.group, command_.server), ec);
    else
      m.set_option(ip4::join_group(command_.group), ec);
    if (ec)
      throw runtime_failure("ssmping: cannot join " + command_.group.to_string() + ": " + ec.message());
    client_id_ = static_cast<std::uint32_t>(::getpid());
    // Kernel stamps: each request's send stamp comes back on the unicast
    // socket's error queue quoting the request (which says its sequence
    // number); each reply carries its arrival stamp. Where the system has
    // neither (not Linux), the tool shows the program's round trip only.
    using ts = asio_ipv4::timestamping;
    boost::system::error_code tx, rx_unicast, rx_multicast;
    u.set_option(ts(ts::tx_software | ts::software), tx);
    u.set_option(asio_ipv4::receive_timestamps(true), rx_unicast);
    m.set_option(asio_ipv4::receive_timestamps(true), rx_multicast);
    kernel_stamps_ = !tx && !rx_unicast && !rx_multicast;
    // A reply may be read before the coroutine reading the error queue ran:
    // the stamp is queued by then, so it is read there and then, without
    // waiting (the socket's own operations are asynchronous anyway).
    u.non_blocking(true);
    if (!command_.json)
    {
      print_line(std::string(ssm ? "ssmping" : "asmping") + " joined (S,G) = (" + (ssm ? command_.server.to_string() : "*")
          + "," + command_.group.to_string() + ")");
      print_line("pinging S from " + local.address().to_string());
    }
  }

  void start()
  {
    started_ = clock::now();
    net::co_spawn(unicast_.get_executor(), send_requests(), net::detached);
    net::co_spawn(unicast_.get_executor(), receive(unicast_, false), net::detached);
    net::co_spawn(unicast_.get_executor(), receive(multicast_, true), net::detached);
    if (kernel_stamps_)
      net::co_spawn(unicast_.get_executor(), read_stamps(), net::detached);
  }

  int finish()
  {
    print_summary();
    if (unicast_counts_.rtt.count() == 0 && multicast_counts_.rtt.count() == 0)
    {
      std::fprintf(stderr, "asio-ipv4: ssmping: no reply from %s\n", command_.server.to_string().c_str());
      return 1;
    }
    return 0;
  }

private:
  net::awaitable<void> send_requests()
  {
    const auto interval = std::chrono::duration<double>(command_.interval);
    for (std::uint32_t seq = 1; !stopper_.stopped() && (command_.count == 0 || seq <= command_.count); ++seq)
    {
      const auto due = started_ + std::chrono::duration_cast<clock::duration>(interval * double(seq - 1));
      if (!co_await wait_until(due))
        co_return;
      ssmping::request r;
      r.client_id = client_id_;
      r.sequence = seq;
      const std::uint64_t now_ns = unix_time_ns();
      r.sent = {static_cast<std::uint32_t>(now_ns / 1000000000), static_cast<std::uint32_t>(now_ns / 1000 % 1000000)};
      r.group = command_.group;
      r.want_server_info = true;
      const auto datagram = ssmping::encode_request(r);
      request_size_ = datagram.size();
      probe p;
      p.sent = clock::now();
      probes_.push_back(p);
      auto [ec, n] = co_await unicast_.async_send(net::buffer(datagram), control_message{}, use_tuple);
      if (stopper_.stopped())
        co_return;
      if (ec && ec != net::error::connection_refused && ec != net::error::host_unreachable
          && ec != net::error::network_unreachable)
        std::fprintf(stderr, "asio-ipv4: ssmping: seq %u: %s\n", seq, ec.message().c_str());
    }
    // The last request's replies get the same time as every other one.
    while (!stopper_.stopped() && !all_answered())
      if (!co_await wait_until(std::min(clock::now() + std::chrono::milliseconds(50), probes_.back().sent + timeout_))
          || clock::now() >= probes_.back().sent + timeout_)
        break;
    check_timeouts(clock::now());
    stopper_.stop();
  }

  // Waits until `due`, reporting requests that timed out meanwhile; false
  // when stopped.
  net::awaitable<bool> wait_until(clock::time_point due)
  {
    for (;;)
    {
      check_timeouts(clock::now());
      if (stopper_.stopped())
        co_return false;
      const auto now = clock::now();
      if (now >= due)
        co_return true;
      auto next = due;
      for (const auto& p : probes_)
        if (!p.unicast && !p.timed_out)
          next = std::min(next, p.sent + timeout_);
      pacing_.expires_at(std::max(next, now));
      co_await pacing_.async_wait(use_tuple);   // cancelled or expired: look again
      if (stopper_.stopped())
        co_return false;
    }
  }

  // Entries of the unicast socket's error queue: the requests' send stamps.
  net::awaitable<void> read_stamps()
  {
    for (;;)
    {
      udp::endpoint ignored;
      control_message entry;
      auto [ec, n] = co_await unicast_.async_receive_error(net::buffer(quoted_), ignored, entry, use_tuple);
      if (stopper_.stopped() || ec == net::error::operation_aborted)
        co_return;
      if (ec == net::error::connection_refused || ec == net::error::host_unreachable
          || ec == net::error::network_unreachable)
      {
        report_unreachable(ec);
        continue;
      }
      if (ec)
      {
        std::fprintf(stderr, "asio-ipv4: ssmping: reading send stamps: %s\n", ec.message().c_str());
        co_return;
      }
      take_stamp(entry, n);
    }
  }

  // Reads the send stamps already queued, without waiting.
  void drain_stamps()
  {
    for (;;)
    {
      udp::endpoint ignored;
      control_message entry;
      boost::system::error_code ec;
      const std::size_t n = unicast_.receive_error(net::buffer(quoted_), ignored, entry, ec);
      if (ec)
        return;
      take_stamp(entry, n);
    }
  }

  // A send stamp quotes the request it belongs to: the last request_size_
  // bytes of what came back (on a veth link, after the Ethernet, IPv4 and
  // UDP headers).
  void take_stamp(const control_message& entry, std::size_t n)
  {
    if (!entry.error || entry.error->origin != extended_error::origin_timestamping
        || entry.error->info != extended_error::stamp_sent || !entry.software_time
        || entry.software_time->clock != kernel_time::realtime || request_size_ == 0 || n < request_size_
        || n > quoted_.size())
      return;
    const auto request = ssmping::parse(quoted_.data() + n - request_size_, request_size_);
    if (!request)
      return;
    const ssmping::option* seq = request->find(ssmping::option_type::sequence);
    if (!seq || seq->value.size() != 4)
      return;
    const std::uint32_t sequence = (std::uint32_t(seq->value[0]) << 24) | (std::uint32_t(seq->value[1]) << 16)
        | (std::uint32_t(seq->value[2]) << 8) | seq->value[3];
    if (sequence == 0 || sequence > probes_.size())
      return;
    probes_[sequence - 1].sent_stamp_ns = static_cast<std::uint64_t>(entry.software_time->since_epoch.count());
  }

  void report_unreachable(const boost::system::error_code& ec)
  {
    // An ICMP error for a request (port unreachable: nobody listens on
    // the server): said once; the requests go on and time out.
    if (!unreachable_reported_)
      std::fprintf(stderr, "asio-ipv4: ssmping: %s: %s%s\n", command_.server.to_string().c_str(),
          ec.message().c_str(), ec == net::error::connection_refused ? " (is ssmpingd running?)" : "");
    unreachable_reported_ = true;
  }

  void check_timeouts(clock::time_point now)
  {
    for (std::size_t i = 0; i < probes_.size(); ++i)
    {
      probe& p = probes_[i];
      if (p.unicast || p.timed_out || now < p.sent + timeout_)
        continue;
      p.timed_out = true;
      const double limit = std::chrono::duration<double>(timeout_).count();
      if (command_.json)
        print_line(json_object().add("kind", "timeout").add("seq", std::uint64_t(i + 1)).str());
      else
        print_line("no reply for seq=" + std::to_string(i + 1) + " within " + milliseconds(limit) + " s");
    }
  }

  bool all_answered() const
  {
    if (command_.count == 0 || probes_.size() < command_.count)
      return false;
    for (const auto& p : probes_)
      if (!p.unicast || !p.multicast)
        return false;
    return true;
  }

  net::awaitable<void> receive(cmsg_socket<udp::socket>& socket, bool multicast)
  {
    std::vector<std::uint8_t> buffer(65536);
    for (;;)
    {
      udp::endpoint from;
      control_message control;
      auto [ec, n] = co_await socket.async_receive_from(net::buffer(buffer), from, control, use_tuple);
      const auto now = clock::now();
      if (stopper_.stopped())
        co_return;
      if (ec == net::error::connection_refused || ec == net::error::host_unreachable
          || ec == net::error::network_unreachable)
      {
        report_unreachable(ec);
        continue;
      }
      if (ec == net::error::message_size)
        continue;
      if (ec)
      {
        std::fprintf(stderr, "asio-ipv4: ssmping: receive: %s\n", ec.message().c_str());
        stopper_.stop();
        co_return;
      }
      if (from.address() != command_.server)
        continue;   // not from the server we asked
      const auto reply = ssmping::decode_reply(buffer.data(), n);
      if (!reply || reply->client_id != client_id_ || reply->sequence == 0 || reply->sequence > probes_.size())
        continue;   // someone else's, or not a reply to us
      if (kernel_stamps_ && control.software_time && !probes_[reply->sequence - 1].sent_stamp_ns)
      {
        // The request's send stamp is queued before its reply can come, but
        // the error-queue reader may hold it in a completion not yet run:
        // read what is queued, then let that completion run.
        drain_stamps();
        for (int i = 0; i < 4 && !probes_[reply->sequence - 1].sent_stamp_ns && !stopper_.stopped(); ++i)
          co_await net::post(socket.get_executor(), net::use_awaitable);
        if (stopper_.stopped())
          co_return;
      }
      handle(*reply, control, now, multicast);
      if (command_.count && all_answered())
      {
        stopper_.stop();
        co_return;
      }
    }
  }

  void handle(const ssmping::reply& r, const control_message& control, clock::time_point now, bool multicast)
  {
    if (r.server_info && !server_info_)
    {
      server_info_ = r.server_info;
      if (!command_.json)
        print_line("Server version: " + *server_info_);
    }
    probe& p = probes_[r.sequence - 1];
    bool& seen = multicast ? p.multicast : p.unicast;
    reply_counts& counts = multicast ? multicast_counts_ : unicast_counts_;
    const bool duplicate = seen;
    seen = true;
    const double rtt = std::chrono::duration<double, std::milli>(now - p.sent).count();
    // The same round trip from the kernel's stamps.
    std::optional<double> kernel_rtt;
    if (kernel_stamps_ && control.software_time && control.software_time->clock == kernel_time::realtime)
    {
      if (p.sent_stamp_ns)
        kernel_rtt = milliseconds_between(
            *p.sent_stamp_ns, static_cast<std::uint64_t>(control.software_time->since_epoch.count()));
    }
    const int ttl = control.ttl ? int(*control.ttl) : -1;
    const int hops = control.ttl ? ssmping::hops_from_ttl(*control.ttl) : -1;
    if (duplicate)
      ++counts.duplicates;
    else
    {
      counts.rtt.add(rtt);
      if (kernel_rtt)
        counts.kernel_rtt.add(*kernel_rtt);
      if (!counts.first_seq || r.sequence < *counts.first_seq)
        counts.first_seq = r.sequence;
    }
    if (command_.json)
    {
      json_object line;
      line.add("kind", multicast ? "multicast" : "unicast")
          .add("from", command_.server.to_string())
          .add("seq", std::uint64_t(r.sequence))
          .add("ttl", ttl)
          .add("hops", hops)
          .add("rtt_ms", rtt);
      if (kernel_rtt)
        line.add("kernel_rtt_ms", *kernel_rtt);
      if (duplicate)
        line.add("duplicate", true);
      print_line(line.str());
      return;
    }
    print_line(std::string(multicast ? "multicast" : "  unicast") + " from " + command_.server.to_string()
        + ", seq=" + std::to_string(r.sequence) + " dist=" + std::to_string(hops) + " time=" + milliseconds(rtt)
        + " ms" + (kernel_rtt ? " kernel=" + milliseconds(*kernel_rtt) + " ms" : std::string())
        + (duplicate ? " (DUP!)" : ""));
  }

  void print_summary()
  {
    const std::uint64_t sent = probes_.size();
    const double elapsed_ms = std::chrono::duration<double, std::milli>(clock::now() - started_).count();
    const auto& uc = unicast_counts_;
    const auto& mc = multicast_counts_;
    const std::uint64_t mc_expected = mc.first_seq ? sent - *mc.first_seq + 1 : sent;
    if (command_.json)
    {
      auto kind = [](const reply_counts& c, std::uint64_t expected) {
        json_object o;
        o.add("received", c.rtt.count())
            .add("loss_percent", loss_percent(expected, c.rtt.count()), 1)
            .add("duplicates", c.duplicates);
        if (c.first_seq)
          o.add("first_seq", std::uint64_t(*c.first_seq));
        if (c.rtt.count())
          o.add("rtt_min_ms", c.rtt.min())
              .add("rtt_avg_ms", c.rtt.average())
              .add("rtt_max_ms", c.rtt.max())
              .add("rtt_stddev_ms", c.rtt.deviation());
        add_kernel_rtt_summary(o, c.kernel_rtt);
        return o;
      };
      json_object s;
      s.add("server", command_.server.to_string())
          .add("group", command_.group.to_string())
          .add("sent", sent)
          .add("time_ms", elapsed_ms, 1)
          .add("unicast", kind(uc, sent))
          .add("multicast", kind(mc, mc_expected));
      if (server_info_)
        s.add("server_info", *server_info_);
      print_line(json_object().add("summary", s).str());
      return;
    }
    auto rtt_line = [](const rtt_statistics& r) {
      return "   rtt min/avg/max/std-dev = " + milliseconds(r.min()) + "/" + milliseconds(r.average()) + "/"
          + milliseconds(r.max()) + "/" + milliseconds(r.deviation()) + " ms";
    };
    auto percent = [](double p) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.0f%%", p);
      return std::string(buf);
    };
    print_line("");
    print_line("--- " + command_.server.to_string() + " statistics ---");
    print_line(std::to_string(sent) + " packets transmitted, time " + std::to_string(std::llround(elapsed_ms)) + " ms");
    print_line("unicast:");
    print_line("   " + std::to_string(uc.rtt.count()) + " packets received, "
        + percent(loss_percent(sent, uc.rtt.count())) + " packet loss");
    if (uc.rtt.count())
      print_line(rtt_line(uc.rtt));
    if (uc.kernel_rtt.count())
      print_line(kernel_rtt_summary_text(uc.kernel_rtt));
    print_line("multicast:");
    if (!mc.first_seq)
    {
      print_line("   0 packets received, 100% packet loss");
      return;
    }
    print_line("   " + std::to_string(mc.rtt.count()) + " packets received, "
        + percent(loss_percent(mc_expected, mc.rtt.count())) + " packet loss since first mc packet (seq "
        + std::to_string(*mc.first_seq) + ") recvd");
    print_line(rtt_line(mc.rtt));
    if (mc.kernel_rtt.count())
      print_line(kernel_rtt_summary_text(mc.kernel_rtt));
  }


  const ssmping_command& command_;
  cmsg_socket<udp::socket> unicast_;
  cmsg_socket<udp::socket> multicast_;
  net::steady_timer pacing_;
  stopper stopper_;
  clock::duration timeout_;
  clock::time_point started_;
  std::uint32_t client_id_ = 0;
  std::vector<probe> probes_;
  reply_counts unicast_counts_, multicast_counts_;
  std::optional<std::string> server_info_;
  bool unreachable_reported_ = false;
  bool kernel_stamps_ = false;         // send and arrival stamps are on (Linux)
  std::size_t request_size_ = 0;       // every request of a run has this size
  std::array<std::uint8_t, 2048> quoted_{};   // what a send stamp quotes
};

} // namespace

int run_ssmping(const ssmping_command& c)
{
  return run_to_completion<client>(c);
}

} // namespace asio_ipv4::cli
