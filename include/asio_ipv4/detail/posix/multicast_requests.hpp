//
// asio_ipv4/detail/posix/multicast_requests.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_POSIX_MULTICAST_REQUESTS_HPP
#define ASIO_IPV4_DETAIL_POSIX_MULTICAST_REQUESTS_HPP

// The option data of multicast memberships and of the multicast interface,
// for the systems with the RFC 3678 protocol-independent API (struct
// group_req, MCAST_JOIN_GROUP...): Linux, FreeBSD, macOS. Where a platform
// lacks MCAST_* (QNX, OpenBSD), joins by address use a struct ip_mreq and
// the rest is unsupported. The public option classes (ip4/multicast.hpp) hold
// one request each and hand its name, bytes and size to set_option.

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/membership.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <climits>
#include <cstddef>
#include <cstring>

namespace asio_ipv4 {
namespace detail {
namespace os {

// One request: the option name (-1: the platform cannot express it), and
// its bytes.
struct multicast_request
{
  int name = -1;
  std::size_t size = 0;
  union
  {
    sockaddr_storage align;
#ifdef MCAST_JOIN_SOURCE_GROUP
    group_source_req source;
    group_req group;
#endif
    ip_mreq mreq;
#if defined(ASIO_IPV4_PLATFORM_LINUX) || defined(__FreeBSD__) || defined(__APPLE__)
    ip_mreqn mreqn;
#endif
    in_addr address;
    unsigned index;
    unsigned char bytes[1];
  };

  // Every byte zero (padding included: it goes to the kernel), no name yet.
  multicast_request() noexcept
  {
    std::memset(static_cast<void*>(this), 0, sizeof(*this));
    name = -1;
  }
};

// Any-source membership on the interface with `index` (0: routing decides).
inline void any_source_by_index(multicast_request& r, membership m, const boost::asio::ip::address_v4& group,
    unsigned index) noexcept
{
#ifdef MCAST_JOIN_GROUP
  r.name = m == membership::join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP;
  r.size = sizeof(r.group);
  r.group.gr_interface = index;
  to_sockaddr(group, r.group.gr_group);
#else
  if (index != 0)
    return; // ip_mreq names the interface by address only
  r.name = m == membership::join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
  r.size = sizeof(r.mreq);
  r.mreq.imr_multiaddr = to_in_addr(group);
#endif
}

// Any-source membership on the interface owning `interface_address`.
inline void any_source_by_address(multicast_request& r, membership m, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& interface_address) noexcept
{
  r.name = m == membership::join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
#if defined(ASIO_IPV4_PLATFORM_LINUX)
  // Linux: a struct ip_mreqn (ip(7)); its index 0 lets the address decide.
  r.size = sizeof(r.mreqn);
  r.mreqn.imr_multiaddr = to_in_addr(group);
  r.mreqn.imr_address = to_in_addr(interface_address);
#else
  r.size = sizeof(r.mreq);
  r.mreq.imr_multiaddr = to_in_addr(group);
  r.mreq.imr_interface = to_in_addr(interface_address);
#endif
}

// Source-specific membership or exclude-mode blocking (RFC 3678).
inline void source_specific(multicast_request& r, source_membership m, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& source, unsigned index) noexcept
{
#ifdef MCAST_JOIN_SOURCE_GROUP
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
#else
  (void)r, (void)m, (void)group, (void)source, (void)index;
#endif
}

// IP_MULTICAST_IF by interface index: Linux and FreeBSD take a struct
// ip_mreqn, macOS has IP_MULTICAST_IFINDEX (a u_int); elsewhere only index
// 0 (an in_addr of 0.0.0.0: routing decides) can be expressed.
inline void multicast_interface_by_index(multicast_request& r, unsigned index) noexcept
{
#if defined(ASIO_IPV4_PLATFORM_LINUX) || defined(__FreeBSD__)
  if (index > static_cast<unsigned>(INT_MAX)) // imr_ifindex is an int
    return;
  r.name = IP_MULTICAST_IF;
  r.size = sizeof(r.mreqn);
  r.mreqn.imr_ifindex = static_cast<int>(index);
#elif defined(IP_MULTICAST_IFINDEX)
  r.name = IP_MULTICAST_IFINDEX;
  r.size = sizeof(r.index);
  r.index = index;
#else
  if (index != 0)
    return;
  r.name = IP_MULTICAST_IF;
  r.size = sizeof(r.address);
#endif
}

// IP_MULTICAST_IF by local address.
inline void multicast_interface_by_address(multicast_request& r, const boost::asio::ip::address_v4& a) noexcept
{
  r.name = IP_MULTICAST_IF;
#if defined(ASIO_IPV4_PLATFORM_LINUX) || defined(__FreeBSD__)
  r.size = sizeof(r.mreqn);
  r.mreqn.imr_address = to_in_addr(a);
#else
  r.size = sizeof(r.address);
  r.address = to_in_addr(a);
#endif
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_POSIX_MULTICAST_REQUESTS_HPP
