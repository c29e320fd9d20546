//
// example/traceroute_cpp20.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// traceroute(8) with UDP probes and the socket's error queue, in one
// coroutine. No raw socket, so no privilege is needed.
//
//   usage: traceroute_cpp20 <host-address> [max-hops [probes]]
//
//   $ ./traceroute_cpp20 10.0.4.2
//   traceroute to 10.0.4.2, 30 hops max, 3 probes per hop
//    1  10.0.1.2  0.081 ms  0.043 ms  0.040 ms
//    2  10.0.2.2  0.090 ms  0.061 ms  0.058 ms
//    3  10.0.3.2  0.101 ms  0.070 ms  0.066 ms
//    4  10.0.4.2  0.105 ms  0.077 ms  0.074 ms
//
// How it works: a probe is a small UDP datagram to an unlikely port
// (33434 and up), sent with a TTL of 1, then 2, 3... Each router decrements
// the TTL; the one where it reaches 0 drops the probe and answers with an
// ICMP "time exceeded" (type 11). The destination itself answers "port
// unreachable" (type 3, code 3): the trace has arrived.
//
// What it shows:
//   - asio_ipv4::cmsg_socket over a plain udp::socket, sending each probe
//     with its own TTL in control_message::ttl (IP_TTL as a control message:
//     the socket's own TTL never changes).
//   - ip4::receive_errors (IP_RECVERR): ICMP errors about our datagrams queue
//     on the socket's error queue, read with async_receive_error. The entry
//     says which datagram failed (its destination, so its port: our probe
//     number), who answered (control.error->offender) and why
//     (control.error->type and code).
//   - A per-probe timeout with awaitable operators (`||` with a
//     steady_timer): "*" when no answer comes.
//
// Exit status: 0 when the destination answered, 1 when it did not within
// max-hops, 2 for usage and setup errors.

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::udp;
using namespace net::experimental::awaitable_operators;
using clock_type = std::chrono::steady_clock;

namespace {

// How long to wait for the answer to one probe.
constexpr auto probe_timeout = std::chrono::seconds(1);

// The first destination port, as traceroute(8) uses it; probe n goes to
// base_port + n, so the port of a failed datagram tells which probe it was.
constexpr unsigned short base_port = 33434;

// What one probe found.
struct probe_result
{
  bool answered = false;
  net::ip::address_v4 from;        // the router or host that answered
  double milliseconds = 0;
  std::uint8_t type = 0, code = 0; // the ICMP message
};

bool is_time_exceeded(const probe_result& r)
{
  return r.type == static_cast<std::uint8_t>(ip4::icmp_type::time_exceeded);
}

bool is_port_unreachable(const probe_result& r)
{
  return r.type == static_cast<std::uint8_t>(ip4::icmp_type::destination_unreachable)
      && r.code == static_cast<std::uint8_t>(ip4::icmp_unreachable_code::port_unreachable);
}

// traceroute(8)'s annotations for the other "destination unreachable" codes.
std::string annotation(const probe_result& r)
{
  if (is_time_exceeded(r) || is_port_unreachable(r))
    return "";
  if (r.type != static_cast<std::uint8_t>(ip4::icmp_type::destination_unreachable))
    return " !<type " + std::to_string(r.type) + ">";
  switch (static_cast<ip4::icmp_unreachable_code>(r.code))
  {
  case ip4::icmp_unreachable_code::network_unreachable: return " !N";
  case ip4::icmp_unreachable_code::host_unreachable: return " !H";
  case ip4::icmp_unreachable_code::protocol_unreachable: return " !P";
  case ip4::icmp_unreachable_code::fragmentation_needed: return " !F";
  case ip4::icmp_unreachable_code::source_route_failed: return " !S";
  case ip4::icmp_unreachable_code::communication_prohibited: return " !X";
  default: return " !<" + std::to_string(r.code) + ">";
  }
}

// Sends one probe with the given TTL and waits for its ICMP answer.
net::awaitable<probe_result> probe(asio_ipv4::cmsg_socket<udp::socket>& socket, net::steady_timer& timer,
    const net::ip::address_v4& target, unsigned short port, std::uint8_t ttl)
{
  // The TTL goes with this datagram only, as an IP_TTL control message.
  asio_ipv4::control_message control;
  control.ttl = ttl;
  static const char payload[] = "asio_ipv4 traceroute probe";
  const udp::endpoint destination(target, port);

  const auto sent_at = clock_type::now();
  auto [ec, sent] = co_await socket.async_send_to(net::buffer(payload), destination, control,
      net::as_tuple(net::use_awaitable));
  if (ec)
  {
    // Linux reports an ICMP error that arrived after its probe timed out
    // once more, as the error of the next send (the socket's pending error,
    // SO_ERROR). Taking it clears it: the send is simply made again. The
    // entry itself is still queued; the loop below skips it as too late.
    std::tie(ec, sent) = co_await socket.async_send_to(net::buffer(payload), destination, control,
        net::as_tuple(net::use_awaitable));
    if (ec)
      throw boost::system::system_error(ec, "send");
  }

  timer.expires_at(sent_at + probe_timeout);
  for (;;)
  {
    // One entry of the error queue: the start of the datagram that failed
    // (our payload), its destination (target and port), and control.error.
    std::array<char, 512> quoted;
    udp::endpoint failed_destination;
    asio_ipv4::control_message answer;
    auto result = co_await (
        socket.async_receive_error(net::buffer(quoted), failed_destination, answer,
            net::as_tuple(net::use_awaitable))
        || timer.async_wait(net::as_tuple(net::use_awaitable)));
    if (result.index() == 1)
      co_return probe_result{}; // timed out: "*"

    auto [error, n] = std::get<0>(result);
    if (error == net::error::message_size)
      error = {}; // only the start of the quoted datagram was kept: enough
    if (error)
      throw boost::system::system_error(error, "receive_error");

    // Only ICMP answers about this very probe count: late answers to earlier
    // probes have another port, and local errors (origin_local) have no
    // router to report.
    const auto& e = answer.error;
    if (!e || e->origin != asio_ipv4::extended_error::origin_icmp || !e->offender
        || failed_destination.port() != port || failed_destination.address() != net::ip::address(target))
      continue;
    probe_result r;
    r.answered = true;
    r.from = *e->offender;
    r.milliseconds = std::chrono::duration<double, std::milli>(clock_type::now() - sent_at).count();
    r.type = e->type;
    r.code = e->code;
    co_return r;
  }
}

// The whole program. Returns the exit status.
net::awaitable<int> traceroute(net::ip::address_v4 target, unsigned max_hops, unsigned probes)
{
  auto executor = co_await net::this_coro::executor;
  asio_ipv4::cmsg_socket<udp::socket> socket(executor, udp::endpoint(udp::v4(), 0));
  // Without IP_RECVERR, Linux keeps ICMP errors of an unconnected UDP
  // socket to itself.
  socket.next_layer().set_option(ip4::receive_errors(true));
  net::steady_timer timer(executor);

  std::cout << "traceroute to " << target << ", " << max_hops << " hops max, " << probes << " probes per hop"
            << std::endl;
  unsigned sequence = 0;
  for (unsigned hop = 1; hop <= max_hops; ++hop)
  {
    std::printf("%2u ", hop);
    std::optional<net::ip::address_v4> last;
    bool arrived = false, stop = false;
    for (unsigned i = 0; i < probes; ++i)
    {
      const auto port = static_cast<unsigned short>(base_port + sequence++);
      const probe_result r = co_await probe(socket, timer, target, port, static_cast<std::uint8_t>(hop));
      if (!r.answered)
      {
        std::printf("  *");
      }
      else
      {
        // The address once per hop, again only when another node answers.
        if (last != r.from)
          std::printf(" %s", r.from.to_string().c_str());
        last = r.from;
        std::printf("  %.3f ms%s", r.milliseconds, annotation(r).c_str());
        arrived = arrived || is_port_unreachable(r);
        stop = stop || !is_time_exceeded(r);
      }
      std::fflush(stdout);
    }
    std::printf("\n");
    // Port unreachable: the destination answered. Any other unreachable
    // code: nothing further down the path will answer either.
    if (stop)
      co_return arrived ? 0 : 1;
  }
  co_return 1;
}

const char usage[] =
    "usage: traceroute_cpp20 <host-address> [max-hops [probes]]\n"
    "  host-address  an IPv4 address, such as 192.0.2.1\n"
    "  max-hops      the largest TTL tried, 1..255 (default 30)\n"
    "  probes        probes per hop, 1..10 (default 3)\n";

} // namespace

int main(int argc, char* argv[])
{
  // Arguments: an address, then optional numbers checked with from_chars.
  boost::system::error_code ec;
  const auto target = argc > 1 ? net::ip::make_address_v4(argv[1], ec) : net::ip::address_v4();
  unsigned limits[2][3] = {{30, 1, 255}, {3, 1, 10}}; // value, lowest, highest
  bool ok = argc >= 2 && argc <= 4 && !ec;
  for (int i = 2; ok && i < argc; ++i)
  {
    unsigned& value = limits[i - 2][0];
    const char* end = argv[i] + std::strlen(argv[i]);
    const auto [stop, error] = std::from_chars(argv[i], end, value);
    ok = error == std::errc() && stop == end && value >= limits[i - 2][1] && value <= limits[i - 2][2];
  }
  if (!ok)
  {
    std::cerr << usage;
    return 2;
  }

  net::io_context ctx;
  int status = 2;
  // The completion handler sees the coroutine's result, or the exception
  // that ended it (a failed send or error-queue read).
  net::co_spawn(ctx, traceroute(target, limits[0][0], limits[1][0]), [&](std::exception_ptr error, int result) {
    status = result;
    if (!error)
      return;
    status = 2;
    try
    {
      std::rethrow_exception(error);
    }
    catch (const std::exception& e)
    {
      std::cerr << "\ntraceroute_cpp20: " << e.what() << "\n";
    }
  });
  ctx.run();
  return status;
}
