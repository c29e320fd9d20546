//
// test/windows/options_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The library's options, multicast memberships, interfaces and blocking
// cmsg_socket receive on Windows, run under Wine by `.ci/cross.sh windows`
// (and on Windows as it is). Oracles that are not the library: raw
// getsockopt/setsockopt, if_nametoindex, and datagrams actually sent from a
// chosen source address and seen (or not) by a receiver.
//
// Wine is not Windows: what the system really does is found out at run time.
// A path the system refuses (the raw call fails the same way) or gets wrong
// (Wine's swapped ip_mreq_source, its dropped WSASendMsg control data) is a
// named skip with its reason, counted and printed; a check never passes on a
// call's return value alone. The program fails when a check fails, or when
// nothing was checked.

#include <asio_ipv4.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <iphlpapi.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using boost::system::error_code;
using net::ip::address_v4;
using net::ip::udp;

// ---------------------------------------------------------------------------
// Counting and printing.

int passed = 0;
int failed = 0;
std::vector<std::string> skips;

void pass(const std::string& what)
{
  ++passed;
  std::printf("pass  %s\n", what.c_str());
}

void fail(const std::string& what, const std::string& detail)
{
  ++failed;
  std::printf("FAIL  %s: %s\n", what.c_str(), detail.c_str());
}

void skip(const std::string& what, const std::string& reason)
{
  skips.push_back(what + ": " + reason);
  std::printf("skip  %s: %s\n", what.c_str(), reason.c_str());
}

std::string code(const error_code& ec)
{
  return ec ? std::to_string(ec.value()) + " (" + ec.category().name() + ")" : "success";
}

std::string code(int wsa) { return std::to_string(wsa); }

// ---------------------------------------------------------------------------
// The oracle: raw Winsock calls.

SOCKET handle(udp::socket& s) { return s.native_handle(); }

// getsockopt as an int (a DWORD option); nullopt with the WSA code in `err`.
std::optional<int> raw_get(udp::socket& s, int level, int name, int* err = nullptr)
{
  int v = 0;
  int len = sizeof(v);
  if (::getsockopt(handle(s), level, name, reinterpret_cast<char*>(&v), &len) == SOCKET_ERROR)
  {
    if (err)
      *err = ::WSAGetLastError();
    return std::nullopt;
  }
  if (len == 1)
    v &= 0xff;
  return v;
}

// setsockopt of an int: 0 or the WSA code.
int raw_set(udp::socket& s, int level, int name, int value)
{
  if (::setsockopt(handle(s), level, name, reinterpret_cast<const char*>(&value), sizeof(value)) == SOCKET_ERROR)
    return ::WSAGetLastError();
  return 0;
}

// setsockopt of some bytes: 0 or the WSA code.
int raw_set_bytes(udp::socket& s, int level, int name, const void* data, int size)
{
  if (::setsockopt(handle(s), level, name, static_cast<const char*>(data), size) == SOCKET_ERROR)
    return ::WSAGetLastError();
  return 0;
}

in_addr in(const char* text)
{
  in_addr a{};
  ::inet_pton(AF_INET, text, &a);
  return a;
}

// Every int option this test sets, as the system reports it, and the
// address-sharing switches (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE): an option the
// library refuses must leave all of them as they were.
std::vector<std::optional<int>> snapshot(udp::socket& s)
{
  std::vector<std::optional<int>> v;
  for (int name : {IP_TTL, IP_TOS, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_PKTINFO, IP_RECVTTL, IP_RECVTOS,
           IP_DONTFRAGMENT})
    v.push_back(raw_get(s, IPPROTO_IP, name));
  for (int name : {SO_REUSEADDR, SO_EXCLUSIVEADDRUSE})
    v.push_back(raw_get(s, SOL_SOCKET, name));
  return v;
}

udp::socket open_udp(net::io_context& io, const char* bind_to = "127.0.0.1", unsigned short port = 0)
{
  udp::socket s(io, udp::v4());
  s.bind(udp::endpoint(net::ip::make_address_v4(bind_to), port));
  return s;
}

// ---------------------------------------------------------------------------
// Value options: set through the library, read raw; set raw-checked again
// with a second value, read through the library.

template <class Option, class V>
void round_trip(net::io_context& io, const std::string& name, int level, int optname, V a, int raw_a, V b,
    int raw_b, std::function<bool(const Option&)> library_reads_b)
{
  udp::socket s = open_udp(io);
  error_code ec;
  s.set_option(Option(a), ec);
  if (ec)
  {
    const int raw = raw_set(s, level, optname, raw_a);
    if (raw == ec.value())
      skip(name, "the system refuses it: raw setsockopt(" + std::to_string(level) + ", " + std::to_string(optname)
              + ") fails with WSA " + code(raw) + " as the library's set does");
    else
      fail(name + " set", "library " + code(ec) + ", raw setsockopt " + code(raw));
    return;
  }
  auto got = raw_get(s, level, optname);
  if (!got || *got != raw_a)
    return fail(name + " set", "raw getsockopt gives " + (got ? std::to_string(*got) : "an error") + ", expected "
            + std::to_string(raw_a));
  s.set_option(Option(b), ec);
  got = raw_get(s, level, optname);
  if (ec || !got || *got != raw_b)
    return fail(name + " second set", code(ec) + ", raw getsockopt gives " + (got ? std::to_string(*got) : "an error")
            + ", expected " + std::to_string(raw_b));
  Option read;
  s.get_option(read, ec);
  if (ec || !library_reads_b(read))
    return fail(name + " get", code(ec) + ", or the value read is not the one raw getsockopt reports");
  pass(name + ": set " + std::to_string(raw_a) + " and " + std::to_string(raw_b) + ", raw getsockopt agrees, get_option reads it");
}

template <class Option>
void boolean_round_trip(net::io_context& io, const std::string& name, int optname)
{
  round_trip<Option>(io, name, IPPROTO_IP, optname, true, 1, false, 0,
      [](const Option& o) { return o.value() == false; });
}

void value_options(net::io_context& io)
{
  round_trip<ip4::ttl>(io, "ttl (IP_TTL)", IPPROTO_IP, IP_TTL, 77, 77, 200, 200,
      [](const ip4::ttl& o) { return o.value() == 200; });
  round_trip<ip4::tos>(io, "tos (IP_TOS)", IPPROTO_IP, IP_TOS, 0x28, 0x28, 0xb8, 0xb8,
      [](const ip4::tos& o) { return o.value() == 0xb8; });
  round_trip<ip4::multicast_ttl>(io, "multicast_ttl (IP_MULTICAST_TTL)", IPPROTO_IP, IP_MULTICAST_TTL, 9, 9, 0, 0,
      [](const ip4::multicast_ttl& o) { return o.value() == 0; });
  round_trip<ip4::multicast_loopback>(io, "multicast_loopback (IP_MULTICAST_LOOP)", IPPROTO_IP, IP_MULTICAST_LOOP,
      false, 0, true, 1, [](const ip4::multicast_loopback& o) { return o.value(); });
  boolean_round_trip<ip4::receive_packet_info>(io, "receive_packet_info (IP_PKTINFO)", IP_PKTINFO);
  boolean_round_trip<ip4::receive_destination_address>(io, "receive_destination_address (IP_PKTINFO)", IP_PKTINFO);
  boolean_round_trip<ip4::receive_interface>(io, "receive_interface (IP_PKTINFO)", IP_PKTINFO);
  boolean_round_trip<ip4::receive_ttl>(io, "receive_ttl (IP_RECVTTL)", IP_RECVTTL);
  boolean_round_trip<ip4::receive_tos>(io, "receive_tos (IP_RECVTOS)", IP_RECVTOS);
  round_trip<ip4::mtu_discover>(io, "mtu_discover (IP_DONTFRAGMENT)", IPPROTO_IP, IP_DONTFRAGMENT, ip4::pmtu::do_, 1,
      ip4::pmtu::dont, 0, [](const ip4::mtu_discover& o) { return o.value() == ip4::pmtu::dont; });
  round_trip<asio_ipv4::udp_segment>(io, "udp_segment (UDP_SEND_MSG_SIZE)", IPPROTO_UDP, 2, 1200, 1200, 0, 0,
      [](const asio_ipv4::udp_segment& o) { return o.value() == 0; });

  // IP_OPTIONS: bytes; the raw oracle reads them back.
  {
    udp::socket s = open_udp(io);
    error_code ec;
    const unsigned char nop_eol[4] = {1, 1, 1, 0};
    s.set_option(ip4::options(net::buffer(nop_eol)), ec);
    unsigned char back[40] = {};
    int len = sizeof(back);
    const bool read = ::getsockopt(handle(s), IPPROTO_IP, IP_OPTIONS, reinterpret_cast<char*>(back), &len) == 0;
    if (ec)
    {
      const int raw = raw_set_bytes(s, IPPROTO_IP, IP_OPTIONS, nop_eol, 4);
      if (raw == ec.value())
        skip("options (IP_OPTIONS)", "the system refuses it: raw setsockopt fails with WSA " + code(raw));
      else
        fail("options (IP_OPTIONS)", "library " + code(ec) + ", raw " + code(raw));
    }
    else if (!read || len != 4 || std::memcmp(back, nop_eol, 4) != 0)
      fail("options (IP_OPTIONS)", "raw getsockopt gives " + std::to_string(read ? len : -1) + " bytes, not the 4 set");
    else
      pass("options (IP_OPTIONS): 4 bytes set, raw getsockopt gives them back");
  }

  // IP_MTU: only on a connected socket; Windows 10 1703 and later.
  {
    udp::socket s = open_udp(io);
    s.connect(udp::endpoint(address_v4::loopback(), 9));
    ip4::mtu m;
    error_code ec;
    s.get_option(m, ec);
    int err = 0;
    auto raw = raw_get(s, IPPROTO_IP, IP_MTU, &err);
    if (ec && !raw && err == ec.value())
      skip("mtu (IP_MTU)", "the system refuses it: raw getsockopt fails with WSA " + code(err));
    else if (ec || !raw || *raw != m.value())
      fail("mtu (IP_MTU)", "library " + code(ec) + " value " + std::to_string(m.value()) + ", raw "
              + (raw ? std::to_string(*raw) : "WSA " + code(err)));
    else
      pass("mtu (IP_MTU): " + std::to_string(m.value()) + ", as raw getsockopt says");
  }
}

// ---------------------------------------------------------------------------
// Options Windows lacks: the platform file's pair, refused without effect.

void unsupported_options(net::io_context& io)
{
  udp::socket s = open_udp(io);
  // The pair detail/win/platform.hpp hands over (IPPROTO_IP, 0x7ff0): the
  // system must refuse it, and its answer is what the library reports.
  const int pair_answer = raw_set(s, IPPROTO_IP, 0x7ff0, 1);
  if (pair_answer != WSAENOPROTOOPT)
    fail("the unsupported pair (IPPROTO_IP, 0x7ff0)", "raw setsockopt answers " + code(pair_answer)
            + ", expected WSAENOPROTOOPT (10042)");
  else
    pass("the unsupported pair (IPPROTO_IP, 0x7ff0): raw setsockopt answers WSAENOPROTOOPT");
  const error_code expected = net::error::no_protocol_option;
  s.set_option(ip4::ttl(33));
  s.set_option(ip4::receive_tos(true));
  const auto before = snapshot(s);

  auto check = [&](const std::string& name, const std::function<void(error_code&)>& set) {
    error_code ec;
    set(ec);
    if (ec != expected)
      return fail(name, "got " + code(ec) + ", expected " + code(expected));
    if (snapshot(s) != before)
      return fail(name, "the socket's options changed");
    pass(name + ": refused with no_protocol_option, nothing changed");
  };
  check("multicast_all (Linux only)", [&](error_code& ec) { s.set_option(ip4::multicast_all(true), ec); });
  check("freebind (Linux only)", [&](error_code& ec) { s.set_option(ip4::freebind(true), ec); });
  check("transparent (Linux only)", [&](error_code& ec) { s.set_option(ip4::transparent(true), ec); });
  check("receive_original_destination", [&](error_code& ec) {
    s.set_option(ip4::receive_original_destination(true), ec);
  });
  check("receive_errors (no error queue)", [&](error_code& ec) { s.set_option(ip4::receive_errors(true), ec); });
  check("min_ttl", [&](error_code& ec) { s.set_option(ip4::min_ttl(10), ec); });
  check("bind_address_no_port", [&](error_code& ec) { s.set_option(ip4::bind_address_no_port(true), ec); });
  check("no_defragment", [&](error_code& ec) { s.set_option(ip4::no_defragment(true), ec); });
  check("udp_gro", [&](error_code& ec) { s.set_option(asio_ipv4::udp_gro(true), ec); });
  check("receive_drop_count", [&](error_code& ec) { s.set_option(asio_ipv4::receive_drop_count(true), ec); });
  check("receive_timestamps (an ioctl on Windows)", [&](error_code& ec) {
    s.set_option(asio_ipv4::receive_timestamps(true), ec);
  });
  check("timestamping (Linux only)", [&](error_code& ec) {
    s.set_option(asio_ipv4::timestamping(asio_ipv4::timestamping::tx_software), ec);
  });
  check("detach_bpf_filter", [&](error_code& ec) { s.set_option(asio_ipv4::detach_bpf_filter(), ec); });
  check("mtu_discover(want)", [&](error_code& ec) { s.set_option(ip4::mtu_discover(ip4::pmtu::want), ec); });
  check("mtu_discover(probe)", [&](error_code& ec) { s.set_option(ip4::mtu_discover(ip4::pmtu::probe), ec); });
  check("get multicast_all", [&](error_code& ec) {
    ip4::multicast_all o;
    s.get_option(o, ec);
  });
  check("get udp_gro", [&](error_code& ec) {
    asio_ipv4::udp_gro o;
    s.get_option(o, ec);
  });
  // The options of issue 18 (scale): Windows has none of them; invalid
  // values are refused the same way. The snapshot holds SO_REUSEADDR and
  // SO_EXCLUSIVEADDRUSE too: reuse_port must not become either.
  const std::vector<asio_ipv4::sock_filter> program{{0x06, 0, 0, 0}};
  check("reuse_port (not SO_REUSEADDR)", [&](error_code& ec) { s.set_option(asio_ipv4::reuse_port(true), ec); });
  check("reuse_port_steering", [&](error_code& ec) { s.set_option(asio_ipv4::reuse_port_steering(program), ec); });
  check("reuse_port_steering, empty program", [&](error_code& ec) {
    s.set_option(asio_ipv4::reuse_port_steering(std::vector<asio_ipv4::sock_filter>{}), ec);
  });
  check("detach_reuse_port_steering", [&](error_code& ec) { s.set_option(asio_ipv4::detach_reuse_port_steering(), ec); });
  check("incoming_cpu", [&](error_code& ec) { s.set_option(asio_ipv4::incoming_cpu(0), ec); });
  check("bind_to_device", [&](error_code& ec) { s.set_option(asio_ipv4::bind_to_device("loopback_0"), ec); });
  check("bind_to_device, a name too long", [&](error_code& ec) {
    s.set_option(asio_ipv4::bind_to_device("a-name-far-longer-than-ifnamsiz"), ec);
  });
  check("priority", [&](error_code& ec) { s.set_option(asio_ipv4::priority(3), ec); });
  check("priority, negative", [&](error_code& ec) { s.set_option(asio_ipv4::priority(-1), ec); });
  check("mark", [&](error_code& ec) { s.set_option(asio_ipv4::mark(0x2a), ec); });
  check("busy_poll", [&](error_code& ec) { s.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(50)), ec); });
  check("busy_poll, negative", [&](error_code& ec) {
    s.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(-1)), ec);
  });
  check("get reuse_port", [&](error_code& ec) {
    asio_ipv4::reuse_port o;
    s.get_option(o, ec);
  });
  check("get incoming_cpu", [&](error_code& ec) {
    asio_ipv4::incoming_cpu o;
    s.get_option(o, ec);
  });
  check("get bind_to_device", [&](error_code& ec) {
    asio_ipv4::bind_to_device o;
    s.get_option(o, ec);
  });
  check("get priority", [&](error_code& ec) {
    asio_ipv4::priority o;
    s.get_option(o, ec);
  });
  check("get mark", [&](error_code& ec) {
    asio_ipv4::mark o;
    s.get_option(o, ec);
  });
  check("get busy_poll", [&](error_code& ec) {
    asio_ipv4::busy_poll o;
    s.get_option(o, ec);
  });
  // The error queue: refused before any system call.
  {
    asio_ipv4::cmsg_socket<udp::socket> c(io, udp::endpoint(address_v4::loopback(), 0));
    char buf[16];
    udp::endpoint from;
    asio_ipv4::control_message control;
    error_code ec;
    c.receive_error(net::buffer(buf), from, control, ec);
    if (ec != net::error::operation_not_supported)
      fail("receive_error", "got " + code(ec) + ", expected operation_not_supported");
    else
      pass("receive_error: operation_not_supported (no error queue)");
  }
}

// reuse_port is refused, not mapped to SO_REUSEADDR: a second socket still
// cannot bind the port (with SO_REUSEADDR in its place it would have).
void reuse_port_is_not_reuse_address(net::io_context& io)
{
  udp::socket first = open_udp(io);
  udp::socket second(io, udp::v4());
  error_code ec;
  first.set_option(asio_ipv4::reuse_port(true), ec);
  second.set_option(asio_ipv4::reuse_port(true), ec);
  second.bind(first.local_endpoint(), ec);
  if (ec == net::error::address_in_use)
    pass("reuse_port: a second socket still cannot bind the port (WSAEADDRINUSE)");
  else
    fail("reuse_port, second bind", "got " + code(ec) + ", expected WSAEADDRINUSE");
}

// ---------------------------------------------------------------------------
// Multicast: delivery is the oracle.

// The senders seen by `r` within `ms` milliseconds (payloads of 1 byte).
std::set<std::string> arrivals(udp::socket& r, int ms = 400)
{
  std::set<std::string> seen;
  for (;;)
  {
    WSAPOLLFD p{};
    p.fd = handle(r);
    p.events = POLLRDNORM;
    if (::WSAPoll(&p, 1, ms) <= 0)
      return seen;
    char b[64];
    udp::endpoint from;
    error_code ec;
    r.receive_from(net::buffer(b), from, 0, ec);
    if (!ec)
      seen.insert(from.address().to_string());
  }
}

std::string list(const std::set<std::string>& s)
{
  std::string r;
  for (const auto& a : s)
    r += (r.empty() ? "" : ", ") + a;
  return r.empty() ? "nothing" : r;
}

// A struct group_source_req, built field by field.
group_source_req source_request(unsigned index, const char* group, const char* source)
{
  group_source_req req{};
  req.gsr_interface = index;
  reinterpret_cast<sockaddr_in&>(req.gsr_group).sin_family = AF_INET;
  reinterpret_cast<sockaddr_in&>(req.gsr_group).sin_addr = in(group);
  reinterpret_cast<sockaddr_in&>(req.gsr_source).sin_family = AF_INET;
  reinterpret_cast<sockaddr_in&>(req.gsr_source).sin_addr = in(source);
  return req;
}

// Sends one byte to group:port from each of the loopback sources.
void send_from(net::io_context& io, const address_v4& group, unsigned short port,
    std::initializer_list<const char*> sources)
{
  for (const char* source : sources)
  {
    udp::socket s = open_udp(io, source);
    s.set_option(ip4::multicast_interface(address_v4::loopback()));
    s.set_option(ip4::multicast_loopback(true));
    s.send_to(net::buffer("x", 1), udp::endpoint(group, port));
  }
}

struct receiver
{
  udp::socket socket;
  unsigned short port;
};

receiver open_receiver(net::io_context& io)
{
  udp::socket r(io, udp::v4());
  r.bind(udp::endpoint(address_v4::any(), 0));
  const unsigned short port = r.local_endpoint().port();
  return {std::move(r), port};
}

void multicast(net::io_context& io, unsigned loopback_index)
{
  const address_v4 lo = address_v4::loopback();
  // The multicast interface, by address and by index.
  {
    udp::socket s = open_udp(io);
    s.set_option(ip4::multicast_interface(lo));
    in_addr a{};
    int len = sizeof(a);
    ::getsockopt(handle(s), IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<char*>(&a), &len);
    if (len != 4 || a.s_addr != in("127.0.0.1").s_addr)
      fail("multicast_interface(127.0.0.1)", "raw getsockopt does not give 127.0.0.1");
    else
      pass("multicast_interface(127.0.0.1): raw getsockopt gives 127.0.0.1");
    error_code ec;
    s.set_option(ip4::multicast_interface(loopback_index), ec);
    const DWORD index_form = ::htonl(loopback_index);
    if (ec)
    {
      const int raw = raw_set_bytes(s, IPPROTO_IP, IP_MULTICAST_IF, &index_form, 4);
      if (raw == ec.value())
        skip("multicast_interface(index)", "the system refuses an index (0.0.0.x form): raw setsockopt fails with WSA "
                + code(raw));
      else
        fail("multicast_interface(index)", "library " + code(ec) + ", raw " + code(raw));
    }
    else
    {
      DWORD back = 0;
      len = sizeof(back);
      ::getsockopt(handle(s), IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<char*>(&back), &len);
      if (back == index_form || back == in("127.0.0.1").s_addr)
        pass("multicast_interface(index " + std::to_string(loopback_index) + "): raw getsockopt agrees");
      else
        fail("multicast_interface(index)", "raw getsockopt gives " + std::to_string(back));
    }
  }

  // Any-source joins: the datagram arrives only while the membership holds.
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.1");
    receiver r = open_receiver(io);
    send_from(io, group, r.port, {"127.0.0.1"});
    const auto before = arrivals(r.socket);
    error_code ec;
    r.socket.set_option(ip4::join_group(group, lo), ec);
    send_from(io, group, r.port, {"127.0.0.1"});
    const auto joined = arrivals(r.socket);
    r.socket.set_option(ip4::leave_group(group, lo), ec);
    send_from(io, group, r.port, {"127.0.0.1"});
    const auto left = arrivals(r.socket);
    if (!before.empty() || joined.size() != 1 || !left.empty())
      fail("join_group/leave_group by address", "before: " + list(before) + "; joined: " + list(joined)
              + "; left: " + list(left) + " (" + code(ec) + ")");
    else
      pass("join_group/leave_group by address (ip_mreq): delivered only while joined");
  }
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.2");
    receiver r = open_receiver(io);
    error_code ec;
    r.socket.set_option(ip4::join_group(group, loopback_index), ec);
    if (ec)
    {
      group_req req{};
      req.gr_interface = loopback_index;
      reinterpret_cast<sockaddr_in&>(req.gr_group).sin_family = AF_INET;
      reinterpret_cast<sockaddr_in&>(req.gr_group).sin_addr = in("239.255.41.2");
      const int raw = raw_set_bytes(r.socket, IPPROTO_IP, MCAST_JOIN_GROUP, &req, sizeof(req));
      if (raw == ec.value())
        skip("join_group by index (MCAST_JOIN_GROUP)", "the system refuses it: raw setsockopt fails with WSA "
                + code(raw));
      else
        fail("join_group by index", "library " + code(ec) + ", raw " + code(raw));
    }
    else
    {
      send_from(io, group, r.port, {"127.0.0.1"});
      const auto joined = arrivals(r.socket);
      if (joined.size() != 1)
        fail("join_group by index", "joined, but received " + list(joined));
      else
        pass("join_group by index (MCAST_JOIN_GROUP): delivered");
    }
  }
  // Index 0 (ip_mreq with INADDR_ANY): the system picks the interface by
  // route, which need not be loopback; the kernel's state is the oracle: a
  // second join of the same group is refused, a leave after a leave too.
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.3");
    udp::socket s = open_udp(io, "0.0.0.0");
    error_code first, second, leave, second_leave;
    s.set_option(ip4::join_group(group), first);
    if (first)
      skip("join_group(group) (interface chosen by route)", "the system has no route for it: " + code(first));
    else
    {
      s.set_option(ip4::join_group(group), second);
      s.set_option(ip4::leave_group(group), leave);
      s.set_option(ip4::leave_group(group), second_leave);
      if (second != net::error::address_in_use || leave || !second_leave)
        fail("join_group(group)", "second join " + code(second) + ", leave " + code(leave) + ", second leave "
                + code(second_leave));
      else
        pass("join_group(group) with index 0: the membership exists (a second join is address_in_use), leave ends it");
    }
  }

  // Source-specific joins through the library (MCAST_JOIN_SOURCE_GROUP).
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.4");
    receiver r = open_receiver(io);
    error_code ec;
    r.socket.set_option(ip4::source_group_join(group, net::ip::make_address_v4("127.0.0.2"), loopback_index), ec);
    if (ec)
    {
      const group_source_req req = source_request(loopback_index, "239.255.41.4", "127.0.0.2");
      const int raw = raw_set_bytes(r.socket, IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, &req, sizeof(req));
      if (raw == ec.value())
        skip("source_group_join (MCAST_JOIN_SOURCE_GROUP)", "the system refuses it: raw setsockopt fails with WSA "
                + code(raw));
      else
        fail("source_group_join", "library " + code(ec) + ", raw " + code(raw));
    }
    else
    {
      send_from(io, group, r.port, {"127.0.0.1", "127.0.0.2"});
      const auto seen = arrivals(r.socket);
      if (seen != std::set<std::string>{"127.0.0.2"})
        fail("source_group_join", "sent from 127.0.0.1 and 127.0.0.2, received from " + list(seen));
      else
        pass("source_group_join: only the joined source 127.0.0.2 delivered");
    }
  }
  // Windows' own struct ip_mreq_source (source before interface), raw: what
  // the system does with it, told by which source's datagram arrives.
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.5");
    receiver r = open_receiver(io);
    ip_mreq_source req{};
    req.imr_multiaddr = in("239.255.41.5");
    req.imr_sourceaddr = in("127.0.0.2");
    req.imr_interface = in("127.0.0.1");
    const int raw = raw_set_bytes(r.socket, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &req, sizeof(req));
    if (raw != 0)
      skip("ip_mreq_source (IP_ADD_SOURCE_MEMBERSHIP, raw)", "refused with WSA " + code(raw));
    else
    {
      send_from(io, group, r.port, {"127.0.0.1", "127.0.0.2"});
      const auto seen = arrivals(r.socket);
      if (seen == std::set<std::string>{"127.0.0.2"})
        pass("ip_mreq_source (raw): the source field filters, as Windows documents");
      else if (seen == std::set<std::string>{"127.0.0.1"})
        skip("ip_mreq_source (raw)", "the system swaps source and interface (Wine 8 hands Windows' field order to "
                                     "Linux): only 127.0.0.1, the interface field, was let through");
      else
        fail("ip_mreq_source (raw)", "sent from 127.0.0.1 and 127.0.0.2, received from " + list(seen));
    }
  }
  // Exclude mode: join by address, then block one source (MCAST_BLOCK_SOURCE).
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.6");
    receiver r = open_receiver(io);
    r.socket.set_option(ip4::join_group(group, lo));
    error_code ec;
    r.socket.set_option(ip4::block_source(group, net::ip::make_address_v4("127.0.0.2"), loopback_index), ec);
    if (ec)
    {
      const group_source_req req = source_request(loopback_index, "239.255.41.6", "127.0.0.2");
      const int raw = raw_set_bytes(r.socket, IPPROTO_IP, MCAST_BLOCK_SOURCE, &req, sizeof(req));
      if (raw == ec.value())
        skip("block_source (MCAST_BLOCK_SOURCE)", "the system refuses it: raw setsockopt fails with WSA "
                + code(raw) + " (the join by address before it worked)");
      else
        fail("block_source", "library " + code(ec) + ", raw " + code(raw));
    }
    else
    {
      send_from(io, group, r.port, {"127.0.0.1", "127.0.0.2"});
      const auto seen = arrivals(r.socket);
      if (seen != std::set<std::string>{"127.0.0.1"})
        fail("block_source", "127.0.0.2 blocked, but received from " + list(seen));
      else
        pass("block_source: 127.0.0.2 blocked, 127.0.0.1 delivered");
    }
  }
  // Full-state filters (SIOCSMSFILTER / SIOCGMSFILTER).
  {
    const address_v4 group = net::ip::make_address_v4("239.255.41.7");
    receiver r = open_receiver(io);
    r.socket.set_option(ip4::join_group(group, lo));
    ip4::source_filter f{ip4::filter_mode::include, {net::ip::make_address_v4("127.0.0.2")}};
    error_code ec;
    ip4::set_source_filter(r.socket, loopback_index, group, f, ec);
    if (ec)
      skip("set_source_filter (SIOCSMSFILTER)", "the system refuses the ioctl: " + code(ec));
    else
    {
      send_from(io, group, r.port, {"127.0.0.1", "127.0.0.2"});
      const auto seen = arrivals(r.socket);
      const auto back = ip4::get_source_filter(r.socket, loopback_index, group, ec);
      if (seen != std::set<std::string>{"127.0.0.2"})
        fail("set_source_filter", "include {127.0.0.2}, received from " + list(seen));
      else if (ec || back.mode != f.mode || back.sources != f.sources)
        skip("get_source_filter (SIOCGMSFILTER)", "the set took effect, the get answers " + code(ec));
      else
        pass("set_source_filter/get_source_filter: include {127.0.0.2} delivered only it, read back");
    }
  }
}

// ---------------------------------------------------------------------------
// The bytes of the multicast requests, against structures built here field
// by field from the SDK's definitions: what reaches Windows for the requests
// Wine refuses (MCAST_*, IP_MULTICAST_IF by index), and for the others.

template <class Option>
void request_bytes(const std::string& name, const Option& option, int expected_name, const void* expected,
    std::size_t expected_size)
{
  const udp protocol = udp::v4();
  if (option.level(protocol) != IPPROTO_IP || option.name(protocol) != expected_name
      || option.size(protocol) != expected_size
      || std::memcmp(option.data(protocol), expected, expected_size) != 0)
    return fail(name, "level " + std::to_string(option.level(protocol)) + ", name "
            + std::to_string(option.name(protocol)) + ", " + std::to_string(option.size(protocol))
            + " bytes: not the expected request");
  pass(name + ": option " + std::to_string(expected_name) + ", " + std::to_string(expected_size)
      + " bytes as built from the SDK's structure");
}

void multicast_requests()
{
  const address_v4 group = net::ip::make_address_v4("239.1.2.3");
  const address_v4 source = net::ip::make_address_v4("192.0.2.7");
  group_req by_index{};
  by_index.gr_interface = 5;
  reinterpret_cast<sockaddr_in&>(by_index.gr_group).sin_family = AF_INET;
  reinterpret_cast<sockaddr_in&>(by_index.gr_group).sin_addr = in("239.1.2.3");
  request_bytes("join_group(group, 5) request", ip4::join_group(group, 5u), MCAST_JOIN_GROUP, &by_index,
      sizeof(by_index));
  request_bytes("leave_group(group, 5) request", ip4::leave_group(group, 5u), MCAST_LEAVE_GROUP, &by_index,
      sizeof(by_index));
  ip_mreq any{};
  any.imr_multiaddr = in("239.1.2.3");
  request_bytes("join_group(group) request", ip4::join_group(group), IP_ADD_MEMBERSHIP, &any, sizeof(any));
  ip_mreq by_address = any;
  by_address.imr_interface = in("10.0.0.1");
  request_bytes("join_group(group, 10.0.0.1) request", ip4::join_group(group, net::ip::make_address_v4("10.0.0.1")),
      IP_ADD_MEMBERSHIP, &by_address, sizeof(by_address));
  const group_source_req ssm = source_request(5, "239.1.2.3", "192.0.2.7");
  request_bytes("source_group_join request", ip4::source_group_join(group, source, 5), MCAST_JOIN_SOURCE_GROUP,
      &ssm, sizeof(ssm));
  request_bytes("block_source request", ip4::block_source(group, source, 5), MCAST_BLOCK_SOURCE, &ssm, sizeof(ssm));
  const DWORD index_form = ::htonl(5);
  request_bytes("multicast_interface(5) request", ip4::multicast_interface(5u), IP_MULTICAST_IF, &index_form,
      sizeof(index_form));
  // An index Windows cannot put in the 0.0.0.x form: refused without effect.
  net::io_context io;
  udp::socket s = open_udp(io);
  const auto before = snapshot(s);
  error_code ec;
  s.set_option(ip4::multicast_interface(1u << 24), ec);
  if (ec != net::error::no_protocol_option || snapshot(s) != before)
    fail("multicast_interface(2^24)", "got " + code(ec) + ", expected no_protocol_option and no change");
  else
    pass("multicast_interface(2^24): refused as unsupported, nothing changed");
}

// ---------------------------------------------------------------------------
// Interfaces.

unsigned interfaces_test()
{
  error_code ec;
  const auto all = ip4::interfaces(ec);
  if (ec || all.empty())
  {
    fail("interfaces()", code(ec) + ", " + std::to_string(all.size()) + " interfaces");
    return 0;
  }
  for (const auto& nic : all)
  {
    bool has_127 = false;
    for (const auto& a : nic.addresses)
      has_127 = has_127 || (a.address() == address_v4::loopback() && a.prefix_length() == 8);
    if (!nic.loopback() || !has_127)
      continue;
    const unsigned oracle = ::if_nametoindex(nic.name.c_str());
    const auto by_index = ip4::interface_by_index(nic.index, ec);
    const auto by_name = ip4::interface_by_name(nic.name, ec);
    if (nic.index == 0 || oracle != nic.index || by_index.name != nic.name || by_name.index != nic.index)
    {
      fail("interfaces(): loopback", nic.name + " index " + std::to_string(nic.index) + ", if_nametoindex says "
              + std::to_string(oracle));
      return nic.index;
    }
    pass("interfaces(): " + std::to_string(all.size()) + " interfaces, loopback " + nic.name + " (index "
        + std::to_string(nic.index) + ", 127.0.0.1/8, mtu " + std::to_string(nic.mtu)
        + "), if_nametoindex agrees, found by name and index");
    return nic.index;
  }
  fail("interfaces()", "no loopback interface holding 127.0.0.1/8 among " + std::to_string(all.size()));
  return 0;
}

// ---------------------------------------------------------------------------
// Blocking cmsg_socket receive over loopback (WSARecvMsg).

void cmsg_receive(net::io_context& io, unsigned loopback_index)
{
  asio_ipv4::cmsg_socket<udp::socket> c(io, udp::endpoint(address_v4::loopback(), 0));
  c.next_layer().set_option(ip4::receive_packet_info(true));
  c.next_layer().set_option(ip4::receive_ttl(true));
  c.next_layer().set_option(ip4::receive_tos(true));
  const udp::endpoint to = c.next_layer().local_endpoint();
  udp::socket sender = open_udp(io);
  sender.set_option(ip4::ttl(77));
  error_code tos_ec;
  sender.set_option(ip4::tos(0x28), tos_ec);
  sender.send_to(net::buffer("hello", 5), to);

  char buf[64];
  udp::endpoint from;
  asio_ipv4::control_message m;
  error_code ec;
  const std::size_t n = c.receive_from(net::buffer(buf), from, m, ec);
  if (ec || n != 5 || std::memcmp(buf, "hello", 5) != 0 || from != sender.local_endpoint())
    return fail("cmsg receive", code(ec) + ", " + std::to_string(n) + " bytes from " + from.address().to_string());
  if (m.destination != address_v4::loopback() || m.interface_index != loopback_index)
    fail("cmsg receive: IP_PKTINFO", "destination/interface not 127.0.0.1 / " + std::to_string(loopback_index));
  else
    pass("cmsg receive: IP_PKTINFO gives destination 127.0.0.1 and interface " + std::to_string(loopback_index));
  if (m.ttl != 77)
    fail("cmsg receive: TTL", m.ttl ? std::to_string(*m.ttl) : "none");
  else
    pass("cmsg receive: TTL 77");
  const auto sender_tos = raw_get(sender, IPPROTO_IP, IP_TOS);
  if (m.tos == 0x28)
    pass("cmsg receive: TOS 0x28");
  else if (!tos_ec && sender_tos == 0x28 && m.tos == 0)
    skip("cmsg receive: TOS", "IP_TOS was set (raw getsockopt 0x28) but the datagram left with 0: the system "
                              "ignores IP_TOS without a QoS policy");
  else
    fail("cmsg receive: TOS", m.tos ? std::to_string(*m.tos) : "none");

  // Truncation: 100 bytes into 10.
  std::vector<char> big(100, 'b');
  sender.send_to(net::buffer(big), to);
  const std::size_t cut = c.receive_from(net::buffer(buf, 10), from, m, ec);
  if (ec != net::error::message_size || cut != 10 || buf[9] != 'b')
    fail("cmsg receive: truncation", code(ec) + ", " + std::to_string(cut) + " bytes");
  else
    pass("cmsg receive: 100 bytes into 10 is message_size with the 10 stored");

  // A batch: three queued datagrams, four slots.
  for (const char* p : {"1", "22", "333"})
    sender.send_to(net::buffer(p, std::strlen(p)), to);
  char store[4][8];
  std::vector<asio_ipv4::message<udp::endpoint>> batch(4);
  for (std::size_t i = 0; i < 4; ++i)
    batch[i].buffer = net::buffer(store[i]);
  // The three datagrams may still be on their way through loopback.
  std::size_t got = 0;
  for (int tries = 0; tries < 20 && got < 3; ++tries)
  {
    std::vector<asio_ipv4::message<udp::endpoint>> rest(batch.begin() + static_cast<std::ptrdiff_t>(got), batch.end());
    const std::size_t k = c.receive_batch(rest, ec);
    for (std::size_t i = 0; i < k; ++i)
      batch[got + i] = rest[i];
    got += k;
  }
  if (ec || got != 3 || batch[0].bytes != 1 || batch[1].bytes != 2 || batch[2].bytes != 3
      || batch[2].control.ttl != 77)
    fail("cmsg receive_batch", code(ec) + ", " + std::to_string(got) + " messages");
  else
    pass("cmsg receive_batch: 3 datagrams in order, sizes 1, 2, 3, each with its TTL");

  // A send with a source address (IN_PKTINFO through WSASendMsg).
  udp::socket plain = open_udp(io);
  asio_ipv4::cmsg_socket<udp::socket> out(io, udp::endpoint(address_v4::any(), 0));
  asio_ipv4::control_message tx;
  tx.local = net::ip::make_address_v4("127.0.0.2");
  out.send_to(net::buffer("s", 1), plain.local_endpoint(), tx, ec);
  const std::size_t k = plain.receive_from(net::buffer(buf), from, 0, ec);
  if (ec || k != 1)
    fail("send with source address", code(ec));
  else if (from.address() == tx.local)
    pass("send with IN_PKTINFO: the datagram came from 127.0.0.2");
  else
    skip("send with IN_PKTINFO (WSASendMsg control data)", "the datagram came from " + from.address().to_string()
            + ", not 127.0.0.2: the system drops a send's control data (Wine 8 does)");
}

// ---------------------------------------------------------------------------
// Receive timestamps: SIO_TIMESTAMPING made by hand (as doc/cmsg_socket.md
// shows), then the SO_TIMESTAMP control message decoded by cmsg_socket.
// Oracle: QueryPerformanceCounter before the send and after the receive.

// <mstcpip.h> of SDK 10.0.22000 (mingw-w64 declares them only for that
// NTDDI_VERSION): _WSAIOW(IOC_VENDOR, 235), struct _TIMESTAMPING_CONFIG.
constexpr DWORD sio_timestamping = 0x980000EBu;
struct timestamping_config
{
  ULONG Flags;
  USHORT TxTimestampsBuffered;
};
constexpr ULONG timestamping_flag_rx = 0x1;

void receive_timestamps(net::io_context& io)
{
  asio_ipv4::cmsg_socket<udp::socket> c(io, udp::endpoint(address_v4::loopback(), 0));
  timestamping_config config{timestamping_flag_rx, 0};
  DWORD returned = 0;
  if (::WSAIoctl(c.next_layer().native_handle(), sio_timestamping, &config, sizeof config, nullptr, 0, &returned,
          nullptr, nullptr)
      != 0)
    return skip("receive timestamps (SIO_TIMESTAMPING)",
        "WSAIoctl(SIO_TIMESTAMPING) fails with " + code(::WSAGetLastError())
            + ": the system has no Winsock timestamping (Wine 8 has none)");
  udp::socket sender = open_udp(io);
  LARGE_INTEGER before, after;
  ::QueryPerformanceCounter(&before);
  sender.send_to(net::buffer("t", 1), c.next_layer().local_endpoint());
  char buf[8];
  udp::endpoint from;
  asio_ipv4::control_message m;
  error_code ec;
  c.receive_from(net::buffer(buf), from, m, ec);
  ::QueryPerformanceCounter(&after);
  if (ec)
    return fail("receive timestamps", code(ec));
  if (!m.software_time)
    return skip("receive timestamps (SO_TIMESTAMP)", "SIO_TIMESTAMPING succeeded but the datagram came without a "
                                                     "stamp: timestamping is off system-wide (it needs configuring)");
  const asio_ipv4::kernel_time& t = *m.software_time;
  if (t.clock != asio_ipv4::kernel_time::performance_counter || t.since_epoch.count() < before.QuadPart
      || t.since_epoch.count() > after.QuadPart)
    return fail("receive timestamps", "clock " + std::to_string(int(t.clock)) + ", ticks "
            + std::to_string(t.since_epoch.count()) + " not within QPC " + std::to_string(before.QuadPart) + " .. "
            + std::to_string(after.QuadPart));
  pass("receive timestamps: a QPC stamp between the send and the receive");
}

} // namespace

int main()
{
  net::io_context io;
  try
  {
    value_options(io);
    unsupported_options(io);
    reuse_port_is_not_reuse_address(io);
    multicast_requests();
    const unsigned loopback_index = interfaces_test();
    if (loopback_index != 0)
    {
      multicast(io, loopback_index);
      cmsg_receive(io, loopback_index);
    }
    receive_timestamps(io);
  }
  catch (const std::exception& e)
  {
    fail("exception", e.what());
  }
  std::printf("\nwindows options_test: %d passed, %d failed, %zu skipped\n", passed, failed, skips.size());
  for (const auto& s : skips)
    std::printf("  skipped: %s\n", s.c_str());
  return failed == 0 && passed > 0 ? 0 : 1;
}
