//
// src/icmp_type.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/ip4/icmp_type.hpp>

namespace asio_ipv4 {
namespace ip4 {

// Switches without a default: -Wswitch flags an enumerator added without a
// name, and numbers without an enumerator fall through to "unknown".

std::string_view to_string(icmp_type type) noexcept
{
  switch (type)
  {
  case icmp_type::echo_reply: return "echo_reply";
  case icmp_type::destination_unreachable: return "destination_unreachable";
  case icmp_type::source_quench: return "source_quench";
  case icmp_type::redirect: return "redirect";
  case icmp_type::alternate_host_address: return "alternate_host_address";
  case icmp_type::echo_request: return "echo_request";
  case icmp_type::router_advertisement: return "router_advertisement";
  case icmp_type::router_solicitation: return "router_solicitation";
  case icmp_type::time_exceeded: return "time_exceeded";
  case icmp_type::parameter_problem: return "parameter_problem";
  case icmp_type::timestamp_request: return "timestamp_request";
  case icmp_type::timestamp_reply: return "timestamp_reply";
  case icmp_type::information_request: return "information_request";
  case icmp_type::information_reply: return "information_reply";
  case icmp_type::address_mask_request: return "address_mask_request";
  case icmp_type::address_mask_reply: return "address_mask_reply";
  case icmp_type::traceroute: return "traceroute";
  case icmp_type::datagram_conversion_error: return "datagram_conversion_error";
  case icmp_type::mobile_host_redirect: return "mobile_host_redirect";
  case icmp_type::ipv6_where_are_you: return "ipv6_where_are_you";
  case icmp_type::ipv6_i_am_here: return "ipv6_i_am_here";
  case icmp_type::mobile_registration_request: return "mobile_registration_request";
  case icmp_type::mobile_registration_reply: return "mobile_registration_reply";
  case icmp_type::domain_name_request: return "domain_name_request";
  case icmp_type::domain_name_reply: return "domain_name_reply";
  case icmp_type::skip: return "skip";
  case icmp_type::photuris: return "photuris";
  case icmp_type::experimental_mobility: return "experimental_mobility";
  case icmp_type::extended_echo_request: return "extended_echo_request";
  case icmp_type::extended_echo_reply: return "extended_echo_reply";
  case icmp_type::experiment_1: return "experiment_1";
  case icmp_type::experiment_2: return "experiment_2";
  }
  return "unknown";
}

std::string_view to_string(icmp_unreachable_code code) noexcept
{
  switch (code)
  {
  case icmp_unreachable_code::network_unreachable: return "network_unreachable";
  case icmp_unreachable_code::host_unreachable: return "host_unreachable";
  case icmp_unreachable_code::protocol_unreachable: return "protocol_unreachable";
  case icmp_unreachable_code::port_unreachable: return "port_unreachable";
  case icmp_unreachable_code::fragmentation_needed: return "fragmentation_needed";
  case icmp_unreachable_code::source_route_failed: return "source_route_failed";
  case icmp_unreachable_code::network_unknown: return "network_unknown";
  case icmp_unreachable_code::host_unknown: return "host_unknown";
  case icmp_unreachable_code::source_host_isolated: return "source_host_isolated";
  case icmp_unreachable_code::network_prohibited: return "network_prohibited";
  case icmp_unreachable_code::host_prohibited: return "host_prohibited";
  case icmp_unreachable_code::network_unreachable_for_tos: return "network_unreachable_for_tos";
  case icmp_unreachable_code::host_unreachable_for_tos: return "host_unreachable_for_tos";
  case icmp_unreachable_code::communication_prohibited: return "communication_prohibited";
  case icmp_unreachable_code::host_precedence_violation: return "host_precedence_violation";
  case icmp_unreachable_code::precedence_cutoff: return "precedence_cutoff";
  }
  return "unknown";
}

std::string_view to_string(icmp_time_exceeded_code code) noexcept
{
  switch (code)
  {
  case icmp_time_exceeded_code::ttl_exceeded: return "ttl_exceeded";
  case icmp_time_exceeded_code::reassembly_time_exceeded: return "reassembly_time_exceeded";
  }
  return "unknown";
}

} // namespace ip4
} // namespace asio_ipv4
