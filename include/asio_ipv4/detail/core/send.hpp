//
// asio_ipv4/detail/core/send.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_SEND_HPP
#define ASIO_IPV4_DETAIL_CORE_SEND_HPP

#include <asio_ipv4/control_message.hpp>
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

// One datagram out, with per-datagram control messages (datagram_send):
// async_send_to, async_send and their blocking forms. With a segment size
// that GSO must not do, the same bytes go out as separate datagrams, which
// may take several calls and waits; the operation then reports the bytes
// that went out if it ends early, and only terminal cancellation can stop
// it once some did.
template <class ConstBuffers, class Endpoint>
class send_core
{
public:
  static constexpr boost::asio::socket_base::wait_type wait_for = boost::asio::socket_base::wait_write;

  // The payload's iovecs first (max_iov), then the pool of a split's slices.
  template <std::size_t Capacity>
  using frame_type = frame<Capacity, max_iov + split_pool_size(Capacity), 1, send_control_space>;

  // `destination` may be null (a connected socket's send).
  send_core(const ConstBuffers& buffers, const Endpoint* destination, const control_message& control,
      gso_state& gso) noexcept
    : buffers_(buffers), destination_(destination), control_(&control), gso_(&gso)
  {
  }

  template <class Frame>
  next_action prepare(Frame& f, call& c) noexcept
  {
    boost::system::error_code ec;
    const std::size_t n = to_iovec(buffers_, f.iov, max_iov, ec);
    if (!ec
        && out_.prepare(f.messages, Frame::message_capacity, f.iov, n, f.iov + max_iov, Frame::iov_capacity - max_iov,
            destination_ ? destination_->data() : nullptr, destination_ ? destination_->size() : 0, *control_,
            *gso_, f.control[0], c, ec))
      return next_action::call;
    return finish(ec);
  }

  template <class Frame>
  next_action complete(Frame& f, const call& c, boost::system::error_code ec, std::size_t n) noexcept
  {
    const next_action next = out_.complete(f.messages, c, ec, n, *control_, *gso_);
    return next == next_action::done ? finish(ec) : next;
  }

  outcome result() const noexcept { return result_; }
  outcome stop(const boost::system::error_code& why) noexcept { return finish(why), result_; }
  bool started() const noexcept { return out_.started(); }

private:
  next_action finish(const boost::system::error_code& ec) noexcept
  {
    result_.ec = ec;
    result_.n = out_.sent();
    return next_action::done;
  }

  ConstBuffers buffers_;
  const Endpoint* destination_;
  const control_message* control_;
  gso_state* gso_;
  datagram_send out_;
  outcome result_;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_SEND_HPP
