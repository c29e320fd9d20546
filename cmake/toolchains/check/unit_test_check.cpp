// Boost.Test in the form the found Boost package provides (in a cross build,
// the header-only one of cmake/toolchains/boost), on library code that
// compiles everywhere today: IPv4 header bytes, ICMP names, the error category.
#define BOOST_TEST_MODULE toolchain_check
#include <boost/test/unit_test.hpp>

#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4/header.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>

#include <array>
#include <string>

namespace ip4 = asio_ipv4::ip4;

BOOST_AUTO_TEST_CASE(header_bytes)
{
  ip4::header h;
  h.total_length = 28;
  h.id = 0xabcd;
  h.ttl = 64;
  h.protocol = 1;
  h.source = boost::asio::ip::make_address_v4("10.0.0.1");
  h.destination = boost::asio::ip::make_address_v4("10.0.0.2");
  std::array<unsigned char, 20> bytes{};
  BOOST_TEST(h.marshal(boost::asio::buffer(bytes)) == 20u);
  // Known answer, by hand: 45 00 001c abcd 0000 40 01 <checksum> 0a000001
  // 0a000002, whose RFC 1071 checksum is 0xbb11.
  const std::array<unsigned char, 20> expected{0x45, 0, 0, 28, 0xab, 0xcd, 0, 0, 64, 1,
      0xbb, 0x11, 10, 0, 0, 1, 10, 0, 0, 2};
  BOOST_TEST(bytes == expected, boost::test_tools::per_element());
  BOOST_TEST(ip4::checksum(boost::asio::buffer(bytes)) == 0u);
  ip4::header back = ip4::parse_header(boost::asio::buffer(bytes));
  BOOST_TEST(back.id == h.id);
  BOOST_TEST(back.checksum == 0xbb11u);
  BOOST_TEST(back.destination == h.destination);
}

BOOST_AUTO_TEST_CASE(header_errors)
{
  ip4::header h;
  h.version = 6;
  std::array<unsigned char, 20> bytes{};
  boost::system::error_code ec;
  BOOST_TEST(h.marshal(boost::asio::buffer(bytes), ec) == 0u);
  BOOST_TEST(ec == make_error_code(asio_ipv4::error::bad_version));
  BOOST_TEST(std::string(ec.category().name()) == "asio_ipv4");
  BOOST_TEST(ec.message() == "IP version is not 4");
  const std::array<unsigned char, 10> short_packet{0x45};
  ip4::parse_header(boost::asio::buffer(short_packet), ec);
  BOOST_TEST(ec == make_error_code(asio_ipv4::error::header_too_short));
}

BOOST_AUTO_TEST_CASE(icmp_names)
{
  BOOST_TEST(ip4::to_string(ip4::icmp_type::echo_request) == "echo_request");
  BOOST_TEST(ip4::to_string(ip4::icmp_unreachable_code::port_unreachable)
      == "port_unreachable");
  BOOST_TEST(ip4::to_string(static_cast<ip4::icmp_type>(200)) == "unknown");
}
