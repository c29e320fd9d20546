//
// test/option_check.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What the option tests check on an option object, without a socket (the
// level, name, size and bytes set_option and get_option see) and on a
// socket (a refused set, in both forms). Shared by
// test/loopback/socket_option_test.cpp and scale_option_test.cpp.

#ifndef ASIO_IPV4_TEST_OPTION_CHECK_HPP
#define ASIO_IPV4_TEST_OPTION_CHECK_HPP

#include "test_util.hpp"

#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <vector>

namespace asio_ipv4 {
namespace test {

// Any Asio protocol will do: the options ignore it.
inline const boost::asio::ip::udp option_protocol = boost::asio::ip::udp::v4();

// Asio's "always fail" pair (custom_socket_option_level, always_fail_option),
// which the API promises for invalid values.
constexpr int invalid_level = static_cast<int>(0xA5100000u);
constexpr int invalid_name = 2;

inline std::vector<int> bytes_of(const void* data, std::size_t size)
{
  const auto* b = static_cast<const unsigned char*>(data);
  return std::vector<int>(b, b + size);
}

// What set_option sees: the const level, name, size and data.
template <class Option>
void check_settable(const Option& o, int level, int name, const void* expected, std::size_t size)
{
  BOOST_TEST(o.level(option_protocol) == level);
  BOOST_TEST(o.name(option_protocol) == name);
  BOOST_TEST(o.size(option_protocol) == size);
  BOOST_TEST(bytes_of(o.data(option_protocol), o.size(option_protocol)) == bytes_of(expected, size),
      boost::test_tools::per_element());
}

template <class Option, class Struct>
void check_settable(const Option& o, int level, int name, const Struct& expected)
{
  check_settable(o, level, name, &expected, sizeof(expected));
}

// What set_option sees for an invalid value: the always-fail pair.
template <class Option>
void check_refused(const Option& o)
{
  BOOST_TEST(o.level(option_protocol) == invalid_level);
  BOOST_TEST(o.name(option_protocol) == invalid_name);
}

// A set_option that fails with `expected`, in both forms.
template <class Socket, class Option>
void check_set_fails(Socket& s, const Option& o, const boost::system::error_code& expected)
{
  boost::system::error_code ec;
  BOOST_CHECK_NO_THROW(s.set_option(o, ec));
  BOOST_TEST(ec == expected, got_expected(ec, expected));
  try
  {
    s.set_option(o);
    BOOST_ERROR("set_option did not throw");
  }
  catch (const boost::system::system_error& e)
  {
    BOOST_TEST(e.code() == expected, got_expected(e.code(), expected));
  }
}

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_OPTION_CHECK_HPP
