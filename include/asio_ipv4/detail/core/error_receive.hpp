//
// asio_ipv4/detail/core/error_receive.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_ERROR_RECEIVE_HPP
#define ASIO_IPV4_DETAIL_CORE_ERROR_RECEIVE_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/core/error_store.hpp>
#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/core/receive.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// One entry of the socket's error queue (IP_RECVERR): async_receive_error
// and receive_error. The socket's error store first (error_store.hpp), then
// recvmsg(MSG_ERRQUEUE), where the name is the offending datagram's
// destination. When the queue is empty the operation waits for the socket's
// error condition (wait_error). A wakeup that finds the queue empty (a
// socket without receive_errors whose pending error, SO_ERROR, raises the
// condition, or an entry someone else read first) takes the pending error:
// if there is one and the socket does not report its errors through the
// queue (receive_errors), the operation completes with it (no entry; with
// receive_errors a pending error is the copy of an entry, not news); if the
// socket is shut down both ways, with shut_down (it cannot wait for an
// error any more); otherwise it waits again. So it never spins. A platform
// without an error queue fails before any call with operation_not_supported.
template <class MutableBuffers, class Endpoint>
class error_receive_core
{
public:
  static constexpr boost::asio::socket_base::wait_type wait_for = boost::asio::socket_base::wait_error;

  template <std::size_t Capacity>
  using frame_type = frame<1, max_iov, 1, receive_control_space>;

  // `store` may be null (none yet). `control` is cleared now.
  error_receive_core(const MutableBuffers& buffers, Endpoint* destination, control_message& control,
      error_store* store) noexcept
    : in_(buffers, destination, control), store_(store)
  {
  }

  template <class Frame>
  next_action prepare(Frame& f, call& c) noexcept
  {
    if (!os::has_error_queue)
      return finish({boost::asio::error::operation_not_supported, 0});
    if (checking_)
    {
      c = call{call_type::pending_error, 0, false, false};
      return next_action::call;
    }
    if (store_ && !store_->empty())
      return finish(store_->take(in_.buffers(), in_.sender(), in_.control()));
    if (in_.prepare(f, c) == next_action::done)
      return finish(in_.result());
    c.error_queue = true;
    return next_action::call;
  }

  template <class Frame>
  next_action complete(Frame& f, const call& c, const boost::system::error_code& ec, std::size_t n) noexcept
  {
    if (c.type == call_type::pending_error)
    {
      checking_ = false;
      return ec ? finish({ec, 0}) : next_action::wait;
    }
    const next_action next = in_.complete(f, c, ec, n);
    if (next == next_action::done)
      return finish(in_.result());
    // Woken, yet nothing queued: what raised the error condition?
    if (waited_)
    {
      checking_ = true;
      return next_action::call;
    }
    waited_ = true;
    return next_action::wait;
  }

  outcome result() const noexcept { return result_; }
  outcome stop(const boost::system::error_code& why) noexcept { return finish({why, 0}), result_; }
  bool started() const noexcept { return false; }

private:
  next_action finish(const outcome& o) noexcept
  {
    result_ = o;
    return next_action::done;
  }

  receive_core<MutableBuffers, Endpoint> in_;
  error_store* store_;
  bool waited_ = false;   // a wait came before the next call
  bool checking_ = false; // the next call takes the pending error
  outcome result_;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_ERROR_RECEIVE_HPP
