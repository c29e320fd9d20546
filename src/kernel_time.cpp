//
// src/kernel_time.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// kernel_time's conversions. Which clock std::chrono::steady_clock counts,
// and the frequency of the tick counters Windows and macOS stamp with, are
// facts of the platform: they live in src/<platform>/clock.cpp
// (detail/clock_facts.hpp), not here and not in the public header.

#include "clock_facts.hpp"

#include <asio_ipv4/kernel_time.hpp>

#include <limits>

namespace asio_ipv4 {
namespace {

// ticks * 10^9 / frequency without overflowing the intermediate product;
// false when the result does not fit 64 bits.
bool ticks_to_ns(std::int64_t ticks, std::uint64_t frequency, std::int64_t& out) noexcept
{
  if (frequency == 0)
    return false;
  const bool negative = ticks < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ticks) : static_cast<std::uint64_t>(ticks);
  const std::uint64_t whole = magnitude / frequency;
  const std::uint64_t rest = magnitude % frequency; // < frequency
  constexpr std::uint64_t giga = 1000000000u;
  constexpr std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (whole > max / giga)
    return false;
  // rest * 10^9 overflows only for frequencies above 1.8e10 Hz; split it then.
  std::uint64_t fraction;
  if (rest <= std::numeric_limits<std::uint64_t>::max() / giga)
    fraction = rest * giga / frequency;
  else
    fraction = static_cast<std::uint64_t>(static_cast<long double>(rest) * giga / frequency);
  const std::uint64_t total = whole * giga + fraction;
  if (total > max)
    return false;
  out = negative ? -static_cast<std::int64_t>(total) : static_cast<std::int64_t>(total);
  return true;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> kernel_time::to_system_clock() const noexcept
{
  if (clock != realtime)
    return std::nullopt;
  // system_clock counts from the Unix epoch on every platform we build for
  // (guaranteed from C++20 on).
  return std::chrono::system_clock::time_point(
      std::chrono::floor<std::chrono::system_clock::duration>(since_epoch));
}

std::optional<std::chrono::steady_clock::time_point> kernel_time::to_steady_clock() const noexcept
{
  using steady = std::chrono::steady_clock;
  if (clock != detail::steady_clock_counts())
    return std::nullopt;
  if (clock == monotonic)
    return steady::time_point(std::chrono::floor<steady::duration>(since_epoch));
  if (clock == performance_counter)
    if (const auto ns = ticks_to_nanoseconds(performance_counter_frequency()))
      return steady::time_point(std::chrono::floor<steady::duration>(*ns));
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> kernel_time::ticks_to_nanoseconds(std::uint64_t ticks_per_second) const noexcept
{
  std::int64_t ns;
  if (clock != performance_counter || !ticks_to_ns(since_epoch.count(), ticks_per_second, ns))
    return std::nullopt;
  return std::chrono::nanoseconds(ns);
}

} // namespace asio_ipv4
