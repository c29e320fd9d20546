// Small helpers shared by the unit tests. Expected values are built with
// glibc (inet_pton), never with the library's own conversions.
#ifndef ASIO_IPV4_TEST_UNIT_TEST_UTIL_HPP
#define ASIO_IPV4_TEST_UNIT_TEST_UTIL_HPP

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace asio_ipv4 {
namespace test {

inline boost::asio::ip::address_v4 addr(const char* text)
{
  return boost::asio::ip::make_address_v4(text);
}

inline in_addr in_addr_of(const char* text)
{
  in_addr a;
  BOOST_TEST_REQUIRE(::inet_pton(AF_INET, text, &a) == 1);
  return a;
}

// "got X (message), expected Y (message)" for error_code checks.
inline std::string got_expected(const boost::system::error_code& got, const boost::system::error_code& expected)
{
  return "got " + got.to_string() + " (" + got.message() + "), expected " + expected.to_string() + " ("
      + expected.message() + ")";
}

} // namespace test
} // namespace asio_ipv4

#endif
