//
// asio_ipv4/detail/source_filter_option.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SOURCE_FILTER_OPTION_HPP
#define ASIO_IPV4_DETAIL_SOURCE_FILTER_OPTION_HPP

#include <asio_ipv4/detail/platform.hpp>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {
struct source_filter;
} // namespace ip4

namespace detail {

// The MCAST_MSFILTER option buffer: a struct group_filter followed by its
// source list. Built and read by src/source_filter.cpp.
class msfilter_option
{
public:
  // For set: validates (multicast group, unicast sources, at most the
  // kernel's igmp_max_msf sources) and fills the buffer.
  msfilter_option(unsigned interface_index, const boost::asio::ip::address_v4& group,
      const ip4::source_filter& filter, boost::system::error_code& ec);

  // For get: room for `capacity` sources.
  msfilter_option(unsigned interface_index, const boost::asio::ip::address_v4& group,
      std::size_t capacity, boost::system::error_code& ec);

  // The number of sources the kernel holds (after get) and the room we gave.
  std::size_t reported_sources() const noexcept;
  std::size_t capacity() const noexcept { return capacity_; }
  ip4::source_filter result() const;

  template <class Protocol>
  int level(const Protocol&) const noexcept { return os::mcast_msfilter.level; }
  template <class Protocol>
  int name(const Protocol&) const noexcept { return os::mcast_msfilter.name; }
  template <class Protocol>
  void* data(const Protocol&) noexcept { return storage_.data(); }
  template <class Protocol>
  const void* data(const Protocol&) const noexcept { return storage_.data(); }
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return size_; }
  template <class Protocol>
  void resize(const Protocol&, std::size_t s) { resize(s); }

private:
  void allocate(unsigned interface_index, const boost::asio::ip::address_v4& group, std::size_t n);
  void resize(std::size_t s);

  std::vector<sockaddr_storage> storage_; // sockaddr_storage keeps the alignment
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// The source limit of the calling thread's network namespace
// (net.ipv4.igmp_max_msf), or the kernel default of 10 if unreadable: the
// first guess of room for get_source_filter, capped there.
std::size_t max_source_filter_size() noexcept;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SOURCE_FILTER_OPTION_HPP
