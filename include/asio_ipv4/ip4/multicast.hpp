//
// asio_ipv4/ip4/multicast.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_MULTICAST_HPP
#define ASIO_IPV4_IP4_MULTICAST_HPP

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/multicast_options.hpp>
#include <asio_ipv4/detail/socket_option.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace asio_ipv4 {
namespace ip4 {

/// Socket option for the interface that outgoing multicast leaves by.
///
/// Implements the IPPROTO_IP/IP_MULTICAST_IF socket option, so that an
/// interface can be named by its index (which Asio's own
/// @c outbound_interface cannot do) or by one of its local addresses. Linux
/// and FreeBSD take a struct ip_mreqn; macOS takes the index through
/// IP_MULTICAST_IFINDEX and the address as a struct in_addr; QNX and the
/// other BSDs take only an address (an index other than 0 fails there with
/// operation_not_supported). Getting the option yields the address the
/// kernel reports: the address given to the last set, or 0.0.0.0 after a set
/// by index.
///
/// @par Example
/// @code
/// auto eth1 = asio_ipv4::ip4::interface_by_name("eth1");
/// socket.set_option(asio_ipv4::ip4::multicast_interface(eth1.index));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class multicast_interface : public detail::multicast_request_option
{
public:
  /// Constructs the option with no interface (the routing table decides),
  /// for use with get_option or to undo an earlier choice.
  multicast_interface() noexcept : multicast_interface(0u) {}

  /// Chooses the interface by its index (0: let routing decide).
  explicit multicast_interface(unsigned interface_index) noexcept : index_(interface_index)
  {
    detail::os::multicast_interface_by_index(request_, interface_index);
    check(true);
    // An index above INT_MAX cannot name an interface anywhere (Linux's and
    // FreeBSD's imr_ifindex is an int).
    if (interface_index > 0x7fffffffu)
      state_ = detail::option_state::invalid;
  }

  /// Chooses the interface owning a local address.
  explicit multicast_interface(const boost::asio::ip::address_v4& local_address) noexcept
    : address_(local_address)
  {
    detail::os::multicast_interface_by_address(request_, local_address);
    check(true);
  }

  /// Returns the interface address: as given, or as read by get_option.
  boost::asio::ip::address_v4 value() const noexcept { return address_; }

  /// Returns the interface index given to the constructor (0 when the
  /// option was built from an address or read with get_option).
  unsigned interface_index() const noexcept { return index_; }

  using multicast_request_option::data;
  using multicast_request_option::level;
  using multicast_request_option::name;
  using multicast_request_option::size;

  /// Returns the level of the option (for get_option).
  template <class Protocol>
  int level(const Protocol&) noexcept
  {
    return ip_level;
  }

  /// Returns the name of the option (for get_option): IP_MULTICAST_IF,
  /// which every platform answers with a struct in_addr.
  template <class Protocol>
  int name(const Protocol&) noexcept
  {
    return multicast_if_name();
  }

  /// Returns a pointer to the option data (for get_option).
  template <class Protocol>
  void* data(const Protocol&) noexcept
  {
    return &request_.align;
  }

  /// Returns the room offered to get_option.
  template <class Protocol>
  std::size_t size(const Protocol&) noexcept
  {
    return sizeof(in_addr);
  }

  /// Reads the struct in_addr the kernel answers with.
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    if (s != sizeof(in_addr))
      throw std::length_error("asio_ipv4: unexpected IP_MULTICAST_IF size");
    in_addr a;
    std::memcpy(&a, &request_.align, sizeof(a));
    *this = multicast_interface(detail::to_address_v4(a));
    index_ = 0;
  }

private:
  static int multicast_if_name() noexcept
  {
    detail::os::multicast_request r;
    detail::os::multicast_interface_by_address(r, boost::asio::ip::address_v4());
    return r.name;
  }

  boost::asio::ip::address_v4 address_;
  unsigned index_ = 0;
};


/// Socket option to join a multicast group (any source).
///
/// Implements MCAST_JOIN_GROUP (interface by index; 0 lets routing choose)
/// or IP_ADD_MEMBERSHIP with a struct ip_mreqn (interface by local address).
/// A group address that is not multicast makes @c set_option fail with
/// @c boost::asio::error::invalid_argument.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::join_group(
///     boost::asio::ip::make_address_v4("239.1.2.3"), eth1.index));
/// @endcode
///
/// @par Concepts
/// SettableSocketOption.
class join_group : public detail::group_membership<detail::os::membership::join>
{
public:
  /// Joins @c group on the interface with the given index (0: routing decides).
  explicit join_group(const boost::asio::ip::address_v4& group, unsigned interface_index = 0) noexcept
    : group_membership(group, interface_index)
  {
  }

  /// Joins @c group on the interface owning @c interface_address.
  join_group(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& interface_address) noexcept
    : group_membership(group, interface_address)
  {
  }
};

/// Socket option to leave a multicast group joined with @ref join_group.
///
/// Implements MCAST_LEAVE_GROUP or IP_DROP_MEMBERSHIP; name the interface the
/// same way as when joining.
///
/// @par Concepts
/// SettableSocketOption.
class leave_group : public detail::group_membership<detail::os::membership::leave>
{
public:
  /// Leaves @c group on the interface with the given index.
  explicit leave_group(const boost::asio::ip::address_v4& group, unsigned interface_index = 0) noexcept
    : group_membership(group, interface_index)
  {
  }

  /// Leaves @c group on the interface owning @c interface_address.
  leave_group(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& interface_address) noexcept
    : group_membership(group, interface_address)
  {
  }
};

/// Socket option to join a source-specific group (SSM, include mode).
///
/// Implements MCAST_JOIN_SOURCE_GROUP (RFC 3678): receive datagrams for
/// @c group only from @c source. Further joins add sources. The group must be
/// multicast and the source a unicast address, otherwise @c set_option fails
/// with @c boost::asio::error::invalid_argument.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::source_group_join(
///     boost::asio::ip::make_address_v4("232.1.1.1"),
///     boost::asio::ip::make_address_v4("10.0.0.5"), eth1.index));
/// @endcode
///
/// @par Concepts
/// SettableSocketOption.
class source_group_join : public detail::source_membership<detail::os::source_membership::join>
{
public:
  /// Joins (@c group, @c source) on the interface with the given index.
  source_group_join(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index = 0) noexcept
    : source_membership(group, source, interface_index)
  {
  }
};

/// Socket option to leave a source-specific group.
///
/// Implements MCAST_LEAVE_SOURCE_GROUP: removes one source of an include-mode
/// membership; removing the last one leaves the group.
///
/// @par Concepts
/// SettableSocketOption.
class source_group_leave : public detail::source_membership<detail::os::source_membership::leave>
{
public:
  /// Leaves (@c group, @c source) on the interface with the given index.
  source_group_leave(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index = 0) noexcept
    : source_membership(group, source, interface_index)
  {
  }
};

/// Socket option to stop receiving one source of a joined group.
///
/// Implements MCAST_BLOCK_SOURCE (RFC 3678, exclude mode): after a
/// @ref join_group on the same interface, datagrams from @c source are
/// dropped.
///
/// @par Concepts
/// SettableSocketOption.
class block_source : public detail::source_membership<detail::os::source_membership::block>
{
public:
  /// Blocks @c source for @c group on the interface with the given index.
  block_source(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index = 0) noexcept
    : source_membership(group, source, interface_index)
  {
  }
};

/// Socket option to receive again from a source blocked with @ref block_source.
///
/// Implements MCAST_UNBLOCK_SOURCE.
///
/// @par Concepts
/// SettableSocketOption.
class unblock_source : public detail::source_membership<detail::os::source_membership::unblock>
{
public:
  /// Unblocks @c source for @c group on the interface with the given index.
  unblock_source(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index = 0) noexcept
    : source_membership(group, source, interface_index)
  {
  }
};

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_MULTICAST_HPP
