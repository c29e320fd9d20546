//
// asio_ipv4/detail/win/msghdr.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_MSGHDR_HPP
#define ASIO_IPV4_DETAIL_WIN_MSGHDR_HPP

// Windows has no struct msghdr or struct iovec, with which the shared
// attempts (detail/io_attempts.hpp) describe a datagram: here they are, in
// asio_ipv4::detail (nothing global), with the fields the attempts use.
// detail/win/message_io.hpp turns one into a WSAMSG per call.

#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// The fields of POSIX's struct iovec and struct msghdr that the attempts use.
struct iovec
{
  void* iov_base;
  std::size_t iov_len;
};

struct msghdr
{
  void* msg_name;
  int msg_namelen;
  iovec* msg_iov;
  std::size_t msg_iovlen;
  void* msg_control;
  std::size_t msg_controllen;
  int msg_flags;
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_MSGHDR_HPP
