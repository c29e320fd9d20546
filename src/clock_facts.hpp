//
// src/clock_facts.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The seam between kernel_time's conversions (src/kernel_time.cpp) and the
// platform's clocks: each src/<platform>/clock.cpp defines these, and
// performance_counter_frequency() (public, kernel_time.hpp).

#ifndef ASIO_IPV4_SRC_CLOCK_FACTS_HPP
#define ASIO_IPV4_SRC_CLOCK_FACTS_HPP

#include <asio_ipv4/kernel_time.hpp>

namespace asio_ipv4 {
namespace detail {

// The kernel clock std::chrono::steady_clock reads on this platform, as the
// kernel_time clock a stamp of that clock carries.
kernel_time::clock_type steady_clock_counts() noexcept;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_SRC_CLOCK_FACTS_HPP
