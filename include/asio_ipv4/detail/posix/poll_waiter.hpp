//
// asio_ipv4/detail/posix/poll_waiter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_POSIX_POLL_WAITER_HPP
#define ASIO_IPV4_DETAIL_POSIX_POLL_WAITER_HPP

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <poll.h>

#include <cerrno>

namespace asio_ipv4 {
namespace detail {
namespace os {

// The blocking driver's wait after a spurious wakeup where there is no epoll:
// poll(2) for the current state. Linux's edge-triggered waiter exists for a
// socket whose unread error-queue entry keeps POLLERR raised; systems
// without an error queue clear a pending error on the receive that reports
// it, so a level-triggered wait does not spin there.
class poll_waiter
{
public:
  void wait(int fd, boost::asio::socket_base::wait_type type, boost::system::error_code& ec) noexcept
  {
    pollfd p{};
    p.fd = fd;
    p.events = type == boost::asio::socket_base::wait_read ? POLLIN
        : type == boost::asio::socket_base::wait_write      ? POLLOUT
                                                            : POLLPRI;
    while (::poll(&p, 1, -1) < 0)
      if (errno != EINTR)
      {
        ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
        return;
      }
    ec = {};
  }
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_POSIX_POLL_WAITER_HPP
