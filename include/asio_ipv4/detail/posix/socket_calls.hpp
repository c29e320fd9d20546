//
// asio_ipv4/detail/posix/socket_calls.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_POSIX_SOCKET_CALLS_HPP
#define ASIO_IPV4_DETAIL_POSIX_SOCKET_CALLS_HPP

// What the drivers ask of a POSIX socket besides its datagrams: its
// identity (is this descriptor still the socket an operation started on?)
// and its pending error.

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>

namespace asio_ipv4 {
namespace detail {
namespace os {

// Which socket a descriptor refers to: the inode of its open file. A socket
// closed and another opened in its place may get the same descriptor
// number, never the same inode while both exist, nor (sockfs numbers them
// from a counter) soon after.
struct socket_id
{
  dev_t device = 0;
  ino_t inode = 0;

  friend bool operator==(const socket_id& a, const socket_id& b) noexcept
  {
    return a.device == b.device && a.inode == b.inode;
  }
  friend bool operator!=(const socket_id& a, const socket_id& b) noexcept { return !(a == b); }
};

// fstat(2); a descriptor that is not open has the identity of none.
inline socket_id socket_identity(int fd) noexcept
{
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return socket_id();
  socket_id id;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  return id;
}

// The socket's pending error, taken (SO_ERROR clears it); when there is
// none, shut_down if the socket is shut down both ways (POLLHUP: a wait for
// its error condition would complete at once, forever); otherwise success.
inline void take_pending_error(int fd, boost::system::error_code& ec) noexcept
{
  int error = 0;
  socklen_t size = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0)
    error = errno;
  if (error != 0)
  {
    ec = boost::system::error_code(error, boost::asio::error::get_system_category());
    return;
  }
  pollfd p{fd, 0, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0)
    ec = boost::asio::error::shut_down;
  else
    ec = {};
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_POSIX_SOCKET_CALLS_HPP
