//
// asio_ipv4/detail/posix/message_loop.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP
#define ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP

// The one recvmsg/sendmsg wrapper of the POSIX systems, and the loops
// (detail/message_loop.hpp) standing in for recvmmsg / sendmmsg where a
// system lacks them.

#include <asio_ipv4/detail/message_loop.hpp>

#include <sys/socket.h>
#include <sys/types.h>

namespace asio_ipv4 {
namespace detail {
namespace os {

// recvmsg / sendmsg as the attempts call them (Windows has its own,
// detail/win/message_io.hpp).
inline ssize_t receive_message(int fd, msghdr& m, int flags) noexcept
{
  return ::recvmsg(fd, &m, flags);
}

inline ssize_t send_message(int fd, msghdr& m, int flags) noexcept
{
  return ::sendmsg(fd, &m, flags);
}

inline int receive_looped(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return receive_message(fd, h, flags); });
}

inline int send_looped(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return send_message(fd, h, flags); });
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP
