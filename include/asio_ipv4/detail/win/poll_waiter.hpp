//
// asio_ipv4/detail/win/poll_waiter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_POLL_WAITER_HPP
#define ASIO_IPV4_DETAIL_WIN_POLL_WAITER_HPP

#include <asio_ipv4/detail/win/message_io.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

namespace asio_ipv4 {
namespace detail {
namespace os {

// The blocking driver's wait after a spurious wakeup: WSAPoll for the
// current state (level-triggered, as poll(2) on the BSDs; Windows has no
// error queue to keep a socket readable). WSAPoll takes no POLLPRI, and no
// operation here waits for errors, so anything but a write waits to read.
class poll_waiter
{
public:
  void wait(int fd, boost::asio::socket_base::wait_type type, boost::system::error_code& ec) noexcept
  {
    WSAPOLLFD p{};
    p.fd = to_socket(fd);
    p.events = type == boost::asio::socket_base::wait_write ? POLLWRNORM : POLLRDNORM;
    if (::WSAPoll(&p, 1, -1) == SOCKET_ERROR)
      ec = boost::system::error_code(::WSAGetLastError(), boost::asio::error::get_system_category());
    else
      ec = {};
  }
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_POLL_WAITER_HPP
