//
// asio_ipv4/ip4/source_filter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_SOURCE_FILTER_HPP
#define ASIO_IPV4_IP4_SOURCE_FILTER_HPP

#include <asio_ipv4/detail/source_filter_option.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {

/// Filter mode of a full-state source filter (RFC 3678).
enum class filter_mode
{
  /// MCAST_INCLUDE: receive only from the listed sources.
  include,
  /// MCAST_EXCLUDE: receive from every source except the listed ones.
  exclude
};

/// The full state of a socket's source filter for one group on one interface.
///
/// An include filter with no sources means "not joined"; an exclude filter
/// with no sources is an any-source membership.
struct source_filter
{
  /// Include or exclude mode.
  filter_mode mode = filter_mode::include;
  /// The sources the mode applies to.
  std::vector<boost::asio::ip::address_v4> sources;
};

} // namespace ip4

namespace detail {

// The platform's own call where it has no MCAST_MSFILTER socket option
// (the BSDs: setsourcefilter(3) / getsourcefilter(3)); src/bsd/source_filter.cpp.
void set_source_filter_call(int fd, unsigned interface_index, const boost::asio::ip::address_v4& group,
    const ip4::source_filter& filter, boost::system::error_code& ec);
ip4::source_filter get_source_filter_call(int fd, unsigned interface_index,
    const boost::asio::ip::address_v4& group, boost::system::error_code& ec);

} // namespace detail

namespace ip4 {

/// Sets the full-state source filter of a group on one interface.
///
/// Implements the RFC 3678 MCAST_MSFILTER socket option (on the BSDs, the
/// RFC 3678 function setsourcefilter(3)). Linux needs an
/// earlier membership of the socket for @c group on that interface
/// (@ref join_group, or @ref source_group_join), otherwise the kernel answers
/// EINVAL. A group that is not multicast or a source that is not unicast
/// fail with @c boost::asio::error::invalid_argument before the kernel is
/// asked. More sources than the limit of the socket's network namespace
/// (sysctl net.ipv4.igmp_max_msf, 10 by default) also fail with
/// @c invalid_argument: the kernel checks that limit, since only it knows
/// the socket's namespace, and refuses (ENOBUFS) before changing anything.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::join_group(group, eth1.index));
/// asio_ipv4::ip4::set_source_filter(socket, eth1.index, group,
///     {asio_ipv4::ip4::filter_mode::exclude, {noisy_sender}}, ec);
/// @endcode
template <class Socket>
void set_source_filter(Socket& socket, unsigned interface_index,
    const boost::asio::ip::address_v4& group, const source_filter& filter,
    boost::system::error_code& ec)
{
  if constexpr (!detail::os::mcast_msfilter.supported())
    return detail::set_source_filter_call(socket.native_handle(), interface_index, group, filter, ec);
  detail::msfilter_option option(interface_index, group, filter, ec);
  if (!ec)
    socket.set_option(option, ec);
  // The kernel refuses more than its igmp_max_msf sources (or more than
  // fits its option memory) with ENOBUFS, before changing anything.
  if (ec == boost::asio::error::no_buffer_space)
    ec = boost::asio::error::invalid_argument;
}

/// Sets the full-state source filter of a group on one interface.
///
/// Throwing form of set_source_filter(); throws boost::system::system_error.
template <class Socket>
void set_source_filter(Socket& socket, unsigned interface_index,
    const boost::asio::ip::address_v4& group, const source_filter& filter)
{
  boost::system::error_code ec;
  set_source_filter(socket, interface_index, group, filter, ec);
  if (ec)
    throw boost::system::system_error(ec, "set_source_filter");
}

/// Reads the full-state source filter of a group on one interface.
///
/// Implements the RFC 3678 MCAST_MSFILTER socket option (getsockopt; on the
/// BSDs, getsourcefilter(3)). Fails
/// with EADDRNOTAVAIL when the socket has no membership of @c group on that
/// interface, and with @c boost::asio::error::invalid_argument for a group
/// that is not multicast.
template <class Socket>
source_filter get_source_filter(Socket& socket, unsigned interface_index,
    const boost::asio::ip::address_v4& group, boost::system::error_code& ec)
{
  if constexpr (!detail::os::mcast_msfilter.supported())
    return detail::get_source_filter_call(socket.native_handle(), interface_index, group, ec);
  // A small first guess: the kernel reports its full count and the loop
  // grows to it, while igmp_max_msf may be raised to millions of slots.
  std::size_t capacity = detail::max_source_filter_size();
  if (capacity > 64)
    capacity = 64;
  for (;;)
  {
    detail::msfilter_option option(interface_index, group, capacity, ec);
    if (ec)
      return {};
    socket.get_option(option, ec);
    if (ec)
      return {};
    // The kernel reports its full count even when our room was smaller.
    if (option.reported_sources() <= option.capacity())
      return option.result();
    capacity = option.reported_sources();
  }
}

/// Reads the full-state source filter of a group on one interface.
///
/// Throwing form of get_source_filter(); throws boost::system::system_error.
template <class Socket>
source_filter get_source_filter(Socket& socket, unsigned interface_index,
    const boost::asio::ip::address_v4& group)
{
  boost::system::error_code ec;
  source_filter f = get_source_filter(socket, interface_index, group, ec);
  if (ec)
    throw boost::system::system_error(ec, "get_source_filter");
  return f;
}

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_SOURCE_FILTER_HPP
