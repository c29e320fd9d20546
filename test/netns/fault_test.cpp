//
// test/netns/fault_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// cmsg_socket when the network misbehaves, between namespace hosts: a link
// that goes down and up under a pending receive, an interface deleted under
// a pending receive and under a waiting send, routes removed under a sender
// (locally and at a router), send floods that meet a full buffer (EAGAIN)
// or a dropping qdisc (ENOBUFS), and ICMP errors crafted in another host:
// for datagrams of other sockets, quoting headers with options, quoting too
// little, with bad checksums; a receive buffer that overflows, with the
// kernel's drop count (receive_drop_count) in single and batch receives.
//
// Each case names its oracle. None uses the library: /proc/net/igmp and
// /proc/net/snmp read inside the host, `ip` output, a plain socket in the
// receiving host counting numbered datagrams (every number exactly once, or
// never for a send that reported an error), plain sendto/recvmsg on the
// same descriptor for what the kernel answers, and icmp_error.py's fields.

#include "prelude.hpp"

#include "reliability_util.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using asio_ipv4::control_message;

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;

const address_v4 group = make_address_v4("239.7.7.7");

cmsg_udp udp_in(const t::host& where, net::io_context& ctx, std::uint16_t port)
{
  return where.enter([&] {
    cmsg_udp s(ctx, udp::v4());
    s.next_layer().set_option(net::socket_base::reuse_address(true));
    s.next_layer().set_option(ip4::receive_packet_info(true));
    s.next_layer().bind(udp::endpoint(address_v4::any(), port));
    return s;
  });
}

// A plain socket in `where` bound to `port`, for counting what arrives.
udp::socket counter_in(const t::host& where, net::io_context& ctx, std::uint16_t port)
{
  return where.enter([&] {
    udp::socket s(ctx, udp::v4());
    t::force_receive_buffer(s.native_handle(), 32 << 20);
    s.bind(udp::endpoint(address_v4::any(), port));
    return s;
  });
}

// Sends one datagram from a plain socket in `where`.
void plain_send(const t::host& where, const std::string& payload, const udp::endpoint& to)
{
  where.enter([&] {
    net::io_context ctx;
    udp::socket s(ctx, udp::v4());
    s.send_to(net::buffer(payload), to);
  });
}

// The errno a plain sendto on `fd` gets right now (0: sent).
int plain_sendto_errno(int fd, const udp::endpoint& to, std::uint32_t number)
{
  std::vector<char> p(16, '.');
  t::put_number(p, number);
  return ::sendto(fd, p.data(), p.size(), MSG_DONTWAIT, to.data(), to.size()) < 0 ? errno : 0;
}

bool member(const t::host& where, unsigned index, address_v4 g)
{
  for (const auto& m : t::igmp_memberships(where))
    if (m.interface_index == index && m.group == g)
      return true;
  return false;
}

// Both ends of the link report LOWER_UP and a has its connected route back.
bool link_ready(const t::two_hosts_lab& lab)
{
  auto a = lab.a.try_run("ip -o link show " + lab.a_if.name);
  auto b = lab.b.try_run("ip -o link show " + lab.b_if.name);
  auto route = lab.a.try_run("ip -o route show dev " + lab.a_if.name);
  return a.out.find("LOWER_UP") != std::string::npos && b.out.find("LOWER_UP") != std::string::npos
      && route.out.find("10.0.1.0/24") != std::string::npos;
}

// One pending asynchronous receive.
struct pending_receive
{
  std::array<char, 256> data{};
  udp::endpoint from;
  control_message control;
  bool done = false;
  boost::system::error_code ec;
  std::size_t bytes = 0;
  net::cancellation_signal cancel;

  void start(cmsg_udp& s)
  {
    done = false;
    s.async_receive_from(net::buffer(data), from, control,
        net::bind_cancellation_slot(cancel.slot(), [this](boost::system::error_code e, std::size_t n) {
          done = true;
          ec = e;
          bytes = n;
        }));
  }

  std::string text() const { return std::string(data.data(), bytes); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(fault_test)

// ---- links and interfaces ----------------------------------------------------------------

// Link down on the receiving interface under a pending receive, then up.
// Oracles: no completion while down; /proc/net/igmp in a before, during and
// after; datagrams sent by a plain socket in b after the link returns
// (unicast and to the group) arrive with their payloads.
BOOST_AUTO_TEST_CASE(link_down_and_up_under_a_pending_receive, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto rx = udp_in(lab.a, ctx, 6300);
  rx.next_layer().set_option(ip4::join_group(group, lab.a_if.index));
  BOOST_TEST_REQUIRE(member(lab.a, lab.a_if.index, group));
  pending_receive r;
  r.start(rx);
  t::run_for(ctx, 200ms);
  BOOST_TEST_REQUIRE(!r.done);

  lab.a.set_up(lab.a_if.name, false);
  t::run_for(ctx, 1s);
  BOOST_TEST(!r.done, "a receive completed while the link was down: " << t::error_text(r.ec));
  const bool member_while_down = member(lab.a, lab.a_if.index, group);
  BOOST_TEST_MESSAGE("membership listed in /proc/net/igmp while down: " << member_while_down);

  lab.a.set_up(lab.a_if.name, true);
  BOOST_TEST_REQUIRE(t::eventually([&] { return link_ready(lab); }, 10s), "the link did not come back");
  BOOST_TEST(member(lab.a, lab.a_if.index, group), "the membership did not survive the flap");
  BOOST_TEST(!r.done);

  plain_send(lab.b, "unicast after up", udp::endpoint(lab.a_if.address, 6300));
  BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return r.done; }, 5s), "the unicast datagram did not arrive");
  BOOST_TEST(!r.ec, t::error_text(r.ec));
  BOOST_TEST(r.text() == "unicast after up");
  BOOST_TEST(r.control.interface_index.value_or(0) == lab.a_if.index);

  r.start(rx);
  plain_send(lab.b, "multicast after up", udp::endpoint(group, 6300));
  BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return r.done; }, 5s), "the multicast datagram did not arrive");
  BOOST_TEST(!r.ec, t::error_text(r.ec));
  BOOST_TEST(r.text() == "multicast after up");
  BOOST_TEST(r.control.destination.value_or(address_v4()) == group);
}

// The veth deleted under a pending receive (the socket is bound to
// 0.0.0.0, joined on that interface). The kernel tells such a socket
// nothing: the receive keeps waiting, its cancellation completes it, the
// socket keeps working on the interfaces left (loopback), and the
// membership on the vanished index is gone.
// Oracles: /proc/net/igmp; a plain IP_DROP_MEMBERSHIP on a twin socket
// made with raw calls, which must answer as the library's leave_group does;
// a datagram to 127.0.0.1 afterwards.
BOOST_AUTO_TEST_CASE(veth_deleted_under_a_pending_receive, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto rx = udp_in(lab.a, ctx, 6301);
  const unsigned vanished = lab.a_if.index;
  rx.next_layer().set_option(ip4::join_group(group, vanished));
  const int twin = lab.a.enter([] { return ::socket(AF_INET, SOCK_DGRAM, 0); });
  BOOST_TEST_REQUIRE(twin >= 0);
  ip_mreqn mreq{};
  mreq.imr_multiaddr.s_addr = htonl(group.to_uint());
  mreq.imr_ifindex = static_cast<int>(vanished);
  BOOST_TEST_REQUIRE(::setsockopt(twin, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) == 0);
  BOOST_TEST_REQUIRE(member(lab.a, vanished, group));

  pending_receive r;
  r.start(rx);
  t::run_for(ctx, 200ms);
  lab.a.run("ip link del " + lab.a_if.name);
  t::run_for(ctx, 1s);
  BOOST_TEST(!r.done, "the kernel says nothing to this socket, yet the receive completed: " << t::error_text(r.ec));
  BOOST_TEST(!member(lab.a, vanished, group), "a membership on the vanished index is still listed");

  boost::system::error_code leave_ec;
  rx.next_layer().set_option(ip4::leave_group(group, vanished), leave_ec);
  const int twin_errno = ::setsockopt(twin, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq)) == 0 ? 0 : errno;
  ::close(twin);
  BOOST_TEST(leave_ec.value() == twin_errno, "leave_group: " << t::error_text(leave_ec) << ", the kernel: "
                                                             << std::strerror(twin_errno));
  BOOST_TEST_MESSAGE("leave_group on the vanished index: " << t::error_text(leave_ec));

  r.cancel.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return r.done; }, 1s), "the cancelled receive did not complete");
  BOOST_TEST(r.ec == net::error::operation_aborted, t::error_text(r.ec));

  r.start(rx);
  plain_send(lab.a, "still usable", udp::endpoint(address_v4::loopback(), 6301));
  BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return r.done; }, 5s));
  BOOST_TEST(!r.ec, t::error_text(r.ec));
  BOOST_TEST(r.text() == "still usable");
}

// The veth deleted under a send waiting for room behind a slow qdisc, with
// and without an unread error-queue entry (the second waits on its own
// edge-triggered epoll instance). The qdisc goes with the device, its
// packets are freed, room returns, and the send's next attempt meets what
// the kernel says now: no route. Oracle: a plain sendto on the same
// descriptor right afterwards gets the same errno; nothing hangs.
BOOST_AUTO_TEST_CASE(veth_deleted_under_a_waiting_send, *t::needs_root())
{
  for (bool error_entry : {false, true})
  {
    BOOST_TEST_CONTEXT("unread error-queue entry: " << error_entry)
    {
      auto lab = t::two_hosts();
      net::io_context ctx;
      auto listener = counter_in(lab.b, ctx, 6302);   // no port unreachable for the fill
      cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
      const int fd = tx.next_layer().native_handle();
      const udp::endpoint to(lab.b_if.address, 6302);
      if (error_entry)
      {
        tx.next_layer().set_option(ip4::receive_errors(true));
        BOOST_TEST_REQUIRE(plain_sendto_errno(fd, udp::endpoint(lab.b_if.address, 6399), 0) == 0);
        BOOST_TEST_REQUIRE(t::take_pending_error_when_queued(fd) == ECONNREFUSED);
      }
      tx.next_layer().set_option(net::socket_base::send_buffer_size(4096));
      lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 1kbit burst 1600 limit 1000000");
      std::vector<char> p(1000, '.');
      int filled = 0;
      while (::sendto(fd, p.data(), p.size(), MSG_DONTWAIT, to.data(), to.size()) >= 0 && filled < 1000)
        ++filled;
      BOOST_TEST_REQUIRE(errno == EAGAIN);
      const control_message none;
      bool done = false;
      boost::system::error_code result;
      tx.async_send_to(net::buffer(p), to, none, [&](boost::system::error_code ec, std::size_t) {
        done = true;
        result = ec;
      });
      t::run_for(ctx, 300ms);
      BOOST_TEST_REQUIRE(!done);
      lab.a.run("ip link del " + lab.a_if.name);
      const bool completed = t::run_until(ctx, [&] { return done; }, 3s);
      const int kernel = plain_sendto_errno(fd, to, 1);
      BOOST_TEST(completed, "the send still waits after its device is gone");
      if (!completed)
      {
        tx.next_layer().cancel();
        BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return done; }, 1s), "and does not end on cancel()");
      }
      BOOST_TEST(result.value() == kernel, "the send: " << t::error_text(result) << ", the kernel now: "
                                                        << std::strerror(kernel));
      BOOST_TEST(result == net::error::network_unreachable, t::error_text(result));
    }
  }
}

// ---- routes ------------------------------------------------------------------------------

// a -- r -- b. a sends numbered datagrams to b, one at a time, every 5 ms.
// 1. a's default route is removed, then restored: sends in between fail at
//    once with what the kernel says (network_unreachable); later ones go.
// 2. r's route towards b is removed, then restored: a's sends succeed
//    locally and r drops them. r answers some with ICMP net unreachable
//    (Linux rate-limits these route errors per source: a burst of 5, then
//    one a second, net.ipv4.route.error_burst/error_cost); each answer
//    queues an entry quoting the datagram (receive_errors) and makes the
//    next send fail with the pending error.
// Oracles: a plain sendto probe on a twin socket after each change; the
// counter in b (each number that reported success and was sent while the
// routes existed arrives exactly once; none other arrives); r's counters
// (/proc/net/netstat IpExt InNoRoutes: the datagrams r dropped;
// /proc/net/snmp Icmp OutDestUnreachs: the answers it sent); the numbers quoted by a's
// error-queue entries (plain recvmsg with MSG_ERRQUEUE), each a datagram
// sent while r had no route, as many as r's answers.
BOOST_AUTO_TEST_CASE(route_removed_under_a_sender, *t::needs_root())
{
  auto lab = t::routed();
  net::io_context ctx;
  auto counter = counter_in(lab.b, ctx, 6310);
  cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  tx.next_layer().set_option(ip4::receive_errors(true));
  // Error-queue entries are charged to the receive buffer (about 4.6 KB
  // each here): room for all of them.
  tx.next_layer().set_option(net::socket_base::receive_buffer_size(4 << 20));
  const int fd = tx.next_layer().native_handle();
  const int twin = lab.a.enter([] { return ::socket(AF_INET, SOCK_DGRAM, 0); });
  const udp::endpoint to(lab.b_if.address, 6310);
  const control_message none;

  std::map<std::uint32_t, boost::system::error_code> outcome;
  auto send = [&](std::uint32_t number) {
    std::vector<char> p(32, '.');
    t::put_number(p, number);
    bool done = false;
    tx.async_send_to(net::buffer(p), to, none, [&](boost::system::error_code ec, std::size_t n) {
      done = true;
      outcome[number] = ec;
      if (!ec)
        BOOST_TEST(n == p.size());
    });
    BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return done; }, 2s), "send #" << number << " did not complete");
    std::this_thread::sleep_for(5ms);
  };

  std::uint32_t n = 0;
  for (; n < 50; ++n)
    send(n);
  lab.a.run("ip route del default");
  BOOST_TEST(plain_sendto_errno(twin, to, 9999) == ENETUNREACH);
  for (; n < 100; ++n)
    send(n);
  // A batch while unreachable: nothing goes, the first message says why.
  std::vector<std::vector<char>> payloads(3, std::vector<char>(32, '.'));
  std::vector<tx_message> batch(3);
  for (std::uint32_t i = 0; i < 3; ++i)
  {
    t::put_number(payloads[i], 5000 + i);
    batch[i].buffer = net::buffer(payloads[i]);
    batch[i].endpoint = to;
  }
  bool batch_done = false;
  boost::system::error_code batch_ec;
  std::size_t batch_count = 99;
  tx.async_send_batch(batch, [&](boost::system::error_code ec, std::size_t k) {
    batch_done = true;
    batch_ec = ec;
    batch_count = k;
  });
  BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return batch_done; }, 2s));
  BOOST_TEST(batch_count == 0u);
  BOOST_TEST(batch_ec == net::error::network_unreachable, t::error_text(batch_ec));
  BOOST_TEST(batch[0].error == net::error::network_unreachable, t::error_text(batch[0].error));
  lab.a.add_route("default via " + lab.r_a_if.address.to_string());
  BOOST_TEST(plain_sendto_errno(twin, to, 9999) == 0);
  for (; n < 150; ++n)
    send(n);

  // 2. At the router.
  const std::string r_before = lab.r.read_file("/proc/net/snmp") + lab.r.read_file("/proc/net/netstat");
  lab.r.run("ip route del " + lab.r_b_if.network.canonical().to_string());
  for (; n < 200; ++n)
    send(n);
  lab.r.run("ip route add " + lab.r_b_if.network.canonical().to_string() + " dev " + lab.r_b_if.name);
  const std::string r_after = lab.r.read_file("/proc/net/snmp") + lab.r.read_file("/proc/net/netstat");
  std::this_thread::sleep_for(100ms);
  // The last answer may have left a pending error for the next send.
  const bool pending_left = t::take_pending_error(fd) != 0;
  for (; n < 250; ++n)
    send(n);
  ::close(twin);

  t::number_counter arrived;
  arrived.drain(counter.native_handle(), 500ms);
  std::map<std::uint32_t, int> reported; // numbers quoted by error-queue entries
  for (;;)
  {
    char quoted[64];
    sockaddr_in where{};
    msghdr m{};
    iovec iov{quoted, sizeof(quoted)};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = &where;
    m.msg_namelen = sizeof(where);
    ssize_t k = ::recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (k < 0)
      break;
    if (k >= 4)
    {
      std::uint32_t number;
      std::memcpy(&number, quoted, 4);
      ++reported[number];
    }
  }
  std::size_t local_failures = 0, icmp_failures = 0, dropped_at_r = 0;
  for (const auto& [number, ec] : outcome)
  {
    const bool at_a = number >= 50 && number < 100;
    const bool at_r = number >= 150 && number < 200;
    if (at_a)
    {
      BOOST_TEST(ec == net::error::network_unreachable, "#" << number << ": " << t::error_text(ec));
      BOOST_TEST(arrived.times(number) == 0u, "#" << number);
      local_failures += ec == net::error::network_unreachable;
    }
    else if (ec)
    {
      // Only the pending error of r's ICMP message fails a send, and that
      // send went nowhere.
      BOOST_TEST((number > 150 && number <= 200), "#" << number << " failed: " << t::error_text(ec));
      BOOST_TEST(ec == net::error::network_unreachable, "#" << number << ": " << t::error_text(ec));
      BOOST_TEST(arrived.times(number) == 0u, "#" << number);
      BOOST_TEST(reported.count(number) == 0u, "#" << number);
      ++icmp_failures;
    }
    else if (at_r)
    {
      BOOST_TEST(arrived.times(number) == 0u, "#" << number << " crossed r without a route");
      ++dropped_at_r;
    }
    else
    {
      BOOST_TEST(arrived.times(number) == 1u, "#" << number << " arrived " << arrived.times(number) << " times");
      BOOST_TEST(reported.count(number) == 0u, "#" << number);
    }
  }
  BOOST_TEST(arrived.times(5000) + arrived.times(5001) + arrived.times(5002) == 0u);
  BOOST_TEST(local_failures == 50u);
  const long no_routes =
      t::snmp_value(r_after, "IpExt", "InNoRoutes") - t::snmp_value(r_before, "IpExt", "InNoRoutes");
  const long answers =
      t::snmp_value(r_after, "Icmp", "OutDestUnreachs") - t::snmp_value(r_before, "Icmp", "OutDestUnreachs");
  BOOST_TEST(no_routes == static_cast<long>(dropped_at_r), "r's InNoRoutes against the sends it dropped");
  BOOST_TEST(static_cast<long>(reported.size()) == answers, "error-queue entries against r's answers");
  for (const auto& [number, k] : reported)
    BOOST_TEST((number >= 150 && number < 200 && k == 1), "entry quoting #" << number << " x" << k);
  // Every answer but one left on the socket failed the send after it.
  BOOST_TEST(static_cast<long>(icmp_failures + (pending_left ? 1 : 0)) == answers);
  BOOST_TEST(answers > 0, "r never answered");
  BOOST_TEST_MESSAGE("local failures " << local_failures << "; r dropped " << no_routes << " and answered "
                                       << answers << ", which failed " << icmp_failures
                                       << " sends; error-queue entries " << reported.size());
}

// ---- receive-buffer overflow -------------------------------------------------------------

namespace {

// One datagram as a receive of the library reported it.
struct counted_datagram
{
  std::uint32_t number = 0;
  std::optional<std::uint32_t> dropped;
};

// Receives one datagram (single) or a batch of up to 16 (batch) with the
// library and appends what came; false when nothing came within a second.
bool receive_counted(net::io_context& ctx, cmsg_udp& rx, bool batch, std::vector<counted_datagram>& out)
{
  using rx_message = asio_ipv4::message<udp::endpoint>;
  std::array<std::array<char, 128>, 16> storage{};
  std::vector<rx_message> messages(batch ? storage.size() : 1);
  for (std::size_t i = 0; i < messages.size(); ++i)
    messages[i].buffer = net::buffer(storage[i]);
  bool done = false;
  boost::system::error_code ec;
  std::size_t count = 0;
  auto handler = [&](boost::system::error_code e, std::size_t n) {
    done = true;
    ec = e;
    count = n;
  };
  if (batch)
    rx.async_receive_batch(messages, handler);
  else
    rx.async_receive_from(messages[0].buffer, messages[0].endpoint, messages[0].control, handler);
  if (!t::run_until(ctx, [&] { return done; }, 1s))
  {
    rx.next_layer().cancel();
    t::run_until(ctx, [&] { return done; }, 1s);
    return false;
  }
  BOOST_TEST_REQUIRE(!ec, t::error_text(ec));
  if (!batch)
  {
    messages[0].bytes = count; // a single receive completes with the bytes
    count = 1;
  }
  for (std::size_t i = 0; i < count; ++i)
  {
    BOOST_TEST_REQUIRE(!messages[i].error, t::error_text(messages[i].error));
    BOOST_TEST_REQUIRE(messages[i].bytes >= 4u);
    counted_datagram d;
    std::memcpy(&d.number, storage[i].data(), 4);
    d.dropped = messages[i].control.dropped;
    out.push_back(d);
  }
  return true;
}

// b floods a socket in a whose receive buffer is tiny and which nobody reads
// meanwhile, then a reads what stayed queued; three times, then b sends one
// more.
// receive_drop_count on: each datagram carries the count of datagrams the
// socket had dropped when it was queued (the kernel leaves the control
// message out while that count is 0: the field stays empty then).
// Oracles: the numbering (the datagrams missing before number n are the
// drops datagram n must report; the last one reports them all); a's
// /proc/net/snmp, read inside a: Udp RcvbufErrors and InErrors grow by the
// number of datagrams that did not arrive, InDatagrams by those that did.
void check_drop_count(bool batch)
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  const std::uint16_t rx_port = batch ? 6321 : 6320;
  cmsg_udp rx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), rx_port)); });
  rx.next_layer().set_option(net::socket_base::receive_buffer_size(1)); // the kernel's minimum
  rx.next_layer().set_option(asio_ipv4::receive_drop_count(true));
  const std::string before = lab.a.read_file("/proc/net/snmp");
  const udp::endpoint to(lab.a_if.address, rx_port);

  // Three bursts of 100, each read out before the next: the datagrams of a
  // later burst carry the drops of the earlier ones and of their own.
  constexpr std::uint32_t bursts = 3, burst = 100, total = bursts * burst + 1;
  std::uint32_t next = 0;
  const auto send_from_b = [&](std::uint32_t count) {
    lab.b.enter([&] {
      net::io_context own;
      udp::socket from_b(own, udp::v4());
      std::vector<char> payload(100, '.');
      for (std::uint32_t i = 0; i < count; ++i)
      {
        t::put_number(payload, next++);
        from_b.send_to(net::buffer(payload), to);
      }
    });
  };
  std::vector<counted_datagram> got;
  const int fd = rx.next_layer().native_handle();
  for (std::uint32_t round = 0; round < bursts; ++round)
  {
    send_from_b(burst);
    // The burst has settled: a's RcvbufErrors (counted as the kernel drops,
    // where InDatagrams counts only what a receive takes) stopped growing.
    long refused = -1;
    const auto settled = [&] {
      const long now = t::snmp_value(lab.a.read_file("/proc/net/snmp"), "Udp", "RcvbufErrors");
      return std::exchange(refused, now) == now;
    };
    BOOST_TEST_REQUIRE(t::eventually(settled, 5s, 200ms), "a's RcvbufErrors kept growing");
    while (t::poll_events(fd, POLLIN) & POLLIN)
      BOOST_TEST_REQUIRE(receive_counted(ctx, rx, batch, got), "a queued datagram was not received");
  }
  const std::size_t queued = got.size();

  // One more, sent once the queue is empty: it must carry every drop.
  send_from_b(1);
  BOOST_TEST_REQUIRE(receive_counted(ctx, rx, batch, got), "the last datagram did not arrive");
  const std::string after = lab.a.read_file("/proc/net/snmp");

  const std::size_t missing = total - got.size();
  BOOST_TEST_REQUIRE(missing > 0u, "the burst did not overflow the receive buffer");
  BOOST_TEST(got.back().number == total - 1);
  // The numbering: in order, each number once, and the drops before each.
  std::size_t gaps = 0;
  std::uint32_t expected_next = 0;
  for (const counted_datagram& d : got)
  {
    BOOST_TEST_REQUIRE(d.number >= expected_next, "#" << d.number << " after #" << expected_next - 1);
    gaps += d.number - expected_next;
    expected_next = d.number + 1;
    if (gaps == 0)
      BOOST_TEST(!d.dropped, "#" << d.number << " reported " << *d.dropped << " drops before any");
    else
      BOOST_TEST(d.dropped.value_or(0) == gaps, "#" << d.number << ": dropped "
          << (d.dropped ? std::to_string(*d.dropped) : "(none)") << ", numbers missing before it " << gaps);
  }
  BOOST_TEST(gaps == missing);
  // The kernel's own counters, inside a.
  const auto delta = [&](const char* name) {
    return t::snmp_value(after, "Udp", name) - t::snmp_value(before, "Udp", name);
  };
  BOOST_TEST(delta("RcvbufErrors") == static_cast<long>(missing));
  BOOST_TEST(delta("InErrors") == static_cast<long>(missing));
  BOOST_TEST(delta("InDatagrams") == static_cast<long>(got.size()));
  BOOST_TEST_MESSAGE((batch ? "batch" : "single") << " receives: " << total << " sent, " << queued
      << " queued + 1 after, " << missing << " dropped; last datagram's dropped = "
      << got.back().dropped.value_or(0) << ", Udp RcvbufErrors +" << delta("RcvbufErrors") << ", InErrors +"
      << delta("InErrors"));
  std::ostringstream each;
  for (const counted_datagram& d : got)
    each << " #" << d.number << ":" << d.dropped.value_or(0);
  BOOST_TEST_MESSAGE("  number:dropped of each datagram read:" << each.str());
}

} // namespace

BOOST_AUTO_TEST_CASE(receive_buffer_overflow_counted_by_single_receives, *t::needs_root())
{
  check_drop_count(false);
}

BOOST_AUTO_TEST_CASE(receive_buffer_overflow_counted_by_batch_receives, *t::needs_root())
{
  check_drop_count(true);
}

// ---- send floods ---------------------------------------------------------------------------

// Sends `total` numbered datagrams as batches of 64 through `tx` to `to`,
// resending from the first message each completion says did not go out.
// Checks the partial-send contract on every completion: the first `count`
// messages have their bytes, the next one has none; the error, if any, is
// in that message. Returns how often a batch stopped short, by reason.
std::map<std::string, std::size_t> flood_batches(net::io_context& ctx, cmsg_udp& tx, const udp::endpoint& to,
    std::uint32_t total)
{
  std::map<std::string, std::size_t> stops;
  std::vector<std::vector<char>> payloads(total, std::vector<char>(1000, '.'));
  for (std::uint32_t i = 0; i < total; ++i)
    t::put_number(payloads[i], i);
  std::uint32_t next = 0;
  std::vector<tx_message> batch;
  while (next < total)
  {
    const std::uint32_t size = std::min<std::uint32_t>(64, total - next);
    batch.assign(size, tx_message());
    for (std::uint32_t i = 0; i < size; ++i)
    {
      batch[i].buffer = net::buffer(payloads[next + i]);
      batch[i].endpoint = to;
    }
    bool done = false;
    boost::system::error_code ec;
    std::size_t count = 0;
    tx.async_send_batch(batch, [&](boost::system::error_code e, std::size_t k) {
      done = true;
      ec = e;
      count = k;
    });
    BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return done; }, 10s), "a batch never completed");
    BOOST_TEST_REQUIRE(count <= size);
    for (std::size_t i = 0; i < count; ++i)
      BOOST_TEST_REQUIRE(batch[i].bytes == 1000u, "message " << i << " of " << count);
    if (count < size)
    {
      BOOST_TEST_REQUIRE(batch[count].bytes == 0u);
      BOOST_TEST_REQUIRE(batch[count].error == ec, t::error_text(batch[count].error) << " vs " << t::error_text(ec));
      ++stops[ec ? ec.message() : "full (success)"];
      if (ec)
      {
        BOOST_TEST_REQUIRE(ec == net::error::no_buffer_space, t::error_text(ec));
        std::this_thread::sleep_for(1ms);   // let the qdisc drain a little
      }
    }
    next += static_cast<std::uint32_t>(count);
  }
  return stops;
}

// EAGAIN: a tiny send buffer behind a slow qdisc that holds every packet.
// Batches stop short with success, wait for room, and go on. Oracle: the
// counter in b sees every number exactly once.
BOOST_AUTO_TEST_CASE(eagain_flood_of_batches_sends_everything_once, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto counter = counter_in(lab.b, ctx, 6320);
  cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  tx.next_layer().set_option(net::socket_base::send_buffer_size(16384));
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 40mbit burst 10kb limit 10000000");
  constexpr std::uint32_t total = 3000;
  auto stops = flood_batches(ctx, tx, udp::endpoint(lab.b_if.address, 6320), total);
  t::number_counter arrived;
  arrived.drain(counter.native_handle(), 500ms);
  BOOST_TEST(arrived.exactly_once(0, total) == "");
  BOOST_TEST(stops["full (success)"] > 0u, "the buffer never filled");
  for (const auto& [why, times] : stops)
    BOOST_TEST_MESSAGE("batches stopped short: " << times << " x " << why);
}

// ENOBUFS: a big send buffer in front of a qdisc that drops (tbf with a
// 3000-byte queue). With receive_errors the kernel reports the drop
// (without it, it claims success), and sendmmsg stops at the dropped
// message, reporting only the count before it (the error is lost when the
// count is not 0): the library asks again at once, which sends the dropped
// message again or reports why not. Batches stop short with
// no_buffer_space; resending from there sends every datagram exactly once.
// Oracles: the counter in b, and the qdisc's own drop count (tc -s): never
// fewer drops than no_buffer_space reports.
BOOST_AUTO_TEST_CASE(enobufs_flood_of_batches_sends_everything_once, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto counter = counter_in(lab.b, ctx, 6321);
  cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  tx.next_layer().set_option(ip4::receive_errors(true));
  tx.next_layer().set_option(net::socket_base::send_buffer_size(4 << 20));
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 40mbit burst 10kb limit 3000");
  constexpr std::uint32_t total = 3000;
  auto stops = flood_batches(ctx, tx, udp::endpoint(lab.b_if.address, 6321), total);
  t::number_counter arrived;
  arrived.drain(counter.native_handle(), 500ms);
  BOOST_TEST(arrived.exactly_once(0, total) == "");
  const std::size_t refused = stops[net::error::make_error_code(net::error::no_buffer_space).message()];
  BOOST_TEST(refused > 0u, "the qdisc never dropped");
  const long drops = t::qdisc_drops(lab.a.output("tc -s qdisc show dev " + lab.a_if.name));
  BOOST_TEST(drops >= static_cast<long>(refused));
  BOOST_TEST_MESSAGE("qdisc drops " << drops << ", reported " << refused << ", the rest sent again at once");
  for (const auto& [why, times] : stops)
    BOOST_TEST_MESSAGE("batches stopped short: " << times << " x " << why);
}

// The same ENOBUFS flood through single sends: a send that reports
// no_buffer_space sent nothing, and is sent again.
BOOST_AUTO_TEST_CASE(enobufs_flood_of_single_sends_sends_everything_once, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto counter = counter_in(lab.b, ctx, 6322);
  cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  tx.next_layer().set_option(ip4::receive_errors(true));
  tx.next_layer().set_option(net::socket_base::send_buffer_size(4 << 20));
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 40mbit burst 10kb limit 3000");
  const udp::endpoint to(lab.b_if.address, 6322);
  const control_message none;
  constexpr std::uint32_t total = 2000;
  std::size_t refused = 0;
  std::vector<char> p(1000, '.');
  for (std::uint32_t i = 0; i < total;)
  {
    t::put_number(p, i);
    bool done = false;
    boost::system::error_code ec;
    std::size_t n = 0;
    tx.async_send_to(net::buffer(p), to, none, [&](boost::system::error_code e, std::size_t k) {
      done = true;
      ec = e;
      n = k;
    });
    BOOST_TEST_REQUIRE(t::run_until(ctx, [&] { return done; }, 10s));
    if (ec)
    {
      BOOST_TEST_REQUIRE(ec == net::error::no_buffer_space, t::error_text(ec));
      BOOST_TEST_REQUIRE(n == 0u);
      ++refused;
      std::this_thread::sleep_for(1ms);
      continue;
    }
    BOOST_TEST_REQUIRE(n == p.size());
    ++i;
  }
  t::number_counter arrived;
  arrived.drain(counter.native_handle(), 500ms);
  BOOST_TEST(arrived.exactly_once(0, total) == "");
  BOOST_TEST(refused > 0u, "the qdisc never dropped");
  BOOST_TEST(t::qdisc_drops(lab.a.output("tc -s qdisc show dev " + lab.a_if.name)) == static_cast<long>(refused));
  BOOST_TEST_MESSAGE(refused << " sends refused with no_buffer_space and sent again");
}

// ---- crafted ICMP errors -----------------------------------------------------------------

namespace {

// What icmp_error.py should quote and how.
struct crafted
{
  crafted(int t, int c, std::uint32_t i, std::uint16_t s, std::uint16_t d, std::string p)
    : type(t), code(c), info(i), sport(s), dport(d), payload(std::move(p))
  {
  }

  int type;
  int code;
  std::uint32_t info;
  std::uint16_t sport;   // the quoted datagram's source port (a's socket)
  std::uint16_t dport;
  std::string payload;
  int ihl = 5;
  std::optional<int> cut;
  bool bad_checksum = false;
};

void craft(const t::two_hosts_lab& lab, const crafted& c)
{
  std::vector<std::string> args{"--dst", lab.a_if.address.to_string(), "--type", std::to_string(c.type), "--code",
      std::to_string(c.code), "--info", std::to_string(c.info), "--quote-src", lab.a_if.address.to_string(),
      "--quote-dst", lab.b_if.address.to_string(), "--sport", std::to_string(c.sport), "--dport",
      std::to_string(c.dport), "--quote-ihl", std::to_string(c.ihl), "--quote-payload", c.payload};
  if (c.cut)
    args.insert(args.end(), {"--quote-cut", std::to_string(*c.cut)});
  if (c.bad_checksum)
    args.push_back("--bad-checksum");
  auto tool = lab.b.python("icmp_error.py", args);
  BOOST_TEST_REQUIRE(tool.wait(10s).value_or(-1) == 0, tool.describe());
}

// One error-queue entry read through the library (async_receive_error).
struct entry
{
  bool read = false;
  boost::system::error_code ec;
  std::size_t bytes = 0;
  udp::endpoint destination;
  control_message control;
  std::string data;
};

entry read_entry(net::io_context& ctx, cmsg_udp& s, std::size_t capacity = 256)
{
  entry e;
  std::vector<char> buffer(capacity);
  net::cancellation_signal cancel;
  s.async_receive_error(net::buffer(buffer), e.destination, e.control,
      net::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec, std::size_t n) {
        e.read = true;
        e.ec = ec;
        e.bytes = n;
      }));
  if (!t::run_until(ctx, [&] { return e.read; }, 2s))
  {
    cancel.emit(net::cancellation_type::terminal);
    t::run_until(ctx, [&] { return e.read; }, 2s);
    e.read = false;
  }
  e.data.assign(buffer.data(), std::min(e.bytes, buffer.size()));
  return e;
}

} // namespace

// ICMP errors crafted in b with a raw socket, each quoting a datagram of
// one of two sockets in a (x on 6330, y on 6331, both with receive_errors).
// Each must reach the socket it names and no other, and decode to the
// fields icmp_error.py put in; what the kernel drops (a quote too short for
// the UDP header, a quoted IHL under 5, a bad checksum) reaches nobody and
// shows in /proc/net/snmp instead.
BOOST_AUTO_TEST_CASE(crafted_icmp_errors_are_attributed_and_decoded, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  auto x = udp_in(lab.a, ctx, 6330);
  auto y = udp_in(lab.a, ctx, 6331);
  for (auto* s : {&x, &y})
    s->next_layer().set_option(ip4::receive_errors(true));
  const int xfd = x.next_layer().native_handle(), yfd = y.next_layer().native_handle();
  const auto quiet = [&] { return !t::error_reported(xfd) && !t::error_reported(yfd); };
  const auto expect_entry = [&](cmsg_udp& s, int fd, int other_fd, const std::string& what) {
    BOOST_TEST_REQUIRE(t::take_pending_error_when_queued(fd, 3s) != 0, what << ": no entry");
    BOOST_TEST(!t::error_reported(other_fd), what << ": the other socket got it too");
    return read_entry(ctx, s);
  };

  // 1. Port unreachable for x's datagram.
  craft(lab, {3, 3, 0, 6330, 7000, "for-x"});
  auto e = expect_entry(x, xfd, yfd, "port unreachable for x");
  BOOST_TEST(!e.ec, t::error_text(e.ec));
  BOOST_TEST(e.data == "for-x");
  BOOST_TEST(e.destination == udp::endpoint(lab.b_if.address, 7000));
  BOOST_TEST_REQUIRE(e.control.error.has_value());
  BOOST_TEST(e.control.error->error == std::uint32_t(ECONNREFUSED));
  BOOST_TEST(e.control.error->origin == asio_ipv4::extended_error::origin_icmp);
  BOOST_TEST(e.control.error->type == 3);
  BOOST_TEST(e.control.error->code == 3);
  BOOST_TEST(e.control.error->offender.value_or(address_v4()) == lab.b_if.address);
  BOOST_TEST(quiet());

  // 2. Fragmentation needed with an odd MTU for y's datagram: EMSGSIZE,
  //    info = the MTU as sent.
  craft(lab, {3, 4, 1234, 6331, 7001, "for-y"});
  e = expect_entry(y, yfd, xfd, "fragmentation needed for y");
  BOOST_TEST(e.data == "for-y");
  BOOST_TEST_REQUIRE(e.control.error.has_value());
  BOOST_TEST(e.control.error->error == std::uint32_t(EMSGSIZE));
  BOOST_TEST(e.control.error->info == 1234u);
  BOOST_TEST(e.destination == udp::endpoint(lab.b_if.address, 7001));

  // 3. Parameter problem, pointer 5: EPROTO, info = the pointer.
  craft(lab, {12, 0, 5u << 24, 6330, 7002, "pp"});
  e = expect_entry(x, xfd, yfd, "parameter problem for x");
  BOOST_TEST_REQUIRE(e.control.error.has_value());
  BOOST_TEST(e.control.error->error == std::uint32_t(EPROTO));
  BOOST_TEST(e.control.error->type == 12);
  BOOST_TEST(e.control.error->info == 5u);

  // 4. Time exceeded quoting a header with 8 bytes of options (IHL 7):
  //    the ports are found past the options.
  crafted with_options{11, 0, 0, 6331, 7003, "opts"};
  with_options.ihl = 7;
  craft(lab, with_options);
  e = expect_entry(y, yfd, xfd, "time exceeded, quoted header with options");
  BOOST_TEST(e.data == "opts");
  BOOST_TEST_REQUIRE(e.control.error.has_value());
  BOOST_TEST(e.control.error->error == std::uint32_t(EHOSTUNREACH));
  BOOST_TEST(e.destination == udp::endpoint(lab.b_if.address, 7003));

  // 5. Only the UDP header quoted: an entry with no data.
  crafted header_only{3, 3, 0, 6330, 7004, "never-quoted"};
  header_only.cut = 28;
  craft(lab, header_only);
  e = expect_entry(x, xfd, yfd, "only the UDP header quoted");
  BOOST_TEST(!e.ec, t::error_text(e.ec));
  BOOST_TEST(e.bytes == 0u);
  BOOST_TEST(e.destination == udp::endpoint(lab.b_if.address, 7004));

  // 6. A long quote read into a small buffer: message_size, what fits.
  craft(lab, {3, 3, 0, 6331, 7005, std::string(400, 'q')});
  BOOST_TEST_REQUIRE(t::take_pending_error_when_queued(yfd, 3s) != 0);
  e = read_entry(ctx, y, 16);
  BOOST_TEST(e.ec == net::error::message_size, t::error_text(e.ec));
  BOOST_TEST(e.bytes == 16u);
  BOOST_TEST(e.data == std::string(16, 'q'));
  BOOST_TEST(e.control.error.has_value());
  BOOST_TEST(quiet());

  // 7. What the kernel drops reaches nobody: a quote cut inside the UDP
  //    header, a quoted IHL of 4, a bad ICMP checksum, a datagram of a
  //    port no socket has.
  const std::string before = lab.a.read_file("/proc/net/snmp");
  const auto icmp = [](const std::string& text, const char* name) { return t::snmp_value(text, "Icmp", name); };
  crafted cut{3, 3, 0, 6330, 7006, "cut"};
  cut.cut = 24;
  craft(lab, cut);
  crafted bad_ihl{3, 3, 0, 6330, 7007, "ihl"};
  bad_ihl.ihl = 4;
  craft(lab, bad_ihl);
  crafted bad_sum{3, 3, 0, 6331, 7008, "sum"};
  bad_sum.bad_checksum = true;
  craft(lab, bad_sum);
  craft(lab, {3, 3, 0, 6339, 7009, "nobody"});
  BOOST_TEST_REQUIRE(t::eventually([&] {
    return icmp(lab.a.read_file("/proc/net/snmp"), "InMsgs") >= icmp(before, "InMsgs") + 4;
  }, 3s));
  std::this_thread::sleep_for(200ms);
  BOOST_TEST(quiet(), "a dropped or unattributable ICMP error reached a socket");
  const std::string after = lab.a.read_file("/proc/net/snmp");
  BOOST_TEST(icmp(after, "InCsumErrors") == icmp(before, "InCsumErrors") + 1);
  BOOST_TEST(icmp(after, "InErrors") >= icmp(before, "InErrors") + 2);
  BOOST_TEST_MESSAGE("Icmp InErrors +" << icmp(after, "InErrors") - icmp(before, "InErrors") << ", InCsumErrors +"
                                       << icmp(after, "InCsumErrors") - icmp(before, "InCsumErrors"));

  // Nothing else is queued on either socket.
  char spare[8];
  BOOST_TEST(::recv(xfd, spare, sizeof(spare), MSG_ERRQUEUE | MSG_DONTWAIT) < 0);
  BOOST_TEST(::recv(yfd, spare, sizeof(spare), MSG_ERRQUEUE | MSG_DONTWAIT) < 0);
}

BOOST_AUTO_TEST_SUITE_END()
