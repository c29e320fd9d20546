//
// cli/core/statistics.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace asio_ipv4::cli {

arrival sequence_tracker::add(std::uint64_t s)
{
  ++received_;
  if (!started_)
  {
    started_ = true;
    min_ = max_ = s;
    set(s);
    ++unique_;
    return arrival::first;
  }
  if (s > max_)
  {
    // Forget the numbers that leave the window.
    if (s - max_ >= window)
      std::fill(seen_.begin(), seen_.end(), 0);
    else
      for (std::uint64_t k = max_ + 1; k <= s; ++k)
        clear(k);
    max_ = s;
    set(s);
    ++unique_;
    return arrival::in_order;
  }
  if (max_ - s < window && s >= min_ && test(s))
  {
    ++duplicated_;
    return arrival::duplicate;
  }
  if (max_ - s < window)
    set(s);
  min_ = std::min(min_, s);
  ++unique_;
  ++reordered_;
  return arrival::reordered;
}

std::uint64_t sequence_tracker::lost() const
{
  if (!started_)
    return 0;
  const std::uint64_t expected = max_ - min_ + 1;
  return expected > unique_ ? expected - unique_ : 0;
}

std::optional<std::uint64_t> sequence_tracker::highest() const
{
  if (!started_)
    return std::nullopt;
  return max_;
}

void rtt_statistics::add(double ms)
{
  ++count_;
  min_ = std::min(min_, ms);
  max_ = std::max(max_, ms);
  sum_ += ms;
  sum_squares_ += ms * ms;
}

double rtt_statistics::deviation() const
{
  if (count_ == 0)
    return 0;
  const double mean = average();
  return std::sqrt(std::max(0.0, sum_squares_ / double(count_) - mean * mean));
}

double loss_percent(std::uint64_t expected, std::uint64_t received)
{
  if (expected == 0 || received >= expected)
    return 0;
  return 100.0 * double(expected - received) / double(expected);
}

} // namespace asio_ipv4::cli
