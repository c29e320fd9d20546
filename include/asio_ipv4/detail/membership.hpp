//
// asio_ipv4/detail/membership.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_MEMBERSHIP_HPP
#define ASIO_IPV4_DETAIL_MEMBERSHIP_HPP

// What a multicast request asks for, as the option classes of
// ip4/multicast.hpp name it; each platform's request builders
// (detail/posix/multicast_requests.hpp, detail/win/multicast_requests.hpp)
// turn it into that platform's option name and structure.

namespace asio_ipv4 {
namespace detail {
namespace os {

enum class membership
{
  join,
  leave
};

enum class source_membership
{
  join,
  leave,
  block,
  unblock
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_MEMBERSHIP_HPP
