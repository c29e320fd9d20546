//
// asio_ipv4/detail/segmented_send.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP
#define ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP

#include <boost/system/error_code.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// GSO state shared by the operations of one cmsg_socket: once a device
// refused UDP_SEGMENT with EIO, later sends split in user space at once.
struct gso_state
{
  bool disabled = false;
};

// Whether a failed GSO send should be retried as separate datagrams: EIO
// (the device cannot offload the checksum) disables GSO for the socket;
// EINVAL (this send's segment count or size is refused) only this send.
inline bool gso_refused(const boost::system::error_code& ec) noexcept
{
  return ec.category() == boost::system::system_category() && (ec.value() == EIO || ec.value() == EINVAL);
}

// Sends the payload described by `base` (its iovecs, name and control
// messages, without UDP_SEGMENT) as datagrams of `segment` bytes with
// sendmmsg, starting at byte `offset`, which advances as segments go out.
// Returns when all went out or a call failed (ec; would_block when the
// socket buffer is full: call again later with the same offset).
void send_segmented(int fd, const msghdr& base, std::size_t segment, std::size_t& offset,
    boost::system::error_code& ec) noexcept;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SEGMENTED_SEND_HPP
