//
// asio_ipv4/control_message.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_CONTROL_MESSAGE_HPP
#define ASIO_IPV4_CONTROL_MESSAGE_HPP

#include <asio_ipv4/kernel_time.hpp>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>

namespace asio_ipv4 {

/// An extended error from the socket's error queue (IP_RECVERR), or a send
/// timestamp (SO_TIMESTAMPING).
///
/// Mirrors struct sock_extended_err plus the address of the node that
/// reported the error (SO_EE_OFFENDER).
///
/// A send timestamp arrives on the error queue as an entry whose @c origin is
/// @c origin_timestamping, @c error ENOMSG, @c info the kind of stamp
/// (@c stamp_sent, @c stamp_scheduled, @c stamp_acknowledged) and @c data the
/// stamp's id (with timestamping::opt_id: the send's number on the socket,
/// or control_message::timestamp_id); the time itself is in
/// control_message::software_time or hardware_time.
struct extended_error
{
  /// Where the error came from: one of the origin_* constants.
  enum : std::uint8_t
  {
    origin_none = 0,         ///< SO_EE_ORIGIN_NONE
    origin_local = 1,        ///< SO_EE_ORIGIN_LOCAL: this host (for example EMSGSIZE)
    origin_icmp = 2,         ///< SO_EE_ORIGIN_ICMP: an ICMP message
    origin_icmp6 = 3,        ///< SO_EE_ORIGIN_ICMP6
    origin_txstatus = 4,     ///< SO_EE_ORIGIN_TXSTATUS: the old name of origin_timestamping
    origin_timestamping = 4, ///< SO_EE_ORIGIN_TIMESTAMPING: a send timestamp
    origin_zerocopy = 5,     ///< SO_EE_ORIGIN_ZEROCOPY
    origin_txtime = 6        ///< SO_EE_ORIGIN_TXTIME
  };

  /// The kind of a send timestamp (ee_info of an origin_timestamping entry).
  enum : std::uint32_t
  {
    stamp_sent = 0,        ///< SCM_TSTAMP_SND: the device driver took the datagram (timestamping::tx_software, tx_hardware)
    stamp_scheduled = 1,   ///< SCM_TSTAMP_SCHED: it entered the queueing discipline (timestamping::tx_scheduled)
    stamp_acknowledged = 2 ///< SCM_TSTAMP_ACK: the peer acknowledged it (TCP only)
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

  /// Field-by-field equality.
  friend bool operator==(const extended_error& a, const extended_error& b) noexcept
  {
    return a.error == b.error && a.origin == b.origin && a.type == b.type && a.code == b.code
        && a.info == b.info && a.data == b.data && a.offender == b.offender;
  }
  /// Field-by-field inequality.
  friend bool operator!=(const extended_error& a, const extended_error& b) noexcept { return !(a == b); }
};

/// Prints an extended error on one line, for logs, tools and test failures.
///
/// The format is stable: every field as <tt>name=value</tt> in declaration
/// order, separated by spaces, in braces; @c error, @c type, @c code,
/// @c info and @c data in decimal, @c origin by name (@c none, @c local,
/// @c icmp, @c icmp6, @c timestamping, @c zerocopy, @c txtime; another value
/// in decimal), @c offender only when set. For example
/// <tt>{error=113 origin=icmp type=3 code=1 info=0 data=0 offender=192.0.2.1}</tt>.
std::ostream& operator<<(std::ostream& os, const extended_error& e);

/// The IPv4 control messages of one datagram, received or to be sent.
///
/// On receive, cmsg_socket first clears every field; afterwards a field is
/// set exactly when the kernel reported it, which needs the matching socket
/// option (ip4::receive_packet_info, receive_destination_address,
/// receive_interface, receive_ttl, receive_tos,
/// receive_original_destination, receive_errors, udp_gro,
/// receive_drop_count, receive_timestamps, timestamping).
///
/// On send, the fields marked "tx" become per-datagram control messages
/// (IP_PKTINFO, IP_TTL, IP_TOS, UDP_SEGMENT, SCM_TS_OPT_ID on Linux;
/// IP_SENDSRCADDR or IP_PKTINFO and IP_TOS on the BSDs) that override the
/// socket's settings for that datagram only; receive-only fields are
/// ignored. A field the
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

  /// rx: when the kernel received the datagram (turned on by
  /// asio_ipv4::receive_timestamps, or timestamping::rx_software with
  /// timestamping::software); error queue: when a sent datagram reached the
  /// stage the entry's extended_error::info names. A software stamp:
  /// SO_TIMESTAMPNS, SO_TIMESTAMP, or the first stamp of SO_TIMESTAMPING on
  /// Linux; SO_TIMESTAMP, SO_BINTIME, SCM_REALTIME or SCM_MONOTONIC on the
  /// BSDs; Windows' SO_TIMESTAMP (a performance-counter value). When the
  /// kernel sends two software stamps for one datagram (two options that
  /// each stamp), this holds the realtime one.
  std::optional<kernel_time> software_time;

  /// rx and error queue: the network card's stamp of the datagram
  /// (timestamping::rx_hardware or tx_hardware, with
  /// timestamping::raw_hardware, on a card configured with
  /// ip4::configure_hardware_timestamping): the raw hardware stamp of
  /// SO_TIMESTAMPING, on the card's clock (kernel_time::hardware). On
  /// FreeBSD, a stamp the card took (SCM_TIME_INFO says so), already on the
  /// system's clock.
  std::optional<kernel_time> hardware_time;

  /// tx: the id the send timestamps of this datagram carry in
  /// extended_error::data, instead of the socket's counter (SCM_TS_OPT_ID,
  /// Linux 6.13; needs timestamping::opt_id on the socket, or the send fails
  /// with invalid_argument). On Windows the SO_TIMESTAMP_ID control message
  /// (the id SIO_GET_TX_TIMESTAMP looks stamps up by).
  std::optional<std::uint32_t> timestamp_id;

  /// Resets every field.
  void clear() noexcept { *this = control_message(); }

  /// Field-by-field equality.
  friend bool operator==(const control_message& a, const control_message& b) noexcept
  {
    return a.destination == b.destination && a.local == b.local
        && a.interface_index == b.interface_index && a.ttl == b.ttl && a.tos == b.tos
        && a.original_destination == b.original_destination && a.error == b.error
        && a.segment_size == b.segment_size && a.dropped == b.dropped && a.software_time == b.software_time
        && a.hardware_time == b.hardware_time && a.timestamp_id == b.timestamp_id;
  }
  /// Field-by-field inequality.
  friend bool operator!=(const control_message& a, const control_message& b) noexcept { return !(a == b); }
};

/// Prints the fields of a control message that are set, on one line, for
/// logs, tools and test failures.
///
/// The format is stable: each field that is set as <tt>name=value</tt>, the
/// name being the member's, in declaration order, separated by spaces, in
/// braces (<tt>{}</tt> when none is set). Addresses in dotted decimal,
/// @c original_destination as <tt>address:port</tt>, @c tos as two hex
/// digits (<tt>0x2e</tt>), @c error, @c software_time and @c hardware_time
/// as their own printers write them, the other numbers in decimal. For example
/// <tt>{destination=239.1.2.3 local=10.0.0.1 interface_index=2 ttl=64 tos=0xb8}</tt>.
std::ostream& operator<<(std::ostream& os, const control_message& m);

} // namespace asio_ipv4

#endif // ASIO_IPV4_CONTROL_MESSAGE_HPP
