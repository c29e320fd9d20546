//
// src/win/clock.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Windows' clock facts (src/clock_facts.hpp): the stack stamps with
// QueryPerformanceCounter ticks.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_WINDOWS)

#include "../clock_facts.hpp"

#include <asio_ipv4/detail/win/winsock.hpp> // <winsock2.h> first, then <windows.h> through it

namespace asio_ipv4 {

namespace detail {

// MSVC's steady_clock is QueryPerformanceCounter scaled to nanoseconds;
// mingw-w64's reads winpthreads' CLOCK_MONOTONIC, which is the same counter.
kernel_time::clock_type steady_clock_counts() noexcept
{
  return kernel_time::performance_counter;
}

} // namespace detail

std::uint64_t performance_counter_frequency() noexcept
{
  LARGE_INTEGER f;
  if (::QueryPerformanceFrequency(&f) && f.QuadPart > 0)
    return static_cast<std::uint64_t>(f.QuadPart);
  return 0;
}

} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_WINDOWS
