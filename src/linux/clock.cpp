//
// src/linux/clock.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Linux's clock facts (src/clock_facts.hpp).

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)

#include "../clock_facts.hpp"

namespace asio_ipv4 {

namespace detail {

// libstdc++ and libc++ read CLOCK_MONOTONIC for steady_clock.
kernel_time::clock_type steady_clock_counts() noexcept
{
  return kernel_time::monotonic;
}

} // namespace detail

// Linux stamps in nanoseconds: no tick counter.
std::uint64_t performance_counter_frequency() noexcept
{
  return 0;
}

} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
