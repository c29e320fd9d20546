//
// test/contract_skip.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The one skip of the object-model contract suite
// (test/loopback/object_model_test.cpp), which runs on Linux (epoll and
// io_uring) and, built for Windows, under Wine: a case a platform cannot
// run (no error queue, no way to fill a send buffer there) is skipped by
// name, printed and counted, never silently.

#ifndef ASIO_IPV4_TEST_CONTRACT_SKIP_HPP
#define ASIO_IPV4_TEST_CONTRACT_SKIP_HPP

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <iostream>
#include <string>

namespace asio_ipv4 {
namespace test {

inline std::atomic<int>& contract_skips()
{
  static std::atomic<int> count{0};
  return count;
}

inline void contract_skip(const std::string& what, const std::string& reason)
{
  ++contract_skips();
  BOOST_TEST_MESSAGE("asio_ipv4 contract skip: " << what << ": " << reason);
  std::cout << "asio_ipv4 contract skip: " << what << ": " << reason << std::endl;
}

} // namespace test
} // namespace asio_ipv4

// Skips the rest of the current contract case for `what` (an operation
// kind, a scenario) with `reason`; use as a statement in a function that
// returns void.
#define ASIO_IPV4_CONTRACT_SKIP(what, reason)                                                                 \
  do                                                                                                          \
  {                                                                                                           \
    ::asio_ipv4::test::contract_skip(what, reason);                                                           \
    return;                                                                                                   \
  } while (false)

#endif // ASIO_IPV4_TEST_CONTRACT_SKIP_HPP
