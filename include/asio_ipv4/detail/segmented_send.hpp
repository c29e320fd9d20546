//
// asio_ipv4/detail/segmented_send.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP
#define ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/system/error_code.hpp>

#include <cerrno>
#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// UDP generic segmentation offload, decided in one place: the socket's
// state, whether a send is cut into datagrams in user space, and what a
// refused GSO send means. One per cmsg_socket, shared by its operations.
class gso_state
{
public:
  // False once a device refused UDP_SEGMENT with EIO on this socket, and
  // always on platforms without GSO.
  bool enabled() const noexcept { return os::has_gso && !disabled_; }

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
  // bytes should go out cut in user space. EIO (the device cannot offload
  // the checksum) turns GSO off for the socket; EINVAL (this send's segment
  // count or size) only for this send.
  bool refused(const control_message& control, std::size_t payload, const boost::system::error_code& ec) noexcept
  {
    if (!control.segment_size || payload <= *control.segment_size
        || ec.category() != boost::system::system_category() || (ec.value() != EIO && ec.value() != EINVAL))
      return false;
    if (ec.value() == EIO)
      disabled_ = true;
    return true;
  }

private:
  bool disabled_ = false;
};

// Sends the payload described by `base` (its iovecs, name and control
// messages, without a segment size) as datagrams of `segment` bytes, many
// per system call, starting at byte `offset`, which advances as segments go
// out. Returns when all went out or a call failed (ec; would_block when the
// socket buffer is full: call again later with the same offset).
void send_segmented(int fd, const msghdr& base, std::size_t segment, std::size_t& offset,
    boost::system::error_code& ec) noexcept;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP
