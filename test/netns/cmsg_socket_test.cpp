//
// test/netns/cmsg_socket_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// cmsg_socket against real traffic between namespace hosts: what each
// control_message field says on receive, what it does on send, the error
// queue, TPROXY's original destination, truncation, and an ICMP socket.
//
// The oracles never use the library: the Python tools in tools/ (udp_send.py
// sets TTL and TOS with its own setsockopt, udp_recv.py decodes the same
// control messages with Python's recvmsg, udp_client.py prints a reply's
// real source, sniff.py reads the IPv4 headers on the wire), the lab's
// interface indexes (from `ip`), and ping(8). Each case names its oracle.

#include "prelude.hpp"

#include "io_run.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using asio_ipv4::control_message;
using asio_ipv4::extended_error;

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using cmsg_icmp = asio_ipv4::cmsg_socket<net::ip::icmp::socket>;

// ---- printing, so that a failing check shows expected and actual ----------

std::string describe(const extended_error& e)
{
  std::ostringstream os;
  os << "{errno " << e.error << " origin " << unsigned(e.origin) << " type " << unsigned(e.type) << " code "
     << unsigned(e.code) << " info " << e.info << " data " << e.data << " offender "
     << (e.offender ? e.offender->to_string() : "-") << "}";
  return os.str();
}

std::string describe(const control_message& c)
{
  std::ostringstream os;
  os << "{";
  if (c.destination)
    os << " destination=" << *c.destination;
  if (c.local)
    os << " local=" << *c.local;
  if (c.interface_index)
    os << " interface_index=" << *c.interface_index;
  if (c.ttl)
    os << " ttl=" << unsigned(*c.ttl);
  if (c.tos)
    os << " tos=" << unsigned(*c.tos);
  if (c.original_destination)
    os << " original_destination=" << *c.original_destination;
  if (c.error)
    os << " error=" << describe(*c.error);
  if (c.segment_size)
    os << " segment_size=" << *c.segment_size;
  os << " }";
  return os.str();
}

// Every field at once: a field the kernel should not have reported fails too.
#define CHECK_CONTROL(got, want)                                                                     \
  BOOST_TEST(((got) == (want)), "control messages\n  expected " << describe(want) << "\n  actual   " \
                                                               << describe(got))

// ---- running operations with a deadline -------------------------------------

// Runs ctx until `done` or the deadline; true when done.
bool run_until(net::io_context& ctx, const bool& done, std::chrono::milliseconds timeout = 5s)
{
  return t::run_until(ctx, [&] { return done; }, timeout);
}

// The outcome of one asynchronous operation.
template <class Endpoint>
struct outcome
{
  bool completed = false;
  boost::system::error_code ec;
  std::size_t bytes = 0;
  Endpoint peer;           // sender (receive) or destination (error queue)
  control_message control;
  std::string payload;     // the bytes stored
};

// One async_receive_from (or, with `error_queue`, async_receive_error) into
// a buffer of `capacity` bytes. After `timeout` the operation is cancelled
// and `completed` stays false.
template <class Socket>
auto receive_one(net::io_context& ctx, asio_ipv4::cmsg_socket<Socket>& socket, bool error_queue = false,
    std::size_t capacity = 2048, std::chrono::milliseconds timeout = 5s)
{
  outcome<typename Socket::endpoint_type> r;
  std::vector<char> buffer(capacity);
  bool done = false;
  auto handler = [&](boost::system::error_code ec, std::size_t n) {
    done = true;
    r.ec = ec;
    r.bytes = n;
  };
  if (error_queue)
    socket.async_receive_error(net::buffer(buffer), r.peer, r.control, handler);
  else
    socket.async_receive_from(net::buffer(buffer), r.peer, r.control, handler);
  if (!run_until(ctx, done, timeout))
  {
    socket.next_layer().cancel();
    run_until(ctx, done);
    return r;
  }
  r.completed = true;
  r.payload.assign(buffer.data(), r.bytes);
  return r;
}

#define REQUIRE_COMPLETED(r, what) \
  BOOST_TEST_REQUIRE((r).completed, what << ": nothing within the timeout (" << (r).ec.message() << ")")

// One async_send_to, run to completion.
std::size_t send_one(net::io_context& ctx, cmsg_udp& socket, const std::string& payload,
    const udp::endpoint& to, const control_message& control)
{
  boost::system::error_code result = net::error::timed_out;
  std::size_t sent = 0;
  bool done = false;
  socket.async_send_to(net::buffer(payload), to, control, [&](boost::system::error_code ec, std::size_t n) {
    done = true;
    result = ec;
    sent = n;
  });
  run_until(ctx, done);
  BOOST_TEST_REQUIRE(!result, "async_send_to " << to << " \"" << payload << "\": " << result.message());
  BOOST_TEST(sent == payload.size());
  return sent;
}

// ---- sockets inside hosts ------------------------------------------------------

// A UDP cmsg_socket in `where` bound to 0.0.0.0:port (port 0: any), with
// packet info, TTL and TOS reporting on. `reuse` lets a udp_recv.py oracle
// bind the same port and get its own copy of multicast and broadcast.
cmsg_udp udp_receiver(const t::host& where, net::io_context& ctx, std::uint16_t port, bool reuse = false)
{
  return where.enter([&] {
    cmsg_udp s(ctx, udp::v4());
    s.next_layer().set_option(ip4::receive_packet_info(true));
    s.next_layer().set_option(ip4::receive_ttl(true));
    s.next_layer().set_option(ip4::receive_tos(true));
    if (reuse)
      s.next_layer().set_option(net::socket_base::reuse_address(true));
    s.next_layer().bind(udp::endpoint(address_v4::any(), port));
    return s;
  });
}

// A plain UDP cmsg_socket in `where`, bound to 0.0.0.0 on any port.
cmsg_udp udp_sender(const t::host& where, net::io_context& ctx)
{
  return where.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
}

// ---- the Python tools -------------------------------------------------------

// Runs udp_send.py in `from` to completion; returns the fields of its "sent"
// lines (one per datagram). Fails the test when the tool fails.
std::vector<std::map<std::string, std::string>> python_send(const t::host& from, std::vector<std::string> args)
{
  auto tool = from.python("udp_send.py", std::move(args));
  tool.read_all(10s);
  auto status = tool.wait(5s);
  BOOST_TEST_REQUIRE(status.value_or(-2) == 0, "udp_send.py failed\n" << tool.describe());
  std::vector<std::map<std::string, std::string>> sent;
  for (const auto& line : tool.lines())
    if (line.rfind("sent ", 0) == 0)
      sent.push_back(t::parse_fields(line));
  return sent;
}

std::uint16_t port_of(const std::map<std::string, std::string>& fields)
{
  return static_cast<std::uint16_t>(std::stoul(fields.at("sport")));
}

// Sends one datagram with udp_send.py in `from` (whose address is
// `from_address`) and receives it on `rx`: it must arrive whole, from that
// address and the tool's port.
outcome<udp::endpoint> send_and_receive(net::io_context& ctx, cmsg_udp& rx, const t::host& from,
    address_v4 from_address, std::vector<std::string> args, const std::string& payload)
{
  args.insert(args.end(), {"--payload", payload});
  auto sent = python_send(from, std::move(args));
  BOOST_TEST_REQUIRE(sent.size() == 1u);
  auto r = receive_one(ctx, rx);
  REQUIRE_COMPLETED(r, "receive");
  BOOST_TEST(!r.ec, r.ec.message());
  BOOST_TEST(r.payload == payload);
  BOOST_TEST(r.peer == udp::endpoint(from_address, port_of(sent[0])));
  return r;
}

// Fails unless the Python receiver (an independent decoder of the same
// control messages) saw what cmsg_socket decoded.
void check_against_udp_recv(const t::datagram_record& oracle, const control_message& got,
    const std::string& payload)
{
  BOOST_TEST(oracle.payload_text() == payload);
  control_message seen;
  seen.destination = oracle.destination;
  seen.local = oracle.local;
  seen.interface_index = oracle.interface_index;
  if (oracle.ttl)
    seen.ttl = static_cast<std::uint8_t>(*oracle.ttl);
  if (oracle.tos)
    seen.tos = static_cast<std::uint8_t>(*oracle.tos);
  BOOST_TEST_CONTEXT("expected: as udp_recv.py decoded it: " << oracle.line)
  {
    CHECK_CONTROL(got, seen);
  }
}

// CPU time used by the calling thread.
double thread_cpu_seconds()
{
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// sniff.py on `ifname` of `where`, for the ICMP messages that come from `source`.
t::sniffer icmp_sniffer(const t::host& where, const std::string& ifname, address_v4 source)
{
  t::sniff_filter filter;
  filter.protocol = 1;
  filter.source = source;
  return t::sniffer(where, ifname, filter);
}

// What an error-queue entry for an ICMP error should decode to: control.error
// alone.
control_message icmp_error(int error, std::uint8_t type, std::uint8_t code, address_v4 offender)
{
  extended_error e;
  e.error = static_cast<std::uint32_t>(error);
  e.origin = extended_error::origin_icmp;
  e.type = type;
  e.code = code;
  e.offender = offender;
  control_message c;
  c.error = e;
  return c;
}

// Whether the socket's error queue holds an entry (poll reports POLLERR).
bool error_queued(int fd)
{
  pollfd p{fd, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cmsg_socket_test)

// ---- receiving: what the kernel reports ------------------------------------------

// Oracles: the TTL and TOS udp_send.py set with its own setsockopt, the
// address it was told to send to, and b's interface index as `ip` reports it.
BOOST_AUTO_TEST_CASE(unicast_to_each_local_address, *t::needs_root())
{
  auto lab = t::two_hosts();
  const auto second = make_address_v4("10.0.1.3");
  lab.b.add_address(lab.b_if.name, "10.0.1.3/24");
  net::io_context ctx;
  auto rx = udp_receiver(lab.b, ctx, 5000);

  for (address_v4 to : {lab.b_if.address, second})
  {
    BOOST_TEST_CONTEXT("datagram to " << to)
    {
      auto r = send_and_receive(ctx, rx, lab.a, lab.a_if.address,
          {"--dst", to.to_string(), "--port", "5000", "--ttl", "17", "--tos", "0x28"}, "to " + to.to_string());
      control_message want;
      want.destination = to;
      want.local = to;   // unicast: the reply source is the address that was reached
      want.interface_index = lab.b_if.index;
      want.ttl = 17;
      want.tos = 0x28;
      CHECK_CONTROL(r.control, want);
    }
  }
}

// Oracles: udp_recv.py bound to the same port (SO_REUSEADDR, so both get a
// copy) decodes the same control messages with Python's recvmsg; the sender's
// IP_MULTICAST_TTL / IP_TTL / IP_TOS; the group and broadcast addresses
// used; b's interface index from `ip`.
BOOST_AUTO_TEST_CASE(multicast_and_broadcast, *t::needs_root())
{
  auto lab = t::two_hosts();
  const auto group = make_address_v4("239.1.2.3");
  net::io_context ctx;
  auto rx = udp_receiver(lab.b, ctx, 5001, true);
  rx.next_layer().set_option(ip4::join_group(group, lab.b_if.index));
  auto oracle = lab.b.python("udp_recv.py", {"--port", "5001", "--join",
                                                group.to_string() + "%" + std::to_string(lab.b_if.index)});
  oracle.wait_line("ready");

  struct sample
  {
    address_v4 to;
    std::vector<std::string> options;   // for udp_send.py
    std::uint8_t ttl;
    std::uint8_t tos;
  };
  const sample samples[] = {
      {group, {"--mcast-ttl", "5", "--tos", "0xb8"}, 5, 0xb8},
      {make_address_v4("10.0.1.255"), {"--broadcast", "--ttl", "7", "--tos", "0x10"}, 7, 0x10},
      // No default route in a: the limited broadcast needs an interface.
      {address_v4::broadcast(), {"--broadcast", "--bind-device", lab.a_if.name, "--ttl", "9", "--tos", "0x04"},
          9, 0x04},
  };
  for (const auto& s : samples)
  {
    BOOST_TEST_CONTEXT("datagram to " << s.to)
    {
      std::string payload = "to " + s.to.to_string();
      auto args = s.options;
      args.insert(args.end(), {"--dst", s.to.to_string(), "--port", "5001"});
      auto r = send_and_receive(ctx, rx, lab.a, lab.a_if.address, args, payload);
      control_message want;
      want.destination = s.to;
      // Multicast and broadcast cannot be a reply's source: the kernel offers
      // the receiving interface's own address instead.
      want.local = lab.b_if.address;
      want.interface_index = lab.b_if.index;
      want.ttl = s.ttl;
      want.tos = s.tos;
      CHECK_CONTROL(r.control, want);

      auto seen = t::next_datagram(oracle, 5s);
      BOOST_TEST_REQUIRE(seen.has_value(), "udp_recv.py saw nothing\n" << oracle.describe());
      check_against_udp_recv(*seen, r.control, payload);
    }
  }
}

// Oracles: the TTL udp_send.py set (the router takes one), sniff.py on b's
// link for the header as it arrived, b's interface index from `ip`.
BOOST_AUTO_TEST_CASE(routed_ttl_is_one_less, *t::needs_root())
{
  auto lab = t::routed();
  t::sniff_filter filter;
  filter.protocol = 17;
  filter.destination_port = 5000;
  filter.count = 1;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  net::io_context ctx;
  auto rx = udp_receiver(lab.b, ctx, 5000);

  auto r = send_and_receive(ctx, rx, lab.a, lab.a_if.address,
      {"--dst", lab.b_if.address.to_string(), "--port", "5000", "--ttl", "20", "--tos", "0x48"}, "routed");
  control_message want;
  want.destination = lab.b_if.address;
  want.local = lab.b_if.address;
  want.interface_index = lab.b_if.index;
  want.ttl = 19;
  want.tos = 0x48;
  CHECK_CONTROL(r.control, want);

  auto wire = on_b.packets(5s);
  BOOST_TEST_REQUIRE(wire.size() == 1u, on_b.describe());
  BOOST_TEST(wire[0].ttl == 19u);
  BOOST_TEST(wire[0].tos == 0x48u);
}

// ---- replying from the address a request reached ---------------------------------

// Oracle: udp_client.py, an unconnected Python socket that prints the real
// source address of the reply it gets.
BOOST_AUTO_TEST_CASE(multi_homed_server_replies_from_the_address_reached, *t::needs_root())
{
  auto lab = t::two_hosts();
  const auto second = make_address_v4("10.0.1.3");
  lab.b.add_address(lab.b_if.name, "10.0.1.3/24");
  net::io_context ctx;
  auto server = udp_receiver(lab.b, ctx, 5000);   // bound to 0.0.0.0

  // One request/reply. With `idiom` the reply carries local = the received
  // local; without it the kernel picks the source by routing.
  auto exchange = [&](address_v4 to, bool idiom) {
    auto client = lab.a.python("udp_client.py", {"--dst", to.to_string(), "--port", "5000", "--payload",
                                                    "who am i"});
    client.wait_line("sent");
    auto request = receive_one(ctx, server);
    REQUIRE_COMPLETED(request, "request to " << to);
    BOOST_TEST_REQUIRE(!request.ec, request.ec.message());
    BOOST_TEST(request.payload == "who am i");
    BOOST_TEST_REQUIRE(request.control.local.has_value(), describe(request.control));
    control_message reply;   // fresh: the received TTL and TOS must not be copied
    if (idiom)
      reply.local = request.control.local;
    send_one(ctx, server, "reply", request.peer, reply);
    auto line = client.wait_line("reply");
    return make_address_v4(t::parse_fields(line).at("src"));
  };

  for (address_v4 to : {lab.b_if.address, second})
    BOOST_TEST(exchange(to, true) == to, "request to " << to);

  // The contrast that makes the idiom necessary: without it, a request to
  // the secondary address is answered from the primary one, and a client
  // that connected to 10.0.1.3 would drop the reply.
  BOOST_TEST(exchange(second, false) == lab.b_if.address);
}

// ---- per-packet send control ------------------------------------------------------

// Oracle: sniff.py on b's link (the headers as they arrive), and udp_recv.py
// in b for the source the receiver sees.
BOOST_AUTO_TEST_CASE(per_packet_ttl_tos_and_source, *t::needs_root())
{
  auto lab = t::two_hosts();
  const auto second = make_address_v4("10.0.1.4");
  lab.a.add_address(lab.a_if.name, "10.0.1.4/24");
  t::sniff_filter filter;
  filter.protocol = 17;
  filter.destination_port = 5002;
  filter.count = 4;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  auto receiver = lab.b.python("udp_recv.py", {"--port", "5002", "--count", "4"});
  receiver.wait_line("ready");

  net::io_context ctx;
  auto tx = udp_sender(lab.a, ctx);
  tx.next_layer().set_option(ip4::ttl(33));
  tx.next_layer().set_option(ip4::tos(0x10));
  const udp::endpoint to(lab.b_if.address, 5002);

  control_message once;
  once.ttl = 5;
  once.tos = 0x28;
  send_one(ctx, tx, "once", to, once);
  send_one(ctx, tx, "defaults", to, control_message());
  control_message from_second;
  from_second.local = second;
  send_one(ctx, tx, "from second", to, from_second);
  // The blocking form, with no control: the primary address again.
  BOOST_TEST(tx.send_to(net::buffer(std::string("from first")), to, control_message()) == 10u);

  auto wire = on_b.packets(5s);
  BOOST_TEST_REQUIRE(wire.size() == 4u, on_b.describe());
  struct expected
  {
    const char* payload;
    unsigned ttl, tos;
    address_v4 source;
  };
  const expected want[] = {{"once", 5, 0x28, lab.a_if.address},
      {"defaults", 33, 0x10, lab.a_if.address},
      {"from second", 33, 0x10, second},
      {"from first", 33, 0x10, lab.a_if.address}};
  for (std::size_t i = 0; i < 4; ++i)
  {
    BOOST_TEST_CONTEXT("packet " << i << ": " << wire[i].line)
    {
      BOOST_TEST(wire[i].payload_text() == want[i].payload);
      BOOST_TEST(wire[i].ttl == want[i].ttl);
      BOOST_TEST(wire[i].tos == want[i].tos);
      BOOST_TEST(wire[i].source == want[i].source);
    }
    auto seen = t::next_datagram(receiver, 5s);
    BOOST_TEST_REQUIRE(seen.has_value(), receiver.describe());
    BOOST_TEST(seen->source == want[i].source, seen->line);
  }
}

// Oracle: sniff.py on both of a's neighbours: which link a multicast datagram
// left by, and with which source. a routes 224.0.0.0/4 towards b, so only
// the control message can send a datagram towards c.
BOOST_AUTO_TEST_CASE(per_packet_interface_and_local_choose_the_way_out, *t::needs_root())
{
  auto lab = t::dual_homed();
  const auto group = make_address_v4("239.1.2.5");
  t::sniff_filter filter;
  filter.destination = group;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  t::sniffer on_c(lab.c, lab.c_if.name, filter);

  net::io_context ctx;
  auto tx = udp_sender(lab.a, ctx);
  const udp::endpoint to(group, 5003);
  control_message by_index;
  by_index.interface_index = lab.a_c_if.index;
  by_index.ttl = 4;   // a per-packet TTL applies to multicast too (multicast_ttl is 1)
  send_one(ctx, tx, "by index", to, by_index);
  control_message by_local;
  by_local.local = lab.a_c_if.address;
  send_one(ctx, tx, "by local", to, by_local);
  send_one(ctx, tx, "by route", to, control_message());

  on_b.wait_for(1, 5s);
  on_c.wait_for(2, 5s);
  std::this_thread::sleep_for(200ms);   // anything that went astray arrives by now
  auto at_b = on_b.stop();
  auto at_c = on_c.stop();
  BOOST_TEST_REQUIRE(at_b.size() == 1u, on_b.describe());
  BOOST_TEST_REQUIRE(at_c.size() == 2u, on_c.describe());
  BOOST_TEST(at_b[0].payload_text() == "by route");
  BOOST_TEST(at_b[0].source == lab.a_b_if.address);
  BOOST_TEST(at_b[0].ttl == 1u);
  BOOST_TEST(at_c[0].payload_text() == "by index");
  BOOST_TEST(at_c[0].source == lab.a_c_if.address);
  BOOST_TEST(at_c[0].ttl == 4u);
  BOOST_TEST(at_c[1].payload_text() == "by local");
  BOOST_TEST(at_c[1].source == lab.a_c_if.address);
  BOOST_TEST(at_c[1].ttl == 1u);
}

// ---- the original destination under TPROXY -----------------------------------------

// Oracles: the foreign address:port udp_send.py aimed at (a routes
// 198.51.100.0/24 to b, where a TPROXY rule hands it to our socket), and for
// contrast a datagram sent to b's own address.
BOOST_AUTO_TEST_CASE(tproxy_reports_the_original_destination, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.add_route("198.51.100.0/24 via " + lab.b_if.address.to_string());
  // TPROXY diverts in PREROUTING; the mark makes the policy rule deliver the
  // foreign destination locally.
  const std::string rule = "-t mangle -A PREROUTING -p udp -d 198.51.100.0/24 -j TPROXY --on-port 6000 "
                           "--on-ip 0.0.0.0 --tproxy-mark 0x1/0x1";
  auto by_iptables = lab.b.try_run("iptables " + rule);
  if (!by_iptables.ok())
  {
    auto by_nft = lab.b.try_run("nft add table ip tp && nft add chain ip tp pre "
                                "'{ type filter hook prerouting priority mangle; }' && "
                                "nft add rule ip tp pre ip daddr 198.51.100.0/24 meta l4proto udp "
                                "tproxy to :6000 meta mark set 1 accept");
    if (!by_nft.ok())
    {
      std::string why = "cannot install a TPROXY rule\niptables: " + by_iptables.err + "\nnft: " + by_nft.err;
      if (t::skipping_forbidden(std::getenv("CI"), std::getenv("ASIO_IPV4_REQUIRE_PRIVILEGED")))
        BOOST_FAIL(why);
      BOOST_TEST_MESSAGE("skipped: " << why);
      return;
    }
  }
  lab.b.run("ip rule add fwmark 1 lookup 100 && ip route add local 0.0.0.0/0 dev lo table 100");

  net::io_context ctx;
  auto rx = lab.b.enter([&] {
    cmsg_udp s(ctx, udp::v4());
    s.next_layer().set_option(ip4::transparent(true));   // TPROXY only hands datagrams to these
    s.next_layer().set_option(ip4::receive_original_destination(true));
    s.next_layer().set_option(ip4::receive_packet_info(true));
    s.next_layer().bind(udp::endpoint(address_v4::any(), 6000));
    return s;
  });

  const udp::endpoint targets[] = {{make_address_v4("198.51.100.7"), 7777},
      {make_address_v4("198.51.100.200"), 53}, {lab.b_if.address, 6000}};
  for (const auto& target : targets)
  {
    BOOST_TEST_CONTEXT("datagram to " << target)
    {
      auto r = send_and_receive(ctx, rx, lab.a, lab.a_if.address,
          {"--dst", target.address().to_string(), "--port", std::to_string(target.port())}, "to proxy");
      control_message want;
      want.original_destination = target;
      want.destination = target.address().to_v4();
      want.local = target.address().to_v4();
      want.interface_index = lab.b_if.index;
      CHECK_CONTROL(r.control, want);
    }
  }
}

// ---- the error queue -----------------------------------------------------------------

// Oracle: sniff.py on a's link sees b's ICMP port unreachable (type 3,
// code 3, from b); the destination and payload are what we sent.
BOOST_AUTO_TEST_CASE(error_queue_port_unreachable, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto icmp = icmp_sniffer(lab.a, lab.a_if.name, lab.b_if.address);
  net::io_context ctx;
  auto tx = udp_sender(lab.a, ctx);
  tx.next_layer().set_option(ip4::receive_errors(true));
  const udp::endpoint closed(lab.b_if.address, 5999);   // nothing listens there

  send_one(ctx, tx, "knock knock", closed, control_message());
  auto r = receive_one(ctx, tx, true);
  REQUIRE_COMPLETED(r, "async_receive_error");
  BOOST_TEST(!r.ec, r.ec.message());
  BOOST_TEST(r.peer == closed);
  BOOST_TEST(r.payload == "knock knock");
  CHECK_CONTROL(r.control, icmp_error(ECONNREFUSED, 3, 3, lab.b_if.address));

  auto wire = icmp.wait_for(1, 5s);
  BOOST_TEST_REQUIRE(wire.size() >= 1u, icmp.describe());
  BOOST_TEST(wire[0].icmp_type.value_or(0) == 3u, wire[0].line);
  BOOST_TEST(wire[0].icmp_code.value_or(0) == 3u, wire[0].line);
}

// Oracle: sniff.py on a's link sees r's time exceeded (type 11, code 0) for
// the datagram whose per-packet TTL was 1, and the datagram itself leaving
// with TTL 1. Uses the blocking receive_error.
BOOST_AUTO_TEST_CASE(error_queue_time_exceeded_from_the_router, *t::needs_root())
{
  auto lab = t::routed();
  t::sniff_filter filter;
  filter.port = 5000;   // the datagram, and the copy of its header in the ICMP message
  t::sniffer on_a(lab.a, lab.a_if.name, filter);
  auto icmp = icmp_sniffer(lab.a, lab.a_if.name, lab.r_a_if.address);
  net::io_context ctx;
  auto tx = udp_sender(lab.a, ctx);
  tx.next_layer().set_option(ip4::receive_errors(true));
  const udp::endpoint far(lab.b_if.address, 5000);

  control_message one_hop;
  one_hop.ttl = 1;
  send_one(ctx, tx, "short lived", far, one_hop);
  // Blocking: make sure it cannot hang.
  BOOST_TEST_REQUIRE(t::eventually([&] { return error_queued(tx.next_layer().native_handle()); }),
      "no error queued\n" << icmp.describe());
  char buffer[64];
  udp::endpoint destination;
  control_message got;
  boost::system::error_code ec;
  std::size_t n = tx.receive_error(net::buffer(buffer), destination, got, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(std::string(buffer, n) == "short lived");
  BOOST_TEST(destination == far);
  CHECK_CONTROL(got, icmp_error(EHOSTUNREACH, 11, 0, lab.r_a_if.address));

  auto reply = icmp.wait_for(1, 5s);
  BOOST_TEST_REQUIRE(reply.size() == 1u, icmp.describe());
  BOOST_TEST(reply[0].source == lab.r_a_if.address);
  BOOST_TEST(reply[0].icmp_type.value_or(0) == 11u, reply[0].line);
  BOOST_TEST(reply[0].icmp_code.value_or(0) == 0u, reply[0].line);
  auto out = on_a.wait_for(1, 5s);
  BOOST_TEST_REQUIRE(out.size() >= 1u, on_a.describe());
  BOOST_TEST(out[0].outgoing);
  BOOST_TEST(out[0].ttl == 1u, out[0].line);
}

// What ordinary receives and sends see on a socket with receive_errors: the
// kernel also sets the socket's pending error (sk_err), which the next
// recvmsg or sendmsg returns once, even with a datagram queued. Reading the
// error-queue entry first clears it. Oracles: the datagram's payload from
// udp_send.py in b, sniff.py for b's ICMP messages and for what a sent.
BOOST_AUTO_TEST_CASE(error_queue_and_ordinary_receive_and_send, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto icmp = icmp_sniffer(lab.a, lab.a_if.name, lab.b_if.address);
  t::sniff_filter udp_filter;
  udp_filter.protocol = 17;
  udp_filter.destination_port = 5998;
  udp_filter.outgoing = true;
  t::sniffer sent_by_a(lab.a, lab.a_if.name, udp_filter);
  net::io_context ctx;
  auto tx = udp_receiver(lab.a, ctx, 5004);
  tx.next_layer().set_option(ip4::receive_errors(true));
  const udp::endpoint closed(lab.b_if.address, 5999);
  const int fd = tx.next_layer().native_handle();

  // 1. A receive pending while the ICMP error arrives completes with
  //    connection_refused, consuming nothing; the entry stays queued.
  std::vector<char> buffer(64);
  udp::endpoint sender;
  control_message control;
  bool done = false;
  boost::system::error_code ec;
  tx.async_receive_from(net::buffer(buffer), sender, control, [&](boost::system::error_code e, std::size_t) {
    done = true;
    ec = e;
  });
  control_message none;
  tx.send_to(net::buffer(std::string("first")), closed, none);
  BOOST_TEST_REQUIRE(run_until(ctx, done), "the pending receive did not complete\n" << icmp.describe());
  BOOST_TEST(ec == net::error::connection_refused, ec.message());
  BOOST_TEST(error_queued(fd));
  auto first = receive_one(ctx, tx, true);
  REQUIRE_COMPLETED(first, "async_receive_error");
  BOOST_TEST(first.payload == "first");
  BOOST_TEST_REQUIRE(first.control.error.has_value(), describe(first.control));
  BOOST_TEST(first.control.error->error == std::uint32_t(ECONNREFUSED));

  // 2. The same error with a datagram already queued: the receive still
  //    reports the error first, then gets the datagram.
  BOOST_TEST(tx.send_to(net::buffer(std::string("second")), closed, none) == 6u);
  BOOST_TEST_REQUIRE(t::eventually([&] { return error_queued(fd); }), icmp.describe());
  python_send(lab.b, {"--dst", lab.a_if.address.to_string(), "--port", "5004", "--payload", "data"});
  auto refused = receive_one(ctx, tx);
  REQUIRE_COMPLETED(refused, "receive with the error pending");
  BOOST_TEST(refused.ec == net::error::connection_refused, refused.ec.message());
  BOOST_TEST(refused.bytes == 0u);
  auto data = receive_one(ctx, tx);
  REQUIRE_COMPLETED(data, "receive after the error");
  BOOST_TEST(!data.ec, data.ec.message());
  BOOST_TEST(data.payload == "data");
  // The throwing blocking form reads the entry that is still queued.
  udp::endpoint destination;
  control_message entry;
  BOOST_TEST(tx.receive_error(net::buffer(buffer), destination, entry) == 6u);
  BOOST_TEST(destination == closed);
  BOOST_TEST(!error_queued(fd));

  // 3. Reading the error queue first clears the pending error: the next
  //    ordinary receive gets the datagram.
  BOOST_TEST(tx.send_to(net::buffer(std::string("third")), closed, none) == 5u);
  BOOST_TEST_REQUIRE(t::eventually([&] { return error_queued(fd); }), icmp.describe());
  auto third = receive_one(ctx, tx, true);
  REQUIRE_COMPLETED(third, "async_receive_error");
  BOOST_TEST(third.payload == "third");
  python_send(lab.b, {"--dst", lab.a_if.address.to_string(), "--port", "5004", "--payload", "more data"});
  auto more = receive_one(ctx, tx);
  REQUIRE_COMPLETED(more, "receive");
  BOOST_TEST(!more.ec, more.ec.message());
  BOOST_TEST(more.payload == "more data");

  // 4. A send while the error is pending fails once with it, and sends
  //    nothing; the next one goes out.
  BOOST_TEST(tx.send_to(net::buffer(std::string("fourth")), closed, none) == 6u);
  BOOST_TEST_REQUIRE(t::eventually([&] { return error_queued(fd); }), icmp.describe());
  const udp::endpoint elsewhere(lab.b_if.address, 5998);
  tx.send_to(net::buffer(std::string("refused send")), elsewhere, none, ec);
  BOOST_TEST(ec == net::error::connection_refused, ec.message());
  tx.send_to(net::buffer(std::string("next send")), elsewhere, none, ec);
  BOOST_TEST(!ec, ec.message());
  auto wire = sent_by_a.wait_for(1, 5s);
  std::this_thread::sleep_for(200ms);
  wire = sent_by_a.stop();
  BOOST_TEST_REQUIRE(wire.size() == 1u, sent_by_a.describe());
  BOOST_TEST(wire[0].payload_text() == "next send");
}

// A receive on a socket whose error queue holds an unread entry must wait
// quietly for the next datagram: poll(2) and epoll report POLLERR for as
// long as the entry is there, so "wait for readability, try again" alone
// would spin. Oracle: the CPU time of the waiting thread
// (CLOCK_THREAD_CPUTIME_ID) while it waits a second for b's datagram.
BOOST_AUTO_TEST_CASE(unread_error_queue_entry_does_not_make_receives_spin, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto rx = udp_receiver(lab.a, ctx, 5006);
  rx.next_layer().set_option(ip4::receive_errors(true));
  const int fd = rx.next_layer().native_handle();
  rx.send_to(net::buffer(std::string("unanswered")), udp::endpoint(lab.b_if.address, 5999), control_message());
  BOOST_TEST_REQUIRE(t::eventually([&] { return error_queued(fd); }));
  auto refused = receive_one(ctx, rx);   // takes the pending error; the entry stays
  BOOST_TEST_REQUIRE(refused.ec == net::error::connection_refused, refused.ec.message());
  BOOST_TEST_REQUIRE(error_queued(fd));

  net::io_context peer_ctx;
  udp::socket peer = lab.b.enter([&] { return udp::socket(peer_ctx, udp::endpoint(address_v4::any(), 0)); });
  auto send_later = [&](std::string text) {
    return std::thread([&peer, &lab, text] {
      std::this_thread::sleep_for(1s);
      peer.send_to(net::buffer(text), udp::endpoint(lab.a_if.address, 5006));
    });
  };

  {
    auto sender = send_later("async");
    const double before = thread_cpu_seconds();
    auto r = receive_one(ctx, rx);
    const double used = thread_cpu_seconds() - before;
    sender.join();
    REQUIRE_COMPLETED(r, "async receive");
    BOOST_TEST(r.payload == "async", r.ec.message());
    BOOST_TEST(used < 0.05, "async_receive_from used " << used << " s of CPU waiting 1 s");
  }
  {
    auto sender = send_later("blocking");
    char buffer[64];
    udp::endpoint from;
    control_message control;
    boost::system::error_code ec;
    const double before = thread_cpu_seconds();
    std::size_t n = rx.receive_from(net::buffer(buffer), from, control, ec);
    const double used = thread_cpu_seconds() - before;
    sender.join();
    BOOST_TEST(std::string(buffer, n) == "blocking", ec.message());
    BOOST_TEST(used < 0.05, "receive_from used " << used << " s of CPU waiting 1 s");
  }
  // Cancellation while waiting in that state, per operation and with the
  // socket's cancel(): aborted, nothing consumed, and the next receive gets
  // the next datagram.
  for (bool per_operation : {true, false})
  {
    BOOST_TEST_CONTEXT((per_operation ? "per-operation cancellation" : "socket.cancel()"))
    {
      net::cancellation_signal cancel;
      net::steady_timer timer(ctx, 300ms);
      timer.async_wait([&](boost::system::error_code) {
        if (per_operation)
          cancel.emit(net::cancellation_type::terminal);
        else
          rx.next_layer().cancel();
      });
      char buffer[64];
      udp::endpoint from;
      control_message control;
      bool done = false;
      boost::system::error_code ec;
      rx.async_receive_from(net::buffer(buffer), from, control,
          net::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code e, std::size_t) {
            done = true;
            ec = e;
          }));
      BOOST_TEST_REQUIRE(run_until(ctx, done));
      BOOST_TEST(ec == net::error::operation_aborted, ec.message());
      auto sender = send_later("after cancel");
      auto r = receive_one(ctx, rx);
      sender.join();
      REQUIRE_COMPLETED(r, "receive after cancellation");
      BOOST_TEST(r.payload == "after cancel", r.ec.message());
    }
  }
  BOOST_TEST(error_queued(fd));   // still unread
}

// ---- truncation -------------------------------------------------------------------------

// Oracle: udp_send.py's payload (1000 bytes: "big" padded with '.') and its
// sender port. Control truncation cannot be forced through cmsg_socket (its
// control buffer is fixed and large enough): the unit tests cover it.
BOOST_AUTO_TEST_CASE(data_truncation_from_another_host, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto rx = udp_receiver(lab.a, ctx, 5005);
  auto sent = python_send(lab.b, {"--dst", lab.a_if.address.to_string(), "--port", "5005", "--payload",
                                     "big {i}", "--size", "1000", "--count", "2", "--ttl", "44"});
  BOOST_TEST_REQUIRE(sent.size() == 2u);

  auto r = receive_one(ctx, rx, false, 100);
  REQUIRE_COMPLETED(r, "receive");
  BOOST_TEST(r.ec == net::error::message_size, r.ec.message());
  BOOST_TEST(r.bytes == 100u);
  BOOST_TEST(r.payload == "big 0" + std::string(95, '.'));
  BOOST_TEST(r.peer == udp::endpoint(lab.b_if.address, port_of(sent[0])));
  BOOST_TEST(r.control.ttl.value_or(0) == 44u, describe(r.control));   // control still decoded
  // The rest of the first datagram is gone: the next receive is the second.
  auto next = receive_one(ctx, rx, false, 2000);
  REQUIRE_COMPLETED(next, "second receive");
  BOOST_TEST(!next.ec, next.ec.message());
  BOOST_TEST(next.bytes == 1000u);
  BOOST_TEST(next.payload.substr(0, 5) == "big 1");
}

// ---- an ICMP socket ---------------------------------------------------------------------

// Oracle: ping(8) in a sets the echo request's TTL (-t 42); sniff.py on b's
// link reads the TTL as the request arrives.
BOOST_AUTO_TEST_CASE(icmp_socket_receives_a_ping_with_its_ttl, *t::needs_root())
{
  auto lab = t::two_hosts();
  t::sniff_filter filter;
  filter.protocol = 1;
  filter.source = lab.a_if.address;
  filter.count = 1;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  net::io_context ctx;
  auto rx = lab.b.enter([&] { return cmsg_icmp(ctx, net::ip::icmp::v4()); });
  rx.next_layer().set_option(ip4::receive_ttl(true));
  rx.next_layer().set_option(ip4::receive_packet_info(true));

  auto ping = lab.a.try_run("ping -c 1 -W 5 -t 42 " + lab.b_if.address.to_string());
  BOOST_TEST_REQUIRE(ping.ok(), "ping: " << ping.out << ping.err);
  auto wire = on_b.packets(5s);
  BOOST_TEST_REQUIRE(wire.size() == 1u, on_b.describe());
  BOOST_TEST(wire[0].icmp_type.value_or(0) == 8u, wire[0].line);

  // A raw ICMP socket gets every ICMP packet b receives: find the request.
  for (int attempt = 0; attempt < 4; ++attempt)
  {
    auto r = receive_one(ctx, rx);
    REQUIRE_COMPLETED(r, "receive on the ICMP socket");
    BOOST_TEST_REQUIRE(!r.ec, r.ec.message());
    BOOST_TEST_REQUIRE(r.payload.size() >= 28u);
    std::size_t header = (static_cast<unsigned char>(r.payload[0]) & 0x0f) * 4u;
    if (static_cast<unsigned char>(r.payload[header]) != 8)
      continue;
    BOOST_TEST(r.peer.address() == net::ip::address(lab.a_if.address));
    BOOST_TEST(static_cast<unsigned char>(r.payload[8]) == wire[0].ttl);   // the header it carries
    control_message want;
    want.ttl = static_cast<std::uint8_t>(wire[0].ttl);
    want.destination = lab.b_if.address;
    want.local = lab.b_if.address;
    want.interface_index = lab.b_if.index;
    CHECK_CONTROL(r.control, want);
    BOOST_TEST(wire[0].ttl == 42u);
    return;
  }
  BOOST_FAIL("no echo request reached the ICMP socket");
}

BOOST_AUTO_TEST_SUITE_END()
