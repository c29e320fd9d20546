//
// test/timestamp_check.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Reading send timestamps through cmsg_socket's public API, shared by the
// loopback and the namespace timestamp suites: entries of the error queue
// read with async_receive_error, each checked to be a send stamp, and a raw
// non-consuming look at the queue (the oracle that nothing more is queued).

#ifndef ASIO_IPV4_TEST_TIMESTAMP_CHECK_HPP
#define ASIO_IPV4_TEST_TIMESTAMP_CHECK_HPP

#include "io_run.hpp"

#include <asio_ipv4/cmsg_socket.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio_ipv4 {
namespace test {

inline std::int64_t realtime_now()
{
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline std::string text(const control_message& m)
{
  std::ostringstream s;
  s << m;
  return s.str();
}

// True when the error queue holds an entry (raw, non-consuming).
inline bool error_queued(int fd)
{
  char byte;
  return ::recv(fd, &byte, 1, MSG_ERRQUEUE | MSG_PEEK | MSG_DONTWAIT) >= 0;
}

// One send stamp read from the error queue.
struct send_stamp
{
  std::uint32_t kind = 0; // extended_error::info
  std::uint32_t id = 0;   // extended_error::data
  std::int64_t ns = 0;    // software_time
  std::size_t bytes = 0;  // what the error receive returned
};

// Reads `n` entries of tx's error queue with async_receive_error (within
// `timeout`), each a send stamp (origin_timestamping, ENOMSG) with a
// realtime software time; then checks that the kernel queued no more.
inline std::vector<send_stamp> read_send_stamps(boost::asio::io_context& ctx,
    cmsg_socket<boost::asio::ip::udp::socket>& tx, std::size_t n,
    std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
  std::vector<send_stamp> got;
  std::array<char, 256> quoted;
  boost::asio::ip::udp::endpoint where;
  control_message control;
  bool busy = false;
  std::function<void()> next = [&] {
    busy = true;
    tx.async_receive_error(boost::asio::buffer(quoted), where, control,
        [&](boost::system::error_code ec, std::size_t bytes) {
          busy = false;
          BOOST_TEST_REQUIRE(!ec, "async_receive_error: " << ec.message());
          BOOST_TEST_REQUIRE(control.error.has_value(), "an entry without IP_RECVERR: " << text(control));
          const extended_error& e = *control.error;
          BOOST_TEST(e.origin == extended_error::origin_timestamping, text(control));
          BOOST_TEST(e.error == unsigned(ENOMSG), text(control));
          BOOST_TEST_REQUIRE(control.software_time.has_value(), "a send stamp without a time: " << text(control));
          BOOST_TEST(control.software_time->clock == kernel_time::realtime, text(control));
          got.push_back(send_stamp{e.info, e.data, control.software_time->since_epoch.count(), bytes});
          if (got.size() < n)
            next();
        });
  };
  next();
  run_until(ctx, [&] { return got.size() >= n; }, timeout);
  BOOST_TEST_REQUIRE(got.size() == n, "read " << got.size() << " stamps, expected " << n);
  if (busy)
    tx.next_layer().cancel();
  run_until(ctx, [&] { return !busy; }, std::chrono::seconds(1));
  BOOST_TEST(!error_queued(tx.next_layer().native_handle()), "more than " << n << " stamps queued");
  return got;
}

// The ids of the stamps of one kind, in the order they were read.
inline std::vector<std::uint32_t> ids_of(const std::vector<send_stamp>& stamps, std::uint32_t kind)
{
  std::vector<std::uint32_t> ids;
  for (const send_stamp& s : stamps)
    if (s.kind == kind)
      ids.push_back(s.id);
  return ids;
}

// Checks that the stamps of both kinds carry `expected`, in that order.
inline void check_ids(const std::vector<send_stamp>& stamps, const std::vector<std::uint32_t>& expected)
{
  BOOST_TEST(ids_of(stamps, extended_error::stamp_scheduled) == expected, boost::test_tools::per_element());
  BOOST_TEST(ids_of(stamps, extended_error::stamp_sent) == expected, boost::test_tools::per_element());
}


// The kernel stamps datagrams on arrival only once its global switch (the
// netstamp static key) is on, and a socket asking for stamps turns it on
// from a work queue, later: until then a datagram is stamped when it is
// read. A burst sent right after the option was set can so carry read-time
// stamps first and arrival stamps after them, which go backwards, and one
// multicast datagram read by several sockets gets a different stamp in each
// (both seen on a loaded machine). Call this after the test's own sockets
// asked for stamps (they keep the switch on): it returns once a datagram
// read 20 ms after it was sent carries a stamp at least 15 ms old. Oracle:
// the kernel's stamp, read with a raw recvmsg on a probe pair on 127.0.0.1.
inline void wait_for_arrival_stamping()
{
  const int rx = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int tx = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  BOOST_TEST_REQUIRE((rx >= 0 && tx >= 0), "socket: " << std::strerror(errno));
  const int on = 1;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof to;
  BOOST_TEST_REQUIRE(::setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0);
  BOOST_TEST_REQUIRE(::bind(rx, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0, std::strerror(errno));
  BOOST_TEST_REQUIRE(::getsockname(rx, reinterpret_cast<sockaddr*>(&to), &size) == 0);
  bool on_arrival = false;
  for (int attempt = 0; attempt < 100 && !on_arrival; ++attempt)
  {
    BOOST_TEST_REQUIRE(::sendto(tx, "p", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    alignas(cmsghdr) unsigned char control[128];
    char data[8];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const bool got = ::recvmsg(rx, &msg, 0) >= 0;
    const std::int64_t read_at = realtime_now();
    for (cmsghdr* c = got ? CMSG_FIRSTHDR(&msg) : nullptr; c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
      {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        on_arrival = read_at - (std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec) >= 15'000'000;
      }
  }
  ::close(rx);
  ::close(tx);
  BOOST_TEST_REQUIRE(on_arrival, "the kernel never stamped a datagram on arrival within 100 attempts");
}

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_TIMESTAMP_CHECK_HPP
