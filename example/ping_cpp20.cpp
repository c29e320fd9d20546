//
// example/ping_cpp20.cpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// ping(8) in one coroutine: ICMP echo requests sent on a raw ICMP socket,
// echo replies read back with their IPv4 header.
//
//   usage: ping_cpp20 <host-address> [count [ttl]]
//
//   $ sudo ./ping_cpp20 10.0.2.2 3
//   PING 10.0.2.2: 56 data bytes
//   64 bytes from 10.0.2.2: icmp_seq=1 ttl=63 time=0.112 ms
//   64 bytes from 10.0.2.2: icmp_seq=2 ttl=63 time=0.071 ms
//   64 bytes from 10.0.2.2: icmp_seq=3 ttl=63 time=0.069 ms
//
//   --- 10.0.2.2 ping statistics ---
//   3 packets transmitted, 3 received, 0% packet loss
//   rtt min/avg/max = 0.069/0.084/0.112 ms
//
// With a small ttl the probes die on the way, and the routers' "time to
// live exceeded" messages are reported instead:
//
//   $ sudo ./ping_cpp20 10.0.2.2 1 1
//   From 10.0.1.2: icmp_seq=1 Time to live exceeded
//
// What it shows:
//   - A raw ICMP socket (boost::asio::ip::icmp::socket, opened with
//     CAP_NET_RAW) wrapped in asio_ipv4::cmsg_socket, so that each send can
//     carry its own TTL (control_message::ttl).
//   - ip4::icmp_filter: the kernel hands this socket only the ICMP types it
//     can use. Without it, every ICMP message reaching the host would wake it
//     up (including the echo requests other hosts send us).
//   - ip4::checksum for the ICMP checksum, ip4::parse_header and ip4::payload
//     to read what a raw socket receives: the whole IPv4 packet.
//   - A per-probe timeout with awaitable operators: the receive and a
//     steady_timer race with `||`, and the loser is cancelled.
//
// Exit status: 0 when at least one reply came, 1 when none did, 2 for usage
// and setup errors (no permission to open a raw socket, for example).

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4/header.hpp>
#include <asio_ipv4/ip4/icmp_filter.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <unistd.h>

#include <algorithm>
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
#include <vector>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::icmp;
using namespace net::experimental::awaitable_operators;
using clock_type = std::chrono::steady_clock;

namespace {

// How long to wait for each reply, and the time between two requests.
constexpr auto reply_timeout = std::chrono::seconds(1);
constexpr auto interval = std::chrono::seconds(1);

// The payload size ping(8) uses by default: with the 8-byte ICMP header, a
// 64-byte ICMP message.
constexpr std::size_t data_bytes = 56;

constexpr std::size_t icmp_header_bytes = 8;

// Big-endian helpers: everything on the wire is in network byte order.
void put16(std::uint8_t* p, std::uint16_t v)
{
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

std::uint16_t get16(const std::uint8_t* p)
{
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

// An ICMP echo request (RFC 792):
//
//   0      type = 8    code = 0     checksum
//   4      identifier               sequence number
//   8      data: here the send time (8 bytes, nanoseconds of the steady
//          clock), then a byte pattern
//
// The checksum is the Internet checksum of the whole ICMP message, computed
// with the checksum field set to 0. ip4::checksum returns it as the number
// whose big-endian bytes go on the wire.
std::vector<std::uint8_t> make_echo_request(std::uint16_t id, std::uint16_t sequence, clock_type::time_point now)
{
  std::vector<std::uint8_t> m(icmp_header_bytes + data_bytes);
  m[0] = static_cast<std::uint8_t>(ip4::icmp_type::echo_request);
  m[1] = 0;
  put16(&m[4], id);
  put16(&m[6], sequence);
  const auto stamp = static_cast<std::uint64_t>(now.time_since_epoch().count());
  for (int i = 0; i < 8; ++i)
    m[8 + i] = static_cast<std::uint8_t>(stamp >> (56 - 8 * i));
  for (std::size_t i = 16; i < m.size(); ++i)
    m[i] = static_cast<std::uint8_t>(i);
  put16(&m[2], ip4::checksum(net::buffer(m)));
  return m;
}

// The send time carried in an echo's data (the reply echoes it back).
clock_type::time_point stamp_of(const std::uint8_t* data)
{
  std::uint64_t stamp = 0;
  for (int i = 0; i < 8; ++i)
    stamp = stamp << 8 | data[i];
  return clock_type::time_point(clock_type::duration(static_cast<clock_type::rep>(stamp)));
}

// What one received packet means for probe (id, sequence).
struct answer
{
  enum kind { unrelated, reply, error } what = unrelated;
  ip4::header ip;                // the received packet's IPv4 header
  std::size_t icmp_bytes = 0;    // the ICMP message's length
  std::uint8_t type = 0, code = 0;
  clock_type::time_point sent{}; // reply: the stamp it echoed
};

// Reads a packet received on the raw ICMP socket. On Linux it starts with
// the full IPv4 header, every field in network byte order; the ICMP message
// follows it.
answer classify(net::const_buffer packet, std::uint16_t id, std::uint16_t sequence,
    const net::ip::address_v4& target)
{
  answer a;
  boost::system::error_code ec;
  ip4::parse_header(packet, a.ip, ec);
  if (ec)
    return a; // not an IPv4 packet we can read
  const net::const_buffer message = ip4::payload(packet, a.ip);
  const auto* m = static_cast<const std::uint8_t*>(message.data());
  // A message whose checksum does not verify (sums to something else than
  // 0) was damaged; so was one too short for its header.
  if (message.size() < icmp_header_bytes || ip4::checksum(message) != 0)
    return a;
  a.icmp_bytes = message.size();
  a.type = m[0];
  a.code = m[1];

  switch (static_cast<ip4::icmp_type>(a.type))
  {
  case ip4::icmp_type::echo_reply:
    // Echo replies to every ping running on this host reach every raw ICMP
    // socket: the identifier tells ours apart, the sequence number the probe.
    if (get16(m + 4) == id && get16(m + 6) == sequence && message.size() >= icmp_header_bytes + 8
        && a.ip.source == target)
    {
      a.what = answer::reply;
      a.sent = stamp_of(m + icmp_header_bytes);
    }
    return a;

  case ip4::icmp_type::destination_unreachable:
  case ip4::icmp_type::time_exceeded:
  {
    // An ICMP error quotes the packet that caused it: its IPv4 header and at
    // least its first 8 bytes, here our echo request's ICMP header.
    const net::const_buffer quoted = message + icmp_header_bytes;
    ip4::header inner;
    ip4::parse_header(quoted, inner, ec);
    if (ec || inner.protocol != icmp::v4().protocol() || inner.destination != target
        || quoted.size() < inner.header_length + std::size_t(8))
      return a;
    const auto* request = static_cast<const std::uint8_t*>(quoted.data()) + inner.header_length;
    if (request[0] == static_cast<std::uint8_t>(ip4::icmp_type::echo_request) && get16(request + 4) == id
        && get16(request + 6) == sequence)
      a.what = answer::error;
    return a;
  }

  default:
    return a;
  }
}

std::string describe_error(const answer& a)
{
  if (a.type == static_cast<std::uint8_t>(ip4::icmp_type::time_exceeded))
    return "Time to live exceeded";
  switch (static_cast<ip4::icmp_unreachable_code>(a.code))
  {
  case ip4::icmp_unreachable_code::network_unreachable: return "Destination Net Unreachable";
  case ip4::icmp_unreachable_code::host_unreachable: return "Destination Host Unreachable";
  case ip4::icmp_unreachable_code::protocol_unreachable: return "Destination Protocol Unreachable";
  case ip4::icmp_unreachable_code::port_unreachable: return "Destination Port Unreachable";
  case ip4::icmp_unreachable_code::fragmentation_needed: return "Frag needed";
  case ip4::icmp_unreachable_code::communication_prohibited: return "Communication prohibited by filter";
  default:
    return "Destination unreachable, code " + std::to_string(a.code) + " ("
        + std::string(ip4::to_string(static_cast<ip4::icmp_unreachable_code>(a.code))) + ")";
  }
}

double milliseconds(clock_type::duration d)
{
  return std::chrono::duration<double, std::milli>(d).count();
}

// The whole program: `count` probes to `target`, then the summary. Returns
// the exit status.
net::awaitable<int> ping(net::ip::address_v4 target, unsigned count, std::optional<std::uint8_t> ttl)
{
  auto executor = co_await net::this_coro::executor;

  // Opening a raw socket needs CAP_NET_RAW; without it this throws
  // system_error(no_permission), reported by main(). Raw ICMP sockets
  // receive every ICMP message the host receives (each one starting with its
  // IPv4 header), so the kernel filter keeps only those ping can use.
  asio_ipv4::cmsg_socket<icmp::socket> socket(executor, icmp::v4());
  socket.next_layer().set_option(ip4::icmp_filter()
                                     .block_all()
                                     .pass(ip4::icmp_type::echo_reply)
                                     .pass(ip4::icmp_type::destination_unreachable)
                                     .pass(ip4::icmp_type::time_exceeded));

  // Per-probe control messages: only the TTL, and only when asked for.
  // Everything else comes from the socket's defaults.
  asio_ipv4::control_message send_control;
  send_control.ttl = ttl;

  // Our identifier: the process id, as ping(8) does.
  const auto id = static_cast<std::uint16_t>(::getpid());
  const icmp::endpoint destination(target, 0);
  net::steady_timer timer(executor);
  std::array<std::uint8_t, 65536> buffer;
  unsigned transmitted = 0, received = 0, errors = 0;
  std::vector<double> rtts;

  std::cout << "PING " << target << ": " << data_bytes << " data bytes" << std::endl;
  for (unsigned i = 1; i <= count; ++i)
  {
    const auto sequence = static_cast<std::uint16_t>(i);
    const auto sent_at = clock_type::now();
    const auto request = make_echo_request(id, sequence, sent_at);
    auto [send_error, sent] = co_await socket.async_send_to(
        net::buffer(request), destination, send_control, net::as_tuple(net::use_awaitable));
    if (send_error)
      std::cout << "ping_cpp20: sendto " << target << ": " << send_error.message() << std::endl;
    else
      ++transmitted;

    // Wait for this probe's answer until the deadline. Other packets (replies
    // to another ping, a late reply to an earlier probe) are skipped.
    const auto deadline = sent_at + reply_timeout;
    bool answered = send_error.failed();
    while (!answered)
    {
      icmp::endpoint sender;
      asio_ipv4::control_message control;
      timer.expires_at(deadline);
      // The receive and the timer race; `||` cancels whichever loses. The
      // receive supports per-operation cancellation: cancelled before a
      // packet was taken, it leaves the packet queued for the next receive.
      auto result = co_await (
          socket.async_receive_from(net::buffer(buffer), sender, control, net::as_tuple(net::use_awaitable))
          || timer.async_wait(net::as_tuple(net::use_awaitable)));
      if (result.index() == 1)
      {
        std::cout << "Request timeout for icmp_seq " << sequence << std::endl;
        break;
      }
      auto [ec, n] = std::get<0>(result);
      if (ec == net::error::message_size || ec == asio_ipv4::error::control_truncated)
        continue; // larger than any reply to our requests: not ours
      if (ec)
      {
        std::cout << "ping_cpp20: receive: " << ec.message() << std::endl;
        co_return 2;
      }

      const answer a = classify(net::buffer(buffer.data(), n), id, sequence, target);
      if (a.what == answer::reply)
      {
        const double rtt = milliseconds(clock_type::now() - a.sent);
        rtts.push_back(rtt);
        ++received;
        // The TTL the reply arrived with, from its IPv4 header. (On a UDP
        // socket, which has no header to read, ip4::receive_ttl gives the
        // same number in control.ttl.)
        std::printf("%zu bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n", a.icmp_bytes,
            a.ip.source.to_string().c_str(), unsigned(sequence), unsigned(a.ip.ttl), rtt);
        std::fflush(stdout);
        answered = true;
      }
      else if (a.what == answer::error)
      {
        // The router or host that gave up on the probe is the packet's source.
        std::cout << "From " << a.ip.source << ": icmp_seq=" << sequence << " " << describe_error(a)
                  << std::endl;
        ++errors;
        answered = true;
      }
    }

    // Keep one request per interval, as ping(8) does; none after the last.
    if (i < count)
    {
      timer.expires_at(sent_at + interval);
      co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    }
  }

  std::cout << "\n--- " << target << " ping statistics ---\n"
            << transmitted << " packets transmitted, " << received << " received";
  if (errors)
    std::cout << ", +" << errors << " errors";
  const unsigned loss = transmitted ? (transmitted - received) * 100 / transmitted : 0;
  std::cout << ", " << loss << "% packet loss" << std::endl;
  if (!rtts.empty())
  {
    double sum = 0;
    for (double r : rtts)
      sum += r;
    std::printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", *std::min_element(rtts.begin(), rtts.end()),
        sum / double(rtts.size()), *std::max_element(rtts.begin(), rtts.end()));
  }
  co_return received > 0 ? 0 : 1;
}

const char usage[] =
    "usage: ping_cpp20 <host-address> [count [ttl]]\n"
    "  host-address  an IPv4 address, such as 192.0.2.1\n"
    "  count         echo requests to send (default 4)\n"
    "  ttl           the requests' time to live, 1..255 (default: the system's)\n"
    "Needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep ping_cpp20).\n";

// Reads a whole decimal number in [low, high].
bool parse(const char* text, unsigned low, unsigned high, unsigned& out)
{
  const char* end = text + std::strlen(text);
  const auto [stop, error] = std::from_chars(text, end, out);
  return error == std::errc() && stop == end && out >= low && out <= high;
}

} // namespace

int main(int argc, char* argv[])
{
  boost::system::error_code ec;
  const auto target = argc > 1 ? net::ip::make_address_v4(argv[1], ec) : net::ip::address_v4();
  unsigned count = 4, ttl = 0;
  if (argc < 2 || argc > 4 || ec || (argc > 2 && !parse(argv[2], 1, 1000000, count))
      || (argc > 3 && !parse(argv[3], 1, 255, ttl)))
  {
    std::cerr << usage;
    return 2;
  }

  // Run the coroutine; the handler receives its result, or the exception
  // that ended it.
  net::io_context ctx;
  int status = 2;
  std::exception_ptr failure;
  net::co_spawn(ctx, ping(target, count, ttl ? std::optional<std::uint8_t>(ttl) : std::nullopt),
      [&](std::exception_ptr e, int result) {
        failure = e;
        status = result;
      });
  ctx.run();
  if (!failure)
    return status;
  try
  {
    std::rethrow_exception(failure);
  }
  catch (const boost::system::system_error& e)
  {
    // Opening the raw socket without CAP_NET_RAW ends here.
    if (e.code() == net::error::no_permission || e.code() == net::error::access_denied)
      std::cerr << "ping_cpp20: cannot open a raw ICMP socket (" << e.code().message()
                << "): it needs CAP_NET_RAW; run as root, or setcap cap_net_raw+ep ping_cpp20\n";
    else
      std::cerr << "ping_cpp20: " << e.code().message() << "\n";
  }
  catch (const std::exception& e)
  {
    std::cerr << "ping_cpp20: " << e.what() << "\n";
  }
  return 2;
}
