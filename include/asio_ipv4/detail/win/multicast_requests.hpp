//
// asio_ipv4/detail/win/multicast_requests.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_MULTICAST_REQUESTS_HPP
#define ASIO_IPV4_DETAIL_WIN_MULTICAST_REQUESTS_HPP

// The option data of multicast memberships and of the multicast interface on
// Windows (the same names as detail/posix/multicast_requests.hpp, which the
// option classes of ip4/multicast.hpp use). Windows has both the RFC 3678
// requests (struct group_req, group_source_req: interface by index) and the
// IPv4 ones (struct ip_mreq, ip_mreq_source: interface by address).
//
// Mind Windows' struct ip_mreq_source: imr_multiaddr, imr_sourceaddr,
// imr_interface (<ws2ipdef.h>), where Linux has the interface before the
// source. The source-specific requests here are group_source_req, which
// names the interface by index as the public API does.

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/membership.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <cstddef>
#include <cstring>

namespace asio_ipv4 {
namespace detail {
namespace os {

// One request: the option name (-1: Windows cannot express it), and its
// bytes.
struct multicast_request
{
  int name = -1;
  std::size_t size = 0;
  union
  {
    SOCKADDR_STORAGE align;
    GROUP_SOURCE_REQ source;
    GROUP_REQ group;
    IP_MREQ mreq;
    IN_ADDR address;
    DWORD index;
    unsigned char bytes[1];
  };

  // Every byte zero (padding included: it goes to the kernel), no name yet.
  multicast_request() noexcept
  {
    std::memset(static_cast<void*>(this), 0, sizeof(*this));
    name = -1;
  }
};

// Any-source membership on the interface with `index`. Index 0 (routing
// decides) is a struct ip_mreq with INADDR_ANY, the same request in its
// IPv4 form, which every Windows and Wine take; another index is
// MCAST_JOIN_GROUP's struct group_req (Wine 8 answers that one with
// WSAENOPROTOOPT: doc/windows.md).
inline void any_source_by_index(multicast_request& r, membership m, const boost::asio::ip::address_v4& group,
    unsigned index) noexcept
{
  if (index == 0)
  {
    r.name = m == membership::join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
    r.size = sizeof(r.mreq);
    r.mreq.imr_multiaddr = to_in_addr(group);
    return;
  }
  r.name = m == membership::join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP;
  r.size = sizeof(r.group);
  r.group.gr_interface = index;
  to_sockaddr(group, r.group.gr_group);
}

// Any-source membership on the interface owning `interface_address`.
inline void any_source_by_address(multicast_request& r, membership m, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& interface_address) noexcept
{
  r.name = m == membership::join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
  r.size = sizeof(r.mreq);
  r.mreq.imr_multiaddr = to_in_addr(group);
  r.mreq.imr_interface = to_in_addr(interface_address);
}

// Source-specific membership or exclude-mode blocking (RFC 3678,
// MCAST_JOIN_SOURCE_GROUP... with a struct group_source_req).
inline void source_specific(multicast_request& r, source_membership m, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& source, unsigned index) noexcept
{
  switch (m)
  {
  case source_membership::join:
    r.name = MCAST_JOIN_SOURCE_GROUP;
    break;
  case source_membership::leave:
    r.name = MCAST_LEAVE_SOURCE_GROUP;
    break;
  case source_membership::block:
    r.name = MCAST_BLOCK_SOURCE;
    break;
  case source_membership::unblock:
    r.name = MCAST_UNBLOCK_SOURCE;
    break;
  }
  r.size = sizeof(r.source);
  r.source.gsr_interface = index;
  to_sockaddr(group, r.source.gsr_group);
  to_sockaddr(source, r.source.gsr_source);
}

// IP_MULTICAST_IF by interface index: a DWORD holding the index in network
// byte order, which Windows reads as an index when the first octet is 0
// (IPPROTO_IP socket options, IP_MULTICAST_IF): indexes below 2^24 only.
inline void multicast_interface_by_index(multicast_request& r, unsigned index) noexcept
{
  if (index >= (1u << 24))
    return;
  r.name = IP_MULTICAST_IF;
  r.size = sizeof(r.index);
  r.index = ::htonl(index);
}

// IP_MULTICAST_IF by local address: an IN_ADDR.
inline void multicast_interface_by_address(multicast_request& r, const boost::asio::ip::address_v4& a) noexcept
{
  r.name = IP_MULTICAST_IF;
  r.size = sizeof(r.address);
  r.address = to_in_addr(a);
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_MULTICAST_REQUESTS_HPP
