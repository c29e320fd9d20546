//
// asio_ipv4/detail/cmsg_codec.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CMSG_CODEC_HPP
#define ASIO_IPV4_DETAIL_CMSG_CODEC_HPP

#include <asio_ipv4/control_message.hpp>

#include <boost/system/error_code.hpp>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace asio_ipv4 {
namespace detail {

// The pure half of cmsg_socket: control buffers to control_message and back.
// No sockets here, so every byte can be tested.

// Room for every control message this library decodes, each at most once:
// IP_PKTINFO, IP_TTL, IP_TOS, IP_ORIGDSTADDR, IP_RECVERR (with its offender
// address) and UDP_GRO.
constexpr std::size_t decoded_control_space = CMSG_SPACE(sizeof(in_pktinfo))
    + CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(std::uint8_t)) + CMSG_SPACE(sizeof(sockaddr_in))
    + CMSG_SPACE(sizeof(sock_extended_err) + sizeof(sockaddr_in)) + CMSG_SPACE(sizeof(int));

// A receive's control buffer: the above plus room for messages other options
// may add that we skip (SO_TIMESTAMP*, SO_RXQ_OVFL, IP_RECVOPTS with 40 bytes
// of options...), so that enabling one of them does not truncate ours.
constexpr std::size_t receive_control_space = decoded_control_space + 160;

// A send's control buffer: IP_PKTINFO, IP_TTL, IP_TOS (as ints) and
// UDP_SEGMENT (a u16).
constexpr std::size_t send_control_space = CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int))
    + CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(std::uint16_t));

// Control buffers live on the stack of each attempt, aligned for cmsghdr.
template <std::size_t N>
struct alignas(cmsghdr) control_buffer
{
  unsigned char bytes[N];
};

// Decodes `size` bytes of control messages into `out` (cleared first).
// `truncated` is the MSG_CTRUNC flag of the receive. Returns
// error::control_truncated when the kernel cut the buffer (what fit is
// decoded), error::malformed_control when a length is inconsistent (the
// messages before the bad one stay decoded); never reads outside
// [data, data + size).
boost::system::error_code decode_control(
    const void* data, std::size_t size, bool truncated, control_message& out) noexcept;

// Encodes the transmit fields of `in` (local / interface_index as
// IP_PKTINFO, ttl, tos, segment_size) into `data`; returns the bytes used
// (0: nothing to send). Fails with invalid_argument for a TTL of 0 or an
// interface index above INT_MAX, and with error::message_too_long when
// `capacity` is too small.
std::size_t encode_control(const control_message& in, void* data, std::size_t capacity,
    boost::system::error_code& ec) noexcept;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CMSG_CODEC_HPP
