//
// asio_ipv4/detail/socket_option.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SOCKET_OPTION_HPP
#define ASIO_IPV4_DETAIL_SOCKET_OPTION_HPP

#include <asio_ipv4/detail/platform.hpp>

#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace asio_ipv4 {
namespace detail {

// An option built from an invalid value reports this level/name pair from
// its const level()/name(), which is what set_option calls. get_option calls
// them on a non-const option, so reading into any option object still works.
// Asio answers the pair with invalid_argument without any system call (its
// own v6_only relies on the same pair where IPV6_V6ONLY is missing), so the
// socket stays untouched. Were that ever to change, the kernel would still
// refuse the unknown level without effect; the option tests would notice.
constexpr int invalid_option_level = static_cast<int>(0xA5100000u);
constexpr int invalid_option_name = 2;

// What an option may do with the socket: be set, be refused as an invalid
// value (Asio's pair above), or be refused because the platform lacks it
// (os::unsupported_option_level/_name: a pair the platform's kernel answers
// with EOPNOTSUPP, changing nothing; see detail/<platform>/platform.hpp).
enum class option_state : unsigned char
{
  valid,
  invalid,
  unsupported
};

// The one base of every option class: the "refuse without touching the
// socket" protocol, for set_option (const level/name) and get_option
// (non-const level/name).
class option_guard
{
protected:
  option_guard() noexcept = default;
  explicit option_guard(option_state s) noexcept : state_(s) {}

  // For set_option.
  static int level_for(option_state s, int level) noexcept
  {
    return s == option_state::valid ? level
        : s == option_state::invalid ? invalid_option_level
                                     : os::unsupported_option_level;
  }

  static int name_for(option_state s, int name) noexcept
  {
    return s == option_state::valid ? name
        : s == option_state::invalid ? invalid_option_name
                                     : os::unsupported_option_name;
  }

  int level_to_set(int level) const noexcept { return level_for(state_, level); }
  int name_to_set(int name) const noexcept { return name_for(state_, name); }

  // For get_option: whatever value the object held, it can be read into,
  // unless the platform lacks the option.
  static int level_to_get(const option_name& n) noexcept
  {
    return n.supported() ? n.level : os::unsupported_option_level;
  }

  static int name_to_get(const option_name& n) noexcept
  {
    return n.supported() ? n.name : os::unsupported_option_name;
  }

  // A valid value stays valid only where the platform has the option.
  static option_state state_of(const option_name& n, bool valid) noexcept
  {
    return !n.supported() ? option_state::unsupported : valid ? option_state::valid : option_state::invalid;
  }

  option_state state_ = option_state::valid;
};

// True when the integer v lies in [Min, Max], compared without narrowing v.
template <long long Min, long long Max, class T>
constexpr bool in_range(T v) noexcept
{
  static_assert(std::is_integral<T>::value, "an integer value is required");
  if constexpr (std::is_same<T, bool>::value)
    return Min <= static_cast<long long>(v) && static_cast<long long>(v) <= Max;
  else if constexpr (std::is_signed<T>::value)
    return static_cast<long long>(v) >= Min && static_cast<long long>(v) <= Max;
  else
    return (Min <= 0 || static_cast<unsigned long long>(v) >= static_cast<unsigned long long>(Min))
        && (Max >= 0 && static_cast<unsigned long long>(v) <= static_cast<unsigned long long>(Max));
}

// Reads an int that the kernel returned either as an int or, for options
// Linux also answers with a single byte (and the BSDs' u_char options), as
// one unsigned char.
inline int int_from_kernel(const int& storage, std::size_t size)
{
  if (size == sizeof(int))
    return storage;
  if (size == 1)
  {
    unsigned char byte;
    std::memcpy(&byte, &storage, 1);
    return byte;
  }
  throw std::length_error("asio_ipv4: unexpected socket option size");
}

// The level and name set_option sees for an option known by one platform
// name: the real pair, Asio's invalid pair or the platform's unsupported
// pair (option_guard). Derived classes add data and size.
template <const option_name& Name>
class named_option : protected option_guard
{
public:
  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept
  {
    return level_to_set(Name.level);
  }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept
  {
    return name_to_set(Name.name);
  }

protected:
  explicit named_option(bool valid) noexcept : option_guard(state_of(Name, valid)) {}
};

// Level/name/data for options whose value is one int (or, where the
// platform takes it so, one byte). Derived classes decide what values are
// valid and how users see the value.
template <const option_name& Name>
class int_option_base : public named_option<Name>
{
public:
  // set_option.
  using named_option<Name>::level;
  using named_option<Name>::name;

  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    if (Name.size == 1)
    {
      byte_ = static_cast<unsigned char>(value_);
      return &byte_;
    }
    return &value_;
  }

  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return Name.size;
  }

  // get_option.
  template <class Protocol>
  int level(const Protocol&) noexcept
  {
    return this->level_to_get(Name);
  }

  template <class Protocol>
  int name(const Protocol&) noexcept
  {
    return this->name_to_get(Name);
  }

  template <class Protocol>
  int* data(const Protocol&) noexcept
  {
    return &value_;
  }

  template <class Protocol>
  std::size_t size(const Protocol&) noexcept
  {
    return sizeof(value_);
  }

  /// Accepts both sizes kernels answer with: an int, or one byte.
  template <class Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    value_ = int_from_kernel(value_, s);
    this->state_ = this->state_of(Name, true);
  }

protected:
  int_option_base() noexcept : named_option<Name>(true) {}
  int_option_base(int value, bool valid) noexcept : named_option<Name>(valid), value_(value) {}

  int value_ = 0;
  mutable unsigned char byte_ = 0;
};

// A boolean option (an int 0 or 1 in the kernel).
template <const option_name& Name>
class boolean_option : public int_option_base<Name>
{
public:
  /// Constructs the option with the value false.
  boolean_option() noexcept = default;

  /// Constructs the option with the given value.
  explicit boolean_option(bool v) noexcept : int_option_base<Name>(v ? 1 : 0, true) {}

  /// Returns the value.
  bool value() const noexcept { return this->value_ != 0; }

  /// Converts to bool.
  explicit operator bool() const noexcept { return value(); }

  /// Tests for false.
  bool operator!() const noexcept { return !value(); }
};

// An integer option whose valid values lie in [Min, Max]. An out-of-range
// value is kept (so value() shows what was asked for) but never set.
template <const option_name& Name, int Min, int Max>
class ranged_option : public int_option_base<Name>
{
public:
  /// Constructs the option with the value 0, for use with get_option
  /// (setting it fails with invalid_argument when 0 is out of range).
  ranged_option() noexcept : int_option_base<Name>(0, in_range<Min, Max>(0)) {}

  /// Constructs the option with the given value; values outside the valid
  /// range make set_option fail with invalid_argument.
  template <class Integer, class = std::enable_if_t<std::is_integral<Integer>::value>>
  explicit ranged_option(Integer v) noexcept
    : int_option_base<Name>(in_range<Min, Max>(v) ? static_cast<int>(v) : clamp_for_display(v), in_range<Min, Max>(v))
  {
  }

  /// Returns the value.
  int value() const noexcept { return this->value_; }

  /// True when the value can be set.
  bool valid() const noexcept { return this->state_ != option_state::invalid; }

private:
  template <class Integer>
  static int clamp_for_display(Integer v) noexcept
  {
    // Keep an out-of-range value recognisable without overflowing int.
    constexpr auto max = static_cast<unsigned long long>(std::numeric_limits<int>::max());
    if constexpr (std::is_signed<Integer>::value)
      return v < 0 ? (v < std::numeric_limits<int>::min() ? std::numeric_limits<int>::min() : static_cast<int>(v))
                   : (static_cast<unsigned long long>(v) > max ? std::numeric_limits<int>::max() : static_cast<int>(v));
    else
      return static_cast<unsigned long long>(v) > max ? std::numeric_limits<int>::max() : static_cast<int>(v);
  }
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SOCKET_OPTION_HPP
