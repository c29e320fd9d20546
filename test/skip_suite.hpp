//
// test/skip_suite.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A suite that cannot be compiled on this system (it checks against headers
// the system lacks) still exists, so its CTest test runs and is reported as
// skipped, with its reason, instead of vanishing: the one case prints the
// line test/CMakeLists.txt gives CTest as SKIP_REGULAR_EXPRESSION.

#ifndef ASIO_IPV4_TEST_SKIP_SUITE_HPP
#define ASIO_IPV4_TEST_SKIP_SUITE_HPP

#include <boost/test/unit_test.hpp>

#include <iostream>

#define ASIO_IPV4_SKIPPED_SUITE(suite, reason)                                                                \
  BOOST_AUTO_TEST_SUITE(suite)                                                                                \
  BOOST_AUTO_TEST_CASE(skipped_on_this_system)                                                                \
  {                                                                                                           \
    std::cout << "asio_ipv4 skipped suite: " #suite ": " reason << std::endl;                                 \
  }                                                                                                           \
  BOOST_AUTO_TEST_SUITE_END()

#endif // ASIO_IPV4_TEST_SKIP_SUITE_HPP
