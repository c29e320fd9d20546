//
// test/netns/scale_options_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The socket-level options of issue 18 whose effect needs namespace hosts
// or privileges: bind_to_device on a host with two links, mark through
// policy routing and nftables, priority through nftables, and the round
// trips only CAP_NET_ADMIN / CAP_NET_RAW allow (mark, priority above 6,
// busy_poll above 0, changing or removing a device binding). Unprivileged
// round trips and refused values are in test/loopback/scale_option_test.cpp.
//
// Oracles: raw getsockopt on native_handle(); plain recv on the receiving
// socket (what the kernel delivered); sniff.py on the links (where a packet
// left); nft counters in the sending host (`meta mark`, `meta priority` of
// the packets as the output hook saw them).

#include "prelude.hpp"

#include <asio_ipv4/device_options.hpp>
#include <asio_ipv4/reuse_port.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/test/unit_test.hpp>

#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

int kernel_int(int fd, int name)
{
  int value = -1;
  socklen_t size = sizeof value;
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, name, &value, &size) == 0,
      "getsockopt(SOL_SOCKET, " << name << "): " << std::strerror(errno));
  return value;
}

std::string kernel_device(int fd)
{
  char name[IFNAMSIZ] = {};
  socklen_t size = sizeof name;
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &size) == 0, std::strerror(errno));
  return std::string(name, ::strnlen(name, size));
}

using asio_ipv4::test::collect;
using asio_ipv4::test::joined;

// The packets counted by the named nft counter `name` of table ip scale.
int nft_counter(const t::host& where, const std::string& name)
{
  const std::string text = where.output("nft list counter ip scale " + name);
  std::smatch m;
  BOOST_TEST_REQUIRE(std::regex_search(text, m, std::regex("packets ([0-9]+)")), text);
  return std::stoi(m[1]);
}

t::sniff_filter to(const address_v4& destination)
{
  t::sniff_filter filter;
  filter.protocol = IPPROTO_UDP;
  filter.destination = destination;
  filter.destination_port = port;
  filter.lifetime = 20s;
  return filter;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scale_options_test)

// Oracle: raw getsockopt after each set_option, raw setsockopt before each
// get_option. Root has CAP_NET_ADMIN and CAP_NET_RAW.
BOOST_AUTO_TEST_CASE(privileged_round_trips, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  const int fd = socket.native_handle();

  for (std::uint32_t m : {0x2au, 0x80000000u, 0xffffffffu, 0u})
  {
    socket.set_option(asio_ipv4::mark(m));
    BOOST_TEST(static_cast<std::uint32_t>(kernel_int(fd, SO_MARK)) == m);
    asio_ipv4::mark got(-1);
    socket.get_option(got);
    BOOST_TEST(got.value() == m);
  }

  for (int p : {7, 100, 0x7fffffff, 0})
  {
    socket.set_option(asio_ipv4::priority(p));
    BOOST_TEST(kernel_int(fd, SO_PRIORITY) == p);
    asio_ipv4::priority got(-1);
    socket.get_option(got);
    BOOST_TEST(got.value() == p);
  }

  for (int us : {50, 1000, 0})
  {
    socket.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(us)));
    BOOST_TEST(kernel_int(fd, SO_BUSY_POLL) == us);
    asio_ipv4::busy_poll got;
    socket.get_option(got);
    BOOST_TEST(got.value().count() == us);
  }

  // Changing and removing a binding needs CAP_NET_RAW.
  socket.set_option(asio_ipv4::bind_to_device(lab.a_if.name));
  BOOST_TEST(kernel_device(fd) == lab.a_if.name);
  socket.set_option(asio_ipv4::bind_to_device("lo"));
  BOOST_TEST(kernel_device(fd) == "lo");
  asio_ipv4::bind_to_device got;
  socket.get_option(got);
  BOOST_TEST(got.value() == "lo");
  socket.set_option(asio_ipv4::bind_to_device(""));
  BOOST_TEST(kernel_device(fd) == "");
  socket.get_option(got);
  BOOST_TEST(got.value() == "");

  // Refused values change nothing, also for root.
  socket.set_option(asio_ipv4::bind_to_device(lab.a_if.name));
  socket.set_option(asio_ipv4::priority(9));
  socket.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(70)));
  socket.set_option(asio_ipv4::mark(5));
  boost::system::error_code ec;
  socket.set_option(asio_ipv4::bind_to_device("a-name-far-longer-than-ifnamsiz"), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  socket.set_option(asio_ipv4::priority(-1), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  socket.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(-1)), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  socket.set_option(asio_ipv4::mark(-1), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  BOOST_TEST(kernel_device(fd) == lab.a_if.name);
  BOOST_TEST(kernel_int(fd, SO_PRIORITY) == 9);
  BOOST_TEST(kernel_int(fd, SO_BUSY_POLL) == 70);
  BOOST_TEST(kernel_int(fd, SO_MARK) == 5);
}

// b -- a -- c. A socket in a bound to 0.0.0.0:port and to a's link towards b
// receives what b sends to a, not what c sends to a (oracle: plain recv);
// unbound again, it receives both.
BOOST_AUTO_TEST_CASE(bind_to_device_receives_only_from_its_interface, *t::needs_root())
{
  auto lab = t::dual_homed();
  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io, udp::endpoint(address_v4::any(), port));
  socket.set_option(asio_ipv4::bind_to_device(lab.a_b_if.name));
  BOOST_TEST(kernel_device(socket.native_handle()) == lab.a_b_if.name);
  auto from_b = t::udp_socket_in(lab.b, io);
  auto from_c = t::udp_socket_in(lab.c, io);

  from_c.send_to(net::buffer(std::string("from c")), udp::endpoint(lab.a_c_if.address, port));
  from_b.send_to(net::buffer(std::string("from b")), udp::endpoint(lab.a_b_if.address, port));
  BOOST_TEST(joined(collect(socket, 1)) == "from b");

  socket.set_option(asio_ipv4::bind_to_device(""));
  from_c.send_to(net::buffer(std::string("from c")), udp::endpoint(lab.a_c_if.address, port));
  from_b.send_to(net::buffer(std::string("from b")), udp::endpoint(lab.a_b_if.address, port));
  BOOST_TEST(joined(collect(socket, 2)) == "from c | from b");
}

// b -- a -- c. 192.0.2.0/24 is routed towards b in a's main table and
// towards c in table 100, which `ip rule ... fwmark 0x2a` selects: a marked
// datagram leaves towards c (sniff.py on c's link), an unmarked one towards
// b; a's nft counter for `meta mark 0x2a` counts the marked ones only.
BOOST_AUTO_TEST_CASE(mark_selects_the_policy_route, *t::needs_root())
{
  auto lab = t::dual_homed();
  lab.a.add_route("192.0.2.0/24 via " + lab.b_if.address.to_string() + " dev " + lab.a_b_if.name);
  lab.a.add_route("192.0.2.0/24 via " + lab.c_if.address.to_string() + " dev " + lab.a_c_if.name + " table 100");
  lab.a.run("ip rule add fwmark 0x2a table 100");
  lab.a.run("nft 'add table ip scale; add counter ip scale marked; "
            "add chain ip scale out { type filter hook output priority 0 ; }; "
            "add rule ip scale out udp dport " + std::to_string(port) + " meta mark 0x2a counter name marked'");
  const address_v4 far = make_address_v4("192.0.2.7");
  t::sniffer on_b(lab.b, lab.b_if.name, to(far));
  t::sniffer on_c(lab.c, lab.c_if.name, to(far));

  net::io_context io;
  auto socket = t::udp_socket_in(lab.a, io);
  socket.send_to(net::buffer(std::string("unmarked")), udp::endpoint(far, port));
  socket.set_option(asio_ipv4::mark(0x2a));
  socket.send_to(net::buffer(std::string("marked 1")), udp::endpoint(far, port));
  socket.send_to(net::buffer(std::string("marked 2")), udp::endpoint(far, port));

  on_c.wait_for(2, 5s);
  on_b.wait_for(1, 5s);
  std::this_thread::sleep_for(300ms);
  auto via_b = on_b.stop();
  auto via_c = on_c.stop();
  std::vector<std::string> b_payloads, c_payloads;
  for (const auto& p : via_b)
    b_payloads.push_back(p.payload_text());
  for (const auto& p : via_c)
    c_payloads.push_back(p.payload_text());
  BOOST_TEST(joined(b_payloads) == "unmarked", on_b.describe());
  BOOST_TEST(joined(c_payloads) == "marked 1 | marked 2", on_c.describe());
  BOOST_TEST(nft_counter(lab.a, "marked") == 2);
}

// a's nft counters for `meta priority 0:6` and `0:9` count the datagrams the
// socket sent with priority(6) (no privilege needed) and priority(9).
BOOST_AUTO_TEST_CASE(priority_reaches_the_output_hook, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.run("nft 'add table ip scale; add counter ip scale six; add counter ip scale nine; "
            "add chain ip scale out { type filter hook output priority 0 ; }; "
            "add rule ip scale out udp dport " + std::to_string(port) + " meta priority 0:6 counter name six; "
            "add rule ip scale out udp dport " + std::to_string(port) + " meta priority 0:9 counter name nine'");
  net::io_context io;
  auto receiver = t::udp_socket_in(lab.b, io, udp::endpoint(address_v4::any(), port));
  auto socket = t::udp_socket_in(lab.a, io);
  const udp::endpoint b(lab.b_if.address, port);
  socket.send_to(net::buffer(std::string("default")), b);
  socket.set_option(asio_ipv4::priority(6));
  for (int i = 0; i < 3; ++i)
    socket.send_to(net::buffer(std::string("six")), b);
  socket.set_option(asio_ipv4::priority(9));
  for (int i = 0; i < 2; ++i)
    socket.send_to(net::buffer(std::string("nine")), b);
  BOOST_TEST(collect(receiver, 6).size() == 6u);
  BOOST_TEST(nft_counter(lab.a, "six") == 3);
  BOOST_TEST(nft_counter(lab.a, "nine") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
