//
// asio_ipv4/detail/linux/send_wait.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_LINUX_SEND_WAIT_HPP
#define ASIO_IPV4_DETAIL_LINUX_SEND_WAIT_HPP

// Linux's one hook in the readiness driver (detail/readiness_driver.hpp):
// the wait of an asynchronous send that was woken without room.
//
// Why: with IP_RECVERR, an unread error-queue entry keeps the socket's
// error condition raised, and every wait started on the socket through Asio
// re-arms epoll (EPOLL_CTL_MOD), which reports it again: async_wait
// completes at once, forever. So the send waits for the socket's next write
// edge instead: an edge-triggered epoll instance of its own holding the
// socket (edge_waiter.hpp), wrapped in an Asio descriptor so that the
// io_context's own reactor (epoll or io_uring) waits on it. Datagrams
// arriving do not wake it; room (the kernel wakes writers when half the
// buffer is free), a new error or a state change do.
//
// A wait on another descriptor does not see the socket's cancel() or
// close(), so beside it a zero-byte MSG_PEEK receive waits on the socket
// itself as a guard: it consumes nothing, Asio keeps it queued until a
// datagram is there, and cancel(), close() (and so the cmsg_socket's
// destruction) and a pending socket error complete it (the peek takes the
// error, which the send reports, as its sendmsg would have). Both run as a
// parallel_group: the first to complete cancels the other, and
// per-operation cancellation reaches both.
//
// The state no Asio operation can wait on quietly, "both": a datagram
// unread (the guard completes at once) and an entry on the error queue
// (async_wait completes at once). When the guard finds a datagram, settle()
// moves the error queue into the socket's error store (core/error_store.hpp,
// handed out first by async_receive_error), so the socket's error condition
// drops, and the send goes back to async_wait, which now waits quietly
// while datagrams keep arriving. Nothing is lost; no timer, no periodic
// wakeup, no cancellation in steady state.

#include <asio_ipv4/detail/core/error_store.hpp>
#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/linux/edge_waiter.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <utility>

namespace asio_ipv4 {
namespace detail {
namespace os {

template <class Executor>
class send_wait
{
public:
  explicit send_wait(const Executor& ex) : edges_(ex) {}

  // Registers the socket `fd` for write edges.
  void open(int fd, boost::system::error_code& ec)
  {
    edge_waiter epoll;
    epoll.open(fd, boost::asio::socket_base::wait_write, ec);
    if (ec)
      return;
    const int epoll_fd = epoll.release();
    edges_.assign(epoll_fd, ec);
    if (ec)
      ::close(epoll_fd);
  }

  // Forgets the edges reported so far; called right before the send's next
  // call, so that an edge after it is never lost.
  void forget() noexcept { edge_waiter::drain(edges_.native_handle()); }

  // Waits for the next write edge beside the guard on `socket`.
  // Completion: void(std::array<std::size_t, 2> order, error_code edge,
  // error_code guard, std::size_t), read with saw_datagram().
  template <class Socket, class Handler>
  void async_wait(Socket& socket, Handler&& handler)
  {
    namespace experimental = boost::asio::experimental;
    experimental::make_parallel_group(
        edges_.async_wait(boost::asio::posix::descriptor_base::wait_read, boost::asio::deferred),
        socket.async_receive(boost::asio::mutable_buffer(), boost::asio::socket_base::message_peek,
            boost::asio::deferred))
        .async_wait(experimental::wait_for_one(), std::forward<Handler>(handler));
  }

  // What a completion of async_wait means. True: the guard found a datagram
  // queued (settle(), then wait with async_wait). False, with `ec`: success
  // when the edge came first (try again), else the error the send ends with
  // (the socket's cancel() or close(), or the pending error the peek took).
  static bool saw_datagram(const std::array<std::size_t, 2>& order, const boost::system::error_code& edge_ec,
      boost::system::error_code guard_ec, boost::system::error_code& ec) noexcept
  {
    if (guard_ec == boost::asio::error::interrupted) // io_uring's cancelled receive
      guard_ec = boost::asio::error::operation_aborted;
    ec = {};
    if (order[0] == 0)
    {
      if (edge_ec)
        ec = edge_ec;
      else if (guard_ec && guard_ec != boost::asio::error::operation_aborted)
        ec = guard_ec; // the peek took the pending error too: the send's result
      return false;
    }
    if (guard_ec)
    {
      ec = guard_ec;
      return false;
    }
    return true;
  }

  // After the guard found a datagram: if the socket's error queue holds
  // entries while the datagram is still unread ("both"), moves them into
  // `store` (when it is full, reads and drops them, counted). Reading the
  // last entry clears the socket's pending error; the peek just showed
  // there was none.
  static void settle(int fd, core::error_store& store) noexcept
  {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) != 1 || (p.revents & POLLIN) == 0 || (p.revents & POLLERR) == 0)
      return;
    for (;;)
    {
      msghdr m;
      iovec v;
      core::error_store::entry* e = store.reserve();
      if (e)
        e->prepare(m, v);
      else
        m = msghdr(); // read and dropped
      const ssize_t n = ::recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
      if (n < 0)
        return; // the queue is empty (or the socket is gone)
      if (!e)
      {
        store.drop();
        continue;
      }
      e->assign(m, static_cast<std::size_t>(n));
      store.commit();
    }
  }

private:
  boost::asio::posix::basic_stream_descriptor<Executor> edges_;
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_LINUX_SEND_WAIT_HPP
