//
// asio_ipv4/control_message.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_CONTROL_MESSAGE_HPP
#define ASIO_IPV4_CONTROL_MESSAGE_HPP

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>

namespace asio_ipv4 {

/// An extended error from the socket's error queue (IP_RECVERR).
///
/// Mirrors struct sock_extended_err plus the address of the node that
/// reported the error (SO_EE_OFFENDER).
struct extended_error
{
  /// Where the error came from: one of the origin_* constants.
  enum : std::uint8_t
  {
    origin_none = 0,     ///< SO_EE_ORIGIN_NONE
    origin_local = 1,    ///< SO_EE_ORIGIN_LOCAL: this host (for example EMSGSIZE)
    origin_icmp = 2,     ///< SO_EE_ORIGIN_ICMP: an ICMP message
    origin_icmp6 = 3,    ///< SO_EE_ORIGIN_ICMP6
    origin_txstatus = 4, ///< SO_EE_ORIGIN_TXSTATUS
    origin_zerocopy = 5, ///< SO_EE_ORIGIN_ZEROCOPY
    origin_txtime = 6    ///< SO_EE_ORIGIN_TXTIME
  };

  /// The errno value (ee_errno), for example ECONNREFUSED or EHOSTUNREACH.
  std::uint32_t error = 0;
  /// The origin (ee_origin): origin_icmp, origin_local...
  std::uint8_t origin = 0;
  /// The ICMP type (ee_type) when the origin is ICMP.
  std::uint8_t type = 0;
  /// The ICMP code (ee_code) when the origin is ICMP.
  std::uint8_t code = 0;
  /// Extra information (ee_info): the next-hop MTU for "fragmentation needed".
  std::uint32_t info = 0;
  /// More data (ee_data).
  std::uint32_t data = 0;
  /// The node that reported the error: the router or host that sent the
  /// ICMP message; empty for local errors.
  std::optional<boost::asio::ip::address_v4> offender;

  /// Returns @c error as an error_code in the system category.
  boost::system::error_code code_as_error() const noexcept
  {
    return boost::system::error_code(static_cast<int>(error), boost::system::system_category());
  }

  friend bool operator==(const extended_error& a, const extended_error& b) noexcept
  {
    return a.error == b.error && a.origin == b.origin && a.type == b.type && a.code == b.code
        && a.info == b.info && a.data == b.data && a.offender == b.offender;
  }
  friend bool operator!=(const extended_error& a, const extended_error& b) noexcept { return !(a == b); }
};

/// The IPv4 control messages of one datagram, received or to be sent.
///
/// On receive, cmsg_socket first clears every field; afterwards a field is
/// set exactly when the kernel reported it, which needs the matching socket
/// option (ip4::receive_packet_info, receive_destination_address,
/// receive_interface, receive_ttl, receive_tos,
/// receive_original_destination, receive_errors, udp_gro,
/// receive_drop_count).
///
/// On send, the fields marked "tx" become per-datagram control messages
/// (IP_PKTINFO, IP_TTL, IP_TOS, UDP_SEGMENT on Linux; IP_SENDSRCADDR or
/// IP_PKTINFO and IP_TOS on the BSDs) that override the socket's settings
/// for that datagram only; receive-only fields are ignored. A field the
/// platform takes no per-datagram value for (a TTL on FreeBSD or macOS, for
/// example) fails the send with operation_not_supported before anything is
/// sent; see doc/availability.md.
/// To reply from the address a request reached, copy @c local (and, if
/// wanted, @c interface_index) into a fresh control_message rather than
/// sending the received one back: that would also copy its TTL and TOS.
struct control_message
{
  /// rx: the datagram's destination address from its IPv4 header
  /// (IP_PKTINFO ipi_addr), for example a multicast group.
  std::optional<boost::asio::ip::address_v4> destination;

  /// rx: the local address the kernel would reply from (IP_PKTINFO
  /// ipi_spec_dst); tx: the source address to send from.
  std::optional<boost::asio::ip::address_v4> local;

  /// rx: the interface the datagram arrived on; tx: the interface to send by
  /// (IP_PKTINFO ipi_ifindex).
  std::optional<unsigned> interface_index;

  /// rx: the TTL the datagram arrived with (IP_TTL); tx: the TTL of this
  /// datagram, 1..255.
  std::optional<std::uint8_t> ttl;

  /// rx: the TOS byte (DSCP and ECN) it arrived with (IP_TOS); tx: the TOS
  /// byte of this datagram.
  std::optional<std::uint8_t> tos;

  /// rx: the address and port the datagram was sent to, as the socket's
  /// lookup saw them (IP_ORIGDSTADDR): under a TPROXY rule, the original
  /// destination rather than the proxy's own address. (A NAT rule such as
  /// REDIRECT rewrites the header first, so this shows the rewritten one.)
  std::optional<boost::asio::ip::udp::endpoint> original_destination;

  /// rx, error queue only: the queued error (IP_RECVERR).
  std::optional<extended_error> error;

  /// tx: the GSO segment size for this send (UDP_SEGMENT); rx: the size of
  /// the coalesced segments (UDP_GRO).
  std::optional<std::uint16_t> segment_size;

  /// rx: the number of datagrams the kernel dropped on this socket so far
  /// because its receive buffer was full (SO_RXQ_OVFL, turned on by
  /// asio_ipv4::receive_drop_count; Linux only).
  std::optional<std::uint32_t> dropped;

  /// Resets every field.
  void clear() noexcept { *this = control_message(); }

  friend bool operator==(const control_message& a, const control_message& b) noexcept
  {
    return a.destination == b.destination && a.local == b.local
        && a.interface_index == b.interface_index && a.ttl == b.ttl && a.tos == b.tos
        && a.original_destination == b.original_destination && a.error == b.error
        && a.segment_size == b.segment_size && a.dropped == b.dropped;
  }
  friend bool operator!=(const control_message& a, const control_message& b) noexcept { return !(a == b); }
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_CONTROL_MESSAGE_HPP
