//
// asio_ipv4/detail/readiness_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_READINESS_DRIVER_HPP
#define ASIO_IPV4_DETAIL_READINESS_DRIVER_HPP

// The asynchronous driver of the platforms whose os::io_model is
// readiness_model (Linux on epoll or io_uring, the BSDs on kqueue): runs a
// core (detail/core/) with non-blocking system calls, and waits for
// readiness with the socket's own Asio operations in between.
//
// The fast path. The first steps are made in the initiating function: when a
// datagram is already queued (or a send has room) the result is posted to
// the handler's executor, never invoked inside the initiating function, and
// no composed operation is built at all: the common case under load costs
// one post.
//
// Otherwise readiness_op, an async_compose operation, holds the core and an
// operation_anchor (detail/socket_state.hpp: the shared state, the handle by
// value, the epoch, the socket's identity) and waits. Every wait is an Asio
// operation on the socket carrying the operation's cancellation slot, so
// per-operation cancellation, cancel() and close() on the socket, and the
// destruction of the cmsg_socket (which closes it) reach it; after every
// wait the operation checks self.cancelled() (a cancellation that came
// after the wait completed) and the anchor's liveness before it makes
// another call, so it never acts on a socket that is gone or was replaced.
//
// The waits, which never poll (doc/reliability.md):
// - the first wait, and every wait after a wakeup that moved data:
//   async_wait for the core's wait_for;
// - receives woken without a datagram (on Linux an unread error-queue entry
//   keeps the socket's error condition raised, which every re-armed wait
//   reports at once): a zero-byte MSG_PEEK async_receive, which Asio keeps
//   queued until a datagram is there (or a pending socket error, which the
//   receive then reports), and which consumes nothing;
// - sends woken without room: on Linux os::send_wait (detail/linux/
//   send_wait.hpp: the socket's next write edge, beside the zero-byte peek
//   as a guard that sees cancel() and close(); a guard that finds a datagram
//   queued moves the error queue into the socket's error store, and the send
//   waits with async_wait again, which no longer wakes at once); elsewhere
//   async_wait again (no error queue keeps a BSD socket's condition raised);
// - the error-queue receive waits with async_wait(wait_error); its core
//   takes the pending error when woken for nothing (core/error_receive.hpp).
// No timer, no cancellation of its own in steady state.

#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/perform_call.hpp>
#include <asio_ipv4/detail/platform.hpp>
#include <asio_ipv4/detail/socket_state.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

// io_uring on Boost 1.81: its backend prepares cancel requests without
// setting their user_data, so a cancellation can complete an unrelated
// operation (fixed in Asio 1.27 / Boost 1.82; doc/reliability.md). The
// library cancels nothing of its own in steady state, but any cancellation
// an application makes meets the defect.
#if defined(BOOST_ASIO_HAS_IO_URING) && !defined(BOOST_ASIO_DISABLE_IO_URING) \
    && !defined(ASIO_IPV4_NO_IO_URING_WARNING)
# include <boost/version.hpp>
# if BOOST_VERSION < 108200
#  warning "asio_ipv4: Boost 1.81's io_uring backend sends its cancel requests with a stale user_data (fixed in Boost 1.82): a cancellation can complete the wrong operation. See asio_ipv4's doc/reliability.md; define ASIO_IPV4_NO_IO_URING_WARNING to silence this."
# endif
#endif

namespace asio_ipv4 {
namespace detail {

template <class Socket, class Core>
class readiness_op
{
public:
  readiness_op(operation_anchor<Socket>&& anchor, Core&& core) : anchor_(std::move(anchor)), core_(std::move(core))
  {
  }

  // First: the initiation's steps found the socket not ready, so wait.
  // Then: a wait (async_wait, or the receive's peek) completed.
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0)
  {
    if (!waiting_)
    {
      waiting_ = true;
      anchor_.identity = os::socket_identity(anchor_.handle);
      // Nothing was consumed, so every cancellation type is safe to honour.
      self.reset_cancellation_state(boost::asio::enable_total_cancellation());
      return wait(self, false);
    }
    // Asio's io_uring backend completes a cancelled receive (the peek) with
    // EINTR, where its reactors say operation_aborted.
    if (ec == boost::asio::error::interrupted && peeking_)
      ec = boost::asio::error::operation_aborted;
    resume(self, ec, false);
  }

  // The Linux send wait (the edge beside the guard) completed.
  template <class Self>
  void operator()(Self& self, std::array<std::size_t, 2> order, boost::system::error_code edge_ec,
      boost::system::error_code guard_ec, std::size_t)
  {
    boost::system::error_code ec;
    const bool datagram = send_wait_type::saw_datagram(order, edge_ec, guard_ec, ec);
    resume(self, ec, datagram);
  }

private:
  using executor_type = typename Socket::executor_type;
  using send_wait_type = os::send_wait<executor_type>;
  // Only where the platform has the send wait.
  using send_wait_ptr = std::conditional_t<os::has_edge_wait, std::unique_ptr<send_wait_type>, std::nullptr_t>;

  template <class Self>
  void resume(Self& self, boost::system::error_code ec, bool datagram_beside)
  {
    if (!ec && self.cancelled() != boost::asio::cancellation_type::none)
      ec = boost::asio::error::operation_aborted;
    // Whatever the wait said, a socket that is gone or was replaced aborted
    // the operation. (Boost 1.81's io_uring backend re-arms a wait that was
    // in flight when its socket was closed, on whatever descriptor has that
    // number next: it completes later with that one's readiness, or with
    // EBADF; doc/reliability.md.)
    if (ec != boost::asio::error::operation_aborted && !anchor_.alive())
      ec = boost::asio::error::operation_aborted;
    if (ec)
      return finish(self, core_.stop(ec));
    if constexpr (os::has_edge_wait)
    {
      if (datagram_beside)
      {
        // A datagram waits unread: the peek cannot guard the next wait.
        // With the error queue moved out of the way (when it holds
        // anything), async_wait stays quiet until room returns.
        socket_state<Socket>& state = *anchor_.state;
        if (state.errors.empty())
          state.errors_owner = anchor_.identity;
        send_wait_type::settle(anchor_.handle, state.errors);
        plain_wait_ = true;
      }
      if (send_wait_)
        send_wait_->forget(); // before the call: no edge after it is lost
    }
    typename Core::template frame_type<core::max_batch_chunk> frame;
    bool moved = false;
    if (run_calls(core_, frame, anchor_.handle, moved) == core::next_action::done)
      return finish(self, core_.result());
    wait(self, !moved);
  }

  template <class Self>
  void wait(Self& self, bool spurious)
  {
    // Once bytes went out (a GSO send cut in user space, a batch's
    // messages), only terminal cancellation remains: the operation can
    // stop, not undo them.
    if (core_.started())
      self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
    Socket& socket = anchor_.socket();
    peeking_ = false;
    const bool plain = std::exchange(plain_wait_, false);
    if (spurious && !plain)
    {
      if constexpr (Core::wait_for == boost::asio::socket_base::wait_read)
      {
        peeking_ = true;
        return socket.async_receive(
            boost::asio::mutable_buffer(), boost::asio::socket_base::message_peek, std::move(self));
      }
      if constexpr (Core::wait_for == boost::asio::socket_base::wait_write && os::has_edge_wait)
      {
        if (wait_for_edge(self, socket))
          return;
      }
    }
    socket.async_wait(Core::wait_for, std::move(self));
  }

  // Starts os::send_wait; false when its epoll instance could not be made
  // (the caller then waits with async_wait).
  template <class Self>
  bool wait_for_edge(Self& self, Socket& socket)
  {
    if (!send_wait_)
    {
      auto w = std::make_unique<send_wait_type>(socket.get_executor());
      boost::system::error_code ec;
      w->open(anchor_.handle, ec);
      if (ec)
        return false;
      send_wait_ = std::move(w);
    }
    send_wait_type& w = *send_wait_; // on the heap: stays put while `self` moves
    w.async_wait(socket, std::move(self));
    return true;
  }

  template <class Self>
  void finish(Self& self, const core::outcome& o)
  {
    self.complete(o.ec, o.n);
  }

  operation_anchor<Socket> anchor_;
  Core core_;
  bool waiting_ = false;    // the first wait was started
  bool peeking_ = false;    // the wait in progress is the receive's peek
  bool plain_wait_ = false; // the next wait after no progress is async_wait anyway
  send_wait_ptr send_wait_{};
};

// Posts a finished result to the handler. Through the concrete io_context
// executor when the socket's type-erased one wraps it: the same semantics
// (the handler's own associated executor still decides where it runs) for a
// fraction of the cost of require/prefer on any_io_executor.
template <class Executor, class Handler>
void post_result(const Executor& io_ex, Handler&& handler)
{
  if constexpr (std::is_same<Executor, boost::asio::any_io_executor>::value)
  {
    if (const auto* ctx_ex = io_ex.template target<boost::asio::io_context::executor_type>())
      return boost::asio::post(*ctx_ex, std::forward<Handler>(handler));
  }
  boost::asio::post(io_ex, std::forward<Handler>(handler));
}

// The initiation every asynchronous operation goes through here.
template <class Socket>
class initiate_readiness
{
public:
  using executor_type = typename Socket::executor_type;

  initiate_readiness(Socket& socket, const std::shared_ptr<socket_state<Socket>>& state) noexcept
    : socket_(&socket), state_(&state)
  {
  }

  executor_type get_executor() const noexcept { return socket_->get_executor(); }

  template <class Handler, class Core>
  void operator()(Handler&& handler, Core core) const
  {
    const auto handle = socket_->native_handle();
    {
      typename Core::template frame_type<core::max_batch_chunk> frame;
      bool moved = false;
      if (run_calls(core, frame, handle, moved) == core::next_action::done)
      {
        const core::outcome o = core.result();
        return post_result(socket_->get_executor(), boost::asio::append(std::forward<Handler>(handler), o.ec, o.n));
      }
    }
    boost::asio::async_compose<Handler, void(boost::system::error_code, std::size_t)>(
        readiness_op<Socket, Core>(operation_anchor<Socket>{*state_, handle, (*state_)->epoch}, std::move(core)),
        handler, *socket_);
  }

private:
  Socket* socket_;
  const std::shared_ptr<socket_state<Socket>>* state_;
};

template <class Socket>
struct async_initiation<readiness_model, Socket>
{
  using type = initiate_readiness<Socket>;
};

// Starts an asynchronous operation with the platform's driver: the readiness
// driver above, or the one os::io_model names (detail/io_model.hpp).
template <class Token, class Socket, class Core>
auto async_run(Socket& socket, const std::shared_ptr<socket_state<Socket>>& state, Core&& c, Token&& token)
{
  using initiation = typename async_initiation<os::io_model, Socket>::type;
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      initiation(socket, state), token, std::forward<Core>(c));
}

} // namespace detail
} // namespace asio_ipv4

// The platform's own pieces of the drivers: Linux's send wait, Windows'
// completion driver.
#include <asio_ipv4/detail/platform_driver.hpp>

#endif // ASIO_IPV4_DETAIL_READINESS_DRIVER_HPP
