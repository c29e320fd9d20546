//
// test/lab/common.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What every part of the lab shares: lab_error, error_text, eventually.

#ifndef ASIO_IPV4_TEST_LAB_COMMON_HPP
#define ASIO_IPV4_TEST_LAB_COMMON_HPP

#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace asio_ipv4 {
namespace test {

using namespace std::chrono_literals;

/// A lab setup step failed (a command, a namespace switch, a tool that did
/// not become ready, a program that is not installed). The message carries
/// the command and its output.
class lab_error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// An error code as text ("success" when there is none), so that a failed
/// comparison of two codes shows both sides.
std::string error_text(const boost::system::error_code& ec);

/// Polls `condition` every `interval` until it holds or `timeout` passes;
/// returns its last value.
bool eventually(const std::function<bool()>& condition,
    std::chrono::milliseconds timeout = 5s, std::chrono::milliseconds interval = 20ms);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_COMMON_HPP
