//
// asio_ipv4/detail/address.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_ADDRESS_HPP
#define ASIO_IPV4_DETAIL_ADDRESS_HPP

#include <asio_ipv4/detail/socket_types.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <cstring>

namespace asio_ipv4 {
namespace detail {

// An in_addr holds the address's four bytes in network order.
inline in_addr to_in_addr(const boost::asio::ip::address_v4& a) noexcept
{
  in_addr r;
  const auto bytes = a.to_bytes();
  std::memcpy(&r, bytes.data(), 4);
  return r;
}

inline boost::asio::ip::address_v4 to_address_v4(const in_addr& a) noexcept
{
  boost::asio::ip::address_v4::bytes_type bytes;
  std::memcpy(bytes.data(), &a, 4);
  return boost::asio::ip::address_v4(bytes);
}

// The BSDs' sockaddr_in starts with a length byte; Linux's has none.
template <class Sockaddr>
auto set_length(Sockaddr& s, int) noexcept -> decltype(s.sin_len = 0, void())
{
  s.sin_len = sizeof(Sockaddr);
}

template <class Sockaddr>
void set_length(Sockaddr&, long) noexcept
{
}

// Writes an AF_INET sockaddr (port 0) into storage, field by field.
inline void to_sockaddr(const boost::asio::ip::address_v4& a, sockaddr_storage& storage) noexcept
{
  std::memset(&storage, 0, sizeof(storage));
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof(sin));
  set_length(sin, 0);
  sin.sin_family = AF_INET;
  sin.sin_addr = to_in_addr(a);
  std::memcpy(&storage, &sin, sizeof(sin));
}

// A unicast address a host can be a source of: not multicast, not 0.0.0.0,
// not the limited broadcast address.
inline bool is_unicast_source(const boost::asio::ip::address_v4& a) noexcept
{
  return !a.is_multicast() && !a.is_unspecified() && a != boost::asio::ip::address_v4::broadcast();
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_ADDRESS_HPP
