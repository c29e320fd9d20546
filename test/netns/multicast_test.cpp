//
// test/netns/multicast_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Any-source multicast in namespace hosts: join_group / leave_group by
// interface index and by interface address, and the sending options
// multicast_interface, multicast_ttl, multicast_loopback, plus multicast_all
// on the receiving side.
//
// Oracles: /proc/net/igmp read inside the host (igmp_memberships), sniff.py
// on the host's own interfaces (what left by which link, with which TTL),
// udp_send.py as an independent sender in the neighbours, udp_recv.py as an
// independent local receiver, and raw getsockopt(IP_MULTICAST_IF).

#include "prelude.hpp"

#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace multicast_test {  // (named: the file shares a unity build batch)

const address_v4 group = make_address_v4("239.1.2.3");

// The next datagram's payload, or nullopt when none came within `timeout`.
std::optional<std::string> next_payload(udp::socket& socket, std::chrono::milliseconds timeout)
{
  pollfd watched{socket.native_handle(), POLLIN, 0};
  if (::poll(&watched, 1, static_cast<int>(timeout.count())) != 1)
    return std::nullopt;
  std::array<char, 2048> buffer;
  return std::string(buffer.data(), socket.receive(net::buffer(buffer)));
}

// Proves a negative: after the positive controls, nothing else is queued.
void expect_nothing_more(udp::socket& socket)
{
  auto extra = next_payload(socket, 300ms);
  BOOST_TEST(!extra.has_value(), "unexpected datagram: " << extra.value_or(""));
}

// The memberships of /proc/net/igmp in `where` as "ifindex:group:users"
// words, only those of `only` when given.
std::string memberships(const t::host& where, std::optional<address_v4> only = group)
{
  std::string text;
  for (const auto& m : t::igmp_memberships(where))
    if (!only || m.group == *only)
      text += (text.empty() ? "" : " ") + std::to_string(m.interface_index) + ":" + m.group.to_string() +
              ":" + std::to_string(m.users);
  return text;
}

std::string joined_on(const t::link_end& end)
{
  return std::to_string(end.index) + ":" + group.to_string() + ":1";
}

// udp_send.py in each host, all at once: one datagram each to group:port.
void send_to_group(const std::vector<std::pair<const t::host*, std::string>>& datagrams)
{
  std::vector<t::process> senders;
  for (const auto& [from, payload] : datagrams)
    senders.push_back(from->python("udp_send.py", {"--dst", group.to_string(), "--port", std::to_string(port),
                                                      "--payload", payload}));
  for (auto& sender : senders)
    BOOST_TEST_REQUIRE(sender.wait(10s).value_or(-2) == 0, sender.describe());
}

std::string kernel_multicast_if(int fd)
{
  in_addr address{};
  socklen_t size = sizeof address;
  BOOST_TEST_REQUIRE(::getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &address, &size) == 0, std::strerror(errno));
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

std::vector<std::string> payloads(const std::vector<t::packet_record>& packets)
{
  std::vector<std::string> texts;
  for (const auto& packet : packets)
    texts.push_back(packet.payload_text());
  return texts;
}

t::sniff_filter leaving_for_the_group()
{
  t::sniff_filter filter;
  filter.protocol = IPPROTO_UDP;
  filter.destination = group;
  filter.outgoing = true;
  filter.lifetime = 20s;
  return filter;
}

// In dual_homed, a socket in a joins `group` on a_c_if, named by
// `name_of(lab.a_c_if)` (its index or its address): the membership shows on
// that interface only, c's datagrams arrive and b's (arriving on a_b_if,
// the interface a's multicast route names) do not; leaving ends it.
template <class NameOf>
void check_join_on_a_c_if(NameOf name_of)
{
  auto lab = t::dual_homed();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io, {address_v4::any(), port}, true);
  BOOST_TEST(memberships(lab.a) == "");

  socket.set_option(ip4::join_group(group, name_of(lab.a_c_if)));
  BOOST_TEST(memberships(lab.a) == joined_on(lab.a_c_if));
  send_to_group({{&lab.b, "from b"}, {&lab.c, "from c"}});
  BOOST_TEST(next_payload(socket, 5s).value_or("(nothing)") == "from c");
  expect_nothing_more(socket);

  socket.set_option(ip4::leave_group(group, name_of(lab.a_c_if)));
  t::eventually([&] { return memberships(lab.a).empty(); });
  BOOST_TEST(memberships(lab.a) == "");
  send_to_group({{&lab.c, "after leave"}});
  expect_nothing_more(socket);
}

// Local sending: our socket in a sends to the group; udp_recv.py in a,
// joined on a_if (where a's multicast route points), is the local receiver;
// sniff.py shows what leaves a_if.
struct local_sender
{
  t::two_hosts_lab lab = t::two_hosts();
  t::process receiver = lab.a.python("udp_recv.py",
      {"--port", std::to_string(port), "--join", group.to_string() + "%" + std::to_string(lab.a_if.index)});
  t::sniffer wire{lab.a, lab.a_if.name, leaving_for_the_group()};
  net::io_context io;
  udp::socket socket{io};

  local_sender()
  {
    receiver.wait_line("ready");
    lab.a.enter([&] { socket.open(udp::v4()); });
  }

  void send(const std::string& payload) { socket.send_to(net::buffer(payload), udp::endpoint(group, port)); }

  std::string received(std::chrono::milliseconds timeout = 5s)
  {
    auto datagram = t::next_datagram(receiver, timeout);
    return datagram ? datagram->payload_text() : "(nothing)";
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(multicast_test)

// ---- join_group / leave_group -------------------------------------------------

// Oracles: /proc/net/igmp of a, udp_send.py in b and c as the senders.
BOOST_AUTO_TEST_CASE(join_by_index_is_tied_to_that_interface, *t::needs_root())
{
  check_join_on_a_c_if([](const t::link_end& end) { return end.index; });
}

// Oracles: as above; the kernel finds the interface that owns the address.
BOOST_AUTO_TEST_CASE(join_by_interface_address, *t::needs_root())
{
  check_join_on_a_c_if([](const t::link_end& end) { return end.address; });
}

// Oracle: /proc/net/igmp of a before and after; the error codes are the
// library's own (invalid_argument) and the kernel's (ENODEV).
BOOST_AUTO_TEST_CASE(bad_joins_fail_and_change_nothing, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io, {address_v4::any(), port}, true);
  socket.set_option(ip4::join_group(group, lab.a_if.index));
  const std::string before = memberships(lab.a, std::nullopt);
  BOOST_TEST_REQUIRE(before.find(joined_on(lab.a_if)) != std::string::npos, before);

  const address_v4 unicast = make_address_v4("10.0.0.1");
  boost::system::error_code ec;
  socket.set_option(ip4::join_group(unicast, lab.a_if.index), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  socket.set_option(ip4::join_group(unicast, lab.a_if.address), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  socket.set_option(ip4::leave_group(unicast, lab.a_if.index), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));

  // The kernel's answer for interfaces that do not exist (doc/options.md).
  const address_v4 other = make_address_v4("239.1.2.4");
  socket.set_option(ip4::join_group(other, 9999u), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::no_such_device));
  socket.set_option(ip4::join_group(other, make_address_v4("10.9.9.9")), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::no_such_device));

  BOOST_TEST(memberships(lab.a, std::nullopt) == before);
}


// The per-socket membership limit: on Linux the host's
// net.ipv4.igmp_max_memberships (20 unless changed; the BSD constant
// IP_MAX_MEMBERSHIPS plays this part on QNX and NetBSD). Lowered to 4 here
// so the test also proves the library reads nothing of its own into it.
// Oracles: the sysctl as the kernel reads it, /proc/net/igmp of a (the
// refused join leaves no membership), and a leave making room again.
BOOST_AUTO_TEST_CASE(membership_limit_is_a_clear_error, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.sysctl("net.ipv4.igmp_max_memberships", "4");
  const int limit = std::stoi(lab.a.sysctl("net.ipv4.igmp_max_memberships"));
  BOOST_TEST_REQUIRE(limit == 4);
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io, {address_v4::any(), port}, true);
  auto nth_group = [](int n) { return make_address_v4("239.7.0." + std::to_string(n + 1)); };
  auto joined = [&] {
    int count = 0;
    for (int n = 0; n <= limit; ++n)
      count += memberships(lab.a, nth_group(n)).empty() ? 0 : 1;
    return count;
  };

  for (int n = 0; n < limit; ++n)
    socket.set_option(ip4::join_group(nth_group(n), lab.a_if.index));
  BOOST_TEST(joined() == limit);

  boost::system::error_code ec;
  socket.set_option(ip4::join_group(nth_group(limit), lab.a_if.index), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::no_buffer_space));
  BOOST_TEST(memberships(lab.a, nth_group(limit)) == "");
  BOOST_TEST(joined() == limit);

  // A second socket has a limit of its own.
  auto other = t::udp_socket_in(lab.a, io, {address_v4::any(), port}, true);
  other.set_option(ip4::join_group(nth_group(limit), lab.a_if.index), ec);
  BOOST_TEST(!ec, error_text(ec));
  other.close();

  socket.set_option(ip4::leave_group(nth_group(0), lab.a_if.index));
  socket.set_option(ip4::join_group(nth_group(limit), lab.a_if.index), ec);
  BOOST_TEST(!ec, error_text(ec));
  BOOST_TEST(memberships(lab.a, nth_group(limit)) == std::to_string(lab.a_if.index) + ":" +
                                                        nth_group(limit).to_string() + ":1");
}

// ---- sending: multicast_interface, multicast_ttl, multicast_loopback ---------

// Oracles: sniff.py on both of a's interfaces (outgoing packets to the
// group), raw getsockopt(IP_MULTICAST_IF).
BOOST_AUTO_TEST_CASE(multicast_interface_steers_egress, *t::needs_root())
{
  auto lab = t::dual_homed();
  t::sniffer on_a_b(lab.a, lab.a_b_if.name, leaving_for_the_group());
  t::sniffer on_a_c(lab.a, lab.a_c_if.name, leaving_for_the_group());
  net::io_context io;
  udp::socket socket(io);
  lab.a.enter([&] { socket.open(udp::v4()); });
  const int fd = socket.native_handle();
  auto send = [&](const std::string& payload) { socket.send_to(net::buffer(payload), udp::endpoint(group, port)); };

  send("by route");

  ip4::multicast_interface got;
  socket.set_option(ip4::multicast_interface(lab.a_c_if.index));
  BOOST_TEST(kernel_multicast_if(fd) == "0.0.0.0");
  socket.get_option(got);
  BOOST_TEST(got.value() == address_v4::any());
  send("by index");

  socket.set_option(ip4::multicast_interface(lab.a_c_if.address));
  BOOST_TEST(kernel_multicast_if(fd) == lab.a_c_if.address.to_string());
  socket.get_option(got);
  BOOST_TEST(got.value() == lab.a_c_if.address);
  send("by address");

  on_a_b.wait_for(1, 5s);
  on_a_c.wait_for(2, 5s);
  std::this_thread::sleep_for(300ms);
  auto via_b = on_a_b.stop();
  auto via_c = on_a_c.stop();
  BOOST_TEST_CONTEXT(on_a_b.describe() << "\n" << on_a_c.describe())
  {
    BOOST_TEST(payloads(via_b) == (std::vector<std::string>{"by route"}), boost::test_tools::per_element());
    BOOST_TEST(payloads(via_c) == (std::vector<std::string>{"by index", "by address"}),
        boost::test_tools::per_element());
    for (const auto& packet : via_c)
      BOOST_TEST(packet.source == lab.a_c_if.address);
  }
}

// Oracles: udp_recv.py in a (the local copy) and sniff.py on a_if.
BOOST_AUTO_TEST_CASE(multicast_ttl_zero_stays_on_the_host, *t::needs_root())
{
  local_sender s;
  s.socket.set_option(ip4::multicast_ttl(0));
  s.send("ttl 0");
  BOOST_TEST(s.received() == "ttl 0");

  s.socket.set_option(ip4::multicast_ttl(5));
  s.send("ttl 5");
  BOOST_TEST(s.received() == "ttl 5");
  s.wire.wait_for(1, 5s);
  std::this_thread::sleep_for(300ms);
  auto packets = s.wire.stop();
  BOOST_TEST_CONTEXT(s.wire.describe())
  {
    BOOST_TEST_REQUIRE(packets.size() == 1u);   // the TTL 0 datagram never left
    BOOST_TEST(packets[0].payload_text() == "ttl 5");
    BOOST_TEST(packets[0].ttl == 5u);
  }
}

// Oracles: udp_recv.py in a (own copies) and sniff.py on a_if (both left).
BOOST_AUTO_TEST_CASE(multicast_loopback_controls_own_copies, *t::needs_root())
{
  local_sender s;
  s.socket.set_option(ip4::multicast_loopback(false));
  s.send("loop off");
  s.socket.set_option(ip4::multicast_loopback(true));
  s.send("loop on");
  // Sent in this order on one host: a copy of "loop off" would come first.
  BOOST_TEST(s.received() == "loop on");
  BOOST_TEST(s.received(300ms) == "(nothing)");
  auto packets = s.wire.wait_for(2, 5s);
  BOOST_TEST(payloads(packets) == (std::vector<std::string>{"loop off", "loop on"}), boost::test_tools::per_element());
}

// ---- receiving: multicast_all --------------------------------------------------

// Oracles: udp_send.py in b as the sender, udp_recv.py in a as the socket
// that joined (and the positive control: the datagram did arrive in a).
BOOST_AUTO_TEST_CASE(multicast_all_off_receives_only_own_groups, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io, {address_v4::any(), port}, true);   // wildcard-bound, joins nothing
  auto member = lab.a.python("udp_recv.py",
      {"--port", std::to_string(port), "--join", group.to_string() + "%" + std::to_string(lab.a_if.index)});
  member.wait_line("ready");
  auto member_got = [&] {
    auto datagram = t::next_datagram(member, 5s);
    return datagram ? datagram->payload_text() : "(nothing)";
  };

  send_to_group({{&lab.b, "all on"}});   // the default
  BOOST_TEST(member_got() == "all on");
  BOOST_TEST(next_payload(socket, 5s).value_or("(nothing)") == "all on");

  socket.set_option(ip4::multicast_all(false));
  send_to_group({{&lab.b, "all off"}});
  BOOST_TEST(member_got() == "all off");
  expect_nothing_more(socket);

  // Its own memberships still count.
  socket.set_option(ip4::join_group(group, lab.a_if.index));
  send_to_group({{&lab.b, "own join"}});
  BOOST_TEST(member_got() == "own join");
  BOOST_TEST(next_payload(socket, 5s).value_or("(nothing)") == "own join");
}

BOOST_AUTO_TEST_SUITE_END()
