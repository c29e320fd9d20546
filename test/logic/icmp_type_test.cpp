//
// test/logic/icmp_type_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Oracles: the numbers the API contract lists (from the IANA "ICMP Type
// Numbers" registry) and glibc's <netinet/ip_icmp.h> constants.

// This suite checks the ICMP numbers against the system's
// <netinet/ip_icmp.h>, so it is compiled only where that header exists:
// zig's macOS headers lack it, and the macOS cross build links the rest.
#if __has_include(<netinet/ip_icmp.h>)

#include <asio_ipv4/ip4/icmp_type.hpp>

#include <boost/test/unit_test.hpp>

#include <netinet/ip_icmp.h>

#include <set>
#include <string>
#include <string_view>

namespace ip4 = asio_ipv4::ip4;
using ip4::icmp_type;

namespace {

int value(icmp_type t) { return static_cast<int>(t); }

std::string name(icmp_type t) { return std::string(ip4::to_string(t)); }

} // namespace

BOOST_AUTO_TEST_SUITE(icmp_type_test)

static_assert(sizeof(icmp_type) == 1);

BOOST_AUTO_TEST_CASE(contract_values)
{
  BOOST_TEST(value(icmp_type::echo_reply) == 0);
  BOOST_TEST(value(icmp_type::destination_unreachable) == 3);
  BOOST_TEST(value(icmp_type::redirect) == 5);
  BOOST_TEST(value(icmp_type::echo_request) == 8);
  BOOST_TEST(value(icmp_type::router_advertisement) == 9);
  BOOST_TEST(value(icmp_type::router_solicitation) == 10);
  BOOST_TEST(value(icmp_type::time_exceeded) == 11);
  BOOST_TEST(value(icmp_type::parameter_problem) == 12);
  BOOST_TEST(value(icmp_type::timestamp_request) == 13);
  BOOST_TEST(value(icmp_type::timestamp_reply) == 14);
  BOOST_TEST(value(icmp_type::photuris) == 40);
  BOOST_TEST(value(icmp_type::extended_echo_request) == 42);
  BOOST_TEST(value(icmp_type::extended_echo_reply) == 43);
}

BOOST_AUTO_TEST_CASE(glibc_values)
{
  BOOST_TEST(value(icmp_type::echo_reply) == ICMP_ECHOREPLY);
  BOOST_TEST(value(icmp_type::destination_unreachable) == ICMP_DEST_UNREACH);
  BOOST_TEST(value(icmp_type::source_quench) == ICMP_SOURCE_QUENCH);
  BOOST_TEST(value(icmp_type::redirect) == ICMP_REDIRECT);
  BOOST_TEST(value(icmp_type::echo_request) == ICMP_ECHO);
  BOOST_TEST(value(icmp_type::router_advertisement) == ICMP_ROUTERADVERT);
  BOOST_TEST(value(icmp_type::router_solicitation) == ICMP_ROUTERSOLICIT);
  BOOST_TEST(value(icmp_type::time_exceeded) == ICMP_TIME_EXCEEDED);
  BOOST_TEST(value(icmp_type::parameter_problem) == ICMP_PARAMETERPROB);
  BOOST_TEST(value(icmp_type::timestamp_request) == ICMP_TIMESTAMP);
  BOOST_TEST(value(icmp_type::timestamp_reply) == ICMP_TIMESTAMPREPLY);
  BOOST_TEST(value(icmp_type::information_request) == ICMP_INFO_REQUEST);
  BOOST_TEST(value(icmp_type::information_reply) == ICMP_INFO_REPLY);
  BOOST_TEST(value(icmp_type::address_mask_request) == ICMP_ADDRESS);
  BOOST_TEST(value(icmp_type::address_mask_reply) == ICMP_ADDRESSREPLY);
  BOOST_TEST(value(icmp_type::extended_echo_request) == ICMP_EXT_ECHO);
  BOOST_TEST(value(icmp_type::extended_echo_reply) == ICMP_EXT_ECHOREPLY);
}

BOOST_AUTO_TEST_CASE(names)
{
  BOOST_TEST(name(icmp_type::echo_reply) == "echo_reply");
  BOOST_TEST(name(icmp_type::destination_unreachable) == "destination_unreachable");
  BOOST_TEST(name(icmp_type::echo_request) == "echo_request");
  BOOST_TEST(name(icmp_type::time_exceeded) == "time_exceeded");
  BOOST_TEST(name(icmp_type::photuris) == "photuris");
  BOOST_TEST(name(icmp_type::extended_echo_reply) == "extended_echo_reply");
  BOOST_TEST(name(icmp_type::experiment_2) == "experiment_2");
}

BOOST_AUTO_TEST_CASE(every_number)
{
  // Unassigned and reserved numbers (IANA: 1, 2, 7, 19-29, 44-252, 255)
  // are "unknown"; every assigned one has its own name.
  std::set<std::string> seen;
  int named = 0;
  for (int n = 0; n <= 255; ++n)
  {
    const std::string s = name(static_cast<icmp_type>(n));
    const bool unassigned = n == 1 || n == 2 || n == 7 || (n >= 19 && n <= 29) || (n >= 44 && n <= 252) || n == 255;
    BOOST_TEST_CONTEXT("type " << n << " named " << s)
    {
      BOOST_TEST((s == "unknown") == unassigned);
      BOOST_TEST(!s.empty());
    }
    if (!unassigned)
    {
      ++named;
      BOOST_TEST(seen.insert(s).second, "duplicate name " << s);
    }
  }
  BOOST_TEST(named == 32);
}

BOOST_AUTO_TEST_CASE(strings_are_stable)
{
  // Same storage each call: the views can be kept.
  BOOST_TEST(static_cast<const void*>(ip4::to_string(icmp_type::redirect).data())
      == static_cast<const void*>(ip4::to_string(icmp_type::redirect).data()));
  BOOST_TEST(std::string(ip4::to_string(static_cast<icmp_type>(100))) == "unknown");
}

BOOST_AUTO_TEST_CASE(unreachable_codes)
{
  using c = ip4::icmp_unreachable_code;
  BOOST_TEST(static_cast<int>(c::network_unreachable) == ICMP_NET_UNREACH);
  BOOST_TEST(static_cast<int>(c::host_unreachable) == ICMP_HOST_UNREACH);
  BOOST_TEST(static_cast<int>(c::protocol_unreachable) == ICMP_PROT_UNREACH);
  BOOST_TEST(static_cast<int>(c::port_unreachable) == ICMP_PORT_UNREACH);
  BOOST_TEST(static_cast<int>(c::fragmentation_needed) == ICMP_FRAG_NEEDED);
  BOOST_TEST(static_cast<int>(c::source_route_failed) == ICMP_SR_FAILED);
  BOOST_TEST(static_cast<int>(c::network_unknown) == ICMP_NET_UNKNOWN);
  BOOST_TEST(static_cast<int>(c::host_unknown) == ICMP_HOST_UNKNOWN);
  BOOST_TEST(static_cast<int>(c::source_host_isolated) == ICMP_HOST_ISOLATED);
  BOOST_TEST(static_cast<int>(c::network_prohibited) == ICMP_NET_ANO);
  BOOST_TEST(static_cast<int>(c::host_prohibited) == ICMP_HOST_ANO);
  BOOST_TEST(static_cast<int>(c::network_unreachable_for_tos) == ICMP_NET_UNR_TOS);
  BOOST_TEST(static_cast<int>(c::host_unreachable_for_tos) == ICMP_HOST_UNR_TOS);
  BOOST_TEST(static_cast<int>(c::communication_prohibited) == ICMP_PKT_FILTERED);
  BOOST_TEST(static_cast<int>(c::host_precedence_violation) == ICMP_PREC_VIOLATION);
  BOOST_TEST(static_cast<int>(c::precedence_cutoff) == ICMP_PREC_CUTOFF);

  BOOST_TEST(std::string(ip4::to_string(c::port_unreachable)) == "port_unreachable");
  BOOST_TEST(std::string(ip4::to_string(c::fragmentation_needed)) == "fragmentation_needed");
  std::set<std::string_view> seen;
  for (int n = 0; n <= 15; ++n)
    seen.insert(ip4::to_string(static_cast<c>(n)));
  BOOST_TEST(seen.size() == 16u);
  BOOST_TEST(seen.count("unknown") == 0u);
  BOOST_TEST(std::string(ip4::to_string(static_cast<c>(16))) == "unknown");
}

BOOST_AUTO_TEST_CASE(time_exceeded_codes)
{
  using c = ip4::icmp_time_exceeded_code;
  BOOST_TEST(static_cast<int>(c::ttl_exceeded) == ICMP_EXC_TTL);
  BOOST_TEST(static_cast<int>(c::reassembly_time_exceeded) == ICMP_EXC_FRAGTIME);
  BOOST_TEST(std::string(ip4::to_string(c::ttl_exceeded)) == "ttl_exceeded");
  BOOST_TEST(std::string(ip4::to_string(c::reassembly_time_exceeded)) == "reassembly_time_exceeded");
  BOOST_TEST(std::string(ip4::to_string(static_cast<c>(2))) == "unknown");
}

BOOST_AUTO_TEST_SUITE_END()

#else

#include "skip_suite.hpp"

ASIO_IPV4_SKIPPED_SUITE(icmp_type_test,
    "the ICMP numbers checked against the system's <netinet/ip_icmp.h>, which this system lacks")

#endif // __has_include(<netinet/ip_icmp.h>)
