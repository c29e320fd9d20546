//
// asio_ipv4/ip4/icmp_filter.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_ICMP_FILTER_HPP
#define ASIO_IPV4_IP4_ICMP_FILTER_HPP

#include <asio_ipv4/detail/socket_option.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace asio_ipv4 {
namespace ip4 {

/// Socket option filtering the ICMP types a raw ICMP socket receives.
///
/// Implements the Linux SOL_RAW/ICMP_FILTER socket option (elsewhere
/// @c set_option and @c get_option fail with operation_not_supported) of raw sockets
/// opened with IPPROTO_ICMP (such as @c boost::asio::ip::icmp::socket). The
/// kernel filter is a 32-bit mask covering types 0..31; higher types always
/// pass, so blocking one makes @c set_option fail with
/// @c boost::asio::error::invalid_argument. A new filter passes every type.
///
/// @par Example
/// @code
/// asio_ipv4::ip4::icmp_filter f;
/// f.block_all().pass(asio_ipv4::ip4::icmp_type::echo_reply);
/// icmp_socket.set_option(f);
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class icmp_filter : detail::option_guard
{
public:
  /// Constructs a filter that passes every type.
  icmp_filter() noexcept = default;

  /// Lets @c type through.
  icmp_filter& pass(icmp_type type) noexcept
  {
    if (covered(type))
      mask_ &= ~bit(type);
    else
      unfilterable_.reset(static_cast<unsigned>(type));
    return *this;
  }

  /// Drops @c type (0..31; a higher type makes the filter invalid until it
  /// is passed again).
  icmp_filter& block(icmp_type type) noexcept
  {
    if (covered(type))
      mask_ |= bit(type);
    else
      unfilterable_.set(static_cast<unsigned>(type));
    return *this;
  }

  /// Lets every type through.
  icmp_filter& pass_all() noexcept
  {
    mask_ = 0;
    unfilterable_.reset();
    return *this;
  }

  /// Drops every type the kernel can filter (0..31).
  icmp_filter& block_all() noexcept
  {
    mask_ = ~std::uint32_t(0);
    return *this;
  }

  /// True when the kernel drops @c type under this filter.
  bool will_block(icmp_type type) const noexcept
  {
    return covered(type) && (mask_ & bit(type)) != 0;
  }

  /// True unless a type above 31 is blocked (the kernel cannot filter it).
  bool valid() const noexcept { return unfilterable_.none(); }

  /// Returns the raw mask (bit n set: type n is dropped).
  std::uint32_t mask() const noexcept { return mask_; }

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return level_for(state(), detail::os::icmp_filter.level); }

  /// Returns the level of the option (for get_option).
  template <class Protocol>
  int level(const Protocol&) noexcept { return level_to_get(detail::os::icmp_filter); }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return name_for(state(), detail::os::icmp_filter.name); }

  /// Returns the name of the option (for get_option).
  template <class Protocol>
  int name(const Protocol&) noexcept { return name_to_get(detail::os::icmp_filter); }

  /// Returns a pointer to the option data.
  template <class Protocol>
  void* data(const Protocol&) noexcept { return &mask_; }

  /// Returns a pointer to the option data.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept { return &mask_; }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return sizeof(mask_); }

  /// Accepts the size the kernel answered with.
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    if (s != sizeof(mask_))
      throw std::length_error("asio_ipv4: unexpected ICMP_FILTER size");
    unfilterable_.reset();
  }

private:
  // Validity changes with every mutator: the state is computed when asked.
  detail::option_state state() const noexcept { return state_of(detail::os::icmp_filter, valid()); }

  static bool covered(icmp_type t) noexcept { return static_cast<unsigned>(t) < 32; }
  static std::uint32_t bit(icmp_type t) noexcept { return std::uint32_t(1) << static_cast<unsigned>(t); }

  std::uint32_t mask_ = 0;
  std::bitset<256> unfilterable_; // types above 31 asked to be dropped
};

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_ICMP_FILTER_HPP
