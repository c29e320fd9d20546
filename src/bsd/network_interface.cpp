//
// src/bsd/network_interface.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// ip4::interfaces() on the BSDs: getifaddrs(3), one entry per address; the
// AF_LINK entries carry the link's MTU (struct if_data), if_nametoindex(3)
// the index. Flags are translated to the Linux numbering the public
// constants use (IFF_MULTICAST is 0x8000 here, 0x1000 there).

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_BSD)

#include <asio_ipv4/ip4/network_interface.hpp>

#include <asio_ipv4/detail/address.hpp>

#include <boost/asio/error.hpp>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace asio_ipv4 {
namespace ip4 {
namespace {

unsigned public_flags(unsigned flags) noexcept
{
  using nic = network_interface;
  unsigned r = 0;
  r |= (flags & IFF_UP) ? nic::flag_up : 0;
  r |= (flags & IFF_BROADCAST) ? nic::flag_broadcast : 0;
  r |= (flags & IFF_LOOPBACK) ? nic::flag_loopback : 0;
  r |= (flags & IFF_POINTOPOINT) ? nic::flag_point_to_point : 0;
  r |= (flags & IFF_RUNNING) ? nic::flag_running : 0;
  r |= (flags & IFF_NOARP) ? nic::flag_noarp : 0;
  r |= (flags & IFF_MULTICAST) ? nic::flag_multicast : 0;
  return r;
}

unsigned prefix_length(const sockaddr* mask) noexcept
{
  if (!mask)
    return 32;
  sockaddr_in sin;
  std::memcpy(&sin, mask, sizeof(sin));
  unsigned bits = 0;
  for (std::uint32_t v = detail::to_address_v4(sin.sin_addr).to_uint(); v & 0x80000000u; v <<= 1)
    ++bits;
  return bits;
}

network_interface& entry(std::vector<network_interface>& all, const char* name)
{
  for (auto& nic : all)
    if (nic.name == name)
      return nic;
  network_interface nic;
  nic.name = name;
  nic.index = ::if_nametoindex(name);
  all.push_back(std::move(nic));
  return all.back();
}

} // namespace

std::vector<network_interface> interfaces(boost::system::error_code& ec)
{
  ec.clear();
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
  {
    ec = boost::system::error_code(errno, boost::system::system_category());
    return {};
  }
  std::vector<network_interface> all;
  for (const ifaddrs* a = list; a; a = a->ifa_next)
  {
    if (!a->ifa_name)
      continue;
    network_interface& nic = entry(all, a->ifa_name);
    nic.flags = public_flags(a->ifa_flags);
    if (!a->ifa_addr)
      continue;
    if (a->ifa_addr->sa_family == AF_LINK && a->ifa_data)
    {
      if_data data;
      std::memcpy(&data, a->ifa_data, sizeof(data));
      nic.mtu = static_cast<unsigned>(data.ifi_mtu);
    }
    else if (a->ifa_addr->sa_family == AF_INET)
    {
      sockaddr_in sin;
      std::memcpy(&sin, a->ifa_addr, sizeof(sin));
      nic.addresses.emplace_back(detail::to_address_v4(sin.sin_addr), prefix_length(a->ifa_netmask));
    }
  }
  ::freeifaddrs(list);
  return all;
}

} // namespace ip4
} // namespace asio_ipv4

#endif
