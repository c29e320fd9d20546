//
// test/netns/options_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Socket options whose effect needs namespace hosts or privileges: what the
// kernel holds after set_option (raw getsockopt on native_handle()), and what
// it then does on the wire. Plain round trips that an unprivileged loopback
// socket can show live in test/loopback/socket_option_test.cpp and are not
// repeated here.
//
// Oracles: sniff.py on the receiving interface (the IPv4 header as it
// crossed the link), udp_recv.py and raw_recv.py in the hosts, ping(8),
// ip(8) and /sys/class/net, raw getsockopt, and the bytes and payloads the
// tests build themselves.

#include "prelude.hpp"

#include <asio_ipv4/ip4/icmp_filter.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>
#include <asio_ipv4/ip4/ip_options.hpp>
#include <asio_ipv4/ip4/raw.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---- oracles on the socket itself ------------------------------------------

int kernel_int(int fd, int level, int name)
{
  int value = -1;
  socklen_t size = sizeof value;
  BOOST_TEST_REQUIRE(::getsockopt(fd, level, name, &value, &size) == 0,
      "getsockopt(" << level << ", " << name << "): " << std::strerror(errno));
  return value;
}

std::uint32_t kernel_icmp_filter(int fd)
{
  std::uint32_t mask = 0;
  socklen_t size = sizeof mask;
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, &size) == 0, std::strerror(errno));
  BOOST_TEST(size == sizeof mask);
  return mask;
}

// Sets a boolean IPPROTO_IP option; the kernel must then hold it, and
// get_option must read it back.
template <class Option, class Socket>
void set_and_compare(Socket& socket, bool value, int name)
{
  socket.set_option(Option(value));
  BOOST_TEST(kernel_int(socket.native_handle(), IPPROTO_IP, name) == int(value));
  Option got(!value);
  socket.get_option(got);
  BOOST_TEST(got.value() == value);
}

// ---- sockets living in lab hosts -------------------------------------------

// A UDP socket in a of two_hosts, still unbound, and an address that is not
// a's: binding to it fails (the kernel's EADDRNOTAVAIL) until an option
// allows it.
struct foreign_bind
{
  t::two_hosts_lab lab = t::two_hosts();
  const udp::endpoint foreign{make_address_v4("10.9.9.9"), 4000};
  net::io_context io;
  udp::socket socket{io};

  foreign_bind()
  {
    lab.a.enter([&] { socket.open(udp::v4()); });
    boost::system::error_code ec;
    socket.bind(foreign, ec);
    BOOST_TEST(error_text(ec) == error_text(make_error_code(boost::system::errc::address_not_available)));
  }
};

using asio_ipv4::test::collect;
using asio_ipv4::test::joined;

// UDP datagrams to `port`; the sniffer ends after `count` (0: no limit).
t::sniff_filter udp_filter(unsigned count)
{
  t::sniff_filter filter;
  filter.protocol = IPPROTO_UDP;
  filter.destination_port = port;
  filter.count = count;
  filter.lifetime = 20s;
  return filter;
}

// An IPv4 header (no options) followed by a UDP header (checksum 0) and the
// payload, laid out by hand: the oracle for header_included. Total length
// and header checksum are left 0 for the kernel to fill (raw(7)).
std::vector<std::uint8_t> ipv4_udp_packet(const address_v4& source, const address_v4& destination,
    std::uint16_t id, std::uint16_t flags_and_offset, std::uint8_t ttl, const std::string& payload)
{
  auto put16 = [](std::vector<std::uint8_t>& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
  };
  std::vector<std::uint8_t> b{0x45, 0x10, 0, 0};   // version 4, IHL 5, TOS 0x10, length
  put16(b, id);
  put16(b, flags_and_offset);
  b.insert(b.end(), {ttl, IPPROTO_UDP, 0, 0});
  for (const auto& address : {source, destination})
    for (auto byte : address.to_bytes())
      b.push_back(byte);
  put16(b, 4000);
  put16(b, port);
  put16(b, static_cast<std::uint16_t>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// The ICMP type of every packet queued on a raw ICMP socket, counted: the
// IPv4 header's IHL gives where the ICMP header starts.
std::map<int, int> icmp_types_queued(net::ip::icmp::socket& socket)
{
  std::map<int, int> types;
  std::array<std::uint8_t, 4096> packet;
  socket.non_blocking(true);
  boost::system::error_code ec;
  for (std::size_t n; (n = socket.receive(net::buffer(packet), 0, ec)), !ec;)
  {
    std::size_t ihl = (packet[0] & 0x0f) * 4u;
    BOOST_TEST_REQUIRE(n > ihl, "short packet of " << n << " bytes");
    ++types[packet[ihl]];
  }
  socket.non_blocking(false);
  return types;
}

std::string counts(const std::map<int, int>& types)
{
  std::string text;
  for (const auto& [type, count] : types)
    text += "type " + std::to_string(type) + " x" + std::to_string(count) + "; ";
  return text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(options_test)

// ---- binding: transparent, freebind -----------------------------------------

// Oracles: raw getsockopt(IP_TRANSPARENT), the kernel's bind() answer, and
// sniff.py on b for the source address that reached the wire.
BOOST_AUTO_TEST_CASE(transparent_binds_and_sends_from_a_foreign_address, *t::needs_root())
{
  foreign_bind f;
  BOOST_TEST(kernel_int(f.socket.native_handle(), IPPROTO_IP, IP_TRANSPARENT) == 0);
  set_and_compare<ip4::transparent>(f.socket, true, IP_TRANSPARENT);
  f.socket.bind(f.foreign);

  t::sniffer on_b(f.lab.b, f.lab.b_if.name, udp_filter(1));
  f.socket.send_to(net::buffer(std::string("spoofed")), udp::endpoint(f.lab.b_if.address, port));
  auto packets = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 1u);
    BOOST_TEST(packets[0].source == f.foreign.address());
    BOOST_TEST(packets[0].source_port.value_or(0) == f.foreign.port());
    BOOST_TEST(packets[0].payload_text() == "spoofed");
  }
  set_and_compare<ip4::transparent>(f.socket, false, IP_TRANSPARENT);
}

// Oracles: raw getsockopt(IP_FREEBIND), the kernel's bind() answer, and its
// refusal to route from the foreign address (only transparent may send from
// it: FLOWI_FLAG_ANYSRC).
BOOST_AUTO_TEST_CASE(freebind_binds_a_foreign_address_but_cannot_send_from_it, *t::needs_root())
{
  foreign_bind f;
  set_and_compare<ip4::freebind>(f.socket, true, IP_FREEBIND);
  f.socket.bind(f.foreign);
  BOOST_TEST(f.socket.local_endpoint() == f.foreign);
  boost::system::error_code ec;
  f.socket.send_to(net::buffer(std::string("x")), udp::endpoint(f.lab.b_if.address, port), 0, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::network_unreachable));
}

// ---- raw sockets: header_included, no_defragment, icmp_filter --------------

// Oracles: raw getsockopt(IP_HDRINCL), and sniff.py on b: with the option on,
// the header on the wire is the one built by hand here (TTL 99, ID 0x4242,
// TOS 0x10); with it off the kernel writes its own header (TTL 64) in front
// of the bytes sent.
BOOST_AUTO_TEST_CASE(header_included_sends_our_own_header, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  ip4::raw::socket ipproto_raw(io);
  ip4::raw::socket socket(io);
  lab.a.enter([&] {
    ipproto_raw.open(ip4::raw::v4());
    socket.open(ip4::raw::v4(IPPROTO_UDP));
  });
  // The kernel turns it on for IPPROTO_RAW sockets, off for others.
  ip4::header_included got;
  ipproto_raw.get_option(got);
  BOOST_TEST(got.value());
  BOOST_TEST(kernel_int(ipproto_raw.native_handle(), IPPROTO_IP, IP_HDRINCL) == 1);
  socket.get_option(got);
  BOOST_TEST(!got.value());

  const ip4::raw::endpoint b(lab.b_if.address, 0);
  t::sniffer on_b(lab.b, lab.b_if.name, udp_filter(2));
  set_and_compare<ip4::header_included>(socket, true, IP_HDRINCL);
  socket.send_to(net::buffer(ipv4_udp_packet(lab.a_if.address, lab.b_if.address, 0x4242, 0, 99, "ours")), b);

  set_and_compare<ip4::header_included>(socket, false, IP_HDRINCL);
  auto udp_only = ipv4_udp_packet(lab.a_if.address, lab.b_if.address, 0, 0, 0, "kernel's");
  socket.send_to(net::buffer(udp_only.data() + 20, udp_only.size() - 20), b);

  auto packets = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 2u);
    BOOST_TEST(packets[0].ttl == 99u);
    BOOST_TEST(packets[0].id == 0x4242u);
    BOOST_TEST(packets[0].tos == 0x10u);
    BOOST_TEST(packets[0].total_length == 20u + 8u + 4u);   // filled in by the kernel
    BOOST_TEST(packets[0].payload_text() == "ours");
    BOOST_TEST(packets[1].ttl == 64u);
    BOOST_TEST(packets[1].tos == 0u);
    BOOST_TEST(packets[1].payload_text() == "kernel's");
  }
}

// Oracles: raw getsockopt(IP_NODEFRAG), and sniff.py on b. With conntrack
// active in a (an nft rule matching on ct state), the kernel's defragmenter
// in the OUTPUT hook holds a lone first fragment back, waiting for the rest;
// no_defragment lets it leave as it is.
BOOST_AUTO_TEST_CASE(no_defragment_lets_a_lone_fragment_past_conntrack, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.run("nft 'add table ip lab; add chain ip lab out { type filter hook output priority 0 ; } ; "
            "add rule ip lab out ct state new accept'");
  net::io_context io;
  ip4::raw::socket socket(io);
  lab.a.enter([&] { socket.open(ip4::raw::v4(IPPROTO_UDP)); });
  socket.set_option(ip4::header_included(true));
  BOOST_TEST(kernel_int(socket.native_handle(), IPPROTO_IP, IP_NODEFRAG) == 0);

  t::sniff_filter filter;
  filter.protocol = IPPROTO_UDP;
  filter.source = lab.a_if.address;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  const ip4::raw::endpoint b(lab.b_if.address, 0);
  const std::uint16_t more_fragments = 0x2000;
  socket.send_to(net::buffer(ipv4_udp_packet(lab.a_if.address, lab.b_if.address, 0x0701, more_fragments,
                     64, "held back by conntrack")),
      b);

  set_and_compare<ip4::no_defragment>(socket, true, IP_NODEFRAG);
  socket.send_to(net::buffer(ipv4_udp_packet(lab.a_if.address, lab.b_if.address, 0x0702, more_fragments,
                     64, "passes as it is")),
      b);

  on_b.wait_for(1, 5s);
  std::this_thread::sleep_for(300ms);   // the held fragment would have come first
  auto packets = on_b.stop();
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 1u);
    BOOST_TEST(packets[0].id == 0x0702u);
    BOOST_TEST(packets[0].more_fragments());
    BOOST_TEST(packets[0].fragment_offset == 0u);
  }
}

// Oracle: raw getsockopt/setsockopt(ICMP_FILTER), the 32-bit mask of raw(7).
BOOST_AUTO_TEST_CASE(icmp_filter_round_trip_on_a_raw_icmp_socket, *t::needs_root())
{
  t::host h("h");
  net::io_context io;
  net::ip::icmp::socket socket(io);
  ip4::raw::socket udp_raw(io);
  h.enter([&] {
    socket.open(net::ip::icmp::v4());
    udp_raw.open(ip4::raw::v4(IPPROTO_UDP));
  });
  const int fd = socket.native_handle();
  BOOST_TEST(kernel_icmp_filter(fd) == 0u);

  socket.set_option(ip4::icmp_filter().block(ip4::icmp_type::echo_request).block(ip4::icmp_type::timestamp_request));
  BOOST_TEST(kernel_icmp_filter(fd) == ((1u << 8) | (1u << 13)));
  ip4::icmp_filter got;
  socket.get_option(got);
  BOOST_TEST(got.mask() == ((1u << 8) | (1u << 13)));
  BOOST_TEST(got.will_block(ip4::icmp_type::echo_request));
  BOOST_TEST(!got.will_block(ip4::icmp_type::echo_reply));

  socket.set_option(ip4::icmp_filter().block_all());
  BOOST_TEST(kernel_icmp_filter(fd) == 0xffffffffu);
  socket.set_option(ip4::icmp_filter().block_all().pass_all());
  BOOST_TEST(kernel_icmp_filter(fd) == 0u);

  // Reverse: raw set, our get.
  const std::uint32_t mask = 1u << 3;
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, sizeof mask) == 0);
  socket.get_option(got);
  BOOST_TEST(got.mask() == mask);
  BOOST_TEST(got.will_block(ip4::icmp_type::destination_unreachable));

  // The kernel only knows the filter on raw ICMP sockets.
  boost::system::error_code ec;
  udp_raw.set_option(ip4::icmp_filter().block(ip4::icmp_type::echo_request), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::operation_not_supported));
}

// Oracles: ping(8) in both directions, and the ICMP type bytes parsed here
// from the packets the raw socket in b queued. b receives echo requests
// (a pings b) and echo replies (b pings a); a filter blocking echo_request
// drops only the former.
BOOST_AUTO_TEST_CASE(icmp_filter_drops_only_the_blocked_types, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  net::ip::icmp::socket socket(io);
  lab.b.enter([&] { socket.open(net::ip::icmp::v4()); });
  auto pings = [&] {
    lab.a.run("ping -q -c 3 -i 0.05 -W 2 " + lab.b_if.address.to_string());
    lab.b.run("ping -q -c 3 -i 0.05 -W 2 " + lab.a_if.address.to_string());
    return icmp_types_queued(socket);
  };

  socket.set_option(ip4::icmp_filter().block(ip4::icmp_type::echo_request));
  auto filtered = pings();
  BOOST_TEST_CONTEXT(counts(filtered))
  {
    BOOST_TEST(filtered.count(ICMP_ECHO) == 0u);
    BOOST_TEST(filtered[ICMP_ECHOREPLY] == 3);
    BOOST_TEST(filtered.size() == 1u);
  }

  socket.set_option(ip4::icmp_filter().pass_all());
  auto all = pings();
  BOOST_TEST_CONTEXT(counts(all))
  {
    BOOST_TEST(all[ICMP_ECHO] == 3);
    BOOST_TEST(all[ICMP_ECHOREPLY] == 3);
    BOOST_TEST(all.size() == 2u);
  }
}

// ---- header fields on the wire: tos, ttl, options ---------------------------

// Oracle: sniff.py on b, the header as it arrived. RFC 791 record route with
// Linux as the sender: the sending host records its own outgoing address in
// the first slot and advances the pointer from 4 to 8 (ip_options_build).
BOOST_AUTO_TEST_CASE(tos_ttl_and_record_route_reach_the_wire, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  socket.set_option(ip4::tos::from_dscp(46));
  socket.set_option(ip4::ttl(7));
  socket.set_option(ip4::options::record_route(2));

  t::sniffer on_b(lab.b, lab.b_if.name, udp_filter(1));
  socket.send_to(net::buffer(std::string("marked")), udp::endpoint(lab.b_if.address, port));
  auto packets = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 1u);
    BOOST_TEST(packets[0].tos == 0xb8u);
    BOOST_TEST(packets[0].ttl == 7u);
    BOOST_TEST(packets[0].header_length == 32u);
    // type 7, length 11, pointer 8, [10.0.1.1], [empty], End of List
    BOOST_TEST(t::to_hex(packets[0].options) == "070b080a0001010000000000");
  }
}

// Oracle: sniff.py on b, after r. Each router records the address it
// forwards from (r_b_if) in the next free slot; a full route is forwarded
// unchanged (RFC 791: "the datagram is forwarded without inserting").
BOOST_AUTO_TEST_CASE(the_router_records_its_outgoing_address, *t::needs_root())
{
  auto lab = t::routed();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  t::sniffer on_b(lab.b, lab.b_if.name, udp_filter(2));
  const udp::endpoint b(lab.b_if.address, port);
  socket.set_option(ip4::options::record_route(3));
  socket.send_to(net::buffer(std::string("room")), b);
  socket.set_option(ip4::options::record_route(1));
  socket.send_to(net::buffer(std::string("full")), b);

  auto packets = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 2u);
    BOOST_TEST(packets[0].ttl == 63u);
    // type 7, length 15, pointer 12, [a 10.0.1.1], [r 10.0.2.1], [empty], EOL
    BOOST_TEST(t::to_hex(packets[0].options) == "070f0c0a0001010a0002010000000000");
    // type 7, length 7, pointer 8 (full), [a 10.0.1.1], EOL
    BOOST_TEST(t::to_hex(packets[1].options) == "0707080a00010100");
  }
}

// Oracles: sniff.py on r (the packet a sent) and on b (what r forwarded),
// and udp_recv.py in b (delivered). Linux drops source-routed packets unless
// net.ipv4.conf.all.accept_source_route and the arrival interface's own
// setting are both 1 (a new namespace has all=0, per device 1): on r, which
// forwards, and on b, which checks the (spent) option on delivery too.
BOOST_AUTO_TEST_CASE(loose_source_route_through_the_router, *t::needs_root())
{
  auto lab = t::routed();
  lab.r.sysctl("net.ipv4.conf.all.accept_source_route", "1");
  lab.b.sysctl("net.ipv4.conf.all.accept_source_route", "1");
  auto receiver = lab.b.python("udp_recv.py", {"--port", std::to_string(port), "--count", "1"});
  receiver.wait_line("ready");
  t::sniffer on_r(lab.r, lab.r_a_if.name, udp_filter(1));
  t::sniffer on_b(lab.b, lab.b_if.name, udp_filter(1));

  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  socket.set_option(ip4::options::loose_source_route({lab.r_a_if.address}));
  socket.send_to(net::buffer(std::string("via r")), udp::endpoint(lab.b_if.address, port));

  auto sent = on_r.packets(5s);
  auto forwarded = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_r.describe() << "\n" << on_b.describe())
  {
    BOOST_TEST_REQUIRE(sent.size() == 1u);
    // a sends to the first hop; the option holds the final destination.
    BOOST_TEST(sent[0].destination == lab.r_a_if.address);
    BOOST_TEST(t::to_hex(sent[0].options) == "8307040a00020200");   // 131, 7, ptr 4, [b], EOL
    BOOST_TEST_REQUIRE(forwarded.size() == 1u);
    // r swapped in b and recorded its own outgoing address.
    BOOST_TEST(forwarded[0].destination == lab.b_if.address);
    BOOST_TEST(t::to_hex(forwarded[0].options) == "8307080a00020100");   // ptr 8, [r_b_if], EOL
    BOOST_TEST(forwarded[0].payload_text() == "via r");
  }
  auto datagram = t::next_datagram(receiver, 5s);
  BOOST_TEST_REQUIRE(datagram.has_value(), receiver.describe());
  BOOST_TEST(datagram->source == lab.a_if.address);
  BOOST_TEST(datagram->payload_text() == "via r");
}

// ---- path MTU: mtu_discover and mtu -----------------------------------------

// Oracles: sniff.py on b (what left, and its DF bit) and the kernel's send
// answer. 1472 bytes of payload + 8 (UDP) + 20 (IPv4) = 1500, a's link MTU.
BOOST_AUTO_TEST_CASE(pmtu_do_refuses_datagrams_above_the_interface_mtu, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  socket.set_option(ip4::mtu_discover(ip4::pmtu::do_));
  BOOST_TEST(kernel_int(socket.native_handle(), IPPROTO_IP, IP_MTU_DISCOVER) == IP_PMTUDISC_DO);

  t::sniffer on_b(lab.b, lab.b_if.name, udp_filter(0));
  const udp::endpoint b(lab.b_if.address, port);
  const std::string payload(1473, 'x');
  boost::system::error_code ec;
  socket.send_to(net::buffer(payload), b, 0, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::message_size));
  BOOST_TEST(socket.send_to(net::buffer(payload.data(), 1472), b) == 1472u);

  on_b.wait_for(1, 5s);
  std::this_thread::sleep_for(300ms);
  auto packets = on_b.stop();
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 1u);
    BOOST_TEST(packets[0].total_length == 1500u);
    BOOST_TEST(packets[0].dont_fragment());
  }
}

// Oracles: /sys/class/net/<if>/mtu, raw getsockopt(IP_MTU), raw_recv.py for
// r's "fragmentation needed", `ip route get` (the cached path MTU), the
// kernel's send answers, and sniff.py + udp_recv.py on b for the fragments
// of a pmtu::dont datagram.
BOOST_AUTO_TEST_CASE(ip_mtu_follows_the_path_and_pmtu_do_respects_it, *t::needs_root())
{
  auto lab = t::routed();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  const int fd = socket.native_handle();
  const udp::endpoint b(lab.b_if.address, port);
  socket.connect(b);
  ip4::mtu mtu;
  socket.get_option(mtu);
  BOOST_TEST(std::to_string(mtu.value()) + "\n" == lab.a.output("cat /sys/class/net/" + lab.a_if.name + "/mtu"));
  BOOST_TEST(mtu.value() == kernel_int(fd, IPPROTO_IP, IP_MTU));

  lab.set_r_b_mtu(1000);
  socket.set_option(ip4::mtu_discover(ip4::pmtu::do_));
  auto icmp = lab.a.python("raw_recv.py", {"--proto", "1", "--type", "3", "--count", "1"});
  icmp.wait_line("ready");
  const std::string payload(1200, 'x');
  BOOST_TEST(socket.send(net::buffer(payload)) == payload.size());   // fits a's own link
  auto reply = t::parse_packet_line(icmp.wait_line([](std::string_view l) { return l.rfind("raw ", 0) == 0; }, 5s));
  BOOST_TEST_CONTEXT(reply.line)
  {
    BOOST_TEST(reply.source == lab.r_a_if.address);
    BOOST_TEST(reply.icmp_code.value_or(0) == ICMP_FRAG_NEEDED);
    BOOST_TEST(reply.fields["mtu"] == "1000");
  }

  BOOST_TEST(t::eventually([&] {
    socket.get_option(mtu);
    return mtu.value() == 1000;
  }, 2s));
  BOOST_TEST(mtu.value() == 1000);
  BOOST_TEST(kernel_int(fd, IPPROTO_IP, IP_MTU) == 1000);
  auto route = lab.a.output("ip route get " + lab.b_if.address.to_string());
  BOOST_TEST(route.find("mtu 1000") != std::string::npos, route);
  // A connected socket also gets the ICMP as a pending error (udp_err sets
  // sk_err): the next send that allocates would fail with it whatever its
  // size. SO_ERROR reads and clears it.
  BOOST_TEST(kernel_int(fd, SOL_SOCKET, SO_ERROR) == EMSGSIZE);

  boost::system::error_code ec;
  socket.send(net::buffer(payload), 0, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::message_size));
  socket.send(net::buffer(payload.data(), 1000 - 28 + 1), 0, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::message_size));
  BOOST_TEST(socket.send(net::buffer(payload.data(), 1000 - 28)) == 972u);

  // pmtu::dont: the same 1200 bytes leave in fragments of at most 1000.
  auto receiver = lab.b.python("udp_recv.py", {"--port", "5001", "--count", "1", "--max-payload", "4"});
  receiver.wait_line("ready");
  t::sniff_filter filter;
  filter.protocol = IPPROTO_UDP;
  filter.source = lab.a_if.address;
  filter.count = 2;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  auto fragmenting = t::udp_socket_in(lab.a, io);
  fragmenting.set_option(ip4::mtu_discover(ip4::pmtu::dont));
  fragmenting.send_to(net::buffer(payload), udp::endpoint(lab.b_if.address, 5001));
  auto fragments = on_b.packets(5s);
  BOOST_TEST_CONTEXT(on_b.describe())
  {
    BOOST_TEST_REQUIRE(fragments.size() == 2u);
    // 1208 bytes of UDP: 976 (a multiple of 8) + 232.
    BOOST_TEST(fragments[0].flags == 1u);   // MF, no DF
    BOOST_TEST(fragments[0].fragment_offset == 0u);
    BOOST_TEST(fragments[0].total_length == 996u);
    BOOST_TEST(fragments[1].flags == 0u);
    BOOST_TEST(fragments[1].fragment_offset == 976u / 8);
    BOOST_TEST(fragments[1].total_length == 252u);
  }
  auto datagram = t::next_datagram(receiver, 5s);
  BOOST_TEST_REQUIRE(datagram.has_value(), receiver.describe());
  BOOST_TEST(datagram->fields["len"] == "1200");
}

// ---- bpf_filter --------------------------------------------------------------

// Oracle: the datagrams sent from a, by payload, as they are queued on the
// socket in b. The program keeps UDP datagrams whose length
// field (offset 4 of the UDP header, where a UDP socket's filter starts) is
// 8 + 8, i.e. 8 bytes of payload.
BOOST_AUTO_TEST_CASE(bpf_filter_delivers_only_one_payload_length, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.b, io, udp::endpoint(address_v4::any(), port));
  socket.set_option(asio_ipv4::bpf_filter({
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  }));
  auto sender = t::udp_socket_in(lab.a, io);
  auto send_three = [&] {
    for (std::string payload : {"five!", "twelve bytes", "eight ok"})
      sender.send_to(net::buffer(payload), udp::endpoint(lab.b_if.address, port));
  };

  send_three();
  BOOST_TEST(joined(collect(socket, 1)) == "eight ok");

  socket.set_option(asio_ipv4::detach_bpf_filter());
  send_three();
  BOOST_TEST(joined(collect(socket, 3)) == "five! | twelve bytes | eight ok");
}

BOOST_AUTO_TEST_SUITE_END()
