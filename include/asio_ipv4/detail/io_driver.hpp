//
// asio_ipv4/detail/io_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_IO_DRIVER_HPP
#define ASIO_IPV4_DETAIL_IO_DRIVER_HPP

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <utility>

namespace asio_ipv4 {
namespace detail {

// Every cmsg_socket operation is an "attempt": an object with
//   static constexpr boost::asio::socket_base::wait_type wait;
//   std::size_t perform(int fd, boost::system::error_code& ec);
// perform() builds its msghdr and control buffers on its own stack, makes one
// non-blocking system call (through checked_syscall) and decodes the result.
// ec == would_block means "not ready": the drivers below wait for `wait`
// readiness and call perform() again. The count returned with would_block is
// the progress so far (non-zero only while a GSO send is split in user
// space), reported if the wait fails. Nothing else differs between receive,
// send, batch and error-queue operations.

// Blocking driver.
template <class Socket, class Attempt>
std::size_t run_blocking(Socket& socket, Attempt& attempt, boost::system::error_code& ec)
{
  for (;;)
  {
    std::size_t n = attempt.perform(socket.native_handle(), ec);
    if (ec != boost::asio::error::would_block)
      return n;
    socket.wait(Attempt::wait, ec);
    if (ec)
      return n; // what a split send already sent, usually 0
  }
}

// Asynchronous driver, the implementation of an async_compose operation.
//
// The first attempt is made at once: when a datagram is already queued the
// result is posted to the handler's executor instead of waiting (never
// completing inside the initiating function). Otherwise the operation waits
// with async_wait and tries again; a cancellation that arrives before a
// datagram was consumed completes with operation_aborted and leaves the
// datagram queued.
template <class Socket, class Attempt>
class io_op
{
public:
  io_op(Socket& socket, Attempt attempt) : socket_(socket), attempt_(std::move(attempt)) {}

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0)
  {
    switch (state_)
    {
    case state::starting:
      // Nothing is consumed before the system call succeeds, so every
      // cancellation type is safe to honour.
      self.reset_cancellation_state(boost::asio::enable_total_cancellation());
      n_ = attempt_.perform(socket_.native_handle(), ec_);
      if (ec_ == boost::asio::error::would_block)
        return wait(self);
      state_ = state::posted;
      boost::asio::post(socket_.get_executor(), std::move(self));
      return;

    case state::posted:
      return self.complete(ec_, n_);

    case state::waiting:
      if (!ec && self.cancelled() != boost::asio::cancellation_type::none)
        ec = boost::asio::error::operation_aborted;
      if (ec)
        return self.complete(ec, n_); // n_: what a split send already sent
      n_ = attempt_.perform(socket_.native_handle(), ec_);
      if (ec_ == boost::asio::error::would_block)
        return wait(self);
      return self.complete(ec_, n_);
    }
  }

private:
  enum class state : unsigned char { starting, waiting, posted };

  template <class Self>
  void wait(Self& self)
  {
    // Once bytes went out (a GSO send split in user space), only terminal
    // cancellation remains: the operation can stop, but not undo them.
    if (n_ != 0)
      self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
    state_ = state::waiting;
    socket_.async_wait(Attempt::wait, std::move(self));
  }

  Socket& socket_;
  Attempt attempt_;
  std::size_t n_ = 0;
  boost::system::error_code ec_;
  state state_ = state::starting;
};

// Starts an io_op: the one initiation every async operation goes through.
template <class Token, class Socket, class Attempt>
auto async_run(Socket& socket, Attempt attempt, Token&& token)
{
  return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
      io_op<Socket, Attempt>(socket, std::move(attempt)), token, socket);
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_IO_DRIVER_HPP
