//
// asio_ipv4/kernel_time.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_KERNEL_TIME_HPP
#define ASIO_IPV4_KERNEL_TIME_HPP

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>

namespace asio_ipv4 {

/// A timestamp the kernel or the network card took: when a datagram arrived,
/// or when a sent one left.
///
/// A stamp counts on one of several clocks, named by @c clock:
///
/// @li @c realtime: the system's wall clock (CLOCK_REALTIME), nanoseconds
/// since 1970-01-01 UTC. Linux's SO_TIMESTAMPNS, SO_TIMESTAMP and the
/// software stamp of SO_TIMESTAMPING; the BSDs' SO_TIMESTAMP (in whole
/// microseconds on macOS and QNX), FreeBSD's SO_BINTIME and SCM_REALTIME.
/// @ref to_system_clock converts it.
/// @li @c monotonic: a clock that never jumps (CLOCK_MONOTONIC, the time
/// since boot), nanoseconds. FreeBSD's SCM_MONOTONIC (SO_TS_CLOCK =
/// SO_TS_MONOTONIC). @ref to_steady_clock converts it where
/// @c std::chrono::steady_clock counts the same clock.
/// @li @c hardware: the network card's own clock (its PTP hardware clock,
/// /dev/ptpN), nanoseconds; the raw hardware stamp of Linux's
/// SO_TIMESTAMPING. It has no fixed relation to the system's clocks; read
/// the card's clock with clock_gettime on its /dev/ptpN to relate them.
/// @li @c performance_counter: ticks of a counter, not nanoseconds: Windows'
/// SO_TIMESTAMP control message (QueryPerformanceCounter ticks for software
/// stamps), macOS's SCM_TIMESTAMP_MONOTONIC (mach_absolute_time ticks).
/// @c since_epoch.count() is the tick count; @ref ticks_to_nanoseconds with
/// @ref performance_counter_frequency, or @ref to_steady_clock, convert it.
///
/// @par Example
/// @code
/// socket.next_layer().set_option(asio_ipv4::receive_timestamps(true));
/// co_await socket.async_receive_from(net::buffer(data), sender, control, net::use_awaitable);
/// if (control.software_time)
///   if (auto arrived = control.software_time->to_system_clock())
///     std::cout << "in the kernel "
///               << (std::chrono::system_clock::now() - *arrived).count() << " ticks ago\n";
/// @endcode
struct kernel_time
{
  /// The clock a stamp counts on.
  enum clock_type : std::uint8_t
  {
    realtime = 0,           ///< CLOCK_REALTIME: nanoseconds since the Unix epoch
    monotonic = 1,          ///< CLOCK_MONOTONIC: nanoseconds since boot
    hardware = 2,           ///< The network card's clock (PHC): nanoseconds on its own epoch
    performance_counter = 3 ///< A tick counter (Windows QPC, macOS mach_absolute_time): ticks
  };

  /// Which clock @c since_epoch counts on.
  clock_type clock = realtime;

  /// The time since that clock's epoch: nanoseconds, or ticks for
  /// @c performance_counter (see the class description).
  std::chrono::nanoseconds since_epoch{0};

  /// The stamp as a @c std::chrono::system_clock time, for a @c realtime
  /// stamp; empty for every other clock, which has no fixed relation to the
  /// wall clock. Rounded down to the system clock's resolution.
  std::optional<std::chrono::system_clock::time_point> to_system_clock() const noexcept;

  /// The stamp as a @c std::chrono::steady_clock time, where the standard
  /// library's steady clock counts the stamp's clock:
  ///
  /// @li @c monotonic on Linux and FreeBSD (libstdc++ and libc++ read
  /// CLOCK_MONOTONIC there);
  /// @li @c performance_counter on Windows (QueryPerformanceCounter, which
  /// the steady clock of MSVC's and of mingw-w64's library counts) and macOS
  /// (mach_absolute_time, libc++'s CLOCK_UPTIME_RAW), converted with
  /// @ref performance_counter_frequency.
  ///
  /// Empty everywhere else, and for @c realtime and @c hardware stamps.
  std::optional<std::chrono::steady_clock::time_point> to_steady_clock() const noexcept;

  /// The ticks of a @c performance_counter stamp as nanoseconds since the
  /// counter started, for a counter running at @p ticks_per_second (for
  /// software stamps, @ref performance_counter_frequency; a network card's
  /// hardware counter has its own frequency). Empty for other clocks, for a
  /// frequency of 0, and when the result does not fit.
  std::optional<std::chrono::nanoseconds> ticks_to_nanoseconds(std::uint64_t ticks_per_second) const noexcept;

  /// Equal clock and time.
  friend bool operator==(const kernel_time& a, const kernel_time& b) noexcept
  {
    return a.clock == b.clock && a.since_epoch == b.since_epoch;
  }
  /// Not equal.
  friend bool operator!=(const kernel_time& a, const kernel_time& b) noexcept { return !(a == b); }
};

/// The frequency of the counter that @c kernel_time::performance_counter
/// stamps count on this system, in ticks per second: Windows'
/// QueryPerformanceFrequency; on macOS, mach_absolute_time's rate from
/// mach_timebase_info (10^9 x denom / numer). 0 where the system has no such
/// stamps (Linux, the other BSDs).
std::uint64_t performance_counter_frequency() noexcept;

/// Prints a kernel time on one line, for logs, tools and test failures.
///
/// The format is stable: <tt>{clock=NAME since_epoch=VALUE}</tt>, NAME one
/// of @c realtime, @c monotonic, @c hardware, @c performance_counter
/// (another value in decimal); VALUE in seconds with nine decimals for the
/// nanosecond clocks (<tt>1700000000.000000042</tt>, a minus sign before a
/// negative time), and the plain tick count for @c performance_counter. For
/// example <tt>{clock=realtime since_epoch=1700000000.123456789}</tt>.
std::ostream& operator<<(std::ostream& os, const kernel_time& t);

} // namespace asio_ipv4

#endif // ASIO_IPV4_KERNEL_TIME_HPP
