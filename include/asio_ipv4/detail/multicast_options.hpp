//
// asio_ipv4/detail/multicast_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_MULTICAST_OPTIONS_HPP
#define ASIO_IPV4_DETAIL_MULTICAST_OPTIONS_HPP

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/socket_option.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// A settable option holding one multicast request (detail/<platform>): its
// name and bytes, or the unsupported pair where the platform cannot express
// it, or Asio's invalid pair for bad addresses.
class multicast_request_option : protected option_guard
{
public:
  template <class Protocol>
  int level(const Protocol&) const noexcept
  {
    return level_to_set(ip_level);
  }

  template <class Protocol>
  int name(const Protocol&) const noexcept
  {
    return name_to_set(request_.name);
  }

  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    return &request_.align;
  }

  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return request_.size;
  }

protected:
  multicast_request_option() noexcept = default;

  // After the request is built: unsupported when the platform left it
  // without a name, invalid when `valid` is false.
  void check(bool valid) noexcept
  {
    state_ = request_.name == -1 ? option_state::unsupported : valid ? option_state::valid : option_state::invalid;
  }

  static constexpr int ip_level = 0; // IPPROTO_IP on every platform
  os::multicast_request request_;
};

// Any-source membership: by interface index (MCAST_JOIN_GROUP /
// MCAST_LEAVE_GROUP) or by interface address (IP_ADD_MEMBERSHIP /
// IP_DROP_MEMBERSHIP).
template <os::membership M>
class group_membership : public multicast_request_option
{
public:
  group_membership(const boost::asio::ip::address_v4& group, unsigned interface_index) noexcept
  {
    os::any_source_by_index(request_, M, group, interface_index);
    check(group.is_multicast());
  }

  group_membership(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& interface_address) noexcept
  {
    os::any_source_by_address(request_, M, group, interface_address);
    check(group.is_multicast());
  }
};

// Source-specific membership and exclude-mode blocking (RFC 3678): a struct
// group_source_req naming the interface by index.
template <os::source_membership M>
class source_membership : public multicast_request_option
{
public:
  source_membership(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index) noexcept
  {
    os::source_specific(request_, M, group, source, interface_index);
    check(group.is_multicast() && is_unicast_source(source));
  }
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_MULTICAST_OPTIONS_HPP
