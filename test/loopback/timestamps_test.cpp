//
// test/loopback/timestamps_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Kernel timestamps on loopback (no privileges): the receive_timestamps and
// timestamping options, receive stamps through every receive form, send
// stamps on the error queue with their ids (single sends, SCM_TS_OPT_ID,
// batches, GSO), through cmsg_socket's public API only.
//
// Oracles that are not the library: raw getsockopt on native_handle();
// clock_gettime(CLOCK_REALTIME) read before a send and after its receive;
// the kernel's stamp of the datagram at the head of the queue, read by a raw
// recvmsg(MSG_PEEK) and parsed with glibc's CMSG macros; a plain socket that
// counts what arrived; the send order the test itself chose.

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/hardware_timestamping.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include "io_run.hpp"
#include "test_util.hpp"
#include "timestamp_check.hpp"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace tt = boost::test_tools;
using asio_ipv4::control_message;
using asio_ipv4::extended_error;
using asio_ipv4::kernel_time;
using asio_ipv4::timestamping;
using asio_ipv4::test::error_queued;
using asio_ipv4::test::got_expected;
using asio_ipv4::test::realtime_now;
using asio_ipv4::test::text;
using stamp = asio_ipv4::test::send_stamp;
namespace t = asio_ipv4::test;
using boost::system::error_code;
using net::ip::address_v4;
using net::ip::udp;
using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using namespace std::chrono_literals;

int raw_int(int fd, int level, int name)
{
  int value = -1;
  socklen_t len = sizeof value;
  BOOST_TEST_REQUIRE(::getsockopt(fd, level, name, &value, &len) == 0, std::strerror(errno));
  return value;
}

// Waits up to 5 s for the descriptor to be readable (a datagram queued).
void wait_readable(int fd)
{
  pollfd p{fd, POLLIN, 0};
  BOOST_TEST_REQUIRE(::poll(&p, 1, 5000) == 1, "no datagram within 5 s");
}

// The oracle: the kernel's software stamp of the datagram at the head of
// the queue, from a raw recvmsg(MSG_PEEK): SCM_TIMESTAMPNS, else ts[0] of
// SCM_TIMESTAMPING; empty when the kernel sent neither.
std::optional<std::int64_t> peek_stamp(int fd)
{
  alignas(cmsghdr) unsigned char control[512];
  char byte;
  iovec iov{&byte, 1};
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  BOOST_TEST_REQUIRE(::recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT) >= 0, std::strerror(errno));
  std::optional<std::int64_t> ns, ns_of_timestamping;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
  {
    if (c->cmsg_level != SOL_SOCKET)
      continue;
    if (c->cmsg_type == SCM_TIMESTAMPNS)
    {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      ns = std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
    else if (c->cmsg_type == SCM_TIMESTAMPING)
    {
      scm_timestamping t;
      std::memcpy(&t, CMSG_DATA(c), sizeof t);
      if (t.ts[0].tv_sec || t.ts[0].tv_nsec)
        ns_of_timestamping = std::int64_t(t.ts[0].tv_sec) * 1000000000 + t.ts[0].tv_nsec;
    }
  }
  return ns ? ns : ns_of_timestamping;
}

// A receiver on 127.0.0.1 with receive_timestamps, and a plain sender.
struct receiver
{
  net::io_context ctx;
  cmsg_udp rx{ctx, udp::endpoint(address_v4::loopback(), 0)};
  udp::socket tx{ctx, udp::endpoint(address_v4::loopback(), 0)};
  int fd = rx.next_layer().native_handle();

  receiver()
  {
    rx.next_layer().set_option(asio_ipv4::receive_timestamps(true));
    rx.next_layer().set_option(net::socket_base::receive_buffer_size(4 << 20));
    asio_ipv4::test::wait_for_arrival_stamping();
  }

  void send(std::uint32_t n) { tx.send_to(net::buffer(&n, sizeof n), rx.next_layer().local_endpoint()); }

  // Sends n and returns the kernel's stamp of it (the oracle, peeked).
  std::int64_t send_and_peek(std::uint32_t n)
  {
    send(n);
    wait_readable(fd);
    const std::optional<std::int64_t> oracle = peek_stamp(fd);
    BOOST_TEST_REQUIRE(oracle.has_value(), "the kernel sent no stamp");
    return *oracle;
  }
};

// A cmsg_socket sender on 127.0.0.1 with send stamps, and a plain socket
// the datagrams go to (read only to count them).
struct sender
{
  static constexpr timestamping::flags stamps = timestamping::tx_software | timestamping::tx_scheduled
      | timestamping::software | timestamping::opt_id | timestamping::opt_tsonly;

  net::io_context ctx;
  cmsg_udp tx{ctx, udp::endpoint(address_v4::loopback(), 0)};
  udp::socket sink{ctx, udp::endpoint(address_v4::loopback(), 0)};
  udp::endpoint to = sink.local_endpoint();
  int fd = tx.next_layer().native_handle();

  explicit sender(timestamping::flags flags = stamps)
  {
    sink.set_option(net::socket_base::receive_buffer_size(4 << 20));
    tx.next_layer().set_option(timestamping(flags));
  }

  std::vector<stamp> read_stamps(std::size_t n) { return t::read_send_stamps(ctx, tx, n, 5000ms); }

  // How many datagrams the sink received (raw, draining it).
  std::size_t drain_sink()
  {
    std::size_t n = 0;
    char buf[2048];
    while (::recv(sink.native_handle(), buf, sizeof buf, MSG_DONTWAIT) >= 0)
      ++n;
    return n;
  }
};

std::vector<std::uint32_t> count_from(std::uint32_t first, std::size_t n)
{
  std::vector<std::uint32_t> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(first + static_cast<std::uint32_t>(i));
  return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(timestamps_test)

// ===========================================================================
// The options

// Oracle: SO_TIMESTAMPNS as raw getsockopt reads it.
BOOST_AUTO_TEST_CASE(receive_timestamps_is_so_timestampns)
{
  net::io_context ctx;
  udp::socket s(ctx, udp::v4());
  const int fd = s.native_handle();
  BOOST_TEST(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPNS) == 0);
  s.set_option(asio_ipv4::receive_timestamps(true));
  BOOST_TEST(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPNS) == 1);
  asio_ipv4::receive_timestamps got;
  s.get_option(got);
  BOOST_TEST(got.value());
  s.set_option(asio_ipv4::receive_timestamps(false));
  BOOST_TEST(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPNS) == 0);
  s.get_option(got);
  BOOST_TEST(!got.value());
}

// Oracle: SO_TIMESTAMPING as raw getsockopt reads it (its flags word).
BOOST_AUTO_TEST_CASE(timestamping_round_trip)
{
  net::io_context ctx;
  udp::socket s(ctx, udp::v4());
  const int fd = s.native_handle();
  const timestamping::flags cases[] = {timestamping::rx_software | timestamping::software,
      timestamping::tx_software | timestamping::tx_scheduled | timestamping::software | timestamping::opt_id
          | timestamping::opt_tsonly,
      timestamping::rx_hardware | timestamping::tx_hardware | timestamping::raw_hardware | timestamping::opt_cmsg
          | timestamping::opt_tx_swhw,
      timestamping::all_flags, 0};
  for (timestamping::flags f : cases)
  {
    BOOST_TEST_CONTEXT("flags " << f)
    {
      error_code ec;
      s.set_option(timestamping(f), ec);
      BOOST_TEST(!ec, got_expected(ec, {}));
      BOOST_TEST(unsigned(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPING)) == f);
      timestamping got(timestamping::opt_id);
      s.get_option(got);
      BOOST_TEST(got.value() == f);
    }
  }
  BOOST_TEST(timestamping(timestamping::tx_software | timestamping::software).has(timestamping::software));
  BOOST_TEST(!timestamping(timestamping::tx_software).has(timestamping::tx_software | timestamping::software));
}

// A bit that is not one of the flags: invalid_argument, and the socket
// keeps what it had (raw getsockopt before and after), for each form.
BOOST_AUTO_TEST_CASE(timestamping_unknown_bit_changes_nothing)
{
  net::io_context ctx;
  udp::socket s(ctx, udp::v4());
  const int fd = s.native_handle();
  const timestamping::flags before = timestamping::rx_software | timestamping::software;
  s.set_option(timestamping(before));
  // SYS_HARDWARE (deprecated), TX_ACK (TCP), OPT_STATS (TCP), OPT_PKTINFO,
  // BIND_PHC (needs struct so_timestamping), and bits no kernel defines.
  for (timestamping::flags bit : {1u << 5, 1u << 9, 1u << 12, 1u << 13, 1u << 15, 1u << 16, 1u << 31})
  {
    BOOST_TEST_CONTEXT("bit " << bit)
    {
      const timestamping bad(before | bit);
      BOOST_TEST(!bad.valid());
      BOOST_TEST(bad.value() == (before | bit)); // kept for display
      error_code ec;
      s.set_option(bad, ec);
      BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
      BOOST_TEST(unsigned(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPING)) == before);
      try
      {
        s.set_option(bad);
        BOOST_ERROR("set_option did not throw");
      }
      catch (const boost::system::system_error& e)
      {
        BOOST_TEST(e.code() == net::error::invalid_argument, got_expected(e.code(), net::error::invalid_argument));
      }
      BOOST_TEST(unsigned(raw_int(fd, SOL_SOCKET, SO_TIMESTAMPING)) == before);
    }
  }
  // An invalid object can still be read into.
  timestamping got(1u << 20);
  s.get_option(got);
  BOOST_TEST(got.value() == before);
  BOOST_TEST(got.valid());
}

// ===========================================================================
// Receive stamps

// Oracle: clock_gettime(CLOCK_REALTIME) just before the plain socket's send
// and just after the receive completed.
BOOST_FIXTURE_TEST_CASE(receive_stamp_lies_between_send_and_receive, receiver)
{
  for (std::uint32_t i = 0; i < 20; ++i)
  {
    const std::int64_t before = realtime_now();
    send(i);
    std::uint32_t n = 0;
    udp::endpoint from;
    control_message control;
    std::optional<error_code> done;
    rx.async_receive_from(net::buffer(&n, sizeof n), from, control, [&](error_code ec, std::size_t) { done = ec; });
    asio_ipv4::test::run_until(ctx, [&] { return done.has_value(); }, 5000ms);
    const std::int64_t after = realtime_now();
    BOOST_TEST_REQUIRE(done.has_value());
    BOOST_TEST_REQUIRE(!*done, got_expected(*done, {}));
    BOOST_TEST(n == i);
    BOOST_TEST_REQUIRE(control.software_time.has_value(), "no stamp: " << text(control));
    BOOST_TEST(control.software_time->clock == kernel_time::realtime);
    const std::int64_t at = control.software_time->since_epoch.count();
    BOOST_TEST(before <= at, "stamp " << at << " before the send started at " << before);
    BOOST_TEST(at <= after, "stamp " << at << " after the receive completed at " << after);
    BOOST_TEST(!control.hardware_time.has_value());
    // The conversion gives the same instant on the system clock.
    BOOST_TEST(std::chrono::duration_cast<std::chrono::nanoseconds>(
                   control.software_time->to_system_clock()->time_since_epoch())
                   .count()
        == at);
  }
}

// The same stamp as the kernel's own (a raw MSG_PEEK of the same datagram
// first), through each receive form.
BOOST_FIXTURE_TEST_CASE(the_kernels_stamp_through_every_receive_form, receiver)
{
  enum form
  {
    async_single,
    blocking_single,
    async_batch,
    blocking_batch,
    blocking_connected
  };
  for (form f : {async_single, blocking_single, async_batch, blocking_batch, blocking_connected})
  {
    BOOST_TEST_CONTEXT("form " << int(f))
    for (std::uint32_t i = 0; i < 5; ++i)
    {
      if (f == blocking_connected && i == 0)
        rx.next_layer().connect(tx.local_endpoint());
      const std::int64_t oracle = send_and_peek(i);
      std::uint32_t n = 0;
      udp::endpoint from;
      control_message control;
      error_code ec;
      std::array<asio_ipv4::message<udp::endpoint>, 4> batch;
      for (auto& m : batch)
        m.buffer = net::buffer(&n, sizeof n);
      switch (f)
      {
      case async_single:
      {
        bool done = false;
        rx.async_receive_from(net::buffer(&n, sizeof n), from, control, [&](error_code e, std::size_t) {
          ec = e;
          done = true;
        });
        asio_ipv4::test::run_until(ctx, [&] { return done; }, 5000ms);
        break;
      }
      case blocking_single:
        rx.receive_from(net::buffer(&n, sizeof n), from, control, ec);
        break;
      case async_batch:
      case blocking_batch:
      {
        std::size_t count = 0;
        if (f == blocking_batch)
          count = rx.receive_batch(batch, ec);
        else
        {
          bool done = false;
          rx.async_receive_batch(batch, [&](error_code e, std::size_t c) {
            ec = e;
            count = c;
            done = true;
          });
          asio_ipv4::test::run_until(ctx, [&] { return done; }, 5000ms);
        }
        BOOST_TEST_REQUIRE(count == 1u);
        control = batch[0].control;
        break;
      }
      case blocking_connected:
        rx.receive(net::buffer(&n, sizeof n), control, ec);
        break;
      }
      BOOST_TEST_REQUIRE(!ec, got_expected(ec, {}));
      BOOST_TEST(n == i);
      BOOST_TEST_REQUIRE(control.software_time.has_value(), "no stamp: " << text(control));
      BOOST_TEST(control.software_time->since_epoch.count() == oracle);
    }
  }
}

// A burst: every datagram stamped, no stamp before the first send or after
// the last receive, and none earlier than the one before it (loopback keeps
// the order; the numbers in the payloads say so).
BOOST_FIXTURE_TEST_CASE(stamps_of_a_burst_never_go_backwards, receiver)
{
  constexpr std::uint32_t count = 300;
  const std::int64_t first_send = realtime_now();
  for (std::uint32_t i = 0; i < count; ++i)
    send(i);
  std::array<std::uint32_t, 32> numbers{};
  std::vector<asio_ipv4::message<udp::endpoint>> batch(numbers.size());
  std::vector<std::pair<std::uint32_t, std::int64_t>> got;
  bool failed = false;
  std::function<void()> next = [&] {
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].buffer = net::buffer(&numbers[i], sizeof numbers[i]);
    rx.async_receive_batch(batch, [&](error_code ec, std::size_t n) {
      if (ec)
      {
        failed = true;
        BOOST_ERROR(got_expected(ec, {}));
        return;
      }
      for (std::size_t i = 0; i < n; ++i)
      {
        BOOST_TEST_REQUIRE(batch[i].control.software_time.has_value(), "no stamp on #" << numbers[i]);
        got.emplace_back(numbers[i], batch[i].control.software_time->since_epoch.count());
      }
      if (got.size() < count)
        next();
    });
  };
  next();
  asio_ipv4::test::run_until(ctx, [&] { return failed || got.size() >= count; }, 10000ms);
  const std::int64_t last_receive = realtime_now();
  BOOST_TEST_REQUIRE(got.size() == count);
  for (std::size_t i = 0; i < got.size(); ++i)
  {
    BOOST_TEST(got[i].first == i);
    BOOST_TEST(first_send <= got[i].second);
    BOOST_TEST(got[i].second <= last_receive);
    if (i > 0)
      BOOST_TEST(got[i - 1].second <= got[i].second,
          "#" << i << " stamped " << got[i].second << ", before #" << i - 1 << " at " << got[i - 1].second);
  }
}

// timestamping's software receive stamps (SCM_TIMESTAMPING ts[0]) without
// receive_timestamps; loopback takes no hardware stamp even when asked.
BOOST_FIXTURE_TEST_CASE(timestamping_receive_stamps, receiver)
{
  rx.next_layer().set_option(asio_ipv4::receive_timestamps(false));
  rx.next_layer().set_option(timestamping(timestamping::rx_software | timestamping::software
      | timestamping::rx_hardware | timestamping::raw_hardware));
  for (std::uint32_t i = 0; i < 5; ++i)
  {
    const std::int64_t oracle = send_and_peek(i); // SCM_TIMESTAMPING ts[0]
    std::uint32_t n = 0;
    udp::endpoint from;
    control_message control;
    rx.receive_from(net::buffer(&n, sizeof n), from, control);
    BOOST_TEST_REQUIRE(control.software_time.has_value(), text(control));
    BOOST_TEST(control.software_time->since_epoch.count() == oracle);
    BOOST_TEST(!control.hardware_time.has_value(), text(control));
  }
}

// Off, nothing is stamped: the raw peek sees no stamp, and neither does
// the library.
BOOST_FIXTURE_TEST_CASE(no_stamp_when_off, receiver)
{
  rx.next_layer().set_option(asio_ipv4::receive_timestamps(false));
  send(7);
  wait_readable(fd);
  BOOST_TEST(!peek_stamp(fd).has_value());
  std::uint32_t n = 0;
  udp::endpoint from;
  control_message control;
  control.software_time = kernel_time{};
  rx.receive_from(net::buffer(&n, sizeof n), from, control);
  BOOST_TEST(!control.software_time.has_value(), text(control));
}

// An error-queue entry is stamped too: the ICMP port unreachable that
// answers a datagram to a closed port arrives with its own arrival time.
// Oracle: clock_gettime before the send and after the error receive; the
// entry's errno and origin (ip(7) IP_RECVERR).
BOOST_FIXTURE_TEST_CASE(error_queue_entries_are_stamped, receiver)
{
  udp::endpoint closed;
  {
    udp::socket probe(ctx, udp::endpoint(address_v4::loopback(), 0));
    closed = probe.local_endpoint();
  }
  rx.next_layer().set_option(asio_ipv4::ip4::receive_errors(true));
  const std::int64_t before = realtime_now();
  rx.send_to(net::buffer("x", 1), closed, control_message());
  std::array<char, 16> quoted;
  udp::endpoint where;
  control_message control;
  std::optional<error_code> done;
  rx.async_receive_error(net::buffer(quoted), where, control, [&](error_code ec, std::size_t) { done = ec; });
  asio_ipv4::test::run_until(ctx, [&] { return done.has_value(); }, 5000ms);
  const std::int64_t after = realtime_now();
  BOOST_TEST_REQUIRE(done.has_value(), "no error-queue entry within 5 s");
  BOOST_TEST_REQUIRE(!*done, got_expected(*done, {}));
  BOOST_TEST_REQUIRE(control.error.has_value(), text(control));
  BOOST_TEST(control.error->origin == extended_error::origin_icmp, text(control));
  BOOST_TEST(control.error->error == unsigned(ECONNREFUSED), text(control));
  BOOST_TEST_REQUIRE(control.software_time.has_value(), "no stamp on the entry: " << text(control));
  BOOST_TEST(before <= control.software_time->since_epoch.count());
  BOOST_TEST(control.software_time->since_epoch.count() <= after);
}

// ===========================================================================
// Send stamps

// One tx_scheduled and one tx_software stamp per datagram, ids 0..n-1 in
// send order for each kind, none missing; every stamp after its send call
// started, the scheduled one no later than the sent one.
BOOST_FIXTURE_TEST_CASE(one_stamp_of_each_kind_per_datagram, sender)
{
  constexpr std::size_t count = 20;
  std::vector<std::int64_t> started;
  const control_message none;
  for (std::uint32_t i = 0; i < count; ++i)
  {
    started.push_back(realtime_now());
    std::optional<error_code> done;
    tx.async_send_to(net::buffer(&i, sizeof i), to, none, [&](error_code ec, std::size_t) { done = ec; });
    asio_ipv4::test::run_until(ctx, [&] { return done.has_value(); }, 5000ms);
    BOOST_TEST_REQUIRE(done.has_value());
    BOOST_TEST_REQUIRE(!*done, got_expected(*done, {}));
  }
  const std::vector<stamp> got = read_stamps(2 * count);
  t::check_ids(got, count_from(0, count));
  std::vector<std::int64_t> scheduled(count), sent(count);
  for (const stamp& s : got)
  {
    BOOST_TEST_REQUIRE(s.id < count);
    BOOST_TEST((s.kind == extended_error::stamp_scheduled || s.kind == extended_error::stamp_sent), "kind " << s.kind);
    BOOST_TEST(s.bytes == 0u); // opt_tsonly
    BOOST_TEST(started[s.id] <= s.ns, "stamp " << s.ns << " of send #" << s.id << " started at " << started[s.id]);
    (s.kind == extended_error::stamp_scheduled ? scheduled : sent)[s.id] = s.ns;
  }
  for (std::size_t i = 0; i < count; ++i)
    BOOST_TEST(scheduled[i] <= sent[i], "#" << i);
  BOOST_TEST(drain_sink() == count);
}

// Without opt_tsonly the entry quotes the datagram: its payload ends the
// bytes the error receive returns (loopback hands back the whole frame).
// Without opt_id every stamp's id is 0.
BOOST_AUTO_TEST_CASE(stamps_without_ids_quote_the_datagram)
{
  sender s(timestamping::tx_software | timestamping::software);
  const std::string payload = "stamp me, please";
  const control_message none;
  for (int i = 0; i < 3; ++i)
    s.tx.send_to(net::buffer(payload), s.to, none);
  std::array<char, 256> quoted{};
  for (int i = 0; i < 3; ++i)
  {
    udp::endpoint where;
    control_message control;
    const std::size_t n = s.tx.receive_error(net::buffer(quoted), where, control); // the blocking form
    BOOST_TEST_REQUIRE(control.error.has_value());
    BOOST_TEST(control.error->origin == extended_error::origin_timestamping);
    BOOST_TEST(control.error->info == extended_error::stamp_sent);
    BOOST_TEST(control.error->data == 0u);
    BOOST_TEST(control.software_time.has_value());
    BOOST_TEST_REQUIRE(n >= payload.size());
    BOOST_TEST(std::string(quoted.data() + n - payload.size(), payload.size()) == payload);
  }
  BOOST_TEST(!error_queued(s.fd));
}

// control_message::timestamp_id (SCM_TS_OPT_ID): the stamps carry the id the
// send chose, and the socket's counter does not move.
BOOST_FIXTURE_TEST_CASE(a_send_chooses_its_own_id, sender)
{
  const control_message none;
  control_message own;
  std::uint32_t payload = 0;
  tx.send_to(net::buffer(&payload, 4), to, none); // id 0
  own.timestamp_id = 1000;
  tx.send_to(net::buffer(&payload, 4), to, own); // id 1000
  own.timestamp_id = 0xffffffffu;
  tx.send_to(net::buffer(&payload, 4), to, own); // id 0xffffffff
  tx.send_to(net::buffer(&payload, 4), to, none); // id 1: the counter did not move
  const std::vector<std::uint32_t> expected{0, 1000, 0xffffffffu, 1};
  const std::vector<stamp> got = read_stamps(8);
  t::check_ids(got, expected);
  BOOST_TEST(drain_sink() == 4u);
}

// Without opt_id on the socket the kernel refuses SCM_TS_OPT_ID (EINVAL):
// the send fails with invalid_argument, and nothing leaves.
BOOST_AUTO_TEST_CASE(own_id_needs_opt_id)
{
  sender s(timestamping::tx_software | timestamping::software);
  control_message own;
  own.timestamp_id = 5;
  std::uint32_t payload = 0;
  error_code ec;
  s.tx.send_to(net::buffer(&payload, 4), s.to, own, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  BOOST_TEST(s.drain_sink() == 0u);
  BOOST_TEST(!error_queued(s.fd));
}

// A batch (sendmmsg): each message is a send of its own and takes the next
// id, in the batch's order; a message with its own timestamp_id carries that
// one and takes none from the counter.
BOOST_FIXTURE_TEST_CASE(batch_ids, sender)
{
  std::array<std::uint32_t, 5> payloads{0, 1, 2, 3, 4};
  std::vector<asio_ipv4::message<udp::endpoint, net::const_buffer>> batch(payloads.size());
  for (std::size_t i = 0; i < batch.size(); ++i)
  {
    batch[i].buffer = net::buffer(&payloads[i], 4);
    batch[i].endpoint = to;
  }
  std::optional<error_code> done;
  std::size_t sent = 0;
  tx.async_send_batch(batch, [&](error_code ec, std::size_t n) {
    done = ec;
    sent = n;
  });
  asio_ipv4::test::run_until(ctx, [&] { return done.has_value(); }, 5000ms);
  BOOST_TEST_REQUIRE(done.has_value());
  BOOST_TEST_REQUIRE(!*done, got_expected(*done, {}));
  BOOST_TEST_REQUIRE(sent == batch.size());
  // The second batch: message 2 names its own id.
  batch[2].control.timestamp_id = 77;
  BOOST_TEST_REQUIRE(tx.send_batch(batch) == batch.size());
  const std::vector<std::uint32_t> expected{0, 1, 2, 3, 4, 5, 6, 77, 7, 8};
  const std::vector<stamp> got = read_stamps(2 * expected.size());
  t::check_ids(got, expected);
  BOOST_TEST(drain_sink() == 10u);
}

// A GSO send (control_message::segment_size): one send call, one id. On
// loopback the buffer is not cut before the device (lo takes UDP GSO
// packets whole), so the device stamps it once: one tx_scheduled and one
// tx_software stamp with the send's id for all its segments; the next send
// takes the next id. The sink receives every segment.
BOOST_FIXTURE_TEST_CASE(gso_send_ids, sender)
{
  const std::vector<char> buffer(300, 'g');
  control_message gso;
  gso.segment_size = 100;
  const control_message none;
  std::uint32_t payload = 0;
  tx.send_to(net::buffer(&payload, 4), to, none);  // id 0
  tx.send_to(net::buffer(buffer), to, gso);        // id 1: three segments
  tx.send_to(net::buffer(&payload, 4), to, none);  // id 2
  BOOST_TEST_REQUIRE(tx.gso_enabled());
  const std::vector<std::uint32_t> expected{0, 1, 2};
  const std::vector<stamp> got = read_stamps(6);
  t::check_ids(got, expected);
  BOOST_TEST(drain_sink() == 5u); // 1 + 3 segments + 1
}

// A GSO send the kernel refuses (here EINVAL: SO_NO_CHECK forbids UDP GSO)
// is cut in user space by cmsg_socket. The refused call already took a
// number from the counter (in __ip_append_data, before udp_send_skb refused
// it), so no stamp carries that id; each segment then is a send of its own
// with the next number.
BOOST_FIXTURE_TEST_CASE(gso_refused_by_the_kernel_skips_an_id, sender)
{
  const int on = 1;
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &on, sizeof on) == 0, std::strerror(errno));
  const std::vector<char> buffer(300, 'g');
  control_message gso;
  gso.segment_size = 100;
  const control_message none;
  std::uint32_t payload = 0;
  tx.send_to(net::buffer(&payload, 4), to, none); // id 0
  BOOST_TEST(tx.send_to(net::buffer(buffer), to, gso) == buffer.size()); // refused (id 1), then ids 2, 3, 4
  tx.send_to(net::buffer(&payload, 4), to, none); // id 5
  const std::vector<std::uint32_t> expected{0, 2, 3, 4, 5};
  const std::vector<stamp> got = read_stamps(10);
  t::check_ids(got, expected);
  BOOST_TEST(drain_sink() == 5u);
}

// ===========================================================================
// The interface helpers, where no privilege is needed.

// Oracle: loopback has no PTP hardware clock and takes software stamps
// (ethtool_op_get_ts_info: software receive, transmit and system clock).
BOOST_AUTO_TEST_CASE(loopback_capabilities)
{
  namespace ip4 = asio_ipv4::ip4;
  const ip4::timestamping_capabilities caps = ip4::get_timestamping_capabilities("lo");
  BOOST_TEST(caps.phc_index == -1);
  BOOST_TEST(!caps.hardware_receive());
  BOOST_TEST(!caps.hardware_transmit());
  BOOST_TEST((caps.timestamping & SOF_TIMESTAMPING_RX_SOFTWARE) != 0u, "capabilities " << caps.timestamping);
  BOOST_TEST((caps.timestamping & SOF_TIMESTAMPING_SOFTWARE) != 0u, "capabilities " << caps.timestamping);
  BOOST_TEST((caps.timestamping & (SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE)) == 0u);

  error_code ec;
  ip4::get_timestamping_capabilities("", ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  ip4::get_timestamping_capabilities("sixteen-letters!", ec); // IFNAMSIZ
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  ip4::get_timestamping_capabilities("a4tnone0", ec);
  BOOST_TEST(ec == net::error::no_such_device, got_expected(ec, net::error::no_such_device));
  ip4::hardware_timestamping_config bad;
  bad.rx_filter = 99;
  ip4::set_hardware_timestamping("lo", bad, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  BOOST_CHECK_THROW(ip4::get_timestamping_capabilities("a4tnone0"), boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
