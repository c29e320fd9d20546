//
// test/completion_record.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// One asynchronous operation's completions, counted: how many times its
// handler ran, and with what (the contract suite, test/loopback/
// object_model_test.cpp, and the Windows driver's tests).

#ifndef ASIO_IPV4_TEST_COMPLETION_RECORD_HPP
#define ASIO_IPV4_TEST_COMPLETION_RECORD_HPP

#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace test {

struct completion
{
  int calls = 0;
  boost::system::error_code ec;
  std::size_t n = 0;

  // A handler that records into this object.
  auto handler()
  {
    return [this](boost::system::error_code e, std::size_t k) {
      ++calls;
      ec = e;
      n = k;
    };
  }
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_COMPLETION_RECORD_HPP
