// Small helpers shared by the unit tests. Expected values are built with
// glibc (inet_pton), never with the library's own conversions.
#ifndef ASIO_IPV4_TEST_UNIT_TEST_UTIL_HPP
#define ASIO_IPV4_TEST_UNIT_TEST_UTIL_HPP

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#if defined(_WIN32)
# include <winsock2.h> // inet_pton, as Asio includes Winsock
# include <ws2tcpip.h>
#else
# include <arpa/inet.h>
# include <netinet/in.h>
#endif

#include <cstdint>
#include <string>
#include <vector>

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

// RFC 1071 the slow way, independent of ip4::checksum: end-around carry after
// every 16-bit word; an odd last byte is padded with zero. 0 over a header
// whose checksum field is right.
inline std::uint16_t reference_checksum(const std::vector<std::uint8_t>& b)
{
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < b.size(); i += 2)
  {
    sum += std::uint32_t(b[i]) << 8;
    if (i + 1 < b.size())
      sum += b[i + 1];
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

} // namespace test
} // namespace asio_ipv4

#endif
