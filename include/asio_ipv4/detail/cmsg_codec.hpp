//
// asio_ipv4/detail/cmsg_codec.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CMSG_CODEC_HPP
#define ASIO_IPV4_DETAIL_CMSG_CODEC_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// The pure half of cmsg_socket: control buffers to control_message and back,
// for any platform's layout. No sockets here, so every byte can be tested.

// A receive's control buffer: room for every message the host decodes as
// the kernel sends them together (decoded_space: the timestamps included,
// one of each group), plus 64 bytes for messages other options may add that
// we skip, so that enabling one of them does not truncate ours: IP_RECVOPTS
// or IP_RETOPTS with 40 bytes of options (CMSG_SPACE(40) = 56 on 64-bit
// Linux), or two int-sized ones (IP_CHECKSUM, IP_RECVFRAGSIZE, SO_RCVMARK:
// 24 bytes each). Before the timestamps were decoded, their room was part
// of a 160-byte slack; 64-bit Linux keeps its 368 bytes in all.
constexpr std::size_t receive_control_slack = 64;
constexpr std::size_t receive_control_space = decoded_space(os::host_cmsg_layout) + receive_control_slack;

// A send's control buffer: every message a send may carry.
constexpr std::size_t send_control_space = encoded_space(os::host_cmsg_layout);

// Control buffers live on the stack of each attempt, aligned for cmsghdr.
template <std::size_t N>
struct alignas(8) control_buffer
{
  unsigned char bytes[N];
};

// Decodes `size` bytes of control messages laid out as `layout` into `out`
// (cleared first). `truncated` is the MSG_CTRUNC flag of the receive.
// Returns error::control_truncated when the kernel cut the buffer (what fit
// is decoded), error::malformed_control when a length is inconsistent or a
// known message carries a value its type cannot hold (the messages before
// the bad one stay decoded); never reads outside [data, data + size), whose
// alignment does not matter.
boost::system::error_code decode_control(const cmsg_layout& layout, const void* data, std::size_t size,
    bool truncated, control_message& out) noexcept;

// Encodes the transmit fields of `in` (local, interface_index, ttl, tos,
// segment_size, timestamp_id) as `layout` sends them into `data`; returns the bytes used
// (0: nothing to send). Fails, writing nothing, with invalid_argument for a
// TTL of 0 or an interface index the layout's field cannot hold; with
// operation_not_supported for a field the platform takes no per-datagram
// value for (for example a TTL on FreeBSD or macOS, a TOS with DSCP bits on
// Windows, an interface and a source address together on macOS, a
// timestamp id on the BSDs); with
// error::message_too_long when `capacity` is too small.
std::size_t encode_control(const cmsg_layout& layout, const control_message& in, void* data,
    std::size_t capacity, boost::system::error_code& ec) noexcept;

// The host's layout.
inline boost::system::error_code decode_control(
    const void* data, std::size_t size, bool truncated, control_message& out) noexcept
{
  return decode_control(os::host_cmsg_layout, data, size, truncated, out);
}

inline std::size_t encode_control(const control_message& in, void* data, std::size_t capacity,
    boost::system::error_code& ec) noexcept
{
  return encode_control(os::host_cmsg_layout, in, data, capacity, ec);
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CMSG_CODEC_HPP
