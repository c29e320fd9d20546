//
// asio_ipv4/detail/core/gso.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_GSO_HPP
#define ASIO_IPV4_DETAIL_CORE_GSO_HPP

// UDP generic segmentation offload, decided in one place, and one datagram
// out (with or without a segment size), which the send and the send-batch
// cores share: "GSO refused, split the send" and cutting a byte range out of
// a payload exist only here.

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// The socket's GSO state: one per cmsg_socket (in its shared state), read
// and written by its send operations.
class gso_state
{
public:
  // False once a device refused UDP_SEGMENT with EIO on this socket, and
  // always on platforms without GSO.
  bool enabled() const noexcept { return os::has_gso && !disabled_; }

  // Back to the state of a new socket.
  void reset() noexcept { disabled_ = false; }

  // True when a send of `payload` bytes asking for `control.segment_size`
  // must be cut in user space: GSO is off, or the kernel refused this send
  // already (`refused`). A payload that fits one segment needs no cutting.
  bool must_split(const control_message& control, std::size_t payload, bool refused) const noexcept
  {
    return control.segment_size && *control.segment_size != 0 && payload > *control.segment_size
        && (refused || !enabled());
  }

  // Whether the encoded control messages carry the segment size: not when
  // the datagrams are cut in user space, nor where there is no GSO at all.
  static bool encodes_segment(const control_message& control, bool split) noexcept
  {
    return control.segment_size && !split && os::has_gso;
  }

  // After a send with a segment size failed with `ec`: true when the same
  // bytes should go out cut in user space. EIO (Linux: the device cannot
  // offload the checksum) turns GSO off for the socket; invalid_argument
  // (EINVAL on Linux, WSAEINVAL from Windows' USO: this send's segment count
  // or size) only for this send.
  bool refused(const control_message& control, std::size_t payload, const boost::system::error_code& ec) noexcept
  {
    const bool device = ec.category() == boost::system::system_category() && ec.value() == EIO;
    if (!control.segment_size || payload <= *control.segment_size
        || (!device && ec != boost::asio::error::invalid_argument))
      return false;
    if (device)
      disabled_ = true;
    return true;
  }

private:
  bool disabled_ = false;
};

// Encodes `control` for a send into `out`; without its segment size when the
// datagrams are cut in user space (`split`) or the platform has no GSO.
template <std::size_t N>
std::size_t encode_for_send(const control_message& control, bool split, control_buffer<N>& out,
    boost::system::error_code& ec) noexcept
{
  if (!control.segment_size || gso_state::encodes_segment(control, split))
    return encode_control(control, out.bytes, N, ec);
  control_message without = control;
  without.segment_size.reset();
  return encode_control(without, out.bytes, N, ec);
}

// Cutting a payload into datagrams in user space: headers for the datagrams
// of `segment` bytes from byte `offset` of the payload iov[0, iov_count)
// (`total` bytes), at most `max_messages` of them, each a copy of `base`
// (name, control) whose iovecs are a slice of `pool` (room for `pool_size`;
// a datagram that does not fit the rest of the pool waits for the next
// call). Returns how many headers were filled; their msg_len is 0.
// (src/segmented_send.cpp)
std::size_t cut_segments(const msghdr& base, const iovec* iov, std::size_t iov_count, std::size_t total,
    std::size_t segment, std::size_t offset, os::multi_message* out, std::size_t max_messages, iovec* pool,
    std::size_t pool_size) noexcept;

// The segment headers a user-space split needs in a frame of `messages`
// messages: room for a full call, and never less than one datagram spread
// over max_iov buffers.
constexpr std::size_t split_pool_size(std::size_t messages) noexcept
{
  return 4 * messages > max_iov ? 4 * messages : max_iov;
}

// One datagram out with its control messages (sendmsg); with a segment size
// GSO must not do (gso_state decides), the same bytes as separate datagrams
// (sendmmsg of the slices cut_segments makes), which can take several calls
// and waits. Used by send_core for its buffers and by send_batch_core for a
// message with a segment size.
class datagram_send
{
public:
  // Prepares the next call for the payload `iov`[0, iov_count) (already in
  // the frame), its `name` and `control`, using `control_buffer` for the
  // encoded control messages and `pool` for the slices of a split. False
  // when the control messages cannot be encoded (`ec` says why).
  template <std::size_t N>
  bool prepare(os::multi_message* messages, std::size_t capacity, iovec* iov, std::size_t iov_count, iovec* pool,
      std::size_t pool_size, const void* name, std::size_t name_size, const control_message& control,
      const gso_state& gso, control_buffer<N>& control_bytes, call& c, boost::system::error_code& ec) noexcept
  {
    if (control.segment_size)
      payload_ = total_size(iov, iov_count);
    split_ = gso.must_split(control, payload_, split_);
    const std::size_t control_size = encode_for_send(control, split_, control_bytes, ec);
    if (ec)
      return false;
    if (!split_)
    {
      fill_msghdr(messages[0].msg_hdr, iov, iov_count, name, name_size, control_bytes.bytes, control_size);
      c = call{call_type::send, 1, false, false};
      return true;
    }
    msghdr base;
    fill_msghdr(base, nullptr, 0, name, name_size, control_bytes.bytes, control_size);
    c = call{call_type::send_many,
        static_cast<unsigned>(cut_segments(
            base, iov, iov_count, payload_, *control.segment_size, offset_, messages, capacity, pool, pool_size)),
        false, false};
    return true;
  }

  // After the call: done (ec and sent() are the datagram's), call (prepare
  // again: more datagrams of a split, or the same bytes cut after GSO was
  // refused) or wait (no room; a split keeps what it sent).
  next_action complete(const os::multi_message* messages, const call& c, boost::system::error_code& ec,
      std::size_t n, const control_message& control, gso_state& gso) noexcept
  {
    if (ec == boost::asio::error::would_block)
      return next_action::wait;
    if (c.type == call_type::send)
    {
      if (!ec)
      {
        bytes_ = n;
        return next_action::done;
      }
      if (!gso.refused(control, payload_, ec))
        return next_action::done;
      split_ = true; // and send the same bytes again, cut
      ec = {};
      return next_action::call;
    }
    if (ec)
      return next_action::done;
    for (std::size_t i = 0; i < n; ++i)
      offset_ += messages[i].msg_len;
    // A short count without an error: ask again, which either sends more or
    // reports the error that stopped the kernel.
    return offset_ < payload_ ? next_action::call : next_action::done;
  }

  // The bytes that went out.
  std::size_t sent() const noexcept { return split_ ? offset_ : bytes_; }

  // True once datagrams of a split went out: they cannot be taken back.
  bool started() const noexcept { return offset_ != 0; }

  // True while the datagram is being cut in user space.
  bool splitting() const noexcept { return split_; }

  // Ready for another datagram.
  void reset() noexcept { *this = datagram_send(); }

private:
  std::size_t payload_ = 0; // bytes of a payload with a segment size
  std::size_t bytes_ = 0;   // sent by one sendmsg
  std::size_t offset_ = 0;  // sent so far by a split
  bool split_ = false;      // cut in user space
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_GSO_HPP
