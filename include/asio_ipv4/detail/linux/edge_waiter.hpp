//
// asio_ipv4/detail/linux/edge_waiter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP
#define ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

namespace asio_ipv4 {
namespace detail {
namespace os {

// The wait after a spurious wakeup (detail/blocking_driver.hpp): an
// edge-triggered epoll instance of its own, holding one socket, reports the
// socket's state once (at registration) and afterwards only new events. The
// blocking driver waits on it; the asynchronous send hands it to the
// io_context (send_wait.hpp).
class edge_waiter
{
public:
  edge_waiter() = default;
  edge_waiter(const edge_waiter&) = delete;
  edge_waiter& operator=(const edge_waiter&) = delete;
  ~edge_waiter()
  {
    if (epoll_fd_ >= 0)
      ::close(epoll_fd_);
  }

  bool is_open() const noexcept { return epoll_fd_ >= 0; }

  // Creates the instance and registers `fd` for `type` readiness.
  void open(int fd, boost::asio::socket_base::wait_type type, boost::system::error_code& ec) noexcept
  {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0)
      return fail(ec);
    epoll_event event{};
    event.events = events_of(type) | EPOLLET;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0)
    {
      fail(ec);
      ::close(release());
      return;
    }
    ec = {};
  }

  // Blocks until the next event (the first call: until `fd` is ready).
  void wait(int fd, boost::asio::socket_base::wait_type type, boost::system::error_code& ec) noexcept
  {
    if (!is_open())
    {
      open(fd, type, ec);
      if (ec)
        return;
    }
    epoll_event ready{};
    while (::epoll_wait(epoll_fd_, &ready, 1, -1) < 0)
      if (errno != EINTR)
        return fail(ec);
    ec = {};
  }

  // Gives the instance away.
  int release() noexcept { return std::exchange(epoll_fd_, -1); }

  // Forgets the events an instance reported, without waiting: the next
  // readiness of `epoll_fd` means a new event.
  static void drain(int epoll_fd) noexcept
  {
    epoll_event ready{};
    while (::epoll_wait(epoll_fd, &ready, 1, 0) > 0)
    {
    }
  }

private:
  static std::uint32_t events_of(boost::asio::socket_base::wait_type type) noexcept
  {
    switch (type)
    {
    case boost::asio::socket_base::wait_read:
      return EPOLLIN;
    case boost::asio::socket_base::wait_write:
      return EPOLLOUT;
    default:
      return EPOLLPRI;
    }
  }

  static void fail(boost::system::error_code& ec) noexcept
  {
    ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
  }

  int epoll_fd_ = -1;
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP
