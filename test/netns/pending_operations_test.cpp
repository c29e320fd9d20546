//
// test/netns/pending_operations_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Issue 17's measured defects about receives, on namespace hosts (a -- b):
//  1. a cmsg_socket moved, with a receive pending, into another object and
//     the first destroyed; then a datagram arrives. The operation used to
//     call native_handle() on the destroyed object (ASan
//     heap-use-after-free); it must complete once, on the moved-to object,
//     with the datagram. The same for a batch receive.
//  4. async_receive_error on a socket without receive_errors, with an ICMP
//     error pending (SO_ERROR 111): it used to spin a core. It completes at
//     once with the pending error (taking it), and the next one waits
//     without spinning and sees its cancellation within 10 ms.
// The send-wait defects (2 and 3) are in send_wait_test.cpp; the whole
// object model, for every operation kind, in loopback/object_model_test.cpp.
//
// Oracles: AddressSanitizer (CI's sanitizers stage), a plain socket in b
// sending the datagrams, the payloads and senders received, SO_ERROR read
// with getsockopt on the descriptor, the process's CPU time (getrusage),
// the handlers' call counts and times.

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

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

using asio_ipv4::control_message;

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using t::completion;
using t::cpu_while_running;
using rx_message = asio_ipv4::message<udp::endpoint>;

constexpr std::uint16_t receiver_port = 6600;
constexpr std::uint16_t closed_port = 6699;

// a -- b: a cmsg_socket in a, a plain sender in b.
struct hosts
{
  t::two_hosts_lab lab = t::two_hosts();
  net::io_context ctx;
  udp::socket sender = t::udp_socket_in(lab.b, ctx);
  udp::endpoint receiver_at{lab.a_if.address, receiver_port};

  cmsg_udp receiver() { return t::cmsg_udp_in(lab.a, ctx, {address_v4::any(), receiver_port}); }
  void send(const std::string& text) { sender.send_to(net::buffer(text), receiver_at); }
};


} // namespace

BOOST_AUTO_TEST_SUITE(pending_operations_test)

// Measured defect 1, single receive.
BOOST_AUTO_TEST_CASE(moved_receive_completes_on_the_moved_to_object, *t::needs_root())
{
  hosts h;
  std::optional<cmsg_udp> first(h.receiver());
  std::array<char, 32> data{};
  udp::endpoint from;
  control_message control;
  completion receive;
  first->async_receive_from(net::buffer(data), from, control, receive.handler());
  t::run_for(h.ctx, 100ms);
  BOOST_TEST_REQUIRE(receive.calls == 0, t::error_text(receive.ec));
  cmsg_udp second(std::move(*first));
  first.reset();
  h.send("after the move");
  BOOST_TEST_REQUIRE(t::run_until(h.ctx, [&] { return receive.calls != 0; }, 2s), "the moved receive never completed");
  t::run_for(h.ctx, 100ms);
  BOOST_TEST(receive.calls == 1);
  BOOST_TEST(!receive.ec, t::error_text(receive.ec));
  BOOST_TEST(std::string(data.data(), receive.n) == "after the move");
  BOOST_TEST(from == udp::endpoint(h.lab.b_if.address, h.sender.local_endpoint().port()));
  BOOST_TEST(second.next_layer().is_open());
}

// Measured defect 1, batch receive: into a vector that then grows.
BOOST_AUTO_TEST_CASE(moved_batch_receive_completes_on_the_moved_to_object, *t::needs_root())
{
  hosts h;
  std::vector<cmsg_udp> sockets;
  sockets.push_back(h.receiver());
  std::array<std::array<char, 32>, 4> storage{};
  std::vector<rx_message> batch(4);
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i].buffer = net::buffer(storage[i]);
  completion receive;
  sockets[0].async_receive_batch(batch, receive.handler());
  t::run_for(h.ctx, 100ms);
  BOOST_TEST_REQUIRE(receive.calls == 0, t::error_text(receive.ec));
  for (int i = 0; i < 7; ++i) // each reallocation moves sockets[0]
    sockets.push_back(t::cmsg_udp_in(h.lab.a, h.ctx, {address_v4::any(), 0}));
  h.send("one");
  BOOST_TEST_REQUIRE(t::run_until(h.ctx, [&] { return receive.calls != 0; }, 2s), "the moved batch never completed");
  t::run_for(h.ctx, 100ms);
  BOOST_TEST(receive.calls == 1);
  BOOST_TEST(!receive.ec, t::error_text(receive.ec));
  BOOST_TEST_REQUIRE(receive.n >= 1u);
  BOOST_TEST(std::string(storage[0].data(), batch[0].bytes) == "one");
  BOOST_TEST(batch[0].endpoint.address() == net::ip::address(h.lab.b_if.address));
}

// Measured defect 4: async_receive_error without receive_errors, an ICMP
// error pending on a connected socket (Linux sets SO_ERROR there without
// queueing an entry). The error queue stays empty, so the operation takes
// the pending error and completes with it at once; the next one has
// nothing to report and waits quietly until cancelled.
BOOST_AUTO_TEST_CASE(receive_error_without_receive_errors_does_not_spin, *t::needs_root())
{
  hosts h;
  cmsg_udp s = h.receiver();
  s.next_layer().connect(udp::endpoint(h.lab.b_if.address, closed_port));
  const int fd = s.next_layer().native_handle();
  BOOST_TEST_REQUIRE(::send(fd, "x", 1, 0) == 1);
  // The ICMP port unreachable raises the socket's error condition.
  BOOST_TEST_REQUIRE(t::eventually([&] { return t::error_reported(fd); }), "no ICMP error arrived");
  std::array<char, 16> quote{};
  udp::endpoint destination;
  control_message control;
  completion first;
  s.async_receive_error(net::buffer(quote), destination, control, first.handler());
  BOOST_TEST_REQUIRE(t::run_until(h.ctx, [&] { return first.calls != 0; }, 1s), "async_receive_error never completed");
  BOOST_TEST(first.ec == net::error::connection_refused, t::error_text(first.ec));
  BOOST_TEST(first.n == 0u);
  BOOST_TEST(t::take_pending_error(fd) == 0, "the pending error was taken");
  BOOST_TEST(!t::error_reported(fd));

  net::cancellation_signal signal;
  completion second;
  s.async_receive_error(
      net::buffer(quote), destination, control, net::bind_cancellation_slot(signal.slot(), second.handler()));
  const double used = cpu_while_running(h.ctx, 1s);
  BOOST_TEST_REQUIRE(second.calls == 0, t::error_text(second.ec));
  BOOST_TEST(used < 0.01, used << " s of CPU over 1 s of waiting");
  const auto cancelled = std::chrono::steady_clock::now();
  signal.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(t::run_until(h.ctx, [&] { return second.calls != 0; }, 1s));
  const auto seen = std::chrono::duration_cast<std::chrono::microseconds>(second.at - cancelled);
  BOOST_TEST(seen < std::chrono::microseconds(10000), "cancellation seen after " << seen.count() << " us");
  BOOST_TEST(second.ec == net::error::operation_aborted, t::error_text(second.ec));
  BOOST_TEST_MESSAGE("async_receive_error without receive_errors: " << first.ec.message() << " at once; then "
                                                                    << used << " s CPU over 1 s, cancelled in "
                                                                    << seen.count() << " us");
  t::run_for(h.ctx, 100ms);
  BOOST_TEST(first.calls == 1);
  BOOST_TEST(second.calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
