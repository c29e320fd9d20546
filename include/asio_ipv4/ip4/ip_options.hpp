//
// asio_ipv4/ip4/ip_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_IP_OPTIONS_HPP
#define ASIO_IPV4_IP4_IP_OPTIONS_HPP

#include <asio_ipv4/detail/socket_option.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address_v4.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {

/// Socket option for the IPv4 options carried by every outgoing packet.
///
/// Implements the IPPROTO_IP/IP_OPTIONS socket option: up to 40 bytes in the
/// RFC 791 format, sent in the header of each packet. More than 40 bytes
/// (directly, from a builder, or by concatenation) make @c set_option fail
/// with @c boost::asio::error::invalid_argument. An empty @c options clears
/// them. Reading the option gives the bytes as the kernel holds them, padded
/// to a multiple of 4.
///
/// A source route lists the gateways, the first hop first, as BSD's ip(4)
/// describes; the final destination is not listed. The kernel takes the
/// first hop out as the packet's next hop and writes the destination of each
/// send into the last slot, so the wire carries the remaining gateways and
/// then the destination.
///
/// @par Example
/// @code
/// socket.set_option(asio_ipv4::ip4::options::record_route(9));
/// socket.set_option(asio_ipv4::ip4::options::loose_source_route({gateway1, gateway2}));
/// socket.set_option(asio_ipv4::ip4::options());   // clear
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class options : detail::option_guard
{
public:
  /// The most option bytes an IPv4 header can carry.
  static constexpr std::size_t max_size = 40;

  /// Constructs empty options (clears them when set; room for a get).
  options() noexcept = default;

  /// Constructs the option from raw option bytes (at most 40).
  explicit options(boost::asio::const_buffer bytes) noexcept { append(bytes); }

  /// Returns the option bytes.
  boost::asio::const_buffer value() const noexcept
  {
    return boost::asio::const_buffer(bytes_.data(), valid_ ? size_ : 0);
  }

  /// True when the bytes fit in an IPv4 header and can be set.
  bool valid() const noexcept { return valid_; }

  /// Appends another option list (for example a timestamp after a router
  /// alert); the result becomes invalid if it exceeds 40 bytes.
  options& operator+=(const options& other) noexcept
  {
    if (!other.valid_)
      valid_ = false;
    else
      append(other.value());
    return *this;
  }

  /// Concatenates two option lists.
  friend options operator+(options a, const options& b) noexcept { return a += b; }

  /// Record Route (RFC 791, type 7) with room for @c slots addresses (1..9).
  static options record_route(std::size_t slots) noexcept { return route_space(type_record_route, slots); }

  /// Internet Timestamp (RFC 791, type 68), timestamps only, with room for
  /// @c slots timestamps (1..9).
  static options timestamp(std::size_t slots) noexcept
  {
    options o;
    // Compared before multiplying: 4 * slots would wrap for huge counts.
    if (slots < 1 || slots > (max_size - 4) / 4)
      return invalid();
    o.size_ = 4 + 4 * slots;
    o.bytes_[0] = type_timestamp;
    o.bytes_[1] = static_cast<std::uint8_t>(o.size_);
    o.bytes_[2] = 5; // pointer: first free slot, 1-based
    o.bytes_[3] = timestamp_only;
    return o;
  }

  /// Loose Source and Record Route (type 131) through the gateways @c hops
  /// (1..9), the first hop first; the destination is not listed.
  static options loose_source_route(const std::vector<boost::asio::ip::address_v4>& hops) noexcept
  {
    return source_route(type_loose_source_route, hops);
  }

  /// Strict Source and Record Route (type 137) through the gateways @c hops
  /// (1..9), the first hop first; the destination is not listed.
  static options strict_source_route(const std::vector<boost::asio::ip::address_v4>& hops) noexcept
  {
    return source_route(type_strict_source_route, hops);
  }

  /// Router Alert (RFC 2113, type 148, value 0).
  static options router_alert() noexcept
  {
    options o;
    o.size_ = 4;
    o.bytes_[0] = type_router_alert;
    o.bytes_[1] = 4;
    return o;
  }

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return level_for(state(), detail::os::ip_options.level); }

  /// Returns the level of the option (for get_option).
  template <class Protocol>
  int level(const Protocol&) noexcept { return level_to_get(detail::os::ip_options); }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return name_for(state(), detail::os::ip_options.name); }

  /// Returns the name of the option (for get_option).
  template <class Protocol>
  int name(const Protocol&) noexcept { return name_to_get(detail::os::ip_options); }

  /// Returns a pointer to the option data (room for 40 bytes on get).
  template <class Protocol>
  void* data(const Protocol&) noexcept { return bytes_.data(); }

  /// Returns a pointer to the option data.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept { return bytes_.data(); }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return size_; }

  /// Returns the room offered to get_option: all 40 bytes, whatever the
  /// object held (get_option calls this non-const overload).
  template <class Protocol>
  std::size_t size(const Protocol&) noexcept { return max_size; }

  /// Takes the size the kernel answered with.
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    if (s > max_size)
      throw std::length_error("asio_ipv4: IP_OPTIONS longer than 40 bytes");
    size_ = s;
    valid_ = true;
  }

private:
  // RFC 791 / RFC 2113 option types. Not taken from <netinet/ip.h>, whose
  // `struct ip` would clash with the common `namespace ip = boost::asio::ip;`.
  static constexpr std::uint8_t type_record_route = 7;
  static constexpr std::uint8_t type_timestamp = 68;
  static constexpr std::uint8_t type_loose_source_route = 131;
  static constexpr std::uint8_t type_strict_source_route = 137;
  static constexpr std::uint8_t type_router_alert = 148;
  static constexpr std::uint8_t timestamp_only = 0; // flag: timestamps, no addresses

  detail::option_state state() const noexcept { return state_of(detail::os::ip_options, valid_); }

  static options invalid() noexcept
  {
    options o;
    o.valid_ = false;
    return o;
  }

  void append(boost::asio::const_buffer b) noexcept
  {
    if (!valid_ || b.size() > max_size - size_)
    {
      valid_ = false;
      return;
    }
    if (b.size() != 0)
      std::memcpy(bytes_.data() + size_, b.data(), b.size());
    size_ += b.size();
  }

  static options route_space(std::uint8_t type, std::size_t slots) noexcept
  {
    // Compared before multiplying: 4 * slots would wrap for huge counts.
    if (slots < 1 || slots > (max_size - 3) / 4)
      return invalid();
    options o;
    o.size_ = 3 + 4 * slots;
    o.bytes_[0] = type;
    o.bytes_[1] = static_cast<std::uint8_t>(o.size_);
    o.bytes_[2] = 4; // pointer: first free slot, 1-based
    return o;
  }

  static options source_route(std::uint8_t type, const std::vector<boost::asio::ip::address_v4>& hops) noexcept
  {
    options o = route_space(type, hops.size());
    for (std::size_t i = 0; o.valid_ && i < hops.size(); ++i)
    {
      auto b = hops[i].to_bytes();
      std::memcpy(o.bytes_.data() + 3 + 4 * i, b.data(), 4);
    }
    return o;
  }

  std::array<std::uint8_t, max_size> bytes_{};
  std::size_t size_ = 0;
  bool valid_ = true;
};

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_IP_OPTIONS_HPP
