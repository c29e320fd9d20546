//
// cli/listen.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// `asio-ipv4 listen GROUP:PORT ...`: join (any-source, include or exclude
// mode) and report every datagram with what the kernel said about it, then
// a summary per source.

#include "cli/common.hpp"
#include "cli/core/json.hpp"
#include "cli/core/payload.hpp"
#include "cli/core/statistics.hpp"
#include "cli/core/timestamp_fields.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <memory>
#include <vector>

namespace asio_ipv4::cli {

namespace {

using net::ip::udp;
using clock = std::chrono::steady_clock;

std::string hex_byte(unsigned v)
{
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

// Everything known about one sender.
struct source_state
{
  udp::endpoint from;
  std::uint64_t received = 0;
  std::optional<std::uint32_t> stream;   // set once a numbered datagram came
  sequence_tracker sequence;
  clock::time_point first, last;
  std::optional<std::uint8_t> last_ttl;
  delay_statistics delay;                // --timestamps: one-way delay and jitter of the stream
  std::uint64_t shown = 0;               // `received` at the last status redraw
  clock::time_point shown_at;
  double live_rate = 0;

  double rate() const
  {
    const double span = seconds_between(first, last);
    return received > 1 && span > 0 ? double(received - 1) / span : 0;
  }
};

class listener
{
public:
  listener(net::io_context& io, const listen_command& c)
    : command_(c), socket_(io), timeout_(io), redraw_(io), stopper_(io,
          [this] {
            boost::system::error_code ignored;
            socket_.next_layer().close(ignored);
            timeout_.cancel();
            redraw_.cancel();
          }),
      live_(stdout_is_terminal() && !c.json)
  {
  }

  void open()
  {
    unsigned index = 0;
    std::string where;
    if (command_.interface)
    {
      const auto nic = resolve_interface("listen", *command_.interface);
      index = nic.index;
      where = " on " + nic.name;
    }
    auto& s = socket_.next_layer();
    boost::system::error_code ec;
    s.open(udp::v4());
    s.set_option(udp::socket::reuse_address(true));
    // Bound to the group: datagrams to other addresses on this port stay out.
    s.bind(udp::endpoint(command_.group, command_.port), ec);
    if (ec)
      throw runtime_failure("listen: cannot bind " + command_.group.to_string() + ":"
          + std::to_string(command_.port) + ": " + ec.message());
    // Only this socket's own memberships deliver to it.
    s.set_option(ip4::multicast_all(false), ec);
    s.set_option(ip4::receive_packet_info(true));
    s.set_option(ip4::receive_ttl(true));
    s.set_option(ip4::receive_tos(true));
    // The kernel's count of datagrams it dropped on this socket (receive
    // buffer full): tells "lost on the way" from "lost here". Linux only;
    // elsewhere the count is simply not shown.
    s.set_option(asio_ipv4::receive_drop_count(true), ec);
    counts_drops_ = !ec;
    if (command_.timestamps)
    {
      // SO_TIMESTAMPNS (SO_TIMESTAMP, SO_BINTIME on the BSDs). Without it
      // (Windows) the tool says so once and goes on without the stamps.
      s.set_option(asio_ipv4::receive_timestamps(true), ec);
      if (ec)
        std::fprintf(stderr, "asio-ipv4: listen: --timestamps: no kernel receive timestamps here (%s); going on without\n",
            ec.message().c_str());
      stamps_ = !ec;
    }
    std::string mode;
    if (!command_.sources.empty())
    {
      mode = "sources";
      for (const auto& source : command_.sources)
      {
        s.set_option(ip4::source_group_join(command_.group, source, index), ec);
        if (ec)
          throw runtime_failure("listen: cannot join (" + source.to_string() + ", " + command_.group.to_string()
              + ")" + where + ": " + ec.message());
        mode += " " + source.to_string();
      }
    }
    else
    {
      s.set_option(ip4::join_group(command_.group, index), ec);
      if (ec)
        throw runtime_failure("listen: cannot join " + command_.group.to_string() + where + ": " + ec.message());
      mode = "any source";
      for (const auto& source : command_.excludes)
      {
        s.set_option(ip4::block_source(command_.group, source, index), ec);
        if (ec)
          throw runtime_failure("listen: cannot exclude " + source.to_string() + ": " + ec.message());
        mode += (source == command_.excludes.front() ? " except " : ", ") + source.to_string();
      }
    }
    if (!command_.json)
      print_line("listening on " + command_.group.to_string() + ":" + std::to_string(command_.port) + where + " ("
          + mode + ")");
  }

  void start()
  {
    net::co_spawn(socket_.get_executor(), receive(), net::detached);
    if (command_.timeout > 0)
    {
      timeout_.expires_after(duration_of(command_.timeout));
      timeout_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
          stopper_.stop();
      });
    }
    if (live_)
      redraw_until_stopped(redraw_, stopper_, [this] { draw_status(); });
  }

  int finish()
  {
    if (live_)
      draw_status();
    print_summary();
    if (!failure_.empty())
      throw runtime_failure(failure_);
    return total_ == 0 ? 1 : 0;
  }

private:
  net::awaitable<void> receive()
  {
    std::vector<std::uint8_t> buffer(65536);
    for (;;)
    {
      udp::endpoint from;
      control_message control;
      auto [ec, n] = co_await socket_.async_receive_from(net::buffer(buffer), from, control, use_tuple);
      if (stopper_.stopped())
        co_return;
      if (ec)
      {
        failure_ = "listen: receive: " + ec.message();
        stopper_.stop();
        co_return;
      }
      handle(from, control, buffer.data(), n);
      if (command_.count && total_ >= command_.count)
      {
        stopper_.stop();
        co_return;
      }
    }
  }

  void handle(const udp::endpoint& from, const control_message& control, const std::uint8_t* data, std::size_t n)
  {
    const auto now = clock::now();
    ++total_;
    source_state& src = source(from, now);
    const auto header = read_payload(data, n);
    if (header && src.stream != header->stream)
    {
      // A new run of `send` from the same port: a new stream.
      src.sequence = sequence_tracker();
      src.delay = delay_statistics();
      src.stream = header->stream;
    }
    if (header)
      src.sequence.add(header->sequence);
    // The kernel's arrival time on the wall clock (Linux: SO_TIMESTAMPNS,
    // nanoseconds; macOS and QNX: microseconds).
    std::optional<std::uint64_t> arrival_ns;
    if (stamps_ && control.software_time && control.software_time->clock == kernel_time::realtime)
      arrival_ns = static_cast<std::uint64_t>(control.software_time->since_epoch.count());
    std::optional<double> delay_ms;
    if (arrival_ns && header)
      delay_ms = src.delay.add(header->send_time_ns, *arrival_ns);
    ++src.received;
    src.last = now;
    src.last_ttl = control.ttl;
    if (control.dropped)
      kernel_dropped_ = *control.dropped;
    if (live_)
      return;
    if (command_.json)
    {
      json_object line;
      line.add("from", endpoint_text(from));
      if (control.destination)
        line.add("to", control.destination->to_string());
      if (control.interface_index)
        line.add("interface", names_(*control.interface_index)).add("ifindex", *control.interface_index);
      if (control.ttl)
        line.add("ttl", unsigned(*control.ttl));
      if (control.tos)
        line.add("tos", unsigned(*control.tos));
      line.add("bytes", std::uint64_t(n));
      if (header)
        line.add("seq", header->sequence);
      if (control.dropped)
        line.add("dropped", std::uint64_t(*control.dropped));
      if (arrival_ns)
        line.add("arrival_ns", *arrival_ns);
      if (delay_ms)
        line.add("delay_ms", *delay_ms).add("jitter_ms", src.delay.jitter());
      print_line(line.str());
      return;
    }
    std::string line = endpoint_text(from);
    if (control.destination)
      line += " > " + control.destination->to_string();
    if (control.interface_index)
      line += " on " + names_(*control.interface_index);
    if (control.ttl)
      line += " ttl " + std::to_string(*control.ttl);
    if (control.tos)
      line += " tos " + hex_byte(*control.tos) + " (dscp " + std::to_string(*control.tos >> 2) + ", ecn "
          + std::to_string(*control.tos & 3) + ")";
    line += " " + std::to_string(n) + " bytes";
    if (header)
      line += " seq " + std::to_string(header->sequence);
    if (arrival_ns)
      line += " arrived " + seconds_text(*arrival_ns);
    if (delay_ms)
      line += " delay " + json_number(*delay_ms) + " ms";
    if (control.dropped && *control.dropped != shown_dropped_)
    {
      // Only when the count moved: a datagram after a loss in this socket.
      line += " (kernel dropped " + std::to_string(*control.dropped - shown_dropped_) + " before it)";
      shown_dropped_ = *control.dropped;
    }
    print_line(line);
  }

  source_state& source(const udp::endpoint& from, clock::time_point now)
  {
    for (auto& s : sources_)
      if (s->from == from)
        return *s;
    auto s = std::make_unique<source_state>();
    s->from = from;
    s->first = s->last = s->shown_at = now;
    sources_.push_back(std::move(s));
    return *sources_.back();
  }

  static std::string endpoint_text(const udp::endpoint& e)
  {
    return e.address().to_string() + ":" + std::to_string(e.port());
  }

  // One status line per source, redrawn in place.
  void draw_status()
  {
    const auto now = clock::now();
    std::string out;
    if (drawn_ > 0)
      out += "\x1b[" + std::to_string(drawn_) + "F";
    if (sources_.empty())
    {
      out += "\x1b[2Kwaiting for datagrams...\n";
      drawn_ = 1;
    }
    else
    {
      // The "waiting" line is overwritten by the first source.
      drawn_ = std::max<std::size_t>(drawn_, sources_.size());
      for (auto& s : sources_)
      {
        const double span = seconds_between(s->shown_at, now);
        if (span >= 0.2)
        {
          s->live_rate = double(s->received - s->shown) / span;
          s->shown = s->received;
          s->shown_at = now;
        }
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.1f", s->live_rate);
        std::string line = "\x1b[2K" + endpoint_text(s->from) + "  " + rate + " pkt/s  received "
            + std::to_string(s->received);
        if (s->stream)
          line += "  lost " + std::to_string(s->sequence.lost()) + "  dup " + std::to_string(s->sequence.duplicated())
              + "  reordered " + std::to_string(s->sequence.reordered());
        if (s->last_ttl)
          line += "  ttl " + std::to_string(*s->last_ttl);
        if (s->delay.count())
          line += "  delay " + json_number(s->delay.average()) + " ms  jitter " + json_number(s->delay.jitter()) + " ms";
        out += line + "\n";
      }
      if (kernel_dropped_ != 0)
      {
        out += "\x1b[2Kkernel dropped " + std::to_string(kernel_dropped_) + " (receive buffer full)\n";
        drawn_ = std::max<std::size_t>(drawn_, sources_.size() + 1);
      }
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }

  void print_summary()
  {
    if (command_.json)
    {
      json_array list;
      for (const auto& s : sources_)
      {
        json_object o;
        o.add("from", endpoint_text(s->from)).add("received", s->received);
        if (s->stream)
          o.add("lost", s->sequence.lost())
              .add("duplicated", s->sequence.duplicated())
              .add("reordered", s->sequence.reordered());
        o.add("rate", s->rate(), 1);
        add_delay_summary(o, s->delay);
        list.add_raw(o.str());
      }
      json_object summary;
      summary.add("group", command_.group.to_string()).add("port", unsigned(command_.port)).add("received", total_);
      if (counts_drops_)
        summary.add("kernel_dropped", std::uint64_t(kernel_dropped_));
      print_line(json_object().add("summary", summary.add("sources", list)).str());
      return;
    }
    print_line("--- " + command_.group.to_string() + ":" + std::to_string(command_.port) + " summary ---");
    if (sources_.empty())
      print_line("no datagrams received");
    for (const auto& s : sources_)
    {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.1f", s->rate());
      std::string line = endpoint_text(s->from) + ": " + std::to_string(s->received) + " received";
      if (s->stream)
        line += ", " + std::to_string(s->sequence.lost()) + " lost, " + std::to_string(s->sequence.duplicated())
            + " duplicated, " + std::to_string(s->sequence.reordered()) + " reordered";
      else
        line += " (not numbered)";
      print_line(line + ", " + rate + " pkt/s");
      if (s->delay.count())
        print_line(delay_summary_text(s->delay));
    }
    if (kernel_dropped_ != 0)
      print_line("kernel dropped " + std::to_string(kernel_dropped_)
          + " datagrams on this socket (receive buffer full); they count as lost above");
  }


  const listen_command& command_;
  cmsg_socket<udp::socket> socket_;
  net::steady_timer timeout_;
  net::steady_timer redraw_;
  stopper stopper_;
  bool live_;
  std::uint64_t total_ = 0;
  std::uint32_t kernel_dropped_ = 0; // the socket's count, from control_message::dropped
  std::uint32_t shown_dropped_ = 0;
  bool counts_drops_ = false;        // receive_drop_count is on (Linux)
  bool stamps_ = false;              // --timestamps and receive_timestamps is on
  std::size_t drawn_ = 0;
  std::vector<std::unique_ptr<source_state>> sources_;
  interface_names names_;
  std::string failure_;
};

} // namespace

int run_listen(const listen_command& c)
{
  return run_to_completion<listener>(c);
}

} // namespace asio_ipv4::cli
