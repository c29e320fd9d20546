//
// asio_ipv4/detail/linux/edge_waiter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP
#define ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP

#include <boost/asio/error.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
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

// The wait after a spurious wakeup (see io_driver.hpp): an edge-triggered
// epoll instance of its own, holding one socket, reports the socket's state
// once (at registration) and afterwards only new events. The blocking driver
// waits on it; async_edge_waiter hands it to the io_context.
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

// The asynchronous driver's wait for a socket's next edge (os::has_edge_wait):
// an edge_waiter as an Asio descriptor, so the io_context's own reactor
// (epoll or io_uring) waits on it. The epoll instance becomes readable when
// it holds an event: the socket's state at registration, later only changes.
template <class Executor>
class async_edge_waiter
{
public:
  explicit async_edge_waiter(const Executor& ex) : edges_(ex) {}

  // Registers `fd` for `type` edges.
  void open(int fd, boost::asio::socket_base::wait_type type, boost::system::error_code& ec)
  {
    edge_waiter epoll;
    epoll.open(fd, type, ec);
    if (ec)
      return;
    const int epoll_fd = epoll.release();
    edges_.assign(epoll_fd, ec);
    if (ec)
      ::close(epoll_fd);
  }

  // Forgets the events reported so far (before an attempt: an edge that
  // comes after it is a new event, none is lost).
  void drain() noexcept { edge_waiter::drain(edges_.native_handle()); }

  // Waits until an event is reported. Completion: void(error_code).
  template <class Token>
  auto async_wait(Token&& token)
  {
    return edges_.async_wait(boost::asio::posix::descriptor_base::wait_read, std::forward<Token>(token));
  }

private:
  boost::asio::posix::basic_stream_descriptor<Executor> edges_;
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_LINUX_EDGE_WAITER_HPP
