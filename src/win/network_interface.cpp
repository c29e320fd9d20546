//
// src/win/network_interface.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// ip4::interfaces() on Windows: GetAdaptersAddresses(AF_INET), one entry
// per adapter with its IPv4 index, MTU and unicast addresses. The name is
// the interface's NDIS name (ConvertInterfaceLuidToNameA: "loopback_0",
// "ethernet_32768"...), the one if_nametoindex and if_indextoname take on
// Windows, so interface_by_name accepts what those functions accept.
// The state is translated to the Linux IFF_* numbering the public flag
// constants use.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_WINDOWS)

#include <asio_ipv4/ip4/network_interface.hpp>

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/error.hpp>

#include <iphlpapi.h>

#include <cstring>
#include <string>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {
namespace {

unsigned public_flags(const IP_ADAPTER_ADDRESSES& a) noexcept
{
  using nic = network_interface;
  unsigned r = 0;
  if (a.OperStatus == IfOperStatusUp)
    r |= nic::flag_up | nic::flag_running | nic::flag_lower_up;
  if (a.IfType == IF_TYPE_SOFTWARE_LOOPBACK)
    r |= nic::flag_loopback;
  else if (a.IfType == IF_TYPE_PPP || a.IfType == IF_TYPE_TUNNEL)
    r |= nic::flag_point_to_point | nic::flag_noarp;
  else
    r |= nic::flag_broadcast;
  if (!(a.Flags & IP_ADAPTER_NO_MULTICAST))
    r |= nic::flag_multicast;
  return r;
}

std::string luid_name(const IP_ADAPTER_ADDRESSES& a)
{
  char name[IF_MAX_STRING_SIZE + 1] = {};
  if (::ConvertInterfaceLuidToNameA(&a.Luid, name, sizeof(name)) == NO_ERROR)
    return name;
  return a.AdapterName ? a.AdapterName : std::string();
}

} // namespace

std::vector<network_interface> interfaces(boost::system::error_code& ec)
{
  ec.clear();
  constexpr ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER
      | GAA_FLAG_SKIP_FRIENDLY_NAME;
  // The list can grow between the size query and the call: ask again then.
  std::vector<unsigned char> buffer(16 * 1024);
  ULONG result = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 4 && result == ERROR_BUFFER_OVERFLOW; ++attempt)
  {
    ULONG size = static_cast<ULONG>(buffer.size());
    result = ::GetAdaptersAddresses(
        AF_INET, flags, nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
    if (result == ERROR_BUFFER_OVERFLOW)
      buffer.resize(size);
  }
  if (result == ERROR_NO_DATA)
    return {};
  if (result != NO_ERROR)
  {
    ec = boost::system::error_code(static_cast<int>(result), boost::system::system_category());
    return {};
  }
  std::vector<network_interface> all;
  for (auto* a = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.data()); a; a = a->Next)
  {
    network_interface nic;
    nic.index = a->IfIndex;
    nic.name = luid_name(*a);
    nic.mtu = a->Mtu;
    nic.flags = public_flags(*a);
    for (const IP_ADAPTER_UNICAST_ADDRESS* u = a->FirstUnicastAddress; u; u = u->Next)
    {
      if (!u->Address.lpSockaddr || u->Address.lpSockaddr->sa_family != AF_INET)
        continue;
      sockaddr_in sin;
      std::memcpy(&sin, u->Address.lpSockaddr, sizeof(sin));
      const unsigned prefix = u->OnLinkPrefixLength <= 32 ? u->OnLinkPrefixLength : 32;
      nic.addresses.emplace_back(detail::to_address_v4(sin.sin_addr), prefix);
    }
    all.push_back(std::move(nic));
  }
  return all;
}

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_WINDOWS
