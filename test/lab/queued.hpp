//
// test/lab/queued.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What the kernel queued on a socket, read with plain non-blocking receives
// (the oracle for "delivered" and "not delivered").

#ifndef ASIO_IPV4_TEST_LAB_QUEUED_HPP
#define ASIO_IPV4_TEST_LAB_QUEUED_HPP

#include "common.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <thread>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// Every datagram queued on `socket` now (non-blocking), as text.
inline std::vector<std::string> drain(boost::asio::ip::udp::socket& socket)
{
  std::vector<std::string> got;
  socket.non_blocking(true);
  std::array<char, 2048> buffer;
  boost::system::error_code ec;
  for (std::size_t n; (n = socket.receive(boost::asio::buffer(buffer), 0, ec)), !ec;)
    got.emplace_back(buffer.data(), n);
  BOOST_TEST(error_text(ec) == error_text(boost::asio::error::would_block));
  socket.non_blocking(false);
  return got;
}

/// The datagrams queued on `socket` once `expected` of them came (5 s at
/// most) and 300 ms more passed, so that anything else sent shows up too.
inline std::vector<std::string> collect(boost::asio::ip::udp::socket& socket, std::size_t expected)
{
  std::vector<std::string> got;
  auto more = [&] {
    auto queued = drain(socket);
    got.insert(got.end(), queued.begin(), queued.end());
    return got.size() >= expected;
  };
  eventually(more);
  std::this_thread::sleep_for(300ms);
  more();
  return got;
}

/// The items joined with " | ", for one-line comparisons.
inline std::string joined(const std::vector<std::string>& items)
{
  std::string line;
  for (const auto& item : items)
    line += (line.empty() ? "" : " | ") + item;
  return line;
}

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_QUEUED_HPP
