//
// asio_ipv4/ip4/multicast.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_MULTICAST_HPP
#define ASIO_IPV4_IP4_MULTICAST_HPP

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/detail/socket_option.hpp>

#include <boost/asio/ip/address_v4.hpp>

#include <netinet/in.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace asio_ipv4 {
namespace detail {

// Any-source membership: MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP when the
// interface is named by index, IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP with a
// struct ip_mreqn when it is named by address.
template <int ByIndex, int ByAddress>
class group_membership
{
public:
  group_membership(const boost::asio::ip::address_v4& group, unsigned interface_index) noexcept
    : by_index_(true), valid_(group.is_multicast())
  {
    std::memset(&req_, 0, sizeof(req_));
    std::memset(&mreqn_, 0, sizeof(mreqn_));
    req_.gr_interface = interface_index;
    to_sockaddr(group, req_.gr_group);
  }

  group_membership(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& interface_address) noexcept
    : by_index_(false), valid_(group.is_multicast())
  {
    std::memset(&req_, 0, sizeof(req_));
    std::memset(&mreqn_, 0, sizeof(mreqn_));
    mreqn_.imr_multiaddr = to_in_addr(group);
    mreqn_.imr_address = to_in_addr(interface_address);
  }

  template <class Protocol>
  int level(const Protocol&) const noexcept
  {
    return valid_ ? IPPROTO_IP : invalid_option_level;
  }

  template <class Protocol>
  int name(const Protocol&) const noexcept
  {
    return !valid_ ? invalid_option_name : by_index_ ? ByIndex : ByAddress;
  }

  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    return by_index_ ? static_cast<const void*>(&req_) : static_cast<const void*>(&mreqn_);
  }

  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return by_index_ ? sizeof(req_) : sizeof(mreqn_);
  }

private:
  group_req req_;
  ip_mreqn mreqn_;
  bool by_index_;
  bool valid_;
};

// Source-specific membership and exclude-mode blocking (RFC 3678): a struct
// group_source_req naming the interface by index.
template <int Name>
class source_membership
{
public:
  source_membership(const boost::asio::ip::address_v4& group,
      const boost::asio::ip::address_v4& source, unsigned interface_index) noexcept
    : valid_(group.is_multicast() && is_unicast_source(source))
  {
    std::memset(&req_, 0, sizeof(req_));
    req_.gsr_interface = interface_index;
    to_sockaddr(group, req_.gsr_group);
    to_sockaddr(source, req_.gsr_source);
  }

  template <class Protocol>
  int level(const Protocol&) const noexcept
  {
    return valid_ ? IPPROTO_IP : invalid_option_level;
  }

  template <class Protocol>
  int name(const Protocol&) const noexcept
  {
    return valid_ ? Name : invalid_option_name;
  }

  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    return &req_;
  }

  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return sizeof(req_);
  }

private:
  group_source_req req_;
  bool valid_;
};

} // namespace detail

namespace ip4 {

/// Socket option for the interface that outgoing multicast leaves by.
///
/// Implements the IPPROTO_IP/IP_MULTICAST_IF socket option, set with a
/// struct ip_mreqn so an interface can be named by its index (which Asio's
/// own @c outbound_interface cannot do) or by one of its local addresses.
/// Getting the option yields the address Linux reports: the address given to
/// the last set, or 0.0.0.0 after a set by index.
///
/// @par Example
/// @code
/// auto eth1 = asio_ipv4::ip4::interface_by_name("eth1");
/// socket.set_option(asio_ipv4::ip4::multicast_interface(eth1.index));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class multicast_interface
{
public:
  /// Constructs the option with no interface (the routing table decides),
  /// for use with get_option or to undo an earlier choice.
  multicast_interface() noexcept { std::memset(&mreqn_, 0, sizeof(mreqn_)); }

  /// Chooses the interface by its index (0: let routing decide).
  explicit multicast_interface(unsigned interface_index) noexcept : multicast_interface()
  {
    mreqn_.imr_ifindex = static_cast<int>(interface_index);
    valid_ = interface_index <= static_cast<unsigned>(INT32_MAX);
  }

  /// Chooses the interface owning a local address.
  explicit multicast_interface(const boost::asio::ip::address_v4& local_address) noexcept
    : multicast_interface()
  {
    mreqn_.imr_address = detail::to_in_addr(local_address);
    address_ = local_address;
  }

  /// Returns the interface address: as given, or as read by get_option.
  boost::asio::ip::address_v4 value() const noexcept { return address_; }

  /// Returns the interface index given to the constructor (0 when the
  /// option was built from an address or read with get_option).
  unsigned interface_index() const noexcept { return static_cast<unsigned>(mreqn_.imr_ifindex); }

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept
  {
    return valid_ ? IPPROTO_IP : detail::invalid_option_level;
  }

  /// Returns the level of the option (for get_option).
  template <class Protocol>
  int level(const Protocol&) noexcept { return IPPROTO_IP; }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept
  {
    return valid_ ? IP_MULTICAST_IF : detail::invalid_option_name;
  }

  /// Returns the name of the option (for get_option).
  template <class Protocol>
  int name(const Protocol&) noexcept { return IP_MULTICAST_IF; }

  /// Returns a pointer to the option data.
  template <class Protocol>
  void* data(const Protocol&) noexcept { return &mreqn_; }

  /// Returns a pointer to the option data.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept { return &mreqn_; }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return sizeof(mreqn_); }

  /// Reads the struct in_addr Linux answers with.
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    if (s != sizeof(in_addr))
      throw std::length_error("asio_ipv4: unexpected IP_MULTICAST_IF size");
    // The kernel wrote one in_addr at the start of the buffer.
    in_addr a;
    std::memcpy(&a, &mreqn_, sizeof(a));
    address_ = detail::to_address_v4(a);
    std::memset(&mreqn_, 0, sizeof(mreqn_));
    mreqn_.imr_address = a;
    valid_ = true;
  }

private:
  ip_mreqn mreqn_;
  boost::asio::ip::address_v4 address_;
  bool valid_ = true;
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
class join_group : public detail::group_membership<MCAST_JOIN_GROUP, IP_ADD_MEMBERSHIP>
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
class leave_group : public detail::group_membership<MCAST_LEAVE_GROUP, IP_DROP_MEMBERSHIP>
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
class source_group_join : public detail::source_membership<MCAST_JOIN_SOURCE_GROUP>
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
class source_group_leave : public detail::source_membership<MCAST_LEAVE_SOURCE_GROUP>
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
class block_source : public detail::source_membership<MCAST_BLOCK_SOURCE>
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
class unblock_source : public detail::source_membership<MCAST_UNBLOCK_SOURCE>
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
