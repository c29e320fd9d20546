//
// test/completion_record.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// One asynchronous operation's completions, counted: how many times its
// handler ran, with what, and when (the contract suite, test/loopback/
// object_model_test.cpp, the Windows driver's tests and the reliability
// suites, through test/reliability_util.hpp).

#ifndef ASIO_IPV4_TEST_COMPLETION_RECORD_HPP
#define ASIO_IPV4_TEST_COMPLETION_RECORD_HPP

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>

namespace asio_ipv4 {
namespace test {

/// The outcome of one asynchronous operation: how often its handler ran,
/// with what, and when (the last time).
struct completion
{
  bool done = false;
  int calls = 0;
  boost::system::error_code ec;
  std::size_t n = 0;
  std::chrono::steady_clock::time_point at;

  /// A handler that records into this object.
  auto handler()
  {
    return [this](boost::system::error_code e, std::size_t k) {
      done = true;
      ++calls;
      ec = e;
      n = k;
      at = std::chrono::steady_clock::now();
    };
  }
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_COMPLETION_RECORD_HPP
