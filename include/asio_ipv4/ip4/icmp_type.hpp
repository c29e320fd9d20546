//
// asio_ipv4/ip4/icmp_type.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_ICMP_TYPE_HPP
#define ASIO_IPV4_IP4_ICMP_TYPE_HPP

#include <cstdint>
#include <string_view>

namespace asio_ipv4 {
namespace ip4 {

/// ICMP message types (the first byte of an ICMP message).
///
/// The values are the IANA "ICMP Type Numbers" registry; the comments name
/// the defining RFC and, where there is one, the Linux constant
/// (<linux/icmp.h>, <netinet/ip_icmp.h>). Types marked deprecated are
/// retired by RFC 6633 or RFC 6918 but may still arrive. Any other number is
/// a valid @c icmp_type too (a cast from the byte): unassigned and reserved
/// numbers simply have no name.
///
/// @par Example
/// @code
/// auto type = static_cast<asio_ipv4::ip4::icmp_type>(icmp[0]);
/// if (type == asio_ipv4::ip4::icmp_type::echo_reply) ...
/// std::cout << asio_ipv4::ip4::to_string(type);   // "echo_reply"
/// @endcode
enum class icmp_type : std::uint8_t
{
  echo_reply = 0,                  ///< Echo Reply (RFC 792, ICMP_ECHOREPLY).
  destination_unreachable = 3,     ///< Destination Unreachable (RFC 792, ICMP_DEST_UNREACH).
  source_quench = 4,               ///< Source Quench (RFC 792, ICMP_SOURCE_QUENCH); deprecated.
  redirect = 5,                    ///< Redirect (RFC 792, ICMP_REDIRECT).
  alternate_host_address = 6,      ///< Alternate Host Address; deprecated.
  echo_request = 8,                ///< Echo (RFC 792, ICMP_ECHO).
  router_advertisement = 9,        ///< Router Advertisement (RFC 1256).
  router_solicitation = 10,        ///< Router Solicitation (RFC 1256).
  time_exceeded = 11,              ///< Time Exceeded (RFC 792, ICMP_TIME_EXCEEDED).
  parameter_problem = 12,          ///< Parameter Problem (RFC 792, ICMP_PARAMETERPROB).
  timestamp_request = 13,          ///< Timestamp (RFC 792, ICMP_TIMESTAMP).
  timestamp_reply = 14,            ///< Timestamp Reply (RFC 792, ICMP_TIMESTAMPREPLY).
  information_request = 15,        ///< Information Request (RFC 792, ICMP_INFO_REQUEST); deprecated.
  information_reply = 16,          ///< Information Reply (RFC 792, ICMP_INFO_REPLY); deprecated.
  address_mask_request = 17,       ///< Address Mask Request (RFC 950, ICMP_ADDRESS); deprecated.
  address_mask_reply = 18,         ///< Address Mask Reply (RFC 950, ICMP_ADDRESSREPLY); deprecated.
  traceroute = 30,                 ///< Traceroute (RFC 1393); deprecated.
  datagram_conversion_error = 31,  ///< Datagram Conversion Error (RFC 1475); deprecated.
  mobile_host_redirect = 32,       ///< Mobile Host Redirect; deprecated.
  ipv6_where_are_you = 33,         ///< IPv6 Where-Are-You; deprecated.
  ipv6_i_am_here = 34,             ///< IPv6 I-Am-Here; deprecated.
  mobile_registration_request = 35,///< Mobile Registration Request; deprecated.
  mobile_registration_reply = 36,  ///< Mobile Registration Reply; deprecated.
  domain_name_request = 37,        ///< Domain Name Request (RFC 1788); deprecated.
  domain_name_reply = 38,          ///< Domain Name Reply (RFC 1788); deprecated.
  skip = 39,                       ///< SKIP; deprecated.
  photuris = 40,                   ///< Photuris (RFC 2521).
  experimental_mobility = 41,      ///< Messages of experimental mobility protocols such as Seamoby (RFC 4065).
  extended_echo_request = 42,      ///< Extended Echo Request (RFC 8335, ICMP_EXT_ECHO).
  extended_echo_reply = 43,        ///< Extended Echo Reply (RFC 8335, ICMP_EXT_ECHOREPLY).
  experiment_1 = 253,              ///< RFC 3692-style Experiment 1 (RFC 4727).
  experiment_2 = 254               ///< RFC 3692-style Experiment 2 (RFC 4727).
};

/// The name of an ICMP type: the enumerator's name ("echo_reply",
/// "destination_unreachable"...), or "unknown" for a number without one.
/// The strings are stable and have static storage duration.
std::string_view to_string(icmp_type type) noexcept;

/// The codes of an @c icmp_type::destination_unreachable message (RFC 792,
/// RFC 1122, RFC 1812; the ICMP_*_UNREACH constants of <linux/icmp.h>).
enum class icmp_unreachable_code : std::uint8_t
{
  network_unreachable = 0,          ///< ICMP_NET_UNREACH.
  host_unreachable = 1,             ///< ICMP_HOST_UNREACH.
  protocol_unreachable = 2,         ///< ICMP_PROT_UNREACH.
  port_unreachable = 3,             ///< ICMP_PORT_UNREACH.
  fragmentation_needed = 4,         ///< ICMP_FRAG_NEEDED: DF set; the next-hop MTU follows (RFC 1191).
  source_route_failed = 5,          ///< ICMP_SR_FAILED.
  network_unknown = 6,              ///< ICMP_NET_UNKNOWN.
  host_unknown = 7,                 ///< ICMP_HOST_UNKNOWN.
  source_host_isolated = 8,         ///< ICMP_HOST_ISOLATED.
  network_prohibited = 9,           ///< ICMP_NET_ANO.
  host_prohibited = 10,             ///< ICMP_HOST_ANO.
  network_unreachable_for_tos = 11, ///< ICMP_NET_UNR_TOS.
  host_unreachable_for_tos = 12,    ///< ICMP_HOST_UNR_TOS.
  communication_prohibited = 13,    ///< ICMP_PKT_FILTERED.
  host_precedence_violation = 14,   ///< ICMP_PREC_VIOLATION.
  precedence_cutoff = 15            ///< ICMP_PREC_CUTOFF.
};

/// The name of a destination-unreachable code ("port_unreachable"...), or
/// "unknown".
std::string_view to_string(icmp_unreachable_code code) noexcept;

/// The codes of an @c icmp_type::time_exceeded message (RFC 792).
enum class icmp_time_exceeded_code : std::uint8_t
{
  ttl_exceeded = 0,             ///< TTL exceeded in transit (ICMP_EXC_TTL).
  reassembly_time_exceeded = 1  ///< Fragment reassembly time exceeded (ICMP_EXC_FRAGTIME).
};

/// The name of a time-exceeded code ("ttl_exceeded"...), or "unknown".
std::string_view to_string(icmp_time_exceeded_code code) noexcept;

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_ICMP_TYPE_HPP
