//
// asio_ipv4/ip4/raw.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_RAW_HPP
#define ASIO_IPV4_IP4_RAW_HPP

#include <boost/asio/basic_raw_socket.hpp>
#include <boost/asio/ip/basic_endpoint.hpp>

#include <asio_ipv4/detail/platform.hpp>

namespace asio_ipv4 {
namespace ip4 {

/// The raw IPv4 protocol: AF_INET, SOCK_RAW and an IP protocol number.
///
/// Where @c boost::asio::ip::icmp is fixed to IPPROTO_ICMP, this protocol
/// carries any IP protocol number, as @c socket(AF_INET, SOCK_RAW, n) does
/// (see raw(7)). Opening a raw socket needs CAP_NET_RAW; without it the open
/// fails with @c boost::asio::error::no_permission (EPERM).
///
/// @li <tt>raw::v4()</tt> is IPPROTO_RAW (255): a send-only socket on which
///   Linux implies IP_HDRINCL, so every datagram sent starts with its own IPv4
///   header (see @ref header). Linux never delivers received packets to it.
/// @li <tt>raw::v4(n)</tt> receives every packet of protocol @c n (each
///   starting with its IPv4 header) and sends datagrams to which the kernel
///   adds the header, unless @ref header_included is set.
///
/// @warning An endpoint cannot carry the protocol number: a socket that is
/// constructed or opened from an endpoint alone (for example
/// <tt>raw::socket(ctx, endpoint)</tt>, or @c open(endpoint.protocol()))
/// opens IPPROTO_RAW, whatever protocol was meant. Open with
/// <tt>raw::v4(n)</tt> explicitly and then bind.
///
/// @par Example
/// @code
/// namespace ip4 = asio_ipv4::ip4;
/// ip4::raw::socket socket(ctx, ip4::raw::v4(IPPROTO_GRE));  // not (ctx, endpoint)
/// socket.bind(ip4::raw::endpoint(local_address, 0));
/// @endcode
///
/// @par Thread Safety
/// @e Distinct @e objects: Safe.@n
/// @e Shared @e objects: Safe.
///
/// @par Concepts
/// Protocol, InternetProtocol.
class raw
{
public:
  /// The type of a raw IPv4 endpoint. Its port is unused by raw sockets and
  /// should be 0.
  using endpoint = boost::asio::ip::basic_endpoint<raw>;

  /// The raw IPv4 socket type.
  using socket = boost::asio::basic_raw_socket<raw>;

  /// IPv4 with IPPROTO_RAW: a send-only socket with IP_HDRINCL implied.
  static raw v4() noexcept { return raw(IPPROTO_RAW, AF_INET); }

  /// IPv4 with IP protocol number @c protocol (for example IPPROTO_ICMP,
  /// IPPROTO_UDP, IPPROTO_GRE, or 253/254 for experiments, RFC 3692).
  ///
  /// Numbers 0..255 go to the kernel as given; Linux refuses 0 when the
  /// socket opens (EPROTONOSUPPORT, @c boost::system::errc::protocol_not_supported).
  /// A number outside 0..255 cannot name an IPv4 protocol:
  /// it is stored as -1, so that opening fails with
  /// @c boost::asio::error::invalid_argument (EINVAL). Passed on as it is,
  /// Linux would accept 256..262 (its IPPROTO_MAX counts IPPROTO_MPTCP) and
  /// open a socket that no IPv4 packet matches.
  static raw v4(int protocol) noexcept
  {
    return raw(protocol >= 0 && protocol <= max_protocol ? protocol : -1, AF_INET);
  }

  /// AF_INET6 with IPPROTO_RAW. This library is IPv4-only: this function
  /// exists because @c boost::asio::ip::basic_endpoint requires it of its
  /// protocol, and is what an endpoint holding an IPv6 address reports.
  static raw v6() noexcept { return raw(IPPROTO_RAW, AF_INET6); }

  /// Obtains an identifier for the type of the protocol (SOCK_RAW).
  int type() const noexcept { return SOCK_RAW; }

  /// Obtains the IP protocol number.
  int protocol() const noexcept { return protocol_; }

  /// Obtains an identifier for the protocol family (AF_INET, or AF_INET6
  /// for @ref v6).
  int family() const noexcept { return family_; }

  /// Compares two protocols for equality: same family and protocol number.
  friend bool operator==(const raw& a, const raw& b) noexcept
  {
    return a.protocol_ == b.protocol_ && a.family_ == b.family_;
  }

  /// Compares two protocols for inequality.
  friend bool operator!=(const raw& a, const raw& b) noexcept { return !(a == b); }

private:
  static constexpr int max_protocol = 255; // the 8-bit Protocol field

  raw(int protocol, int family) noexcept
    : protocol_(protocol),
      family_(family)
  {
  }

  int protocol_;
  int family_;
};

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_RAW_HPP
