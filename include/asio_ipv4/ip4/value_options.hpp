//
// asio_ipv4/ip4/value_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_VALUE_OPTIONS_HPP
#define ASIO_IPV4_IP4_VALUE_OPTIONS_HPP

#include <asio_ipv4/detail/socket_option.hpp>

#include <cstdint>
#include <type_traits>

namespace asio_ipv4 {
namespace ip4 {

/// Socket option for the type-of-service byte of outgoing IPv4 packets.
///
/// Implements the IPPROTO_IP/IP_TOS socket option: the six DSCP bits
/// (RFC 2474) followed by the two ECN bits (RFC 3168). On stream sockets
/// Linux keeps the ECN bits under the control of TCP.
///
/// A value above 255, or a DSCP above 63 / ECN above 3 given to from_dscp(),
/// makes @c set_option fail with @c boost::asio::error::invalid_argument.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::tos::from_dscp(46));   // EF
/// asio_ipv4::ip4::tos current;
/// socket.get_option(current);
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class tos : public detail::ranged_option<detail::os::ip_tos, 0, 255>
{
public:
  /// Constructs the option with the value 0, for use with get_option.
  tos() noexcept = default;

  /// Constructs the option from the whole TOS byte.
  template <class Integer, class = std::enable_if_t<std::is_integral<Integer>::value>>
  explicit tos(Integer value) noexcept : ranged_option(value)
  {
  }

  /// Builds the byte from a DSCP code point (0..63) and ECN bits (0..3).
  static tos from_dscp(std::uint8_t dscp, std::uint8_t ecn = 0) noexcept
  {
    if (dscp > 63 || ecn > 3)
      return tos(256); // remembered as invalid: set_option refuses it
    return tos((dscp << 2) | ecn);
  }

  /// Returns the TOS byte (meaningless when valid() is false).
  std::uint8_t value() const noexcept { return static_cast<std::uint8_t>(value_); }

  /// Returns the DSCP code point (the upper six bits).
  std::uint8_t dscp() const noexcept { return static_cast<std::uint8_t>((value_ >> 2) & 0x3f); }

  /// Returns the ECN bits (the lower two bits).
  std::uint8_t ecn() const noexcept { return static_cast<std::uint8_t>(value_ & 0x3); }
};

/// Socket option for the time-to-live of outgoing unicast IPv4 packets.
///
/// Implements the IPPROTO_IP/IP_TTL socket option. Valid values are 1..255;
/// anything else makes @c set_option fail with
/// @c boost::asio::error::invalid_argument.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::ttl(16));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class ttl : public detail::ranged_option<detail::os::ip_ttl, 1, 255>
{
public:
  using ranged_option::ranged_option;
};

/// Socket option for the time-to-live of outgoing multicast IPv4 packets.
///
/// Implements the IPPROTO_IP/IP_MULTICAST_TTL socket option. Valid values are
/// 0..255; 0 keeps the datagrams on this host, 1 (the default) on the local
/// network.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::multicast_ttl(8));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class multicast_ttl : public detail::ranged_option<detail::os::ip_multicast_ttl, 0, 255>
{
public:
  using ranged_option::ranged_option;
};

/// Socket option to loop outgoing multicast datagrams back to this host.
///
/// Implements the IPPROTO_IP/IP_MULTICAST_LOOP socket option (on by default).
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::multicast_loopback(false));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class multicast_loopback : public detail::boolean_option<detail::os::ip_multicast_loop>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive multicast for groups other sockets joined.
///
/// Implements the Linux IPPROTO_IP/IP_MULTICAST_ALL socket option. On by
/// default: a socket bound to a wildcard address receives datagrams of every
/// group any socket on the host joined. Turn it off so the socket only gets
/// the groups it joined itself.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::multicast_all(false));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class multicast_all : public detail::boolean_option<detail::os::ip_multicast_all>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option for sending datagrams with a user-supplied IPv4 header.
///
/// Implements the IPPROTO_IP/IP_HDRINCL socket option on raw sockets: each
/// datagram sent starts with its own IPv4 header. Linux still fills in the
/// checksum, the total length and, when zero, the source address and (only
/// when DF is clear) the identification; see the raw sockets guide.
///
/// @par Example
/// @code
/// raw_socket.set_option(asio_ipv4::ip4::header_included(true));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class header_included : public detail::boolean_option<detail::os::ip_hdrincl>
{
public:
  using boolean_option::boolean_option;
};

// <windows.h> (which <winsock2.h>, and so Asio, includes) defines a macro
// `interface` (= struct) for COM: it is set aside while pmtu is declared. A
// Windows program that names pmtu::interface does the same, or defines
// WIN32_LEAN_AND_MEAN (doc/windows.md).
#ifdef interface
# pragma push_macro("interface")
# undef interface
# define ASIO_IPV4_INTERFACE_MACRO_PUSHED
#endif

/// Path MTU discovery modes of
/// @ref asio_ipv4::ip4::mtu_discover "mtu_discover" (the IP_PMTUDISC_*
/// values).
enum class pmtu : int
{
  /// IP_PMTUDISC_DONT: never set DF; fragment locally as needed.
  dont = 0,
  /// IP_PMTUDISC_WANT: per-route setting (the default).
  want = 1,
  /// IP_PMTUDISC_DO: always set DF; a datagram above the known path MTU
  /// fails with message_size.
  do_ = 2,
  /// IP_PMTUDISC_PROBE: set DF but ignore the path MTU (for probing).
  probe = 3,
  /// IP_PMTUDISC_INTERFACE: use the interface MTU, ignore ICMP updates.
  interface = 4,
  /// IP_PMTUDISC_OMIT: like interface, but fragment when needed and never
  /// set DF.
  omit = 5
};

#ifdef ASIO_IPV4_INTERFACE_MACRO_PUSHED
# pragma pop_macro("interface")
# undef ASIO_IPV4_INTERFACE_MACRO_PUSHED
#endif

/// Socket option for path MTU discovery.
///
/// Implements the IPPROTO_IP/IP_MTU_DISCOVER socket option. A value outside
/// the @ref asio_ipv4::ip4::pmtu "pmtu" enumerators makes @c set_option fail with
/// @c boost::asio::error::invalid_argument.
///
/// On the BSDs it is IP_DONTFRAG, which knows two of the modes: pmtu::do_
/// (DF set) and pmtu::dont (DF clear); the others fail with
/// operation_not_supported there (see doc/availability.md).
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::mtu_discover(asio_ipv4::ip4::pmtu::do_));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class mtu_discover : public detail::int_option_base<detail::os::ip_mtu_discover>
{
public:
  /// Constructs the option with pmtu::dont, for use with get_option.
  mtu_discover() noexcept : mtu_discover(pmtu::dont) {}

  /// Constructs the option with the given mode.
  explicit mtu_discover(pmtu mode) noexcept
    : int_option_base(detail::os::mtu_discover_value(static_cast<int>(mode)),
          detail::in_range<0, 5>(static_cast<int>(mode)))
  {
    if (state_ == detail::option_state::valid && value_ < 0)
      state_ = detail::option_state::unsupported; // a mode this platform lacks
    if (state_ == detail::option_state::invalid)
      value_ = static_cast<int>(mode);
  }

  /// Returns the mode.
  pmtu value() const noexcept
  {
    return static_cast<pmtu>(state_ == detail::option_state::invalid ? value_ : detail::os::mtu_discover_mode(value_));
  }
};

/// Socket option reporting the path MTU of a connected socket.
///
/// Implements the IPPROTO_IP/IP_MTU socket option. Only gettable, and only
/// on a connected socket (otherwise the kernel answers ENOTCONN). Linux only.
///
/// @par Example
/// @code
/// socket.connect(peer);
/// asio_ipv4::ip4::mtu m;
/// socket.get_option(m);
/// std::cout << m.value() << '\n';
/// @endcode
///
/// @par Concepts
/// GettableSocketOption.
class mtu : public detail::int_option_base<detail::os::ip_mtu>
{
public:
  /// Returns the path MTU.
  int value() const noexcept { return value_; }

  /// Not settable.
  template <class Protocol>
  const void* data(const Protocol&) const = delete;

  using int_option_base::data;
};

/// Socket option to bind to addresses that are not (yet) local.
///
/// Implements the IPPROTO_IP/IP_FREEBIND socket option.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class freebind : public detail::boolean_option<detail::os::ip_freebind>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option for transparent proxying.
///
/// Implements the IPPROTO_IP/IP_TRANSPARENT socket option (needs
/// CAP_NET_ADMIN or CAP_NET_RAW): bind to and send from foreign addresses, and receive
/// connections/datagrams redirected by an iptables/nftables TPROXY rule.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class transparent : public detail::boolean_option<detail::os::ip_transparent>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's destination and arrival interface.
///
/// Implements the IPPROTO_IP/IP_PKTINFO socket option. With it on,
/// cmsg_socket receives fill @c control_message::destination,
/// @c control_message::local and @c control_message::interface_index.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_packet_info : public detail::boolean_option<detail::os::ip_pktinfo>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's TTL.
///
/// Implements the IPPROTO_IP/IP_RECVTTL socket option; fills
/// @c control_message::ttl on cmsg_socket receives.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_ttl : public detail::boolean_option<detail::os::ip_recvttl>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's TOS byte.
///
/// Implements the IPPROTO_IP/IP_RECVTOS socket option; fills
/// @c control_message::tos on cmsg_socket receives.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_tos : public detail::boolean_option<detail::os::ip_recvtos>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's original destination.
///
/// Implements the IPPROTO_IP/IP_RECVORIGDSTADDR socket option; fills
/// @c control_message::original_destination on cmsg_socket receives: the
/// address and port a datagram was sent to, which differ from the socket's
/// own under a TPROXY rule. NAT rules (REDIRECT, DNAT) rewrite the header
/// before delivery, so they are not undone here.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_original_destination : public detail::boolean_option<detail::os::ip_recvorigdstaddr>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's destination address (BSD).
///
/// Implements the IPPROTO_IP/IP_RECVDSTADDR socket option of the BSD family
/// and QNX; fills @c control_message::destination on cmsg_socket receives.
/// On Linux, which has no IP_RECVDSTADDR, it is IP_PKTINFO (as
/// @ref receive_packet_info), which also fills @c local and
/// @c interface_index.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_destination_address : public detail::boolean_option<detail::os::ip_recvdstaddr>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to receive each datagram's arrival interface (BSD).
///
/// Implements the IPPROTO_IP/IP_RECVIF socket option of the BSD family and
/// QNX: the kernel reports a struct sockaddr_dl whose @c sdl_index fills
/// @c control_message::interface_index. On Linux it is IP_PKTINFO (as
/// @ref receive_packet_info), which also fills @c destination and @c local.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_interface : public detail::boolean_option<detail::os::ip_recvif>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to queue extended errors (ICMP errors and local errors).
///
/// Implements the IPPROTO_IP/IP_RECVERR socket option. Errors queue on the
/// socket's error queue; read them with cmsg_socket::async_receive_error,
/// which fills @c control_message::error. An ordinary receive may first
/// complete with the pending error (for example connection_refused).
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_errors : public detail::boolean_option<detail::os::ip_recverr>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option for the minimum TTL of received packets (RFC 5082, GTSM).
///
/// Implements the IPPROTO_IP/IP_MINTTL socket option: packets arriving with a
/// smaller TTL are dropped. Valid values are 0..255.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class min_ttl : public detail::ranged_option<detail::os::ip_minttl, 0, 255>
{
public:
  using ranged_option::ranged_option;
};

/// Socket option to defer the choice of a local port until connect.
///
/// Implements the IPPROTO_IP/IP_BIND_ADDRESS_NO_PORT socket option: a bind to
/// port 0 chooses only the address, so many connections from one source
/// address can share ports.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class bind_address_no_port : public detail::boolean_option<detail::os::ip_bind_address_no_port>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option to skip reassembly for a raw socket.
///
/// Implements the IPPROTO_IP/IP_NODEFRAG socket option (raw sockets only):
/// fragments are delivered as they arrive.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class no_defragment : public detail::boolean_option<detail::os::ip_nodefrag>
{
public:
  using boolean_option::boolean_option;
};

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_VALUE_OPTIONS_HPP
