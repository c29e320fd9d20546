//
// test/lab/common.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "common.hpp"

#include <thread>

namespace asio_ipv4 {
namespace test {

std::string error_text(const boost::system::error_code& ec)
{
  return ec ? ec.message() : "success";
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
    std::chrono::milliseconds interval)
{
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;)
  {
    if (condition())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(interval);
  }
}

} // namespace test
} // namespace asio_ipv4
