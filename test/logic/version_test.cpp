//
// test/unit/version_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Oracle: the rules written in version.hpp (BOOST_VERSION's way of counting,
// "MAJOR.MINOR.PATCH"). CMake refuses to configure when the string and the
// numbers disagree; this checks the same for any build, b2 included.

#include <asio_ipv4/version.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

#if !(ASIO_IPV4_VERSION >= 0)
# error "ASIO_IPV4_VERSION must be usable in #if"
#endif

BOOST_AUTO_TEST_SUITE(version_test)

BOOST_AUTO_TEST_CASE(number_counts_like_boost_version)
{
  BOOST_TEST(ASIO_IPV4_VERSION_MINOR < 1000);
  BOOST_TEST(ASIO_IPV4_VERSION_PATCH < 100);
  BOOST_TEST(ASIO_IPV4_VERSION
      == ASIO_IPV4_VERSION_MAJOR * 100000 + ASIO_IPV4_VERSION_MINOR * 100 + ASIO_IPV4_VERSION_PATCH);
  BOOST_TEST(ASIO_IPV4_VERSION / 100000 == ASIO_IPV4_VERSION_MAJOR);
  BOOST_TEST(ASIO_IPV4_VERSION / 100 % 1000 == ASIO_IPV4_VERSION_MINOR);
  BOOST_TEST(ASIO_IPV4_VERSION % 100 == ASIO_IPV4_VERSION_PATCH);
}

BOOST_AUTO_TEST_CASE(string_matches_numbers)
{
  const std::string expected = std::to_string(ASIO_IPV4_VERSION_MAJOR) + "."
      + std::to_string(ASIO_IPV4_VERSION_MINOR) + "." + std::to_string(ASIO_IPV4_VERSION_PATCH);
  BOOST_TEST(std::string(ASIO_IPV4_VERSION_STRING) == expected);
}

BOOST_AUTO_TEST_SUITE_END()
