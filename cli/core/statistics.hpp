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
  double max_ = -std::numeric_limits<double>::infinity();
  double sum_ = 0;
  double sum_squares_ = 0;
};

/// Milliseconds from `from_ns` to `to_ns` (both nanoseconds on one clock),
/// negative when `to_ns` is earlier: a one-way delay across hosts whose
/// clocks disagree can be.
double milliseconds_between(std::uint64_t from_ns, std::uint64_t to_ns);

/// One-way delay and interarrival jitter of one numbered stream (listen
/// --timestamps): the send time the payload carries against the kernel's
/// arrival stamp, both nanoseconds since 1970.
///
/// The jitter is RFC 3550's interarrival jitter (section 6.4.1), in arrival
/// order: for consecutive datagrams i-1, i with transit times
/// T = arrival - send, D = T(i) - T(i-1) and J += (|D| - J) / 16. A clock
/// offset between the hosts shifts every delay alike, so it does not change
/// the jitter.
class delay_statistics
{
public:
  /// Adds one datagram; returns its delay in milliseconds.
  double add(std::uint64_t send_ns, std::uint64_t arrival_ns);
  std::uint64_t count() const { return delays_.count(); }
  double min() const { return delays_.min(); }
  double average() const { return delays_.average(); }
  double max() const { return delays_.max(); }
  /// The jitter so far in milliseconds (0 before the second datagram).
  double jitter() const { return jitter_ns_ / 1e6; }

private:
  rtt_statistics delays_;
  bool started_ = false;
  std::int64_t last_transit_ = 0;
  double jitter_ns_ = 0;
};

/// The send stamps of one datagram (send --timestamps).
struct send_stamps
{
  std::uint64_t sequence = 0;                 ///< the payload's sequence number
  std::uint32_t id = 0;                       ///< the stamps' id (timestamping::opt_id)
  std::uint64_t call_ns = 0;                  ///< when the send call started
  std::optional<std::uint64_t> scheduled_ns;  ///< entered the queueing discipline (SCM_TSTAMP_SCHED)
  std::optional<std::uint64_t> sent_ns;       ///< the driver took it (SCM_TSTAMP_SND)

  bool complete() const { return scheduled_ns && sent_ns; }
};

/// Pairs the send stamps read from the error queue with the sends they
/// belong to, by id. Pure: the caller says what was sent (and with which
/// id) and hands every stamp in.
class send_stamp_matcher
{
public:
  /// A send of `sequence` started at `call_ns` whose stamps carry `id`.
  void sent(std::uint32_t id, std::uint64_t sequence, std::uint64_t call_ns);

  /// A stamp: `scheduled` (SCM_TSTAMP_SCHED) or not (SCM_TSTAMP_SND) for
  /// `id` at `ns`. Returns the datagram's stamps once both came; nullopt
  /// before, and for an id no send had (counted as unmatched) or a second
  /// stamp of one kind (counted as duplicated).
  std::optional<send_stamps> stamp(std::uint32_t id, bool scheduled, std::uint64_t ns);

  /// The sends still waiting for a stamp, in id order, removed.
  std::vector<send_stamps> take_pending();

  bool pending() const { return !pending_.empty(); }
  std::uint64_t unmatched() const { return unmatched_; }
  std::uint64_t duplicated() const { return duplicated_; }

  /// Delays of the complete ones, milliseconds after the call started.
  const rtt_statistics& scheduled_delay() const { return scheduled_; }
  const rtt_statistics& sent_delay() const { return sent_; }

private:
  std::vector<send_stamps> pending_;   // in id order (ids are given in send order)
  rtt_statistics scheduled_, sent_;
  std::uint64_t unmatched_ = 0, duplicated_ = 0;
};

/// Percent of `expected` that did not arrive (0 when nothing was expected).
double loss_percent(std::uint64_t expected, std::uint64_t received);

} // namespace asio_ipv4::cli

#endif
