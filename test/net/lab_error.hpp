//
// test/net/lab_error.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_TEST_NET_LAB_ERROR_HPP
#define ASIO_IPV4_TEST_NET_LAB_ERROR_HPP

#include <stdexcept>

namespace asio_ipv4 {
namespace test {

/// A lab setup step failed (a command, a namespace switch, a tool that did
/// not become ready, a program that is not installed). The message carries
/// the command and its output.
class lab_error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_NET_LAB_ERROR_HPP
