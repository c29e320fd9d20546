//
// cli/core/statistics.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Counting what arrived: loss, duplicates and reordering of a numbered
// stream (listen), and round-trip time statistics (ssmping). Pure: the
// caller passes sequence numbers and times in.

#ifndef ASIO_IPV4_CLI_CORE_STATISTICS_HPP
#define ASIO_IPV4_CLI_CORE_STATISTICS_HPP

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace asio_ipv4::cli {

/// What one arrival was.
enum class arrival
{
  first,        ///< the first datagram of the stream
  in_order,     ///< the next one, or later with a gap before it
  duplicate,    ///< a sequence number seen before
  reordered     ///< an earlier sequence number that had not come yet
};

/// Loss, duplicates and reordering of one numbered stream.
///
/// Loss counts the numbers missing between the smallest and the largest
/// number received, so a stream that starts or ends with lost datagrams
/// does not count those (nothing says they were sent). A late datagram
/// fills its gap again. Duplicates are recognised within the last 65536
/// numbers; an older number counts as reordered.
class sequence_tracker
{
public:
  static constexpr std::uint64_t window = 65536;

  sequence_tracker() : seen_(window / 64, 0) {}

  arrival add(std::uint64_t sequence);

  std::uint64_t received() const { return received_; }       ///< every arrival, duplicates included
  std::uint64_t unique() const { return unique_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t reordered() const { return reordered_; }
  std::uint64_t lost() const;
  std::optional<std::uint64_t> highest() const;

private:
  bool test(std::uint64_t s) const { return (seen_[(s % window) / 64] >> (s % 64)) & 1; }
  void set(std::uint64_t s) { seen_[(s % window) / 64] |= std::uint64_t(1) << (s % 64); }
  void clear(std::uint64_t s) { seen_[(s % window) / 64] &= ~(std::uint64_t(1) << (s % 64)); }

  std::vector<std::uint64_t> seen_;   // bit per number in (max - window, max]
  bool started_ = false;
  std::uint64_t min_ = 0, max_ = 0;
  std::uint64_t received_ = 0, unique_ = 0, duplicated_ = 0, reordered_ = 0;
};

/// Minimum, average, maximum and standard deviation of round-trip times.
class rtt_statistics
{
public:
  void add(double ms);
  std::uint64_t count() const { return count_; }
  double min() const { return count_ ? min_ : 0; }
  double max() const { return count_ ? max_ : 0; }
  double average() const { return count_ ? sum_ / double(count_) : 0; }
  /// Population standard deviation (as ping's mdev).
  double deviation() const;

private:
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = 0;
  double sum_ = 0;
  double sum_squares_ = 0;
};

/// Percent of `expected` that did not arrive (0 when nothing was expected).
double loss_percent(std::uint64_t expected, std::uint64_t received);

} // namespace asio_ipv4::cli

#endif
