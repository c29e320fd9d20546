//
// test/netns/raw_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Raw IPv4 sockets across namespace hosts: IP_HDRINCL sends built with
// ip4::header::marshal, what Linux fills in for them, raw receives read with
// parse_header and cmsg_socket's control messages, the ICMP filter of raw
// ICMP sockets under real ping traffic, and IP options as the wire and the
// receiver see them.
//
// Oracles (each case names its own): raw_recv.py and raw_send.py (Python raw
// sockets, tools/), sniff.py on a veth link, ping(8)'s own summary, and an
// RFC 1071 checksum and an ICMP type byte computed in this file from the
// bytes, without the library.

#include "prelude.hpp"
#include "io_run.hpp"
#include "test_util.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/header.hpp>
#include <asio_ipv4/ip4/icmp_filter.hpp>
#include <asio_ipv4/ip4/ip_options.hpp>
#include <asio_ipv4/ip4/raw.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <ios>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using bytes = std::vector<std::uint8_t>;

namespace {

constexpr int experimental_protocol = 253; // RFC 3692 experimentation

using raw_socket = asio_ipv4::cmsg_socket<ip4::raw::socket>;
using icmp_socket = asio_ipv4::cmsg_socket<net::ip::icmp::socket>;

// One datagram received by a cmsg_socket.
template <class Endpoint>
struct received
{
  bytes data;
  Endpoint from;
  asio_ipv4::control_message control;
  boost::system::error_code ec;
};

// Receives one datagram, or nothing within `timeout` (the receive is then
// cancelled).
template <class Socket>
std::optional<received<typename Socket::endpoint_type>> receive_within(
    net::io_context& io, asio_ipv4::cmsg_socket<Socket>& socket, std::chrono::milliseconds timeout)
{
  received<typename Socket::endpoint_type> r;
  r.data.resize(65536);
  bool done = false;
  socket.async_receive_from(net::buffer(r.data), r.from, r.control,
      [&](boost::system::error_code ec, std::size_t n) {
        r.ec = ec;
        r.data.resize(n);
        done = true;
      });
  t::run_until(io, [&] { return done; }, timeout);
  if (!done)
  {
    socket.next_layer().cancel();
    io.restart();
    io.run();
  }
  if (!done || r.ec == net::error::operation_aborted)
    return std::nullopt;
  return r;
}

// Every datagram queued on `socket`, until it stays quiet for `quiet`.
template <class Socket>
std::vector<received<typename Socket::endpoint_type>> drain(
    net::io_context& io, asio_ipv4::cmsg_socket<Socket>& socket, std::chrono::milliseconds quiet = 300ms)
{
  std::vector<received<typename Socket::endpoint_type>> all;
  while (auto r = receive_within(io, socket, quiet))
    all.push_back(std::move(*r));
  return all;
}

// The header bytes a tool saw, rebuilt from the fields it printed (RFC 791
// layout, written out here rather than with the library).
bytes wire_header(const t::packet_record& p)
{
  bytes b(20, 0);
  b[0] = static_cast<std::uint8_t>(0x40 | p.header_length / 4);
  b[1] = static_cast<std::uint8_t>(p.tos);
  b[2] = static_cast<std::uint8_t>(p.total_length >> 8);
  b[3] = static_cast<std::uint8_t>(p.total_length);
  b[4] = static_cast<std::uint8_t>(p.id >> 8);
  b[5] = static_cast<std::uint8_t>(p.id);
  const unsigned fragment = p.flags << 13 | p.fragment_offset;
  b[6] = static_cast<std::uint8_t>(fragment >> 8);
  b[7] = static_cast<std::uint8_t>(fragment);
  b[8] = static_cast<std::uint8_t>(p.ttl);
  b[9] = static_cast<std::uint8_t>(p.protocol);
  const unsigned csum = static_cast<unsigned>(std::stoul(p.fields.at("csum")));
  b[10] = static_cast<std::uint8_t>(csum >> 8);
  b[11] = static_cast<std::uint8_t>(csum);
  const auto s = p.source.to_bytes(), d = p.destination.to_bytes();
  std::copy(s.begin(), s.end(), b.begin() + 12);
  std::copy(d.begin(), d.end(), b.begin() + 16);
  b.insert(b.end(), p.options.begin(), p.options.end());
  return b;
}

// Checks that the header a tool printed carries a correct checksum.
void check_checksum(const t::packet_record& p)
{
  const bytes header = wire_header(p);
  BOOST_TEST(t::reference_checksum(header) == 0u, "checksum " << p.fields.at("csum") << " does not verify: header "
      << t::to_hex(header) << " sums to 0x" << std::hex << t::reference_checksum(header) << ", expected 0");
}

// Marshals `h` and sends it with `payload` behind it (two buffers, one
// datagram) to h.destination.
std::size_t send_packet(raw_socket& socket, const ip4::header& h, const std::string& payload)
{
  std::array<std::uint8_t, ip4::header::max_length> head{};
  const std::size_t n = h.marshal(net::buffer(head));
  const std::array<net::const_buffer, 2> packet{net::buffer(head.data(), n), net::buffer(payload)};
  return socket.send_to(packet, ip4::raw::endpoint(h.destination, 0), asio_ipv4::control_message{});
}

// The raw_recv.py lines of `receiver` until it ends, keyed by payload text.
std::map<std::string, t::packet_record> packets_by_payload(t::process& receiver, std::size_t count)
{
  std::map<std::string, t::packet_record> out;
  for (std::size_t i = 0; i < count; ++i)
  {
    auto line = receiver.wait_line([](std::string_view l) { return l.rfind("raw ", 0) == 0; }, 10s);
    auto p = t::parse_packet_line(line);
    out.emplace(p.payload_text(), p);
  }
  return out;
}

std::string flags_text(unsigned flags)
{
  return std::string(flags & 4 ? "R" : "-") + (flags & 2 ? "D" : "-") + (flags & 1 ? "M" : "-");
}

struct ping_summary
{
  unsigned transmitted = 0;
  unsigned received = 0;
};

// "5 packets transmitted, 5 received, 0% packet loss" from ping(8).
ping_summary summary_of(const std::string& output)
{
  std::smatch m;
  static const std::regex line(R"((\d+) packets transmitted, (\d+) received)");
  BOOST_TEST_REQUIRE(std::regex_search(output, m, line), "no summary in ping output:\n" << output);
  return {static_cast<unsigned>(std::stoul(m[1])), static_cast<unsigned>(std::stoul(m[2]))};
}

// The ICMP type of each packet a raw ICMP socket received: the first byte
// after the IPv4 header, found from the IHL nibble (not with the library).
std::map<unsigned, unsigned> icmp_types(const std::vector<received<net::ip::icmp::endpoint>>& packets)
{
  std::map<unsigned, unsigned> count;
  for (const auto& p : packets)
  {
    BOOST_TEST_REQUIRE(p.data.size() >= 1u);
    const std::size_t ihl = (p.data[0] & 0x0f) * 4u;
    BOOST_TEST_REQUIRE(p.data.size() > ihl, "packet of " << p.data.size() << " bytes, IHL " << ihl);
    ++count[p.data[ihl]];
  }
  return count;
}

std::string describe(const std::map<unsigned, unsigned>& types)
{
  std::ostringstream os;
  for (const auto& [type, n] : types)
    os << "type " << type << ": " << n << "; ";
  return os.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(raw_test)

// Oracle: raw_recv.py (a Python raw socket, protocol 253) in b prints the
// header fields it received; the checksum is verified here with an RFC 1071
// sum over the header rebuilt from those fields.
BOOST_AUTO_TEST_CASE(header_included_packet_arrives_field_exact, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto receiver = lab.b.python("raw_recv.py", {"--proto", "253", "--count", "2", "--timeout", "20"});
  receiver.wait_line("ready");

  net::io_context io;
  // Protocol 253 with IP_HDRINCL set, and IPPROTO_RAW where it is implied.
  raw_socket by_number(io), by_raw(io);
  lab.a.enter([&] {
    by_number.next_layer().open(ip4::raw::v4(experimental_protocol));
    by_raw.next_layer().open(ip4::raw::v4());
  });
  by_number.next_layer().set_option(ip4::header_included(true));
  ip4::header_included implied;
  by_raw.next_layer().get_option(implied);
  BOOST_TEST(implied.value(), "IPPROTO_RAW socket: IP_HDRINCL expected on, read off");

  const std::string payload[2] = {"hdrincl by protocol 253", "hdrincl by IPPROTO_RAW"};
  ip4::header h[2];
  for (int i = 0; i < 2; ++i)
  {
    h[i].tos = i == 0 ? 0xb8 : 0x28;
    h[i].ttl = i == 0 ? 42 : 7;
    h[i].id = i == 0 ? 0x1234 : 0xbeef;
    h[i].protocol = experimental_protocol;
    h[i].flags = ip4::header::dont_fragment;
    h[i].source = lab.a_if.address;
    h[i].destination = lab.b_if.address;
    h[i].total_length = static_cast<std::uint16_t>(20 + payload[i].size());
  }
  BOOST_TEST(send_packet(by_number, h[0], payload[0]) == 20 + payload[0].size());
  BOOST_TEST(send_packet(by_raw, h[1], payload[1]) == 20 + payload[1].size());

  auto got = packets_by_payload(receiver, 2);
  for (int i = 0; i < 2; ++i)
  {
    BOOST_TEST_CONTEXT("sent " << h[i] << " + \"" << payload[i] << "\"")
    {
      BOOST_TEST_REQUIRE(got.count(payload[i]) == 1u, receiver.describe());
      const auto& p = got.at(payload[i]);
      BOOST_TEST(p.tos == h[i].tos);
      BOOST_TEST(p.ttl == h[i].ttl);   // one hop, no router: as sent
      BOOST_TEST(p.id == h[i].id);
      BOOST_TEST(flags_text(p.flags) == flags_text(h[i].flags));
      BOOST_TEST(p.fragment_offset == 0u);
      BOOST_TEST(p.protocol == unsigned(experimental_protocol));
      BOOST_TEST(p.source == h[i].source);
      BOOST_TEST(p.destination == h[i].destination);
      BOOST_TEST(p.header_length == 20u);
      BOOST_TEST(p.total_length == h[i].total_length);
      BOOST_TEST(p.payload_text() == payload[i]);
      check_checksum(p);
    }
  }
}

// What Linux fills in on an IP_HDRINCL send (raw(7): "IP Checksum: always
// filled in; Source Address: filled in when zero; Packet ID: filled in when
// zero; Total Length: always filled in").
// Oracle: raw_recv.py in b, as above; the checksum verified here.
BOOST_AUTO_TEST_CASE(kernel_fills_checksum_length_id_and_source, *t::needs_root())
{
  auto lab = t::two_hosts();
  constexpr std::size_t packets = 8;
  auto receiver = lab.b.python("raw_recv.py", {"--proto", "253", "--count", std::to_string(packets),
                                                  "--timeout", "20"});
  receiver.wait_line("ready");

  net::io_context io;
  raw_socket socket(io);
  lab.a.enter([&] { socket.next_layer().open(ip4::raw::v4()); });

  ip4::header base;
  base.protocol = experimental_protocol;
  base.ttl = 64;
  base.id = 0x0101;
  base.flags = ip4::header::dont_fragment;
  base.source = lab.a_if.address;
  base.destination = lab.b_if.address;

  // Patches the marshalled header before the send (what marshal refuses to
  // write: a wrong checksum, a total length shorter than the header).
  auto send_patched = [&](ip4::header h, const std::string& payload, std::size_t at, std::uint16_t value) {
    std::array<std::uint8_t, ip4::header::max_length> head{};
    const std::size_t n = h.marshal(net::buffer(head));
    head[at] = static_cast<std::uint8_t>(value >> 8);
    head[at + 1] = static_cast<std::uint8_t>(value);
    const std::array<net::const_buffer, 2> packet{net::buffer(head.data(), n), net::buffer(payload)};
    socket.send_to(packet, ip4::raw::endpoint(h.destination, 0), asio_ipv4::control_message{});
  };

  // Sends `base` with one field changed.
  auto send_with = [&](const std::string& payload, auto change) {
    ip4::header h = base;
    change(h);
    send_packet(socket, h, payload);
  };

  // The checksum: a wrong one (0xdead, or 0) is replaced; b's IP layer would
  // drop the packet otherwise.
  send_patched(base, "checksum 0xdead", 10, 0xdead);
  send_patched(base, "checksum 0", 10, 0);
  // The total length: 0 (marshal allows it for this), too long, too short.
  send_with("total length 0", [](ip4::header& h) { h.total_length = 0; });
  send_with("total length 9999", [](ip4::header& h) { h.total_length = 9999; });
  send_patched(base, "total length 21", 2, 21);
  // The identification, when 0: with DF and without.
  send_with("id 0 with DF", [](ip4::header& h) { h.id = 0; });
  send_with("id 0 without DF", [](ip4::header& h) {
    h.id = 0;
    h.flags = 0;
  });
  // The source address, when 0.0.0.0.
  send_with("source 0.0.0.0", [](ip4::header& h) { h.source = address_v4::any(); });

  auto got = packets_by_payload(receiver, packets);
  auto packet = [&](const std::string& name) -> const t::packet_record& {
    BOOST_TEST_REQUIRE(got.count(name) == 1u, "\"" << name << "\" not received\n" << receiver.describe());
    return got.at(name);
  };
  for (const auto& [name, p] : got)
  {
    BOOST_TEST_CONTEXT(name << ": " << p.line)
    {
      check_checksum(p);
      BOOST_TEST(p.total_length == 20 + name.size(),
          "total length: expected " << 20 + name.size() << ", got " << p.total_length);
      BOOST_TEST(p.source == lab.a_if.address);
      BOOST_TEST(p.ttl == 64u);
    }
  }
  BOOST_TEST(packet("total length 9999").id == 0x0101u);
  // Id 0 without DF: the kernel picks one (ip_select_ident). With DF, Linux
  // leaves 0 (RFC 6864: an atomic datagram's id has no meaning): only the
  // non-DF case is "filled in when zero".
  BOOST_TEST(packet("id 0 without DF").id != 0u,
      "id: expected one the kernel picked, got 0: " << packet("id 0 without DF").line);
  BOOST_TEST(packet("id 0 with DF").id == 0u,
      "id: expected 0, got " << packet("id 0 with DF").id << ": " << packet("id 0 with DF").line);
  BOOST_TEST(packet("source 0.0.0.0").source == lab.a_if.address);
}

// With IP_HDRINCL the header as written is what goes out: the socket's and
// the datagram's TTL and TOS do not apply, and Linux does not fragment (a
// packet above the MTU fails with EMSGSIZE).
// Oracle: raw_recv.py in b, as above, and the error of the send.
BOOST_AUTO_TEST_CASE(header_included_header_wins_and_is_not_fragmented, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto receiver = lab.b.python("raw_recv.py", {"--proto", "253", "--count", "2", "--timeout", "20"});
  receiver.wait_line("ready");

  net::io_context io;
  raw_socket socket(io);
  lab.a.enter([&] { socket.next_layer().open(ip4::raw::v4()); });
  socket.next_layer().set_option(ip4::ttl(9));
  socket.next_layer().set_option(ip4::tos(0x10));

  ip4::header h;
  h.protocol = experimental_protocol;
  h.ttl = 77;
  h.tos = 0x04;
  h.source = lab.a_if.address;
  h.destination = lab.b_if.address;
  std::array<std::uint8_t, ip4::header::max_length> head{};
  const std::size_t n = h.marshal(net::buffer(head));
  auto send = [&](const std::string& payload, const asio_ipv4::control_message& control) {
    boost::system::error_code ec;
    const std::array<net::const_buffer, 2> packet{net::buffer(head.data(), n), net::buffer(payload)};
    socket.send_to(packet, ip4::raw::endpoint(h.destination, 0), control, ec);
    return ec;
  };

  asio_ipv4::control_message per_packet;
  per_packet.ttl = 5;
  per_packet.tos = 0x20;
  BOOST_TEST(send("socket options", {}).message() == boost::system::error_code().message());
  BOOST_TEST(send("control message", per_packet).message() == boost::system::error_code().message());
  const auto too_big = send(std::string(1500, 'x'), {});
  BOOST_TEST(too_big == net::error::message_size,
      "1520 bytes over an MTU of 1500: expected message_size, got " << too_big.message());

  auto got = packets_by_payload(receiver, 2);
  for (const auto& [name, p] : got)
  {
    BOOST_TEST(p.ttl == 77u, name << ": expected the header's TTL 77, got " << p.ttl);
    BOOST_TEST(p.tos == 0x04u, name << ": expected the header's TOS 4, got " << p.tos);
  }
  BOOST_TEST(got.size() == 2u, receiver.describe());
}

// Oracle: raw_send.py in a (a Python raw socket, protocol 253, IP_TOS and
// IP_TTL set with setsockopt; the kernel writes the header) and the values it
// was told to use.
BOOST_AUTO_TEST_CASE(raw_receive_gives_the_header_and_control_messages, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  raw_socket socket(io);
  lab.b.enter([&] { socket.next_layer().open(ip4::raw::v4(experimental_protocol)); });
  socket.next_layer().set_option(ip4::receive_packet_info(true));
  socket.next_layer().set_option(ip4::receive_ttl(true));
  socket.next_layer().set_option(ip4::receive_tos(true));

  auto sender = lab.a.python("raw_send.py", {"--dst", lab.b_if.address.to_string(), "--proto", "253",
                                                "--tos", "0xb8", "--ttl", "33", "--payload", "raw {i}",
                                                "--count", "2"});
  BOOST_TEST(sender.wait(10s).value_or(-2) == 0, "sender: expected status 0\n" << sender.describe());

  for (int i = 0; i < 2; ++i)
  {
    auto r = receive_within(io, socket, 5s);
    BOOST_TEST_REQUIRE(r.has_value(), "packet " << i << " not received\n" << sender.describe());
    BOOST_TEST_REQUIRE(!r->ec, r->ec.message());
    const ip4::header h = ip4::parse_header(net::buffer(r->data));
    BOOST_TEST_CONTEXT("packet " << i << ": " << h)
    {
      // The whole header, as Linux hands it over: total length in network
      // byte order and counting the header.
      BOOST_TEST(h.total_length == r->data.size());
      BOOST_TEST(h.header_length == 20u);
      BOOST_TEST(t::reference_checksum(bytes(r->data.begin(), r->data.begin() + h.header_length)) == 0u);
      BOOST_TEST(h.tos == 0xb8u);
      BOOST_TEST(h.ttl == 33u);
      BOOST_TEST(h.protocol == unsigned(experimental_protocol));
      BOOST_TEST(h.source == lab.a_if.address);
      BOOST_TEST(h.destination == lab.b_if.address);
      const auto body = ip4::payload(net::buffer(r->data), h);
      BOOST_TEST(std::string(static_cast<const char*>(body.data()), body.size()) == "raw " + std::to_string(i));
      // The sender, and the control messages, as on a UDP socket.
      BOOST_TEST(r->from.address() == net::ip::address(lab.a_if.address));
      BOOST_TEST(r->control.destination.value_or(address_v4()) == lab.b_if.address);
      BOOST_TEST(r->control.local.value_or(address_v4()) == lab.b_if.address);
      BOOST_TEST(r->control.interface_index.value_or(0) == lab.b_if.index);
      BOOST_TEST(unsigned(r->control.ttl.value_or(0)) == 33u);
      BOOST_TEST(unsigned(r->control.tos.value_or(0)) == 0xb8u);
    }
  }
}

// The options a raw socket receives are those of the packet as it arrived,
// after the routers and the receiving host processed them.
// Oracles: raw_send.py in a with IP_OPTIONS (Record Route, three slots) and
// sniff.py on the r -- b link for the bytes on the wire.
BOOST_AUTO_TEST_CASE(raw_receive_gives_recorded_route, *t::needs_root())
{
  auto lab = t::routed();
  net::io_context io;
  raw_socket socket(io);
  lab.b.enter([&] { socket.next_layer().open(ip4::raw::v4(experimental_protocol)); });
  t::sniff_filter filter;
  filter.protocol = experimental_protocol;
  filter.count = 1;
  t::sniffer wire(lab.b, lab.b_if.name, filter);

  const auto rr = ip4::options::record_route(3);
  const auto* rr_bytes = static_cast<const std::uint8_t*>(rr.value().data());
  const std::string rr_hex = t::to_hex(bytes(rr_bytes, rr_bytes + rr.value().size()));
  auto sender = lab.a.python("raw_send.py", {"--dst", lab.b_if.address.to_string(), "--proto", "253",
                                                "--options-hex", rr_hex, "--payload", "recorded"});
  BOOST_TEST(sender.wait(10s).value_or(-2) == 0, "sender: expected status 0\n" << sender.describe());

  auto seen = wire.packets(5s);
  BOOST_TEST_REQUIRE(seen.size() == 1u, wire.describe());
  auto r = receive_within(io, socket, 5s);
  BOOST_TEST_REQUIRE(r.has_value(), "nothing received\n" << sender.describe());
  const ip4::header h = ip4::parse_header(net::buffer(r->data));
  BOOST_TEST_MESSAGE("on the wire: " << t::to_hex(seen[0].options) << ", received: " << h);

  // On the wire between r and b: a recorded itself, r its outgoing address,
  // the pointer at the third slot.
  bytes on_wire = {0x07, 0x0f, 0x0c};
  for (auto a : {lab.a_if.address, lab.r_b_if.address})
  {
    auto b = a.to_bytes();
    on_wire.insert(on_wire.end(), b.begin(), b.end());
  }
  on_wire.resize(16, 0);
  BOOST_TEST(seen[0].options == on_wire, boost::test_tools::per_element());

  // Received in b: the same option, with b's own address in the last slot
  // (Linux records the receiving host too).
  bytes expected = on_wire;
  expected[2] = 0x10;
  const auto b = lab.b_if.address.to_bytes();
  std::copy(b.begin(), b.end(), expected.begin() + 11);
  BOOST_TEST(h.header_length == 36u);
  BOOST_TEST(h.options == expected, boost::test_tools::per_element());
  // b wrote its address into the header after checking the checksum and did
  // not update it: the header a raw socket receives then carries the
  // checksum from the wire, which no longer verifies.
  BOOST_TEST(h.checksum == std::stoul(seen[0].fields.at("csum")));
  BOOST_TEST(t::reference_checksum(bytes(r->data.begin(), r->data.begin() + h.header_length)) != 0u,
      "the checksum verifies: Linux now updates it when it records the route on delivery");
}

// A source route lists the gateways, the first hop first: the kernel sends
// the packet to the first hop and puts the destination in the route.
// Oracles: sniff.py on a's link (the packet as a sent it) and raw_recv.py in
// b (the packet after r followed the route).
BOOST_AUTO_TEST_CASE(source_route_first_hop_first, *t::needs_root())
{
  auto lab = t::routed();
  for (const char* key : {"net.ipv4.conf.all.accept_source_route", "net.ipv4.conf.default.accept_source_route"})
  {
    lab.r.sysctl(key, "1");
    lab.b.sysctl(key, "1");
  }
  lab.r.sysctl("net.ipv4.conf." + lab.r_a_if.name + ".accept_source_route", "1");
  lab.b.sysctl("net.ipv4.conf." + lab.b_if.name + ".accept_source_route", "1");

  t::sniff_filter filter;
  filter.protocol = experimental_protocol;
  filter.outgoing = true;
  filter.count = 1;
  t::sniffer first_link(lab.a, lab.a_if.name, filter);
  auto receiver = lab.b.python("raw_recv.py", {"--proto", "253", "--count", "1", "--timeout", "20"});
  receiver.wait_line("ready");

  net::io_context io;
  raw_socket socket(io);
  lab.a.enter([&] { socket.next_layer().open(ip4::raw::v4(experimental_protocol)); });
  socket.next_layer().set_option(ip4::options::loose_source_route({lab.r_a_if.address}));
  const std::string payload = "source routed";
  socket.send_to(net::buffer(payload), ip4::raw::endpoint(lab.b_if.address, 0), asio_ipv4::control_message{});

  auto sent = first_link.packets(5s);
  BOOST_TEST_REQUIRE(sent.size() == 1u, first_link.describe());
  // Leaving a: addressed to the first hop; the route holds the destination,
  // the pointer at it; one End of Option List byte of padding.
  BOOST_TEST(sent[0].destination == lab.r_a_if.address);
  bytes expected = {0x83, 0x07, 0x04};
  for (auto x : lab.b_if.address.to_bytes())
    expected.push_back(x);
  expected.push_back(0x00);
  BOOST_TEST(sent[0].options == expected, boost::test_tools::per_element());

  auto line = receiver.wait_line([](std::string_view l) { return l.rfind("raw ", 0) == 0; }, 10s);
  auto arrived = t::parse_packet_line(line);
  // Arriving in b: addressed to b; r recorded its outgoing address in the
  // slot and moved the pointer past it.
  BOOST_TEST(arrived.destination == lab.b_if.address, "expected dst " << lab.b_if.address << ": " << line);
  BOOST_TEST(arrived.payload_text() == payload);
  bytes routed = {0x83, 0x07, 0x08};
  for (auto x : lab.r_b_if.address.to_bytes())
    routed.push_back(x);
  routed.push_back(0x00);
  BOOST_TEST(arrived.options == routed, boost::test_tools::per_element());
}

// Oracles: ping(8)'s own summary (packets transmitted and received) and the
// ICMP type byte read in this file from each packet the sockets received.
// Pings run both ways at once, so each host receives both echo requests and
// echo replies: a filter has something to drop, and a pass-all socket shows
// what arrives.
BOOST_AUTO_TEST_CASE(icmp_filter_under_ping_traffic, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto open = [&](const t::host& where, const ip4::icmp_filter* filter) {
    icmp_socket s(io);
    where.enter([&] { s.next_layer().open(net::ip::icmp::v4()); });
    if (filter)
      s.next_layer().set_option(*filter);
    return s;
  };
  ip4::icmp_filter replies, requests;
  replies.block_all().pass(ip4::icmp_type::echo_reply);
  requests.block_all().pass(ip4::icmp_type::echo_request);
  icmp_socket a_replies = open(lab.a, &replies);
  icmp_socket a_all = open(lab.a, nullptr);
  icmp_socket b_requests = open(lab.b, &requests);
  icmp_socket b_all = open(lab.b, nullptr);

  ip4::icmp_filter read_back;
  a_replies.next_layer().get_option(read_back);
  BOOST_TEST(read_back.mask() == replies.mask(),
      std::hex << "mask: expected 0x" << replies.mask() << ", read back 0x" << read_back.mask());

  constexpr unsigned a_count = 6, b_count = 4;
  auto ping_ab = lab.a.spawn({"ping", "-n", "-c", std::to_string(a_count), "-i", "0.2", "-W", "2",
      lab.b_if.address.to_string()});
  auto ping_ba = lab.b.spawn({"ping", "-n", "-c", std::to_string(b_count), "-i", "0.2", "-W", "2",
      lab.a_if.address.to_string()});
  BOOST_TEST_REQUIRE(ping_ab.wait(20s).value_or(-2) == 0, ping_ab.describe());
  BOOST_TEST_REQUIRE(ping_ba.wait(20s).value_or(-2) == 0, ping_ba.describe());
  ping_ab.read_all(1s);
  ping_ba.read_all(1s);
  std::string ab_output, ba_output;
  for (const auto& l : ping_ab.lines())
    ab_output += l + "\n";
  for (const auto& l : ping_ba.lines())
    ba_output += l + "\n";
  const ping_summary ab = summary_of(ab_output), ba = summary_of(ba_output);
  BOOST_TEST(ab.transmitted == a_count);
  BOOST_TEST(ba.transmitted == b_count);

  // What each socket should have seen, per ICMP type (0 echo reply, 8 echo
  // request). Filtered: only the passed type, as many as ping counted.
  // Unfiltered: the replies to the host's own ping and the requests of the
  // other host's ping, never the host's own outgoing requests or replies
  // (Linux delivers only incoming packets to raw sockets).
  struct expectation
  {
    const char* socket;
    icmp_socket& where;
    std::map<unsigned, unsigned> types;
  };
  expectation expected[] = {
      {"a, echo_reply only", a_replies, {{0, ab.received}}},
      {"a, all", a_all, {{0, ab.received}, {8, ba.transmitted}}},
      {"b, echo_request only", b_requests, {{8, ab.transmitted}}},
      {"b, all", b_all, {{0, ba.received}, {8, ab.transmitted}}},
  };
  for (auto& e : expected)
  {
    const std::string got = describe(icmp_types(drain(io, e.where))), want = describe(e.types);
    BOOST_TEST(got == want, e.socket << ": expected " << want << "got " << got);
  }
}

BOOST_AUTO_TEST_SUITE_END()
