//
// src/bsd/source_filter.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Full-state source filters on the BSDs: the RFC 3678 functions
// setsourcefilter(3) and getsourcefilter(3) (the MCAST_MSFILTER socket
// option is Linux's).

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_BSD)

#include <asio_ipv4/ip4/source_filter.hpp>

#include <asio_ipv4/detail/address.hpp>

#include <boost/asio/error.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__APPLE__)
// The macOS SDK declares these two outside its extern "C" block (netinet/in.h),
// so C++ callers would look for mangled names libSystem does not export:
// declared again here with C linkage.
namespace rfc3678 {
extern "C" int setsourcefilter(int, std::uint32_t, sockaddr*, socklen_t, std::uint32_t, std::uint32_t,
    sockaddr_storage*);
extern "C" int getsourcefilter(int, std::uint32_t, sockaddr*, socklen_t, std::uint32_t*, std::uint32_t*,
    sockaddr_storage*);
} // namespace rfc3678
#else
namespace rfc3678 {
using ::getsourcefilter;
using ::setsourcefilter;
} // namespace rfc3678
#endif

namespace asio_ipv4 {
namespace detail {
namespace {

sockaddr_storage group_address(const boost::asio::ip::address_v4& group) noexcept
{
  sockaddr_storage ss;
  to_sockaddr(group, ss);
  return ss;
}

void set_errno(boost::system::error_code& ec) noexcept
{
  ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
}

} // namespace

void set_source_filter_call(int fd, unsigned interface_index, const boost::asio::ip::address_v4& group,
    const ip4::source_filter& filter, boost::system::error_code& ec)
{
  ec = {};
#ifdef MCAST_INCLUDE
  bool valid = group.is_multicast()
      && (filter.mode == ip4::filter_mode::include || filter.mode == ip4::filter_mode::exclude);
  for (const auto& s : filter.sources)
    valid = valid && is_unicast_source(s);
  if (!valid)
  {
    ec = boost::asio::error::invalid_argument;
    return;
  }
  std::vector<sockaddr_storage> list(filter.sources.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    to_sockaddr(filter.sources[i], list[i]);
  sockaddr_storage g = group_address(group);
  if (rfc3678::setsourcefilter(fd, interface_index, reinterpret_cast<sockaddr*>(&g), sizeof(sockaddr_in),
          filter.mode == ip4::filter_mode::include ? MCAST_INCLUDE : MCAST_EXCLUDE,
          static_cast<std::uint32_t>(list.size()), list.data())
      != 0)
    set_errno(ec);
#else
  (void)fd, (void)interface_index, (void)group, (void)filter;
  ec = boost::asio::error::operation_not_supported;
#endif
}

ip4::source_filter get_source_filter_call(int fd, unsigned interface_index,
    const boost::asio::ip::address_v4& group, boost::system::error_code& ec)
{
  ec = {};
#ifdef MCAST_INCLUDE
  if (!group.is_multicast())
  {
    ec = boost::asio::error::invalid_argument;
    return {};
  }
  sockaddr_storage g = group_address(group);
  // Start small and grow to the count the kernel reports.
  std::vector<sockaddr_storage> list(16);
  for (;;)
  {
    std::uint32_t mode = 0;
    std::uint32_t count = static_cast<std::uint32_t>(list.size());
    if (rfc3678::getsourcefilter(fd, interface_index, reinterpret_cast<sockaddr*>(&g), sizeof(sockaddr_in), &mode,
            &count, list.data())
        != 0)
    {
      set_errno(ec);
      return {};
    }
    if (count > list.size())
    {
      list.resize(count);
      continue;
    }
    ip4::source_filter f;
    f.mode = mode == MCAST_EXCLUDE ? ip4::filter_mode::exclude : ip4::filter_mode::include;
    for (std::uint32_t i = 0; i < count; ++i)
    {
      sockaddr_in sin;
      std::memcpy(&sin, &list[i], sizeof(sin));
      if (sin.sin_family == AF_INET)
        f.sources.push_back(to_address_v4(sin.sin_addr));
    }
    return f;
  }
#else
  (void)fd, (void)interface_index, (void)group;
  ec = boost::asio::error::operation_not_supported;
  return {};
#endif
}

} // namespace detail
} // namespace asio_ipv4

#endif
