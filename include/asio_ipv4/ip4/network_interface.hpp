//
// asio_ipv4/ip4/network_interface.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_NETWORK_INTERFACE_HPP
#define ASIO_IPV4_IP4_NETWORK_INTERFACE_HPP

#include <boost/asio/ip/network_v4.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {

/// A network interface of the calling thread's network namespace, with its
/// IPv4 addresses.
///
/// Filled from the kernel's rtnetlink link and address lists (RTM_GETLINK
/// and RTM_GETADDR dumps on a NETLINK_ROUTE socket). Every interface is
/// listed, also those without an IPv4 address; @c addresses are in the
/// kernel's order, each the interface's own address with its prefix length
/// (IFA_LOCAL, which differs from the peer address IFA_ADDRESS on
/// point-to-point links). An alias label such as "eth0:1" does not make a
/// separate interface: its address belongs to "eth0".
///
/// @par Example
/// @code
/// for (const auto& nic : asio_ipv4::ip4::interfaces())
///   if (nic.up() && nic.multicast() && !nic.addresses.empty())
///     socket.set_option(asio_ipv4::ip4::multicast_interface(nic.index));
/// @endcode
struct network_interface
{
  /// IFF_UP: the interface is administratively up.
  static constexpr unsigned flag_up = 0x1;
  /// IFF_BROADCAST: the link has a broadcast address.
  static constexpr unsigned flag_broadcast = 0x2;
  /// IFF_LOOPBACK: a loopback interface.
  static constexpr unsigned flag_loopback = 0x8;
  /// IFF_POINTOPOINT: a point-to-point link.
  static constexpr unsigned flag_point_to_point = 0x10;
  /// IFF_RUNNING: operationally up (RFC 2863 "up").
  static constexpr unsigned flag_running = 0x40;
  /// IFF_NOARP: no address resolution on this link.
  static constexpr unsigned flag_noarp = 0x80;
  /// IFF_MULTICAST: the link supports multicast.
  static constexpr unsigned flag_multicast = 0x1000;
  /// IFF_LOWER_UP: the driver reports the physical layer (carrier) up.
  static constexpr unsigned flag_lower_up = 0x10000;

  /// The kernel's interface index (if_nametoindex, IP_MULTICAST_IF...).
  unsigned index = 0;

  /// The interface name (IFLA_IFNAME), e.g. "eth0".
  std::string name;

  /// The link MTU in bytes (IFLA_MTU).
  unsigned mtu = 0;

  /// The IFF_* flag bits as rtnetlink reports them (ifinfomsg::ifi_flags,
  /// including IFF_RUNNING, IFF_LOWER_UP and IFF_DORMANT).
  unsigned flags = 0;

  /// The interface's IPv4 addresses with their prefix lengths, in the
  /// kernel's order (primary addresses before their secondaries).
  std::vector<boost::asio::ip::network_v4> addresses;

  /// IFF_UP is set.
  bool up() const noexcept { return (flags & flag_up) != 0; }

  /// IFF_LOOPBACK is set.
  bool loopback() const noexcept { return (flags & flag_loopback) != 0; }

  /// IFF_MULTICAST is set.
  bool multicast() const noexcept { return (flags & flag_multicast) != 0; }

  /// IFF_BROADCAST is set.
  bool broadcast() const noexcept { return (flags & flag_broadcast) != 0; }

  /// IFF_POINTOPOINT is set.
  bool point_to_point() const noexcept { return (flags & flag_point_to_point) != 0; }

  /// IFF_RUNNING is set: up and able to pass packets (for example carrier
  /// present). `ip link` shows an interface that is UP but not RUNNING as
  /// NO-CARRIER.
  bool running() const noexcept { return (flags & flag_running) != 0; }
};

/// Lists the network interfaces of the calling thread's network namespace.
///
/// Sends an RTM_GETLINK and an AF_INET RTM_GETADDR dump request on a
/// NETLINK_ROUTE socket and joins the answers by interface index. A dump the
/// kernel marks inconsistent (NLM_F_DUMP_INTR, because interfaces changed
/// meanwhile) is repeated.
///
/// @param ec Set to the error the kernel reported (an NLMSG_ERROR, a socket
/// error), to @c boost::system::errc::bad_message if its answer was
/// malformed, or to @c resource_unavailable_try_again if the dump stayed
/// inconsistent after several attempts. The result is then empty.
std::vector<network_interface> interfaces(boost::system::error_code& ec);

/// Lists the network interfaces of the calling thread's network namespace.
///
/// As the @c error_code form.
///
/// @throws boost::system::system_error Thrown on failure.
std::vector<network_interface> interfaces();

/// Finds an interface by its name (IFLA_IFNAME).
///
/// @param name The interface name, such as @c "eth0".
/// @param ec Set to @c boost::asio::error::no_such_device when no interface
/// has that name, or to an error of @ref interfaces.
network_interface interface_by_name(std::string_view name, boost::system::error_code& ec);

/// Finds an interface by its name (IFLA_IFNAME).
///
/// @param name The interface name, such as @c "eth0".
///
/// @throws boost::system::system_error Thrown on failure, with
/// @c boost::asio::error::no_such_device when no interface has that name.
network_interface interface_by_name(std::string_view name);

/// Finds an interface by its kernel index.
///
/// @param index The interface index (if_nametoindex(3), IFLA_IFINDEX).
/// @param ec Set to @c boost::asio::error::no_such_device when no interface
/// has that index, or to an error of @ref interfaces.
network_interface interface_by_index(unsigned index, boost::system::error_code& ec);

/// Finds an interface by its kernel index.
///
/// @param index The interface index (if_nametoindex(3), IFLA_IFINDEX).
///
/// @throws boost::system::system_error Thrown on failure, with
/// @c boost::asio::error::no_such_device when no interface has that index.
network_interface interface_by_index(unsigned index);

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_NETWORK_INTERFACE_HPP
