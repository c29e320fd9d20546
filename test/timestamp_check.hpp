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

#include <sys/socket.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
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

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_TIMESTAMP_CHECK_HPP
