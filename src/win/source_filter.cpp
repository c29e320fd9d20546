//
// src/win/source_filter.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Full-state source filters on Windows: the protocol-independent ioctls
// SIOCSMSFILTER and SIOCGMSFILTER through WSAIoctl, with a struct
// group_filter naming the interface by index (what the SDK's inline
// setsourcefilter/getsourcefilter of <ws2tcpip.h> do; mingw-w64 has neither
// the functions nor the ioctl numbers, so the numbers are written out from
// the Windows SDK's <ws2ipdef.h>).

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_WINDOWS)

#include <asio_ipv4/ip4/source_filter.hpp>

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/win/message_io.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/error.hpp>

#include <cstddef>
#include <cstring>
#include <vector>

namespace asio_ipv4 {
namespace detail {
namespace {

// <ws2ipdef.h>: _IOW('t', 126, ULONG) and _IOW('t', 127 | IOC_IN, ULONG).
constexpr DWORD siocsmsfilter = _IOW('t', 126, ULONG);
constexpr DWORD siocgmsfilter = _IOW('t', 127 | IOC_IN, ULONG);

constexpr std::size_t header_size = offsetof(GROUP_FILTER, gf_slist);

// A GROUP_FILTER with room for `n` sources, as SOCKADDR_STORAGEs (which
// keeps the structure's alignment).
std::vector<SOCKADDR_STORAGE> filter_buffer(unsigned interface_index, const boost::asio::ip::address_v4& group,
    std::size_t n)
{
  const std::size_t bytes = header_size + n * sizeof(SOCKADDR_STORAGE);
  std::vector<SOCKADDR_STORAGE> buffer((bytes + sizeof(SOCKADDR_STORAGE) - 1) / sizeof(SOCKADDR_STORAGE));
  std::memset(buffer.data(), 0, buffer.size() * sizeof(SOCKADDR_STORAGE));
  auto* f = reinterpret_cast<GROUP_FILTER*>(buffer.data());
  f->gf_interface = interface_index;
  to_sockaddr(group, f->gf_group);
  f->gf_numsrc = static_cast<ULONG>(n);
  return buffer;
}

void set_wsa_error(boost::system::error_code& ec) noexcept
{
  ec = boost::system::error_code(::WSAGetLastError(), boost::asio::error::get_system_category());
}

} // namespace

void set_source_filter_call(int fd, unsigned interface_index, const boost::asio::ip::address_v4& group,
    const ip4::source_filter& filter, boost::system::error_code& ec)
{
  ec = {};
  bool valid = group.is_multicast()
      && (filter.mode == ip4::filter_mode::include || filter.mode == ip4::filter_mode::exclude);
  for (const auto& s : filter.sources)
    valid = valid && is_unicast_source(s);
  if (!valid || filter.sources.size() > 0xffffu)
  {
    ec = boost::asio::error::invalid_argument;
    return;
  }
  auto buffer = filter_buffer(interface_index, group, filter.sources.size());
  auto* f = reinterpret_cast<GROUP_FILTER*>(buffer.data());
  f->gf_fmode = filter.mode == ip4::filter_mode::include ? MCAST_INCLUDE : MCAST_EXCLUDE;
  for (std::size_t i = 0; i < filter.sources.size(); ++i)
    to_sockaddr(filter.sources[i], f->gf_slist[i]);
  DWORD returned = 0;
  const DWORD size = static_cast<DWORD>(header_size + filter.sources.size() * sizeof(SOCKADDR_STORAGE));
  if (::WSAIoctl(os::to_socket(fd), siocsmsfilter, f, size, nullptr, 0, &returned, nullptr, nullptr)
      == SOCKET_ERROR)
    set_wsa_error(ec);
}

ip4::source_filter get_source_filter_call(int fd, unsigned interface_index,
    const boost::asio::ip::address_v4& group, boost::system::error_code& ec)
{
  ec = {};
  if (!group.is_multicast())
  {
    ec = boost::asio::error::invalid_argument;
    return {};
  }
  // Start small and grow to the count the stack reports.
  std::size_t room = 16;
  for (;;)
  {
    auto buffer = filter_buffer(interface_index, group, room);
    auto* f = reinterpret_cast<GROUP_FILTER*>(buffer.data());
    const DWORD size = static_cast<DWORD>(header_size + room * sizeof(SOCKADDR_STORAGE));
    DWORD returned = 0;
    if (::WSAIoctl(os::to_socket(fd), siocgmsfilter, f, size, f, size, &returned, nullptr, nullptr) == SOCKET_ERROR)
    {
      set_wsa_error(ec);
      return {};
    }
    if (f->gf_numsrc > room)
    {
      room = f->gf_numsrc;
      continue;
    }
    ip4::source_filter result;
    result.mode = f->gf_fmode == MCAST_EXCLUDE ? ip4::filter_mode::exclude : ip4::filter_mode::include;
    for (ULONG i = 0; i < f->gf_numsrc; ++i)
    {
      sockaddr_in sin;
      std::memcpy(&sin, &f->gf_slist[i], sizeof(sin));
      if (sin.sin_family == AF_INET)
        result.sources.push_back(to_address_v4(sin.sin_addr));
    }
    return result;
  }
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_WINDOWS
