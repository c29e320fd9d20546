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

double milliseconds_between(std::uint64_t from_ns, std::uint64_t to_ns)
{
  // Two's complement difference: exact for any two times within 292 years.
  return double(static_cast<std::int64_t>(to_ns - from_ns)) / 1e6;
}

double delay_statistics::add(std::uint64_t send_ns, std::uint64_t arrival_ns)
{
  const auto transit = static_cast<std::int64_t>(arrival_ns - send_ns);
  if (started_)
  {
    const double d = std::abs(double(transit - last_transit_));
    jitter_ns_ += (d - jitter_ns_) / 16;
  }
  started_ = true;
  last_transit_ = transit;
  const double ms = double(transit) / 1e6;
  delays_.add(ms);
  return ms;
}

void send_stamp_matcher::sent(std::uint32_t id, std::uint64_t sequence, std::uint64_t call_ns)
{
  send_stamps s;
  s.sequence = sequence;
  s.id = id;
  s.call_ns = call_ns;
  pending_.push_back(s);
}

std::optional<send_stamps> send_stamp_matcher::stamp(std::uint32_t id, bool scheduled, std::uint64_t ns)
{
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const send_stamps& s) { return s.id == id; });
  if (it == pending_.end())
  {
    ++unmatched_;
    return std::nullopt;
  }
  auto& slot = scheduled ? it->scheduled_ns : it->sent_ns;
  if (slot)
  {
    ++duplicated_;
    return std::nullopt;
  }
  slot = ns;
  if (!it->complete())
    return std::nullopt;
  send_stamps done = *it;
  pending_.erase(it);
  scheduled_.add(milliseconds_between(done.call_ns, *done.scheduled_ns));
  sent_.add(milliseconds_between(done.call_ns, *done.sent_ns));
  return done;
}

std::vector<send_stamps> send_stamp_matcher::take_pending()
{
  std::vector<send_stamps> out;
  out.swap(pending_);
  return out;
}

double loss_percent(std::uint64_t expected, std::uint64_t received)
{
  if (expected == 0 || received >= expected)
    return 0;
  return 100.0 * double(expected - received) / double(expected);
}

} // namespace asio_ipv4::cli
