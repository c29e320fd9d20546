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
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <cstddef>
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
// as it would complete the receive itself.
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
    boost::system::error_code result;
    const std::size_t n = attempt_.perform(socket_.native_handle(), result);
    if (result == boost::asio::error::would_block)
    {
      spurious_ = true;
      return wait(self);
    }
    self.complete(result, n);
  }

private:
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
    socket_.async_wait(Attempt::wait, std::move(self));
  }

  Socket& socket_;
  Attempt attempt_;
  bool waiting_ = false;  // the first wait was started
  bool spurious_ = false; // a wakeup found the socket not ready
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
