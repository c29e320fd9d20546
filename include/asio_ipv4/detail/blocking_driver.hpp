//
// asio_ipv4/detail/blocking_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_BLOCKING_DRIVER_HPP
#define ASIO_IPV4_DETAIL_BLOCKING_DRIVER_HPP

// The blocking driver: runs a core (detail/core/) with non-blocking system
// calls on the caller's thread, waiting for readiness in between. The first
// wait is the socket's own wait() (poll for the current state; a socket the
// user put in non-blocking mode reports would_block instead of waiting).
// A wakeup that finds the socket not ready again (a spurious wakeup: on
// Linux an unread error-queue entry keeps POLLERR raised for as long as it
// stays) is followed by os::readiness_waiter, which waits for the socket's
// next change instead of its state (Linux: an edge-triggered epoll instance
// of its own, detail/linux/edge_waiter.hpp; elsewhere poll(2), as there is
// no error queue to keep it raised).

#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/perform_call.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

namespace asio_ipv4 {
namespace detail {

template <class Socket, class Core>
core::outcome run_blocking(Socket& socket, Core& c)
{
  typename Core::template frame_type<core::max_batch_chunk> frame;
  const auto fd = socket.native_handle();
  bool moved = false, waited = false;
  os::readiness_waiter after_spurious_wakeup;
  for (;;)
  {
    if (run_calls(c, frame, fd, moved) == core::next_action::done)
      return c.result();
    boost::system::error_code ec;
    if (!waited)
    {
      waited = true;
      socket.wait(Core::wait_for, ec);
    }
    else if (socket.non_blocking())
      ec = boost::asio::error::would_block;
    else
      after_spurious_wakeup.wait(fd, Core::wait_for, ec);
    if (ec)
      return c.stop(ec);
  }
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_BLOCKING_DRIVER_HPP
