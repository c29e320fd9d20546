//
// asio_ipv4/detail/core/receive.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_RECEIVE_HPP
#define ASIO_IPV4_DETAIL_CORE_RECEIVE_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/core/frame.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// One datagram in, with its control messages and its sender (recvmsg):
// async_receive_from, async_receive and their blocking forms. The protocol
// is frame.hpp's. A receive takes a whole datagram or nothing, so it never
// has progress to report and every cancellation type stays safe.
template <class MutableBuffers, class Endpoint>
class receive_core
{
public:
  static constexpr boost::asio::socket_base::wait_type wait_for = boost::asio::socket_base::wait_read;

  template <std::size_t Capacity>
  using frame_type = frame<1, max_iov, 1, receive_control_space>;

  // `sender` may be null (a connected socket's receive). `control` is
  // cleared now: afterwards a field is set exactly when the kernel reported
  // it.
  receive_core(const MutableBuffers& buffers, Endpoint* sender, control_message& control) noexcept
    : buffers_(buffers), sender_(sender), control_(&control)
  {
    control.clear();
  }

  template <class Frame>
  next_action prepare(Frame& f, call& c) noexcept
  {
    const std::size_t n = to_iovec(buffers_, f.iov, max_iov, result_.ec);
    if (result_.ec)
      return next_action::done;
    fill_msghdr(f.messages[0].msg_hdr, f.iov, n, sender_ ? sender_->data() : nullptr,
        sender_ ? sender_->capacity() : 0, f.control[0].bytes, sizeof(f.control[0].bytes));
    c = call{call_type::receive, 1, false, false};
    return next_action::call;
  }

  template <class Frame>
  next_action complete(Frame& f, const call&, const boost::system::error_code& ec, std::size_t n) noexcept
  {
    if (ec == boost::asio::error::would_block)
      return next_action::wait;
    if (ec)
      return finish(ec, 0);
    const msghdr& m = f.messages[0].msg_hdr;
    if (sender_)
      sender_->resize(static_cast<std::size_t>(m.msg_namelen));
    return finish(finish_receive(m, *control_), n);
  }

  outcome result() const noexcept { return result_; }
  outcome stop(const boost::system::error_code& why) noexcept { return finish(why, 0), result_; }
  bool started() const noexcept { return false; }

  // What the operation receives into.
  const MutableBuffers& buffers() const noexcept { return buffers_; }
  Endpoint* sender() const noexcept { return sender_; }
  control_message& control() const noexcept { return *control_; }

private:
  next_action finish(const boost::system::error_code& ec, std::size_t n) noexcept
  {
    result_.ec = ec;
    result_.n = n;
    return next_action::done;
  }

  MutableBuffers buffers_;
  Endpoint* sender_;
  control_message* control_;
  outcome result_;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_RECEIVE_HPP
