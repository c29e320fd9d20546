//
// asio_ipv4/detail/core/receive_batch.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_RECEIVE_BATCH_HPP
#define ASIO_IPV4_DETAIL_CORE_RECEIVE_BATCH_HPP

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/core/frame.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// Many datagrams in: recvmmsg (or its loop) into the slots of a batch, as
// many per call as the frame holds. The operation waits only for the first
// datagram; every later call takes only what is already queued, and the
// batch completes when a call finds the queue empty or the slots are full.
// A later call's error ends the batch with that error and the count so far.
// Slots that got nothing are cleared.
template <class Message>
class receive_batch_core
{
public:
  static constexpr boost::asio::socket_base::wait_type wait_for = boost::asio::socket_base::wait_read;

  template <std::size_t Capacity>
  using frame_type = frame<Capacity, Capacity, Capacity, receive_control_space>;

  receive_batch_core(Message* messages, std::size_t count) noexcept : messages_(messages), count_(count) {}

  template <class Frame>
  next_action prepare(Frame& f, call& c) noexcept
  {
    if (done_ == count_)
      return finish({});
    const std::size_t n = smaller(count_ - done_, Frame::message_capacity);
    Message* slots = messages_ + done_;
    for (std::size_t i = 0; i < n; ++i)
    {
      // Every field afresh for each call (the kernel rewrites the lengths).
      Message& m = slots[i];
      f.iov[i] = to_iovec(m.buffer);
      fill_msghdr(f.messages[i].msg_hdr, &f.iov[i], 1, m.endpoint.data(), m.endpoint.capacity(), f.control[i].bytes,
          sizeof(f.control[i].bytes));
      f.messages[i].msg_len = 0;
    }
    c = call{call_type::receive_many, static_cast<unsigned>(n), false, done_ != 0};
    return next_action::call;
  }

  template <class Frame>
  next_action complete(Frame& f, const call& c, const boost::system::error_code& ec, std::size_t n) noexcept
  {
    if (ec == boost::asio::error::would_block)
      return done_ == 0 ? next_action::wait : finish({}); // later calls: an empty queue is success
    if (ec)
      return finish(ec);
    Message* slots = messages_ + done_;
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& m = slots[i];
      m.endpoint.resize(static_cast<std::size_t>(f.messages[i].msg_hdr.msg_namelen));
      m.bytes = static_cast<std::size_t>(f.messages[i].msg_len);
      m.error = finish_receive(f.messages[i].msg_hdr, m.control); // clears control first
    }
    done_ += n;
    // A full call may have left more queued: take it, without waiting.
    return n == c.count && done_ != count_ ? next_action::call : finish({});
  }

  outcome result() const noexcept { return result_; }

  // Once it holds datagrams, the batch completes with them.
  outcome stop(const boost::system::error_code& why) noexcept
  {
    return finish(done_ != 0 ? boost::system::error_code() : why), result_;
  }

  bool started() const noexcept { return done_ != 0; }

private:
  next_action finish(const boost::system::error_code& ec) noexcept
  {
    clear_slots(messages_, done_, count_);
    result_.ec = ec;
    result_.n = done_;
    return next_action::done;
  }

  Message* messages_;
  std::size_t count_;
  std::size_t done_ = 0;
  outcome result_;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_RECEIVE_BATCH_HPP
