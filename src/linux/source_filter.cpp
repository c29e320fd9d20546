//
// src/linux/source_filter.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)

#include <asio_ipv4/ip4/source_filter.hpp>

#include <asio_ipv4/detail/address.hpp>

#include <boost/asio/error.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace asio_ipv4 {
namespace detail {

using ip4::filter_mode;
using ip4::source_filter;

namespace {

// GROUP_FILTER_SIZE without the macro: the header up to the source list,
// then one sockaddr_storage per source.
constexpr std::size_t header_size = offsetof(group_filter, gf_slist);

constexpr std::size_t filter_size(std::size_t sources) noexcept
{
  return header_size + sources * sizeof(sockaddr_storage);
}

// The kernel's own ceiling on gf_numsrc, whatever the sysctl says.
constexpr std::size_t kernel_hard_limit = 0x1ffffff;

} // namespace

std::size_t max_source_filter_size() noexcept
{
  std::size_t limit = 10; // the kernel's default
  if (std::FILE* f = std::fopen("/proc/sys/net/ipv4/igmp_max_msf", "re"))
  {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1)
      limit = v < kernel_hard_limit ? v : kernel_hard_limit - 1;
    std::fclose(f);
  }
  return limit;
}

void msfilter_option::allocate(unsigned interface_index,
    const boost::asio::ip::address_v4& group, std::size_t n)
{
  size_ = filter_size(n);
  capacity_ = n;
  storage_.assign((size_ + sizeof(sockaddr_storage) - 1) / sizeof(sockaddr_storage), sockaddr_storage{});
  group_filter* gf = reinterpret_cast<group_filter*>(storage_.data());
  gf->gf_interface = interface_index;
  to_sockaddr(group, gf->gf_group);
  gf->gf_numsrc = static_cast<std::uint32_t>(n);
}

msfilter_option::msfilter_option(unsigned interface_index,
    const boost::asio::ip::address_v4& group, const source_filter& filter,
    boost::system::error_code& ec)
{
  ec = {};
  bool valid = group.is_multicast()
      && (filter.mode == filter_mode::include || filter.mode == filter_mode::exclude)
      && filter.sources.size() < kernel_hard_limit; // igmp_max_msf: the kernel's check
  for (const auto& s : filter.sources)
    valid = valid && is_unicast_source(s);
  if (!valid)
  {
    ec = boost::asio::error::invalid_argument;
    return;
  }
  allocate(interface_index, group, filter.sources.size());
  group_filter* gf = reinterpret_cast<group_filter*>(storage_.data());
  gf->gf_fmode = filter.mode == filter_mode::include ? MCAST_INCLUDE : MCAST_EXCLUDE;
  sockaddr_storage* list = gf->gf_slist;
  for (std::size_t i = 0; i < filter.sources.size(); ++i)
    to_sockaddr(filter.sources[i], list[i]);
}

msfilter_option::msfilter_option(unsigned interface_index,
    const boost::asio::ip::address_v4& group, std::size_t capacity,
    boost::system::error_code& ec)
{
  ec = {};
  if (!group.is_multicast() || capacity >= kernel_hard_limit)
  {
    ec = boost::asio::error::invalid_argument;
    return;
  }
  allocate(interface_index, group, capacity);
}

std::size_t msfilter_option::reported_sources() const noexcept
{
  return reinterpret_cast<const group_filter*>(storage_.data())->gf_numsrc;
}

void msfilter_option::resize(std::size_t s)
{
  if (s < header_size || s > size_)
    throw std::length_error("asio_ipv4: unexpected MCAST_MSFILTER size");
  size_ = s;
}

source_filter msfilter_option::result() const
{
  const group_filter* gf = reinterpret_cast<const group_filter*>(storage_.data());
  source_filter f;
  f.mode = gf->gf_fmode == MCAST_EXCLUDE ? filter_mode::exclude : filter_mode::include;
  // Only read the sources the kernel wrote and our buffer holds.
  std::size_t n = gf->gf_numsrc < capacity_ ? gf->gf_numsrc : capacity_;
  std::size_t fit = size_ >= header_size ? (size_ - header_size) / sizeof(sockaddr_storage) : 0;
  n = n < fit ? n : fit;
  f.sources.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
  {
    sockaddr_in sin;
    std::memcpy(&sin, &gf->gf_slist[i], sizeof(sin));
    if (sin.sin_family == AF_INET)
      f.sources.push_back(to_address_v4(sin.sin_addr));
  }
  return f;
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
