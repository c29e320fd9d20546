//
// test/lab/topology.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Links and topologies: hosts joined by veth pairs, addressed and routed.

#ifndef ASIO_IPV4_TEST_LAB_TOPOLOGY_HPP
#define ASIO_IPV4_TEST_LAB_TOPOLOGY_HPP

#include "host.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/network_v4.hpp>

#include <string>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// One end of a veth link, as its host sees it.
struct link_end
{
  std::string name;                          ///< interface name in its host
  unsigned index = 0;                        ///< kernel ifindex in its host
  boost::asio::ip::address_v4 address;       ///< its IPv4 address (unspecified if none)
  boost::asio::ip::network_v4 network;       ///< address/prefix, e.g. 10.0.1.1/24
};

/// A veth pair: `left` in the first host given to connect(), `right` in the second.
struct link
{
  link_end left;
  link_end right;
};

struct link_options
{
  unsigned mtu = 1500;      ///< both ends
  bool addresses = true;    ///< assign 10.0.<subnet>.1/24 and .2/24
  bool up = true;           ///< bring both ends up
};

/// Joins two hosts with a veth pair. Addresses are deterministic: subnet k
/// (1..254) is 10.0.k.0/24, the left end gets .1 and the right end .2.
link connect(host& left, host& right, unsigned subnet, const link_options& options = {});

/// a <-veth-> b on 10.0.1.0/24, MTU 1500. Both hosts route 224.0.0.0/4 out
/// of their veth, so multicast needs no IP_MULTICAST_IF.
struct two_hosts_lab
{
  host a;
  host b;
  link_end a_if;   ///< 10.0.1.1 in a
  link_end b_if;   ///< 10.0.1.2 in b
};
two_hosts_lab two_hosts();

/// a -- r -- b: chain(1) with named members. a--r on 10.0.1.0/24 (a .1,
/// r .2), r--b on 10.0.2.0/24 (r .1, b .2); r forwards (ip_forward=1), a and
/// b route by default (and 224.0.0.0/4) through r. A unicast packet crossing
/// r loses one TTL; ICMP errors from r come from r_a_if.address. r does not
/// route multicast.
struct routed_lab
{
  host a;
  host r;
  host b;
  link_end a_if;     ///< 10.0.1.1 in a
  link_end r_a_if;   ///< 10.0.1.2 in r
  link_end r_b_if;   ///< 10.0.2.1 in r
  link_end b_if;     ///< 10.0.2.2 in b

  /// Sets the MTU of the r -- b link (both ends): packets from a larger than
  /// this make r answer "fragmentation needed" (PMTU tests).
  void set_r_b_mtu(unsigned mtu) const;
};
routed_lab routed();

/// a dual-homed host: b -- a -- c. a--b on 10.0.1.0/24 (a .1, b .2), a--c on
/// 10.0.2.0/24 (a .1, c .2). a's 224.0.0.0/4 route goes out of a_b_if, so by
/// default multicast leaves towards b; IP_MULTICAST_IF (a_c_if) steers it to
/// c. b and c route 224.0.0.0/4 out of their only link.
struct dual_homed_lab
{
  host a;
  host b;
  host c;
  link_end a_b_if;   ///< 10.0.1.1 in a
  link_end b_if;     ///< 10.0.1.2 in b
  link_end a_c_if;   ///< 10.0.2.1 in a
  link_end c_if;     ///< 10.0.2.2 in c
};
dual_homed_lab dual_homed();

/// a -- r1 -- ... -- rn -- b, for traceroute-like tests. links[i] joins
/// hop i and hop i+1 (a is hop 0, b hop n+1) on 10.0.<i+1>.0/24, .1 on its
/// left (towards a) and .2 on its right. So a is 10.0.1.1, b is
/// 10.0.<n+1>.2, and routers[i] answers a packet from a whose TTL runs out
/// there from links[i].right.address. Every router forwards and has routes
/// both ways; a and b route by default (and 224.0.0.0/4) towards each other.
struct chain_lab
{
  host a;
  std::vector<host> routers;   ///< r1..rn
  host b;
  std::vector<link> links;     ///< n+1 links, links[0] = a--r1, links[n] = rn--b

  const link_end& a_if() const { return links.front().left; }
  const link_end& b_if() const { return links.back().right; }
};
chain_lab chain(unsigned routers);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_TOPOLOGY_HPP
