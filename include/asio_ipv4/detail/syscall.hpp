//
// asio_ipv4/detail/syscall.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SYSCALL_HPP
#define ASIO_IPV4_DETAIL_SYSCALL_HPP

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>

namespace asio_ipv4 {
namespace detail {

// The one place a socket system call is made: retried on EINTR, errno turned
// into an error_code. EAGAIN becomes boost::asio::error::would_block, which
// the drivers (run_blocking and io_op) answer by waiting for readiness.
template <class Call>
auto checked_syscall(boost::system::error_code& ec, Call&& call) noexcept -> decltype(call())
{
  for (;;)
  {
    auto result = call();
    if (result >= 0)
    {
      ec = {};
      return result;
    }
    if (errno == EINTR)
      continue;
    if (errno == EWOULDBLOCK || errno == EAGAIN)
      ec = boost::asio::error::would_block;
    else
      ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
    return result;
  }
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SYSCALL_HPP
