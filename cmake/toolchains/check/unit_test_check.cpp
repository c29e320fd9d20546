// Boost.Test in the form the found Boost package provides (in a cross build,
// the header-only one of cmake/toolchains/boost), on pure library code: the
// error category and ICMP names.
#define BOOST_TEST_MODULE toolchain_check
#include <boost/test/unit_test.hpp>

#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>

#include <string>
#include <vector>

namespace ip4 = asio_ipv4::ip4;

BOOST_AUTO_TEST_CASE(error_category)
{
  const boost::system::error_code ec = asio_ipv4::error::bad_version;
  BOOST_TEST(std::string(ec.category().name()) == "asio_ipv4");
  BOOST_TEST(ec.message() == "IP version is not 4");
  BOOST_TEST(ec == make_error_code(asio_ipv4::error::bad_version));
  BOOST_TEST(ec != make_error_code(asio_ipv4::error::header_too_short));
}

BOOST_AUTO_TEST_CASE(icmp_names)
{
  const std::vector<std::string> names{
      std::string(ip4::to_string(ip4::icmp_type::echo_reply)),
      std::string(ip4::to_string(ip4::icmp_type::echo_request)),
      std::string(ip4::to_string(ip4::icmp_unreachable_code::port_unreachable)),
      std::string(ip4::to_string(ip4::icmp_time_exceeded_code::ttl_exceeded)),
      std::string(ip4::to_string(static_cast<ip4::icmp_type>(200)))};
  const std::vector<std::string> expected{
      "echo_reply", "echo_request", "port_unreachable", "ttl_exceeded", "unknown"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
}
