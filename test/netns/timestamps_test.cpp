//
// test/netns/timestamps_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Kernel timestamps between namespace hosts (root): one multicast stream
// received by four sockets at once, stamps on a veth link that has no
// hardware clock, a GSO send over veth, and a cancelled send that must take
// no id. The loopback half is test/loopback/timestamps_test.cpp.
//
// Oracles that are not the library: udp_send.py (Python's socket module) as
// the peer; a raw socket with SO_TIMESTAMPNS read by recvmsg and glibc's
// CMSG macros, which receives its own copy of every multicast datagram (the
// copies share the kernel's one stamp); clock_gettime(CLOCK_REALTIME) before
// the peer starts and after the last receive (one kernel, one clock for all
// namespaces); `ethtool -T`; a plain socket in b counting numbered datagrams.

#include "prelude.hpp"

#include "reliability_util.hpp"
#include "timestamp_check.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/test/unit_test.hpp>

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using asio_ipv4::control_message;
using asio_ipv4::extended_error;
using asio_ipv4::kernel_time;
using asio_ipv4::timestamping;

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using t::realtime_now;
using t::text;
namespace tt = boost::test_tools;

// The oracle's read: one datagram (text payload, a number) and its
// SCM_TIMESTAMPNS, by recvmsg and glibc's CMSG macros; nullopt when none is
// queued within `timeout_ms`.
std::optional<std::pair<int, std::int64_t>> raw_receive(int fd, int timeout_ms)
{
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) != 1)
    return std::nullopt;
  alignas(cmsghdr) unsigned char control[256];
  char data[64] = {};
  iovec iov{data, sizeof data - 1};
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  BOOST_TEST_REQUIRE(n >= 0, std::strerror(errno));
  std::int64_t ns = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
    {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      ns = std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
  BOOST_TEST_REQUIRE(ns >= 0, "the oracle's datagram came without SCM_TIMESTAMPNS");
  return std::make_pair(std::stoi(std::string(data, static_cast<std::size_t>(n))), ns);
}

int number_of(const char* data, std::size_t n)
{
  return std::stoi(std::string(data, n));
}

} // namespace

BOOST_AUTO_TEST_SUITE(timestamps_test)

// One multicast stream from a Python peer in a, received in b by four
// sockets at once: a raw one (the oracle), and cmsg_sockets reading it with
// single asynchronous receives, asynchronous batches, and blocking
// receives. Every datagram carries the same stamp in all four, between the
// clock read before the peer started and after the last receive, and the
// stamps never go backwards.
BOOST_AUTO_TEST_CASE(one_stamp_per_datagram_whatever_the_receive, *t::needs_root())
{
  auto lab = t::two_hosts();
  const auto group = make_address_v4("239.1.2.3");
  constexpr std::uint16_t group_port = 5020;
  constexpr int count = 60;
  net::io_context ctx;
  auto joined = [&] {
    return lab.b.enter([&] {
      cmsg_udp s(ctx, udp::v4());
      s.next_layer().set_option(net::socket_base::reuse_address(true));
      s.next_layer().set_option(net::socket_base::receive_buffer_size(1 << 20));
      s.next_layer().set_option(asio_ipv4::receive_timestamps(true));
      s.next_layer().bind(udp::endpoint(address_v4::any(), group_port));
      s.next_layer().set_option(ip4::join_group(group, lab.b_if.index));
      return s;
    });
  };
  // The oracle: a plain socket with raw setsockopt, read with raw recvmsg.
  udp::socket oracle = t::udp_socket_in(lab.b, ctx, udp::endpoint(address_v4::any(), group_port), true);
  {
    const int on = 1;
    BOOST_TEST_REQUIRE(::setsockopt(oracle.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0);
    ip_mreqn mreq;
    std::memset(&mreq, 0, sizeof mreq);
    mreq.imr_multiaddr.s_addr = htonl(group.to_uint());
    mreq.imr_ifindex = static_cast<int>(lab.b_if.index);
    BOOST_TEST_REQUIRE(::setsockopt(oracle.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) == 0);
  }
  cmsg_udp single = joined();
  cmsg_udp batch = joined();
  cmsg_udp blocking = joined();

  t::wait_for_arrival_stamping();
  const std::int64_t before = realtime_now();
  auto peer = lab.a.python("udp_send.py", {"--dst", group.to_string(), "--port", std::to_string(group_port),
                                              "--mcast-if", lab.a_if.address.to_string(), "--count",
                                              std::to_string(count), "--payload", "{i}"});
  peer.read_all(10s);
  BOOST_TEST_REQUIRE(peer.wait(5s).value_or(-2) == 0, peer.describe());

  // Stamps by datagram number; -1: not received.
  std::vector<std::int64_t> expected(count, -1), by_single(count, -1), by_batch(count, -1), by_blocking(count, -1);
  int received = 0, single_count = 0, batch_count = 0;
  auto record = [&](std::vector<std::int64_t>& into, int number, std::int64_t ns) {
    BOOST_TEST_REQUIRE((number >= 0 && number < count), "datagram #" << number);
    BOOST_TEST(into[number] == -1, "datagram #" << number << " twice");
    into[number] = ns;
  };
  while (received < count)
  {
    auto d = raw_receive(oracle.native_handle(), 2000);
    if (!d)
      break;
    record(expected, d->first, d->second);
    ++received;
  }
  BOOST_TEST_REQUIRE(received == count, "the oracle received " << received);

  std::array<char, 64> one{};
  udp::endpoint from;
  control_message control;
  std::function<void()> next_single = [&] {
    single.async_receive_from(net::buffer(one), from, control, [&](boost::system::error_code ec, std::size_t n) {
      BOOST_TEST_REQUIRE(!ec, t::error_text(ec));
      BOOST_TEST_REQUIRE(control.software_time.has_value(), text(control));
      record(by_single, number_of(one.data(), n), control.software_time->since_epoch.count());
      if (++single_count < count)
        next_single();
    });
  };
  std::array<std::array<char, 64>, 8> storage{};
  std::vector<asio_ipv4::message<udp::endpoint>> slots(storage.size());
  std::function<void()> next_batch = [&] {
    for (std::size_t i = 0; i < slots.size(); ++i)
      slots[i].buffer = net::buffer(storage[i]);
    batch.async_receive_batch(slots, [&](boost::system::error_code ec, std::size_t n) {
      BOOST_TEST_REQUIRE(!ec, t::error_text(ec));
      for (std::size_t i = 0; i < n; ++i)
      {
        BOOST_TEST_REQUIRE(slots[i].control.software_time.has_value(), text(slots[i].control));
        record(by_batch, number_of(storage[i].data(), slots[i].bytes), slots[i].control.software_time->since_epoch.count());
        ++batch_count;
      }
      if (batch_count < count)
        next_batch();
    });
  };
  next_single();
  next_batch();
  t::run_until(ctx, [&] { return single_count == count && batch_count == count; }, 10s);
  BOOST_TEST_REQUIRE(single_count == count);
  BOOST_TEST_REQUIRE(batch_count == count);
  for (int i = 0; i < count; ++i)
  {
    std::array<char, 64> data{};
    control_message c;
    const std::size_t n = blocking.receive_from(net::buffer(data), from, c);
    BOOST_TEST_REQUIRE(c.software_time.has_value(), text(c));
    record(by_blocking, number_of(data.data(), n), c.software_time->since_epoch.count());
  }
  const std::int64_t after = realtime_now();

  BOOST_TEST(by_single == expected, tt::per_element());
  BOOST_TEST(by_batch == expected, tt::per_element());
  BOOST_TEST(by_blocking == expected, tt::per_element());
  std::int64_t previous = before;
  for (int number = 0; number < count; ++number)
  {
    const std::int64_t ns = expected[number];
    BOOST_TEST(previous <= ns, "#" << number << " stamped " << ns << ", before " << previous);
    previous = ns;
  }
  BOOST_TEST(previous <= after);
}

// veth has no hardware clock. Oracle: `ethtool -T` on the same interface.
// Configuring it fails with the kernel's EOPNOTSUPP and changes nothing; a
// socket asking for hardware receive stamps gets its software stamp and no
// hardware_time.
BOOST_AUTO_TEST_CASE(veth_has_no_hardware_stamps, *t::needs_root())
{
  auto lab = t::two_hosts();
  const std::string ethtool = lab.b.output("ethtool -T " + lab.b_if.name);
  BOOST_TEST_MESSAGE("ethtool -T " << lab.b_if.name << ":\n" << ethtool);
  BOOST_TEST_REQUIRE(ethtool.find("PTP Hardware Clock: none") != std::string::npos, ethtool);
  BOOST_TEST_REQUIRE(ethtool.find("hardware-receive") == std::string::npos, ethtool);

  const auto caps = lab.b.enter([&] { return ip4::get_timestamping_capabilities(lab.b_if.name); });
  BOOST_TEST(caps.phc_index == -1);
  BOOST_TEST(!caps.hardware_receive());
  BOOST_TEST(!caps.hardware_transmit());
  // ethtool's words for the software bits it printed.
  BOOST_TEST(((caps.timestamping & SOF_TIMESTAMPING_TX_SOFTWARE) != 0)
      == (ethtool.find("software-transmit") != std::string::npos));
  BOOST_TEST(((caps.timestamping & SOF_TIMESTAMPING_RX_SOFTWARE) != 0)
      == (ethtool.find("software-receive") != std::string::npos));
  BOOST_TEST(caps.tx_types == 0u);
  BOOST_TEST(caps.rx_filters == 0u);

  ip4::hardware_timestamping_config config;
  config.tx_type = ip4::hardware_timestamping_config::tx_on;
  config.rx_filter = ip4::hardware_timestamping_config::rx_all;
  boost::system::error_code ec;
  lab.b.enter([&] { ip4::set_hardware_timestamping(lab.b_if.name, config, ec); });
  BOOST_TEST(ec == net::error::operation_not_supported, t::error_text(ec));
  BOOST_TEST(config.tx_type == ip4::hardware_timestamping_config::tx_on); // untouched on failure
  lab.b.enter([&] { ip4::get_hardware_timestamping(lab.b_if.name, ec); });
  BOOST_TEST(ec == net::error::operation_not_supported, t::error_text(ec));
  lab.b.enter([&] { ip4::set_hardware_timestamping("a4tnone0", config, ec); });
  BOOST_TEST(ec == net::error::no_such_device, t::error_text(ec));
  BOOST_TEST(lab.b.output("ethtool -T " + lab.b_if.name) == ethtool);

  net::io_context ctx;
  auto rx = lab.b.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), t::port)); });
  rx.next_layer().set_option(timestamping(timestamping::rx_hardware | timestamping::raw_hardware
      | timestamping::rx_software | timestamping::software));
  const std::int64_t before = realtime_now();
  auto peer = lab.a.python("udp_send.py", {"--dst", lab.b_if.address.to_string(), "--port",
                                              std::to_string(t::port), "--count", "3", "--payload", "{i}"});
  peer.read_all(10s);
  BOOST_TEST_REQUIRE(peer.wait(5s).value_or(-2) == 0, peer.describe());
  for (int i = 0; i < 3; ++i)
  {
    std::array<char, 64> data{};
    udp::endpoint from;
    control_message c;
    const std::size_t n = rx.receive_from(net::buffer(data), from, c);
    BOOST_TEST(number_of(data.data(), n) == i);
    BOOST_TEST(!c.hardware_time.has_value(), text(c));
    BOOST_TEST_REQUIRE(c.software_time.has_value(), text(c));
    BOOST_TEST(before <= c.software_time->since_epoch.count());
    BOOST_TEST(c.software_time->since_epoch.count() <= realtime_now());
  }
}

// A GSO send over veth: one send, one id, one tx_scheduled and one
// tx_software stamp; b receives every segment. Twice: with veth taking UDP
// GSO packets whole (the device stamps the buffer once), and with
// tx-udp-segmentation off (`ethtool -K`), where the stack cuts the buffer
// before the device and only the first segment carries the stamps
// (__udp_gso_segment keeps the stamp flags and key for it alone).
BOOST_AUTO_TEST_CASE(gso_send_over_veth_takes_one_id, *t::needs_root())
{
  for (bool device_segments : {true, false})
  {
    BOOST_TEST_CONTEXT((device_segments ? "veth takes GSO packets whole" : "the stack segments"))
    {
      auto lab = t::two_hosts();
      if (!device_segments)
        lab.a.run("ethtool -K " + lab.a_if.name + " tx-udp-segmentation off");
      net::io_context ctx;
      udp::socket counter = t::udp_socket_in(lab.b, ctx, udp::endpoint(address_v4::any(), t::port));
      auto tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
      tx.next_layer().set_option(timestamping(timestamping::tx_software | timestamping::tx_scheduled
          | timestamping::software | timestamping::opt_id | timestamping::opt_tsonly));
      const udp::endpoint to(lab.b_if.address, t::port);
      const std::vector<char> buffer(3000, 'g');
      control_message gso;
      gso.segment_size = 1000;
      const control_message none;
      tx.send_to(net::buffer("a", 1), to, none); // id 0
      tx.send_to(net::buffer(buffer), to, gso);  // id 1, three segments
      tx.send_to(net::buffer("b", 1), to, none); // id 2
      BOOST_TEST(tx.gso_enabled());
      const std::vector<std::uint32_t> expected{0, 1, 2};
      const auto got = t::read_send_stamps(ctx, tx, 6);
      t::check_ids(got, expected);
      std::size_t arrived = 0;
      std::array<char, 2048> data;
      pollfd p{counter.native_handle(), POLLIN, 0};
      while (::poll(&p, 1, 500) == 1 && ::recv(counter.native_handle(), data.data(), data.size(), MSG_DONTWAIT) >= 0)
        ++arrived;
      BOOST_TEST(arrived == 5u);
    }
  }
}

// A send cancelled while it waits for room in the send buffer never reached
// the kernel: it takes no id and produces no stamp. a's send buffer fills
// behind a tbf qdisc that holds the packets; an async_send_to then waits
// and is cancelled (per-operation, terminal); once the qdisc lets go, the
// next send takes the very next id.
BOOST_AUTO_TEST_CASE(a_cancelled_send_takes_no_id, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  udp::socket counter = t::udp_socket_in(lab.b, ctx, udp::endpoint(address_v4::any(), t::port));
  t::force_receive_buffer(counter.native_handle(), 4 << 20);
  auto tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  const int fd = tx.next_layer().native_handle();
  tx.next_layer().set_option(timestamping(timestamping::tx_software | timestamping::tx_scheduled
      | timestamping::software | timestamping::opt_id | timestamping::opt_tsonly));
  tx.next_layer().set_option(net::socket_base::send_buffer_size(4096));
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 1kbit burst 1600 limit 1000000");
  const udp::endpoint to(lab.b_if.address, t::port);

  // Fill the buffer with plain sendto: datagram i takes id i.
  std::vector<char> payload(1000, '.');
  std::uint32_t sent = 0;
  for (; sent < 10000; ++sent)
  {
    t::put_number(payload, sent);
    if (::sendto(fd, payload.data(), payload.size(), MSG_DONTWAIT, to.data(), to.size()) < 0)
    {
      BOOST_TEST_REQUIRE((errno == EAGAIN || errno == EWOULDBLOCK), std::strerror(errno));
      break;
    }
  }
  BOOST_TEST_REQUIRE(sent > 0u);
  BOOST_TEST_REQUIRE(sent < 10000u, "the send buffer never filled");

  // The waiting send, cancelled.
  const control_message none;
  t::put_number(payload, 0xCA11CE1Du);
  net::cancellation_signal signal;
  std::optional<boost::system::error_code> cancelled;
  tx.async_send_to(net::buffer(payload), to, none,
      net::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec, std::size_t) { cancelled = ec; }));
  t::run_for(ctx, 300ms);
  BOOST_TEST_REQUIRE(!cancelled.has_value(), "the send should wait for room, got " << t::error_text(*cancelled));
  signal.emit(net::cancellation_type::terminal);
  t::run_until(ctx, [&] { return cancelled.has_value(); }, 5s);
  BOOST_TEST_REQUIRE(cancelled.has_value());
  BOOST_TEST(*cancelled == net::error::operation_aborted, t::error_text(*cancelled));

  // Let the qdisc go (a datagram from another socket kicks tbf's queue).
  lab.a.run("tc qdisc change dev " + lab.a_if.name + " root tbf rate 1gbit burst 1mb limit 1000000");
  lab.a.enter([&] {
    udp::socket kick(ctx, udp::v4());
    kick.send_to(net::buffer("kick", 4), udp::endpoint(lab.b_if.address, t::port + 1));
  });
  t::put_number(payload, sent);
  std::optional<boost::system::error_code> last;
  tx.async_send_to(net::buffer(payload), to, none, [&](boost::system::error_code ec, std::size_t) { last = ec; });
  t::run_until(ctx, [&] { return last.has_value(); }, 20s);
  BOOST_TEST_REQUIRE(last.has_value(), "the send after the qdisc let go did not complete");
  BOOST_TEST_REQUIRE(!*last, t::error_text(*last));

  // Ids 0 .. sent, each once per kind: none for the cancelled send.
  const std::size_t total = sent + 1;
  const auto got = t::read_send_stamps(ctx, tx, 2 * total);
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < total; ++i)
    expected.push_back(i);
  t::check_ids(got, expected);
  // b got numbers 0 .. sent, never the cancelled one's.
  t::number_counter arrived;
  arrived.drain(counter.native_handle(), 2s);
  BOOST_TEST(arrived.exactly_once(0, static_cast<std::uint32_t>(total)) == "");
  BOOST_TEST(arrived.times(0xCA11CE1Du) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
