//
// src/bsd/clock.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The BSDs' clock facts (src/clock_facts.hpp): macOS stamps with
// mach_absolute_time ticks, FreeBSD and QNX in nanoseconds.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_BSD)

#include "../clock_facts.hpp"

#if defined(__APPLE__)
# include <mach/mach_time.h>
#endif

namespace asio_ipv4 {

namespace detail {

kernel_time::clock_type steady_clock_counts() noexcept
{
#if defined(__APPLE__)
  // libc++ reads CLOCK_UPTIME_RAW for steady_clock: mach_absolute_time
  // scaled by the timebase.
  return kernel_time::performance_counter;
#else
  // libc++ and libstdc++ read CLOCK_MONOTONIC.
  return kernel_time::monotonic;
#endif
}

} // namespace detail

std::uint64_t performance_counter_frequency() noexcept
{
#if defined(__APPLE__)
  mach_timebase_info_data_t base;
  if (::mach_timebase_info(&base) != KERN_SUCCESS || base.numer == 0)
    return 0;
  // One tick is numer/denom nanoseconds.
  return 1000000000ull * base.denom / base.numer;
#else
  return 0;
#endif
}

} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_BSD
