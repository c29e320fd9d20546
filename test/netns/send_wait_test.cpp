//
// test/netns/send_wait_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A send that waits for room in a full send buffer while the socket's error
// queue holds an unread entry (IP_RECVERR). poll(2) and every readiness wait
// report POLLERR for as long as the entry stays, so a send that waits for
// "writable" and tries again would wake at once, again and again, and burn a
// core. Each case fills a's send buffer behind a tbf qdisc that holds the
// packets (veth alone frees them at once), leaves an ICMP port-unreachable
// entry on the queue, and starts an operation that has to wait.
//
// Oracles: the CPU time of the process (getrusage) over a second of waiting;
// poll(2) and SO_ERROR on the raw descriptor; a plain socket in b that counts
// the numbered datagrams (every number exactly once, a cancelled send's
// never); sniff.py on b's link for what a reopened socket sends; the
// handler's completion time for how fast a cancellation is seen.
//
// Issue 17's measured defects have named cases here: a cmsg_socket
// destroyed, or closed and reopened, while its send waits beside an unread
// datagram and an error-queue entry ("both", where the send used to pause
// 10 ms at a time), and next_layer().cancel() of such a send while
// datagrams keep arriving.

#include "prelude.hpp"

#include "reliability_util.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstring>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using asio_ipv4::control_message;

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using t::completion;
using t::cpu_while_running;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;

constexpr std::uint16_t counter_port = 6100;
constexpr std::uint16_t closed_port = 6199;
constexpr std::size_t payload_size = 1000;

// a -- b; in a, a UDP cmsg_socket with receive_errors whose send buffer is
// full behind a slow qdisc and whose error queue holds one unread entry
// (unless `with_error_entry` is false); in b, a plain socket counting what
// arrives.
struct held_sender
{
  t::two_hosts_lab lab = t::two_hosts();
  net::io_context ctx;
  cmsg_udp tx = lab.a.enter([&] { return cmsg_udp(ctx, udp::endpoint(address_v4::any(), 0)); });
  net::io_context peer_ctx;
  udp::socket counter = lab.b.enter([&] {
    udp::socket s(peer_ctx, udp::v4());
    t::force_receive_buffer(s.native_handle(), 4 << 20);
    s.bind(udp::endpoint(address_v4::any(), counter_port));
    return s;
  });
  udp::endpoint to{lab.b_if.address, counter_port};
  int fd = tx.next_layer().native_handle();
  const control_message no_control;   // must outlive the operations
  std::uint32_t numbers = 0;   // numbers 0 .. numbers-1 were handed to the kernel
  t::number_counter arrived;

  explicit held_sender(bool with_error_entry = true)
  {
    tx.next_layer().set_option(ip4::receive_errors(true));
    tx.next_layer().set_option(net::socket_base::send_buffer_size(4096));
    if (with_error_entry)
    {
      // One ICMP port unreachable on the error queue; its pending error is
      // taken with SO_ERROR, the entry stays.
      const udp::endpoint closed(lab.b_if.address, closed_port);
      BOOST_TEST_REQUIRE(::sendto(fd, "x", 1, 0, closed.data(), closed.size()) == 1);
      BOOST_TEST_REQUIRE(t::take_pending_error_when_queued(fd) == ECONNREFUSED, "no ICMP error arrived");
      BOOST_TEST_REQUIRE(t::error_reported(fd), "the error-queue entry should stay");
    }
    // Packets wait in a's qdisc, charged to the socket: after the first, one
    // every 8 s (1 kbit/s; 1600 bytes of burst, datagrams of 1028 bytes).
    lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 1kbit burst 1600 limit 1000000");
    fill();
  }

  std::vector<char> payload(std::uint32_t number) const
  {
    std::vector<char> p(payload_size, '.');
    t::put_number(p, number);
    return p;
  }

  // Sends numbered datagrams with plain sendto until the buffer is full.
  void fill()
  {
    for (int i = 0; i < 10000; ++i)
    {
      auto p = payload(numbers);
      if (::sendto(fd, p.data(), p.size(), MSG_DONTWAIT, to.data(), to.size()) < 0)
      {
        BOOST_TEST_REQUIRE((errno == EAGAIN || errno == EWOULDBLOCK), "sendto: " << std::strerror(errno));
        return;
      }
      ++numbers;
    }
    BOOST_FAIL("the send buffer never filled");
  }

  // Lets the qdisc go at full speed: the held packets leave, room returns.
  // tbf runs its queue again at the next enqueue (or when its 8 s watchdog
  // fires): a datagram from another socket kicks it.
  void release()
  {
    lab.a.run("tc qdisc change dev " + lab.a_if.name + " root tbf rate 1gbit burst 1mb limit 1000000");
    lab.a.enter([&] {
      udp::socket kick(peer_ctx, udp::v4());
      kick.send_to(net::buffer("kick", 4), udp::endpoint(lab.b_if.address, closed_port));
    });
  }

  // Counts what reached b (plain recv on the counter socket).
  void count_arrivals() { arrived.drain(counter.native_handle(), 500ms); }

  // A datagram from b that nobody reads stays queued on tx.
  void leave_datagram_unread(const char* text = "unread")
  {
    const auto at = udp::endpoint(lab.a_if.address, tx.next_layer().local_endpoint().port());
    lab.b.enter([&] {
      udp::socket from_b(peer_ctx, udp::v4());
      from_b.send_to(net::buffer(text, std::strlen(text)), at);
    });
    BOOST_TEST_REQUIRE(t::eventually([&] { return (t::poll_events(fd, POLLIN) & POLLIN) != 0; }));
  }
};


// "Well under 5% of a core": the waiting operation may wake a few times,
// never in a loop.
constexpr double cpu_limit = 0.05;
// Issue 17's bound for the wait in every state: under 1% of a core, and a
// cancellation seen within 10 ms.
constexpr double cpu_limit_strict = 0.01;
constexpr auto cancel_limit = 10ms;

// Cancels with `cancel` and runs until `op` completed: the time the
// cancellation took to be seen.
template <class Cancel>
std::chrono::microseconds cancel_and_complete(held_sender& s, completion& op, Cancel cancel)
{
  const auto before = std::chrono::steady_clock::now();
  cancel();
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return op.done; }, 1s), "the cancelled send did not complete");
  return std::chrono::duration_cast<std::chrono::microseconds>(op.at - before);
}

// `op` was started on s.tx and must wait: a second of waiting must cost
// (almost) no CPU; once room returns it must complete without error.
void wait_cheaply_then_complete(held_sender& s, completion& op, const char* what)
{
  const double used = cpu_while_running(s.ctx, 1s);
  BOOST_TEST(!op.done, what << " should still be waiting for room: " << t::error_text(op.ec));
  BOOST_TEST(used < cpu_limit, what << " used " << used << " s of CPU while waiting 1 s");
  BOOST_TEST_MESSAGE(what << " waiting 1 s: " << used << " s CPU");
  s.release();
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return op.done; }, 10s), what << " did not complete once room returned");
  BOOST_TEST(!op.ec, t::error_text(op.ec));
}

} // namespace

BOOST_AUTO_TEST_SUITE(send_wait_test)

// The spin defect itself. Before the fix: ~1 s of CPU over 1 s of waiting.
BOOST_AUTO_TEST_CASE(async_send_waiting_for_room_does_not_spin, *t::needs_root())
{
  held_sender s;
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  wait_cheaply_then_complete(s, send, "async_send_to");
  BOOST_TEST(send.n == p.size());
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine + 1) == "");
  BOOST_TEST(t::error_reported(s.fd), "the unread error-queue entry is the user's: still queued");
}

BOOST_AUTO_TEST_CASE(async_send_batch_waiting_for_room_does_not_spin, *t::needs_root())
{
  held_sender s;
  const std::uint32_t first = s.numbers;
  std::vector<std::vector<char>> payloads;
  std::vector<tx_message> batch(3);
  for (std::uint32_t i = 0; i < 3; ++i)
    payloads.push_back(s.payload(first + i));
  for (std::uint32_t i = 0; i < 3; ++i)
  {
    batch[i].buffer = net::buffer(payloads[i]);
    batch[i].endpoint = s.to;
  }
  completion send;
  s.tx.async_send_batch(batch, send.handler());
  wait_cheaply_then_complete(s, send, "async_send_batch");
  BOOST_TEST(send.n >= 1u);
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, first + static_cast<std::uint32_t>(send.n)) == "");
}

// The blocking form waits on an edge-triggered epoll instance already; the
// same oracle keeps it so.
BOOST_AUTO_TEST_CASE(blocking_send_waiting_for_room_does_not_spin, *t::needs_root())
{
  held_sender s;
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  std::thread releaser([&] {
    std::this_thread::sleep_for(1s);
    s.release();
  });
  boost::system::error_code ec;
  const double before = t::process_cpu_seconds();
  std::size_t sent = s.tx.send_to(net::buffer(p), s.to, control_message(), ec);
  const double used = t::process_cpu_seconds() - before;
  releaser.join();
  BOOST_TEST(!ec, t::error_text(ec));
  BOOST_TEST(sent == p.size());
  BOOST_TEST(used < cpu_limit, "send_to used " << used << " s of CPU while waiting about 1 s");
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine + 1) == "");
}

// A new ICMP error for the socket while the send waits (crafted in b with a
// raw socket, quoting one of the socket's datagrams): the send completes
// with it, as sendmsg itself would fail, and its datagram never leaves.
// Oracles: icmp_error.py's fields, the counter in b, two entries on the
// queue read with plain recvmsg(MSG_ERRQUEUE).
BOOST_AUTO_TEST_CASE(new_icmp_error_completes_the_waiting_send_with_it, *t::needs_root())
{
  held_sender s;
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  t::run_for(s.ctx, 300ms);
  BOOST_TEST_REQUIRE(!send.done, t::error_text(send.ec));
  const auto port = s.tx.next_layer().local_endpoint().port();
  auto icmp = s.lab.b.python("icmp_error.py", {"--dst", s.lab.a_if.address.to_string(), "--type", "3", "--code",
      "3", "--quote-src", s.lab.a_if.address.to_string(), "--quote-dst", s.lab.b_if.address.to_string(), "--sport",
      std::to_string(port), "--dport", std::to_string(counter_port), "--quote-payload", "late"});
  BOOST_TEST_REQUIRE(icmp.wait(10s).value_or(-1) == 0, icmp.describe());
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return send.done; }, 2s), "the send did not see the new error");
  BOOST_TEST(send.ec == net::error::connection_refused, t::error_text(send.ec));
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == "");   // #mine was never sent
  int entries = 0;
  char quoted[64];
  while (::recv(s.fd, quoted, sizeof(quoted), MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
    ++entries;
  BOOST_TEST(entries == 2);   // the first, and the crafted one
}

// A datagram sits unread on the socket while the send waits: the zero-byte
// peek beside the edge wait would find it at once, so the send moves the
// error queue into the socket's store and waits with async_wait, which no
// longer wakes at once. Cheap, close() still ends it, and the datagram is
// never consumed. Oracle: CPU time, a plain recv of the datagram afterwards.
BOOST_AUTO_TEST_CASE(unread_datagram_keeps_the_wait_cheap, *t::needs_root())
{
  held_sender s;
  s.leave_datagram_unread();
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  const double used = cpu_while_running(s.ctx, 1s);
  BOOST_TEST_REQUIRE(!send.done, t::error_text(send.ec));
  BOOST_TEST(used < cpu_limit, "async_send_to used " << used << " s of CPU while waiting 1 s");
  BOOST_TEST_MESSAGE("async_send_to waiting 1 s beside an unread datagram: " << used << " s CPU");
  char got[16] = {};
  BOOST_TEST(::recv(s.fd, got, sizeof(got), MSG_PEEK | MSG_DONTWAIT) == 6);
  BOOST_TEST(std::string(got, 6) == "unread");
  s.tx.next_layer().close();
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return send.done; }, 1s), "close() did not end the waiting send");
  BOOST_TEST(send.ec == net::error::operation_aborted, t::error_text(send.ec));
}

// A receive pending on the same socket while the send waits: a datagram
// for the socket completes the receive (once), the send keeps waiting and
// goes out when room returns. Oracle: the payload, the counter in b.
BOOST_AUTO_TEST_CASE(receive_and_waiting_send_together, *t::needs_root())
{
  held_sender s;
  const auto port = s.tx.next_layer().local_endpoint().port();
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  bool sent = false, received = false;
  boost::system::error_code send_ec, receive_ec;
  char got[16] = {};
  std::size_t got_bytes = 0;
  udp::endpoint from;
  control_message control;
  s.tx.async_receive_from(net::buffer(got), from, control, [&](boost::system::error_code ec, std::size_t n) {
    received = true;
    receive_ec = ec;
    got_bytes = n;
  });
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, [&](boost::system::error_code ec, std::size_t) {
    sent = true;
    send_ec = ec;
  });
  t::run_for(s.ctx, 300ms);
  BOOST_TEST_REQUIRE(!sent);
  BOOST_TEST_REQUIRE(!received);
  s.lab.b.enter([&] {
    udp::socket from_b(s.peer_ctx, udp::v4());
    from_b.send_to(net::buffer("hello", 5), udp::endpoint(s.lab.a_if.address, port));
  });
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return received; }, 2s), "the receive missed its datagram");
  BOOST_TEST(!receive_ec, t::error_text(receive_ec));
  BOOST_TEST(std::string(got, got_bytes) == "hello");
  const double used = cpu_while_running(s.ctx, 500ms);
  BOOST_TEST(!sent);
  BOOST_TEST(used < cpu_limit, used << " s of CPU while waiting 0.5 s");
  s.release();
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return sent; }, 10s));
  BOOST_TEST(!send_ec, t::error_text(send_ec));
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine + 1) == "");
  BOOST_TEST(::recv(s.fd, got, sizeof(got), MSG_DONTWAIT) < 0);   // nothing else was queued
}

// Every way of cancelling a send that waits in that state: it completes with
// operation_aborted within a second, costs nothing while it waits, and its
// datagram never leaves.
enum class canceller { terminal, partial, total, socket_cancel, socket_close };

void check_cancellation(canceller how)
{
  held_sender s;
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  net::cancellation_signal signal;
  bool done = false;
  boost::system::error_code result;
  std::size_t sent = 0;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control,
      net::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec, std::size_t n) {
        done = true;
        result = ec;
        sent = n;
      }));
  const double used = cpu_while_running(s.ctx, 300ms);
  BOOST_TEST_REQUIRE(!done, t::error_text(result));
  BOOST_TEST(used < cpu_limit, used << " s of CPU while waiting 0.3 s");
  switch (how)
  {
  case canceller::terminal:
    signal.emit(net::cancellation_type::terminal);
    break;
  case canceller::partial:
    signal.emit(net::cancellation_type::partial);
    break;
  case canceller::total:
    signal.emit(net::cancellation_type::total);
    break;
  case canceller::socket_cancel:
    s.tx.next_layer().cancel();
    break;
  case canceller::socket_close:
    s.tx.next_layer().close();
    break;
  }
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return done; }, 1s), "the cancelled send did not complete");
  BOOST_TEST(result == net::error::operation_aborted, t::error_text(result));
  BOOST_TEST(sent == 0u);
  if (how != canceller::socket_close)
    BOOST_TEST(t::error_reported(s.fd), "the error-queue entry should stay");
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == "");   // and #mine never
}

BOOST_AUTO_TEST_CASE(terminal_cancellation, *t::needs_root()) { check_cancellation(canceller::terminal); }
BOOST_AUTO_TEST_CASE(partial_cancellation, *t::needs_root()) { check_cancellation(canceller::partial); }
BOOST_AUTO_TEST_CASE(total_cancellation, *t::needs_root()) { check_cancellation(canceller::total); }
BOOST_AUTO_TEST_CASE(socket_cancel, *t::needs_root()) { check_cancellation(canceller::socket_cancel); }
BOOST_AUTO_TEST_CASE(socket_close, *t::needs_root()) { check_cancellation(canceller::socket_close); }

// ---- issue 17 --------------------------------------------------------------

// What the socket holds besides the full send buffer.
enum class wait_state
{
  neither,
  error_queued,
  datagram_unread,
  both
};

const char* name_of(wait_state state)
{
  switch (state)
  {
  case wait_state::neither:
    return "neither";
  case wait_state::error_queued:
    return "error queued";
  case wait_state::datagram_unread:
    return "datagram unread";
  case wait_state::both:
    return "both";
  }
  return "?";
}

// A send waiting for room costs under 1% of a core in every state, and
// next_layer().cancel() (which reaches only what waits in the socket's own
// queues) is seen within 10 ms; the datagram never leaves, and nothing the
// socket held is lost: the unread datagram is still queued, the
// error-queue entry is still handed out by async_receive_error (from the
// kernel's queue, or from the socket's store where the wait moved it).
void check_wait_in(wait_state state)
{
  const bool error = state == wait_state::error_queued || state == wait_state::both;
  const bool datagram = state == wait_state::datagram_unread || state == wait_state::both;
  held_sender s(error);
  if (datagram)
    s.leave_datagram_unread();
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  const double used = cpu_while_running(s.ctx, 1s);
  BOOST_TEST_REQUIRE(!send.done, name_of(state) << ": " << t::error_text(send.ec));
  BOOST_TEST(used < cpu_limit_strict, name_of(state) << ": " << used << " s of CPU while waiting 1 s");
  const auto seen = cancel_and_complete(s, send, [&] { s.tx.next_layer().cancel(); });
  BOOST_TEST(seen < cancel_limit, name_of(state) << ": cancellation seen after " << seen.count() << " us");
  BOOST_TEST_MESSAGE("send waiting 1 s, " << name_of(state) << ": " << used << " s CPU; next_layer().cancel() seen after "
                                          << seen.count() << " us");
  BOOST_TEST(send.ec == net::error::operation_aborted, t::error_text(send.ec));
  BOOST_TEST(send.n == 0u);
  if (datagram)
  {
    char got[16] = {};
    BOOST_TEST(::recv(s.fd, got, sizeof(got), MSG_PEEK | MSG_DONTWAIT) == 6);
    BOOST_TEST(std::string(got, 6) == "unread");
  }
  if (error)
  {
    std::array<char, 16> quote{};
    udp::endpoint destination;
    control_message entry;
    completion read;
    s.tx.async_receive_error(net::buffer(quote), destination, entry, read.handler());
    BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return read.done; }, 1s), name_of(state) << ": the entry is lost");
    BOOST_TEST(!read.ec, t::error_text(read.ec));
    BOOST_TEST(read.n == 1u);
    BOOST_TEST(quote[0] == 'x');
    BOOST_TEST(destination == udp::endpoint(s.lab.b_if.address, closed_port));
    BOOST_TEST_REQUIRE(entry.error.has_value());
    BOOST_TEST(entry.error->error == std::uint32_t(ECONNREFUSED));
  }
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == "", name_of(state)); // and #mine never
  BOOST_TEST(send.calls == 1);
}

BOOST_AUTO_TEST_CASE(wait_costs_under_1_percent_in_every_state, *t::needs_root())
{
  for (auto state : {wait_state::neither, wait_state::error_queued, wait_state::datagram_unread, wait_state::both})
    check_wait_in(state);
}

// Issue 17, measured defect 2: the cmsg_socket destroyed while its send
// waits beside an unread datagram and an error-queue entry (where the send
// used to sleep in a 10 ms pause that nothing on the socket could see, and
// then call is_open() and sendmsg through freed memory). Oracles:
// AddressSanitizer (CI's sanitizers stage), the handler's call count, the
// counter in b.
BOOST_AUTO_TEST_CASE(destroyed_during_the_wait_beside_a_datagram_and_an_error, *t::needs_root())
{
  held_sender s;
  s.leave_datagram_unread();
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  std::optional<cmsg_udp> owner(std::move(s.tx));
  owner->async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  t::run_for(s.ctx, 300ms);
  BOOST_TEST_REQUIRE(!send.done, t::error_text(send.ec));
  owner.reset();
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return send.done; }, 1s), "the destroyed socket's send never completed");
  BOOST_TEST(send.ec == net::error::operation_aborted, t::error_text(send.ec));
  t::run_for(s.ctx, 300ms);
  BOOST_TEST(send.calls == 1);
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == ""); // and #mine never
}

// Issue 17, measured defect 2, the other half: close() then open() and
// bind() while the send waits there. The old send used to complete with
// success 300 ms later, its datagram leaving from the new socket's port.
// Oracles: the counter in b (#mine never arrives), sniff.py on b's link
// (nothing from the new port), the handler's call count.
void check_close_and_reopen(bool through_next_layer)
{
  held_sender s;
  s.leave_datagram_unread();
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  t::run_for(s.ctx, 300ms);
  BOOST_TEST_REQUIRE(!send.done, t::error_text(send.ec));
  if (through_next_layer)
    s.tx.next_layer().close();
  else
    s.tx.close();
  s.lab.a.enter([&] {
    s.tx.next_layer().open(udp::v4());
    s.tx.next_layer().bind(udp::endpoint(address_v4::any(), 0));
  });
  t::sniff_filter from_new_port;
  from_new_port.protocol = 17;
  from_new_port.source_port = s.tx.next_layer().local_endpoint().port();
  t::sniffer on_b(s.lab.b, s.lab.b_if.name, from_new_port);
  BOOST_TEST_REQUIRE(t::run_until(s.ctx, [&] { return send.done; }, 1s), "the closed socket's send never completed");
  BOOST_TEST(send.ec == net::error::operation_aborted, t::error_text(send.ec));
  t::run_for(s.ctx, 500ms);
  BOOST_TEST(send.calls == 1);
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == ""); // and #mine never
  const auto stray = on_b.packets(500ms);
  BOOST_TEST(stray.empty(), stray.size() << " datagrams from the new socket's port: " << on_b.describe());
}

BOOST_AUTO_TEST_CASE(closed_and_reopened_during_the_wait_sends_nothing, *t::needs_root())
{
  check_close_and_reopen(false);
}

BOOST_AUTO_TEST_CASE(next_layer_closed_and_reopened_during_the_wait_sends_nothing, *t::needs_root())
{
  check_close_and_reopen(true);
}

// Issue 17, measured defect 3: next_layer().cancel() of a send waiting
// beside an error-queue entry while datagrams keep arriving (each arrival
// used to send the wait into its pause, where the cancellation was lost and
// the datagram went out once room returned). Oracles: the handler's time
// and call count, CPU time, the counter in b.
BOOST_AUTO_TEST_CASE(next_layer_cancel_reaches_the_wait_while_datagrams_arrive, *t::needs_root())
{
  held_sender s;
  udp::socket feeder = t::udp_socket_in(s.lab.b, s.peer_ctx);
  const udp::endpoint tx_at(s.lab.a_if.address, s.tx.next_layer().local_endpoint().port());
  std::atomic<bool> stop{false};
  std::atomic<int> fed{0};
  std::thread feed([&] {
    while (!stop)
    {
      boost::system::error_code ignored;
      feeder.send_to(net::buffer("more", 4), tx_at, 0, ignored);
      ++fed;
      std::this_thread::sleep_for(5ms);
    }
  });
  const std::uint32_t mine = s.numbers;
  auto p = s.payload(mine);
  completion send;
  s.tx.async_send_to(net::buffer(p), s.to, s.no_control, send.handler());
  // The CPU of this thread, which runs the io_context: the feeder's sends
  // (and the kernel's delivery, charged to it) are the feeder's.
  const double before = t::thread_cpu_seconds();
  t::run_for(s.ctx, 1s);
  const double used = t::thread_cpu_seconds() - before;
  BOOST_TEST(!send.done, t::error_text(send.ec));
  // Each arrival wakes Asio's reactor once (its edge-triggered registration
  // reports EPOLLIN, although nothing reads): a few tens of microseconds, which
  // any Asio socket with a write pending pays. The bound allows that per
  // arrival (measured: 12 us on a quiet machine, 50 us beside CI's sanitizer
  // build); a spin, or a wait that re-arms on every arrival, takes the second.
  const double allowed = cpu_limit_strict + fed.load() * 150e-6;
  BOOST_TEST(used < allowed, used << " s of CPU while waiting 1 s with " << fed.load()
                                  << " datagrams arriving (allowed " << allowed << " s)");
  const auto seen = cancel_and_complete(s, send, [&] { s.tx.next_layer().cancel(); });
  BOOST_TEST(seen < cancel_limit, "cancellation seen after " << seen.count() << " us");
  BOOST_TEST(send.ec == net::error::operation_aborted, t::error_text(send.ec));
  t::run_for(s.ctx, 300ms);
  stop = true;
  feed.join();
  BOOST_TEST(fed.load() > 100, "only " << fed.load() << " datagrams arrived while the send waited");
  BOOST_TEST(send.calls == 1);
  BOOST_TEST_MESSAGE("send waiting 1 s while " << fed.load() << " datagrams arrived: " << used
                                               << " s CPU; next_layer().cancel() seen after " << seen.count() << " us");
  s.release();
  s.count_arrivals();
  BOOST_TEST(s.arrived.exactly_once(0, mine) == ""); // and #mine never
}

BOOST_AUTO_TEST_SUITE_END()
