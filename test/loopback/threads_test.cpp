//
// test/loopback/threads_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// cmsg_socket on an io_context run by four threads: the thread-safety rule
// the library documents (one socket, one strand) must hold without lost
// wakeups. An echo server on a strand answers a client that keeps exactly
// one datagram in flight, for tens of thousands of rounds; every echo must
// come back within a second. The second socket type pauses between a failed
// attempt and its readiness wait (it hides async_wait and async_receive with
// versions that sleep before forwarding), so that the datagram arrives and
// another thread runs the reactor in that gap: the window in which an
// edge-triggered reactor could lose the wakeup.
//
// Oracles: the client is a plain socket in its own thread (send, then poll
// and recv with a one-second deadline); every echo carries the number it
// answers. A raw MSG_PEEK after each pause counts the pauses in
// which the datagram really arrived. Run under ThreadSanitizer in CI.

#include "reliability_util.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::udp;
using namespace std::chrono_literals;

namespace {

// Rounds per case: ASIO_IPV4_THREADS_ROUNDS, else `fallback`.
std::uint32_t rounds(std::uint32_t fallback)
{
  if (const char* text = std::getenv("ASIO_IPV4_THREADS_ROUNDS"))
    return static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10));
  return fallback;
}

// A UDP socket whose readiness waits (async_wait, and the zero-byte peek
// receive cmsg_socket waits with after a spurious wakeup) start late.
class pausing_udp_socket : public udp::socket
{
public:
  using udp::socket::socket;

  template <class Token>
  auto async_wait(wait_type type, Token&& token)
  {
    pause();
    return udp::socket::async_wait(type, std::forward<Token>(token));
  }

  template <class Buffers, class Token>
  auto async_receive(const Buffers& buffers, message_flags flags, Token&& token)
  {
    pause();
    return udp::socket::async_receive(buffers, flags, std::forward<Token>(token));
  }

  static inline std::atomic<std::size_t> pauses{0};
  static inline std::atomic<std::size_t> arrived_during_pause{0};

private:
  void pause()
  {
    ++pauses;
    std::this_thread::sleep_for(300us);
    char c;
    if (::recv(native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0)
      ++arrived_during_pause;
  }
};

// An echo server: receive, then send the datagram back, on the socket's
// executor (a strand). With `overlap`, the next receive is started before
// the echo's send completes, so a receive and a send are pending together.
template <class Socket>
class echo_server
{
public:
  echo_server(net::io_context& ctx, bool overlap)
    : socket_(net::make_strand(ctx), udp::endpoint(net::ip::address_v4::loopback(), 0)), overlap_(overlap)
  {
    socket_.next_layer().set_option(ip4::receive_packet_info(true));
  }

  udp::endpoint endpoint() const { return socket_.next_layer().local_endpoint(); }

  // Starts on the socket's strand.
  void start()
  {
    net::post(socket_.get_executor(), [this] { receive(); });
  }

  // Closes on the strand; pending operations complete with operation_aborted.
  void stop()
  {
    net::post(socket_.get_executor(), [this] { socket_.next_layer().close(); });
  }

  std::size_t errors() const { return errors_; }
  std::string first_error() const { return first_error_; }

private:
  void receive()
  {
    socket_.async_receive_from(net::buffer(in_), peer_, control_, [this](boost::system::error_code ec, std::size_t n) {
      if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor)
        return;
      if (ec)
        return fail("receive", ec);
      reply_size_ = n;
      out_ = in_;
      reply_to_ = peer_;
      send();
      if (overlap_)
        receive();
    });
  }

  void send()
  {
    socket_.async_send_to(net::buffer(out_.data(), reply_size_), reply_to_, no_control_,
        [this](boost::system::error_code ec, std::size_t) {
          if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor)
            return;
          if (ec)
            return fail("send", ec);
          if (!overlap_)
            receive();
        });
  }

  void fail(const char* what, boost::system::error_code ec)
  {
    if (errors_++ == 0)
      first_error_ = std::string(what) + ": " + ec.message();
  }

  asio_ipv4::cmsg_socket<Socket> socket_;
  bool overlap_;
  std::array<char, 64> in_{};
  std::array<char, 64> out_{};
  std::size_t reply_size_ = 0;
  udp::endpoint peer_;
  udp::endpoint reply_to_;
  asio_ipv4::control_message control_;
  const asio_ipv4::control_message no_control_;
  std::size_t errors_ = 0;
  std::string first_error_;
};

struct echo_result
{
  std::uint32_t rounds = 0;                 // echoes received in order
  std::string failure;                      // the first problem, if any
  std::chrono::microseconds slowest{0};     // the slowest round trip
};

// The client: `total` rounds of send, then receive with a one-second
// deadline. Plain system calls (poll, then recv), which a signal may
// interrupt (io_uring's task work does): then it waits for what is left.
echo_result run_client(const udp::endpoint& server, std::uint32_t total)
{
  using clock = std::chrono::steady_clock;
  echo_result r;
  const int client = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const udp::endpoint local(net::ip::address_v4::loopback(), 0);
  ::bind(client, local.data(), local.size());
  for (std::uint32_t i = 0; i < total; ++i)
  {
    const auto t0 = clock::now();
    const auto deadline = t0 + 1s;
    ::sendto(client, &i, sizeof(i), 0, server.data(), server.size());
    std::uint32_t echo = ~i;
    ssize_t n = -1;
    while (n < 0 && clock::now() < deadline)
    {
      pollfd p{client, POLLIN, 0};
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) > 0)
        n = ::recv(client, &echo, sizeof(echo), MSG_DONTWAIT);
    }
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0);
    if (took > r.slowest)
      r.slowest = took;
    if (n < 0)
    {
      r.failure = "no echo of #" + std::to_string(i) + " within 1 s";
      break;
    }
    if (n != sizeof(echo) || echo != i)
    {
      r.failure = "echo of #" + std::to_string(i) + " carried #" + std::to_string(echo);
      break;
    }
    ++r.rounds;
  }
  ::close(client);
  return r;
}

template <class Socket>
void check_echo(bool overlap, std::uint32_t total)
{
  net::io_context ctx;
  echo_server<Socket> server(ctx, overlap);
  auto work = net::make_work_guard(ctx);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { ctx.run(); });
  server.start();
  const auto started = std::chrono::steady_clock::now();
  echo_result r = run_client(server.endpoint(), total);
  const auto took = std::chrono::steady_clock::now() - started;
  server.stop();
  work.reset();
  for (auto& t : threads)
    t.join();
  BOOST_TEST(r.failure == "");
  BOOST_TEST(r.rounds == total);
  BOOST_TEST(server.errors() == 0u, server.first_error());
  BOOST_TEST(r.slowest < 1s);
  BOOST_TEST_MESSAGE(r.rounds << " rounds in " << std::chrono::duration<double>(took).count()
                              << " s, slowest round trip " << r.slowest.count() << " us");
}

} // namespace

BOOST_AUTO_TEST_SUITE(threads_test)

BOOST_AUTO_TEST_CASE(echo_on_a_strand_with_four_threads)
{
  check_echo<udp::socket>(false, rounds(50000));
}

BOOST_AUTO_TEST_CASE(echo_with_receive_and_send_pending_together)
{
  check_echo<udp::socket>(true, rounds(50000));
}

BOOST_AUTO_TEST_CASE(echo_with_a_pause_between_attempt_and_wait)
{
  pausing_udp_socket::pauses = 0;
  pausing_udp_socket::arrived_during_pause = 0;
  check_echo<pausing_udp_socket>(false, rounds(20000));
  BOOST_TEST_MESSAGE(pausing_udp_socket::pauses.load() << " pauses, the request arrived during "
                                                     << pausing_udp_socket::arrived_during_pause.load());
  // The race really happened: in most rounds the request arrived while the
  // server was between its failed attempt and its wait.
  BOOST_TEST(pausing_udp_socket::arrived_during_pause.load() > 0u);
}

BOOST_AUTO_TEST_CASE(overlapping_echo_with_a_pause_between_attempt_and_wait)
{
  pausing_udp_socket::pauses = 0;
  pausing_udp_socket::arrived_during_pause = 0;
  check_echo<pausing_udp_socket>(true, rounds(20000));
  BOOST_TEST_MESSAGE(pausing_udp_socket::pauses.load() << " pauses, the request arrived during "
                                                     << pausing_udp_socket::arrived_during_pause.load());
  BOOST_TEST(pausing_udp_socket::arrived_during_pause.load() > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
