//
// asio_ipv4/detail/io_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_IO_DRIVER_HPP
#define ASIO_IPV4_DETAIL_IO_DRIVER_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace asio_ipv4 {
namespace detail {

// Every cmsg_socket operation is an "attempt": an object with
//   static constexpr boost::asio::socket_base::wait_type wait;
//   std::size_t perform(int fd, boost::system::error_code& ec);
//   std::size_t progress() const noexcept;
//   bool started() const noexcept;
// perform() builds its msghdr and control buffers on its own stack, makes one
// non-blocking system call (through checked_syscall) and decodes the result.
// ec == would_block means "not ready": the drivers below wait for `wait`
// readiness and call perform() again. progress() is what the attempt already
// did (the bytes of a GSO send cut in user space, the messages of a batch),
// reported if the operation ends while waiting. started() says whether
// anything irreversible happened (datagrams of a split send went out, even
// while a batch's count is still 0): from then on only terminal cancellation
// is honoured. Nothing else differs between receive, send, batch and
// error-queue operations.

// A readiness wait can report a socket ready while the attempt still finds
// nothing: poll(2) and Asio's waits (which re-arm epoll) report POLLERR for as
// long as the socket's error queue holds an entry (IP_RECVERR) or an error is
// pending, so a receive on a socket with an unread error-queue entry would
// wake, find no datagram, wait and wake again at once: a busy loop until a
// datagram arrives. After such a spurious wakeup the drivers wait for the
// next change instead of the current state (os::readiness_waiter: on Linux an
// edge-triggered epoll instance of its own, detail/linux/edge_waiter.hpp).

// Blocking driver.
template <class Socket, class Attempt>
std::size_t run_blocking(Socket& socket, Attempt& attempt, boost::system::error_code& ec)
{
  std::size_t n = attempt.perform(socket.native_handle(), ec);
  if (ec != boost::asio::error::would_block)
    return n; // the common case under load: no waiting state at all
  socket.wait(Attempt::wait, ec);
  if (ec)
    return attempt.progress(); // what a split send already sent, usually 0
  os::readiness_waiter after_spurious_wakeup;
  for (;;)
  {
    n = attempt.perform(socket.native_handle(), ec);
    if (ec != boost::asio::error::would_block)
      return n;
    if (socket.non_blocking())
      return attempt.progress(); // a non-blocking socket reports would_block, never waits
    after_spurious_wakeup.wait(socket.native_handle(), Attempt::wait, ec);
    if (ec)
      return attempt.progress();
  }
}

// Asynchronous driver.
//
// The first attempt is made in the initiating function: when a datagram is
// already queued (or a send has room) the result is posted to the handler's
// executor, never invoked inside the initiating function, and no composed
// operation is built at all: that is the common case under load, and it costs
// one post. Otherwise io_op, an async_compose operation, waits for readiness
// and tries again; a cancellation that arrives before a datagram was
// consumed completes with operation_aborted and leaves the datagram queued.
// After a spurious wakeup (see above) a receive waits with a zero-byte
// MSG_PEEK receive instead: Asio keeps such an operation queued until the
// socket's state changes, where async_wait would re-arm and complete at
// once. The peek consumes no datagram; a pending socket error completes it,
// as it would complete the receive itself. A send cannot peek for room: where
// the platform has one (os::has_edge_wait), it waits for the socket's next
// write edge with os::async_edge_waiter, so the io_context's own reactor
// (epoll or io_uring) waits; see wait_for_edge. Elsewhere it waits with
// async_wait again.

// What an asynchronous send waiting for edges owns: the edge waiter and a
// timer. Allocated once per operation that meets a spurious wakeup, so that
// the operation can move while they are in use.
template <class Executor>
struct edge_wait_state
{
  explicit edge_wait_state(const Executor& ex) : edges(ex), pause(ex) {}

  os::async_edge_waiter<Executor> edges;
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
      boost::asio::wait_traits<std::chrono::steady_clock>, Executor>
      pause;
};

template <class Socket, class Attempt>
class io_op
{
public:
  io_op(Socket& socket, Attempt attempt) : socket_(socket), attempt_(std::move(attempt)) {}

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0)
  {
    if (!waiting_)
    {
      // Nothing was consumed, so every cancellation type is safe to honour.
      waiting_ = true;
      self.reset_cancellation_state(boost::asio::enable_total_cancellation());
      return wait(self);
    }
    // Asio's io_uring backend completes a cancelled receive (the peek
    // below) with EINTR, where its reactors say operation_aborted.
    if (ec == boost::asio::error::interrupted && spurious_)
      ec = boost::asio::error::operation_aborted;
    if (!ec && self.cancelled() != boost::asio::cancellation_type::none)
      ec = boost::asio::error::operation_aborted;
    if (ec)
      return self.complete(ec, attempt_.progress()); // what a split send already sent
    try_again(self);
  }

  // The edge wait paired with the peek (see wait_for_edge) completed.
  template <class Self>
  void operator()(Self& self, std::array<std::size_t, 2> order, boost::system::error_code edge_ec,
      boost::system::error_code peek_ec, std::size_t)
  {
    peek_saw_datagram_ = false;
    if (peek_ec == boost::asio::error::interrupted) // io_uring's cancelled receive
      peek_ec = boost::asio::error::operation_aborted;
    if (self.cancelled() != boost::asio::cancellation_type::none)
      return self.complete(boost::asio::error::operation_aborted, attempt_.progress());
    if (order[0] == 1)
    {
      if (peek_ec) // the socket's cancel() or close(), or its pending error
        return self.complete(peek_ec, attempt_.progress());
      peek_saw_datagram_ = true;
    }
    else if (edge_ec)
      return self.complete(edge_ec, attempt_.progress());
    else if (peek_ec && peek_ec != boost::asio::error::operation_aborted)
      return self.complete(peek_ec, attempt_.progress()); // the peek took the pending error: the send's result
    try_again(self);
  }

  // The edge wait paired with the pause completed.
  template <class Self>
  void operator()(Self& self, std::array<std::size_t, 2> order, boost::system::error_code edge_ec,
      boost::system::error_code)
  {
    peek_saw_datagram_ = false;
    // close() during the pause: no operation on the socket saw it.
    if (self.cancelled() != boost::asio::cancellation_type::none || !socket_.is_open())
      return self.complete(boost::asio::error::operation_aborted, attempt_.progress());
    if (order[0] == 0 && edge_ec)
      return self.complete(edge_ec, attempt_.progress());
    try_again(self);
  }

private:
  template <class Self>
  void try_again(Self& self)
  {
    if constexpr (os::has_edge_wait)
    {
      if (edge_wait_)
        edge_wait_->edges.drain(); // before the attempt: no edge after it is lost
    }
    boost::system::error_code result;
    const std::size_t n = attempt_.perform(socket_.native_handle(), result);
    if (result == boost::asio::error::would_block)
    {
      spurious_ = true;
      return wait(self);
    }
    self.complete(result, n);
  }

  template <class Self>
  void wait(Self& self)
  {
    // Once bytes went out (a GSO send split in user space), only terminal
    // cancellation remains: the operation can stop, but not undo them.
    if (attempt_.started())
      self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
    if constexpr (Attempt::wait == boost::asio::socket_base::wait_read)
    {
      if (spurious_)
        return socket_.async_receive(
            boost::asio::mutable_buffer(), boost::asio::socket_base::message_peek, std::move(self));
    }
    if constexpr (Attempt::wait == boost::asio::socket_base::wait_write && os::has_edge_wait)
    {
      if (spurious_ && wait_for_edge(self))
        return;
    }
    socket_.async_wait(Attempt::wait, std::move(self));
  }

  // A send woken without room waits for the socket's next write edge. A wait
  // on another descriptor does not see the socket's cancel() or close(), so a
  // zero-byte MSG_PEEK receive waits on the socket beside it: it consumes
  // nothing, completes on cancel() and close() (and with a pending socket
  // error, which the send would have reported itself), and Asio keeps it
  // queued until the socket's state changes. The first of the two to complete
  // cancels the other (parallel_group). A peek that finds a datagram queued
  // which no receive takes would complete at once again, so the next wait
  // pairs the edge wait with a short pause instead. False when no edge
  // waiter could be made: the caller waits as before.
  template <class Self>
  bool wait_for_edge(Self& self)
  {
    namespace experimental = boost::asio::experimental;
    if (!edge_wait_)
    {
      auto state = std::make_unique<edge_wait_state<executor_type>>(socket_.get_executor());
      boost::system::error_code ec;
      state->edges.open(socket_.native_handle(), boost::asio::socket_base::wait_write, ec);
      if (ec)
        return false;
      edge_wait_ = std::move(state);
    }
    edge_wait_state<executor_type>& state = *edge_wait_;
    auto edge = state.edges.async_wait(boost::asio::deferred);
    if (peek_saw_datagram_)
    {
      state.pause.expires_after(std::chrono::milliseconds(10));
      experimental::make_parallel_group(std::move(edge), state.pause.async_wait(boost::asio::deferred))
          .async_wait(experimental::wait_for_one(), std::move(self));
    }
    else
    {
      experimental::make_parallel_group(std::move(edge),
          socket_.async_receive(
              boost::asio::mutable_buffer(), boost::asio::socket_base::message_peek, boost::asio::deferred))
          .async_wait(experimental::wait_for_one(), std::move(self));
    }
    return true;
  }

  using executor_type = typename Socket::executor_type;
  // Only where the platform has an edge wait.
  using edge_wait_ptr = std::conditional_t<os::has_edge_wait,
      std::unique_ptr<edge_wait_state<executor_type>>, std::nullptr_t>;

  Socket& socket_;
  Attempt attempt_;
  bool waiting_ = false;           // the first wait was started
  bool spurious_ = false;          // a wakeup found the socket not ready
  bool peek_saw_datagram_ = false; // the last peek beside an edge wait found a datagram
  edge_wait_ptr edge_wait_{};
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

// The initiation every async operation goes through.
template <class Socket>
class initiate_io
{
public:
  using executor_type = typename Socket::executor_type;

  explicit initiate_io(Socket& socket) noexcept : socket_(&socket) {}

  executor_type get_executor() const noexcept { return socket_->get_executor(); }

  template <class Handler, class Attempt>
  void operator()(Handler&& handler, Attempt attempt) const
  {
    boost::system::error_code ec;
    std::size_t n = attempt.perform(socket_->native_handle(), ec);
    if (ec != boost::asio::error::would_block)
      return post_result(socket_->get_executor(), boost::asio::append(std::forward<Handler>(handler), ec, n));
    boost::asio::async_compose<Handler, void(boost::system::error_code, std::size_t)>(
        io_op<Socket, Attempt>(*socket_, std::move(attempt)), handler, *socket_);
  }

private:
  Socket* socket_;
};

// The readiness driver above is the asynchronous driver of the platforms
// whose file says os::io_model = readiness_model.
template <class Socket>
struct async_initiation<readiness_model, Socket>
{
  using type = initiate_io<Socket>;
};

// Starts an asynchronous operation with the platform's driver: the readiness
// driver above, or the one os::io_model names (detail/io_model.hpp).
template <class Token, class Socket, class Attempt>
auto async_run(Socket& socket, Attempt attempt, Token&& token)
{
  using initiation = typename async_initiation<os::io_model, Socket>::type;
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      initiation(socket), token, std::move(attempt));
}

} // namespace detail
} // namespace asio_ipv4

// A platform's own asynchronous driver, when os::io_model names another.
#include <asio_ipv4/detail/platform_driver.hpp>

#endif // ASIO_IPV4_DETAIL_IO_DRIVER_HPP
