//
// asio_ipv4/detail/option_name.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_OPTION_NAME_HPP
#define ASIO_IPV4_DETAIL_OPTION_NAME_HPP

#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// A socket option as one platform names it: level, name, and the size of an
// integer value on set (sizeof(int), or 1 where the platform takes a u_char).
// Each platform file (detail/<platform>/platform.hpp) defines one per option;
// a level of -1 means the platform lacks the option.
struct option_name
{
  int level;
  int name;
  std::size_t size = sizeof(int);

  constexpr bool supported() const noexcept { return level != -1; }
};

// What a platform defines for an option it lacks.
constexpr option_name no_such_option{-1, -1, sizeof(int)};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_OPTION_NAME_HPP
