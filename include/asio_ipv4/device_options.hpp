//
// asio_ipv4/device_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DEVICE_OPTIONS_HPP
#define ASIO_IPV4_DEVICE_OPTIONS_HPP

// A socket and the network devices under it: which device it is bound to,
// the priority and mark its packets carry into queueing disciplines and
// packet filters, and busy polling of the device queue on receive.

#include <asio_ipv4/detail/socket_option.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace asio_ipv4 {
namespace detail {

// IFNAMSIZ: an interface name and its terminating NUL (checked in
// src/linux/host_checks.cpp and src/bsd/host_checks.cpp).
constexpr std::size_t interface_name_size = 16;

} // namespace detail

/// Socket option binding a socket to one network interface.
///
/// Implements SOL_SOCKET/SO_BINDTODEVICE: the socket then receives only
/// packets that arrived on that interface and sends only through it,
/// whatever the routing table says. The value is the interface's name;
/// the empty name unbinds. get_option yields the name, empty when the
/// socket is not bound.
///
/// A name of 16 (IFNAMSIZ) characters or more, or one holding a NUL
/// character, makes @c set_option fail with
/// @c boost::asio::error::invalid_argument without touching the socket (the
/// kernel would silently cut it). Kernel errors: ENODEV for a name no
/// interface has; EPERM to change or remove a binding without CAP_NET_RAW
/// (binding an unbound socket needs no privilege since Linux 5.7).
///
/// macOS: IP_BOUND_IF, which takes an interface index; the option looks the
/// name up when it is set (a name no interface has: ENXIO,
/// @c no_such_device_or_address) and the index up again on get. Elsewhere
/// (FreeBSD, QNX, Windows): @c set_option and @c get_option fail without
/// touching the socket.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::bind_to_device("eth1"));
/// socket.set_option(asio_ipv4::bind_to_device(""));   // unbind
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class bind_to_device : public detail::named_option<detail::os::so_bindtodevice>
{
public:
  /// Constructs the option with the empty name (setting it unbinds), for
  /// use with get_option.
  bind_to_device() noexcept : named_option(true) {}

  /// Constructs the option with an interface name.
  explicit bind_to_device(std::string_view interface_name) noexcept : named_option(acceptable(interface_name))
  {
    if (acceptable(interface_name))
    {
      std::memcpy(name_, interface_name.data(), interface_name.size());
      length_ = interface_name.size();
    }
  }

  /// Returns the interface name (empty: not bound; also empty when the
  /// object was built from an invalid name).
  std::string value() const { return std::string(name_, length_); }

  /// True when the name can be set.
  bool valid() const noexcept { return state_ != detail::option_state::invalid; }

  using named_option::level;
  using named_option::name;

  /// Returns a pointer to the option data: the name's characters (macOS:
  /// the interface's index, looked up now).
  template <class Protocol>
  const void* data(const Protocol&) const
  {
    if constexpr (detail::os::bind_to_device_by_index)
    {
      // IP_BOUND_IF: 0 unbinds; an index above every interface's is refused
      // by the kernel (ENXIO) without effect, as a name no interface has.
      index_ = 0;
      if (length_ != 0)
      {
        boost::system::error_code ec;
        const auto nic = ip4::interface_by_name(std::string_view(name_, length_), ec);
        index_ = ec ? -1 : static_cast<int>(nic.index);
      }
      return &index_;
    }
    else
      return name_;
  }

  /// Returns the size of the option data (set_option).
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return detail::os::bind_to_device_by_index ? sizeof(index_) : length_;
  }

  /// Returns the level of the option (get_option).
  template <class Protocol>
  int level(const Protocol&) noexcept
  {
    return level_to_get(detail::os::so_bindtodevice);
  }

  /// Returns the name of the option (get_option).
  template <class Protocol>
  int name(const Protocol&) noexcept
  {
    return name_to_get(detail::os::so_bindtodevice);
  }

  /// Returns a pointer to the room the kernel writes the name (or index) to.
  template <class Protocol>
  void* data(const Protocol&) noexcept
  {
    if constexpr (detail::os::bind_to_device_by_index)
      return &index_;
    else
      return name_;
  }

  /// Returns the size of that room (IFNAMSIZ bytes, which Linux requires).
  template <class Protocol>
  std::size_t size(const Protocol&) noexcept
  {
    return detail::os::bind_to_device_by_index ? sizeof(index_) : sizeof(name_);
  }

  /// Takes what the kernel wrote: the name with its NUL, or nothing when the
  /// socket is not bound (macOS: the index, 0 when not bound).
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    if constexpr (detail::os::bind_to_device_by_index)
    {
      if (s != sizeof(index_))
        throw std::length_error("asio_ipv4: unexpected socket option size");
      length_ = 0;
      if (index_ > 0)
      {
        boost::system::error_code ec;
        const auto nic = ip4::interface_by_index(static_cast<unsigned>(index_), ec);
        if (!ec && acceptable(nic.name))
        {
          std::memcpy(name_, nic.name.data(), nic.name.size());
          length_ = nic.name.size();
        }
      }
    }
    else
    {
      if (s > sizeof(name_))
        throw std::length_error("asio_ipv4: unexpected socket option size");
      length_ = 0;
      while (length_ < s && name_[length_] != '\0')
        ++length_;
    }
    state_ = state_of(detail::os::so_bindtodevice, true);
  }

private:
  static bool acceptable(std::string_view n) noexcept
  {
    return n.size() < detail::interface_name_size && n.find('\0') == std::string_view::npos;
  }

  char name_[detail::interface_name_size] = {};
  std::size_t length_ = 0;
  mutable int index_ = 0;
};

/// Socket option for the priority of the socket's outgoing packets.
///
/// Implements SOL_SOCKET/SO_PRIORITY: the skb priority of every packet the
/// socket sends, which queueing disciplines (prio, mqprio, tc filters on
/// "priority") and VLAN egress maps use. Linux also derives it from
/// ip4::tos. Values 0..6 need no privilege; higher ones need CAP_NET_ADMIN
/// (the kernel answers EPERM). A negative value makes @c set_option fail
/// with @c boost::asio::error::invalid_argument. Linux only.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::priority(6));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class priority : public detail::ranged_option<detail::os::so_priority, 0, INT_MAX>
{
public:
  using ranged_option::ranged_option;
};

/// Socket option for the firewall mark of the socket's packets.
///
/// Implements SOL_SOCKET/SO_MARK: a 32-bit mark on every packet the socket
/// sends, which policy routing (<tt>ip rule ... fwmark</tt>), nftables
/// (<tt>meta mark</tt>) and tc filters match. Setting it needs CAP_NET_ADMIN
/// (or CAP_NET_RAW since Linux 5.17); the kernel answers EPERM otherwise. A
/// value outside 0..4294967295 makes @c set_option fail with
/// @c boost::asio::error::invalid_argument (never cut to 32 bits). Linux
/// only.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::mark(0x2a));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class mark : public detail::int_option_base<detail::os::so_mark>
{
public:
  /// Constructs the option with the mark 0, for use with get_option.
  mark() noexcept = default;

  /// Constructs the option with a mark; values outside 0..2^32-1 make
  /// set_option fail with invalid_argument.
  template <class Integer, class = std::enable_if_t<std::is_integral<Integer>::value>>
  explicit mark(Integer value) noexcept
    : int_option_base(fits(value) ? static_cast<int>(static_cast<std::uint32_t>(value)) : 0, fits(value))
  {
  }

  /// Returns the mark (0 when valid() is false).
  std::uint32_t value() const noexcept { return static_cast<std::uint32_t>(value_); }

  /// True when the mark can be set.
  bool valid() const noexcept { return state_ != detail::option_state::invalid; }

private:
  template <class Integer>
  static constexpr bool fits(Integer v) noexcept
  {
    return detail::in_range<0, 0xffffffffLL>(v);
  }
};

/// Socket option for busy polling on receive.
///
/// Implements SOL_SOCKET/SO_BUSY_POLL: how long a blocking receive (or
/// poll) on the socket spins on the device's receive queue before it
/// sleeps, which cuts latency at the price of CPU time, on devices whose
/// driver supports it (NAPI). 0 turns it off (then the sysctl
/// net.core.busy_read decides). Raising it above the current value needs
/// CAP_NET_ADMIN (EPERM otherwise). A negative duration, or one above
/// INT_MAX microseconds, makes @c set_option fail with
/// @c boost::asio::error::invalid_argument. Linux only.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::busy_poll(std::chrono::microseconds(50)));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class busy_poll : public detail::int_option_base<detail::os::so_busy_poll>
{
public:
  /// Constructs the option with 0 (off), for use with get_option.
  busy_poll() noexcept = default;

  /// Constructs the option with a duration (a coarser one converts; a finer
  /// one, such as nanoseconds, does not compile: nothing is rounded).
  explicit busy_poll(std::chrono::microseconds duration) noexcept
    : int_option_base(fits(duration) ? static_cast<int>(duration.count()) : 0, fits(duration))
  {
  }

  /// Returns the duration (0 when valid() is false).
  std::chrono::microseconds value() const noexcept { return std::chrono::microseconds(value_); }

  /// True when the duration can be set.
  bool valid() const noexcept { return state_ != detail::option_state::invalid; }

private:
  static constexpr bool fits(std::chrono::microseconds d) noexcept
  {
    return detail::in_range<0, INT_MAX>(d.count());
  }
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_DEVICE_OPTIONS_HPP
