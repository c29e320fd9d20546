//
// asio_ipv4/detail/core/send_batch.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_SEND_BATCH_HPP
#define ASIO_IPV4_DETAIL_CORE_SEND_BATCH_HPP

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/core/gso.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// Sends the messages of a batch: sendmmsg (or its loop), as many per call
// as the frame holds. Stops at the first message the kernel did not take:
// the operation waits for room only while nothing was sent; afterwards a
// full socket buffer ends it with success and the count so far (the caller
// resends the rest), and any other error ends it with that error, stored in
// the message it stopped at. A message with a GSO segment size goes out on
// its own (datagram_send, which may cut it in user space) and is always
// finished before the batch completes (its progress survives waits), so
// nothing is sent twice.
template <class Message>
class send_batch_core
{
public:
  static constexpr boost::asio::socket_base::wait_type wait_for = boost::asio::socket_base::wait_write;

  // iov[0, Capacity) for the messages of a call, or iov[0] for a message
  // alone and the rest for its slices.
  template <std::size_t Capacity>
  using frame_type = frame<Capacity, 2 * Capacity, Capacity, send_control_space>;

  send_batch_core(Message* messages, std::size_t count, gso_state& gso) noexcept
    : messages_(messages), count_(count), gso_(&gso)
  {
    for (std::size_t i = 0; i < count; ++i)
    {
      messages[i].bytes = 0;
      messages[i].error = {};
    }
  }

  template <class Frame>
  next_action prepare(Frame& f, call& c) noexcept
  {
    if (done_ == count_)
      return finish({});
    boost::system::error_code ec;
    Message& first = messages_[done_];
    if (alone_ || segmented(first))
    {
      // A message with a segment size, on its own.
      alone_ = true;
      f.iov[0] = to_iovec(first.buffer);
      if (out_.prepare(f.messages, Frame::message_capacity, f.iov, 1, f.iov + 1, Frame::iov_capacity - 1,
              name_of(first.endpoint), first.endpoint.size(), first.control, *gso_, f.control[0], c, ec))
        return next_action::call;
      return fail(ec);
    }
    std::size_t n = smaller(count_ - done_, Frame::message_capacity);
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& m = messages_[done_ + i];
      if (i != 0 && segmented(m))
      {
        n = i; // sent on its own, after what comes before it
        break;
      }
      const std::size_t control_size = encode_for_send(m.control, false, f.control[i], ec);
      if (ec)
      {
        // Send what comes before the bad message; report it when it is first.
        if (i == 0)
          return fail(ec);
        n = i;
        break;
      }
      f.iov[i] = to_iovec(m.buffer);
      fill_msghdr(f.messages[i].msg_hdr, &f.iov[i], 1, name_of(m.endpoint), m.endpoint.size(), f.control[i].bytes,
          control_size);
      f.messages[i].msg_len = 0;
    }
    c = call{call_type::send_many, static_cast<unsigned>(n), false, false};
    return next_action::call;
  }

  template <class Frame>
  next_action complete(Frame& f, const call& c, boost::system::error_code ec, std::size_t n) noexcept
  {
    if (alone_)
    {
      Message& m = messages_[done_];
      const next_action next = out_.complete(f.messages, c, ec, n, m.control, *gso_);
      m.bytes = out_.sent();
      if (next == next_action::wait)
        // Nothing sent yet, or a message being cut: wait. Otherwise partial:
        // the caller resends the rest.
        return done_ == 0 || out_.splitting() ? next_action::wait : finish({});
      if (next == next_action::call)
        return next;
      if (ec)
        return fail(ec);
      ++done_;
      alone_ = false;
      out_.reset();
      return next_action::call;
    }
    if (ec == boost::asio::error::would_block)
      return done_ == 0 ? next_action::wait : finish({}); // partial: the caller resends the rest
    if (ec)
      return fail(ec);
    if (n == 0)
      return finish({});
    for (std::size_t i = 0; i < n; ++i)
      messages_[done_ + i].bytes = static_cast<std::size_t>(f.messages[i].msg_len);
    done_ += n;
    // A short count without an error: ask again, which either sends more or
    // reports the error that stopped the kernel.
    return next_action::call;
  }

  outcome result() const noexcept { return result_; }
  outcome stop(const boost::system::error_code& why) noexcept { return finish(why), result_; }

  // True once any message, or any datagram of a message cut in user space,
  // went out.
  bool started() const noexcept { return done_ != 0 || out_.started(); }

private:
  // A message GSO cuts into several datagrams.
  static bool segmented(const Message& m) noexcept
  {
    return m.control.segment_size && *m.control.segment_size != 0 && m.buffer.size() > *m.control.segment_size;
  }

  // The batch stops at messages_[done_] with `ec`, which that message keeps.
  next_action fail(const boost::system::error_code& ec) noexcept
  {
    messages_[done_].error = ec;
    return finish(ec);
  }

  next_action finish(const boost::system::error_code& ec) noexcept
  {
    result_.ec = ec;
    result_.n = done_;
    return next_action::done;
  }

  Message* messages_;
  std::size_t count_;
  gso_state* gso_;
  std::size_t done_ = 0;
  bool alone_ = false; // messages_[done_] goes out on its own
  datagram_send out_;
  outcome result_;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_SEND_BATCH_HPP
