//
// test/logic/kernel_time_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// kernel_time's conversions. Oracles: arithmetic written out here; the
// system's own clocks read beside the standard library's (clock_gettime on
// POSIX, QueryPerformanceCounter and QueryPerformanceFrequency on Windows,
// which this program is also run under Wine for), so that the claim "the
// steady clock counts this clock" is checked on the system it is made for.

#include <asio_ipv4/kernel_time.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <limits>

#if defined(_WIN32)
# include <winsock2.h>
# include <windows.h>
#else
# include <time.h>
#endif
#if defined(__APPLE__)
# include <mach/mach_time.h>
#endif

using asio_ipv4::kernel_time;
using std::chrono::nanoseconds;

namespace {

#if !defined(_WIN32)
std::int64_t clock_ns(clockid_t id)
{
  timespec ts;
  BOOST_TEST_REQUIRE(::clock_gettime(id, &ts) == 0);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
#endif

std::int64_t ns_of(std::chrono::system_clock::time_point t)
{
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

std::int64_t ns_of(std::chrono::steady_clock::time_point t)
{
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

} // namespace

BOOST_AUTO_TEST_SUITE(kernel_time_test)

BOOST_AUTO_TEST_CASE(defaults_and_equality)
{
  const kernel_time t;
  BOOST_TEST(t.clock == kernel_time::realtime);
  BOOST_TEST(t.since_epoch.count() == 0);
  BOOST_TEST((kernel_time{kernel_time::realtime, nanoseconds(5)} == kernel_time{kernel_time::realtime, nanoseconds(5)}));
  BOOST_TEST((kernel_time{kernel_time::realtime, nanoseconds(5)} != kernel_time{kernel_time::monotonic, nanoseconds(5)}));
  BOOST_TEST((kernel_time{kernel_time::realtime, nanoseconds(5)} != kernel_time{kernel_time::realtime, nanoseconds(6)}));
  // The public numbers, as the format and the tool's output name them.
  BOOST_TEST(int(kernel_time::realtime) == 0);
  BOOST_TEST(int(kernel_time::monotonic) == 1);
  BOOST_TEST(int(kernel_time::hardware) == 2);
  BOOST_TEST(int(kernel_time::performance_counter) == 3);
}

// 2023-11-14T22:13:20.123456789Z is 1700000000.123456789 s after the epoch.
BOOST_AUTO_TEST_CASE(realtime_to_system_clock)
{
  const kernel_time t{kernel_time::realtime, nanoseconds(1700000000123456789)};
  const auto tp = t.to_system_clock();
  BOOST_TEST_REQUIRE(tp.has_value());
  using period = std::chrono::system_clock::period;
  // Rounded down to the system clock's resolution (1 ns with libstdc++,
  // 100 ns with MSVC's library and mingw-w64's).
  const std::int64_t resolution = 1000000000 * period::num / period::den;
  BOOST_TEST(ns_of(*tp) == 1700000000123456789 / resolution * resolution);
  // Before the epoch: down, not toward zero.
  const auto before = kernel_time{kernel_time::realtime, nanoseconds(-1)}.to_system_clock();
  BOOST_TEST_REQUIRE(before.has_value());
  BOOST_TEST(ns_of(*before) == -resolution);
}

BOOST_AUTO_TEST_CASE(other_clocks_have_no_system_time)
{
  for (auto clock : {kernel_time::monotonic, kernel_time::hardware, kernel_time::performance_counter})
    BOOST_TEST(!(kernel_time{clock, nanoseconds(1700000000123456789)}.to_system_clock().has_value()),
        "clock " << int(clock));
}

// The wall clock now, as a realtime stamp, lies between system_clock::now()
// read before and after (the library's conversion against the standard
// library's clock).
BOOST_AUTO_TEST_CASE(realtime_now_is_system_clock_now)
{
  const auto before = std::chrono::system_clock::now();
#if defined(_WIN32)
  FILETIME ft;
  ::GetSystemTimePreciseAsFileTime(&ft);
  // 100 ns units since 1601-01-01; 11644473600 s to the Unix epoch.
  const std::int64_t ticks = (std::int64_t(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
  const std::int64_t now = (ticks - 116444736000000000) * 100;
#else
  const std::int64_t now = clock_ns(CLOCK_REALTIME);
#endif
  const auto after = std::chrono::system_clock::now();
  const auto tp = kernel_time{kernel_time::realtime, nanoseconds(now)}.to_system_clock();
  BOOST_TEST_REQUIRE(tp.has_value());
  BOOST_TEST(ns_of(before) <= ns_of(*tp) + 100, ns_of(before) << " <= " << ns_of(*tp));
  BOOST_TEST(ns_of(*tp) <= ns_of(after), ns_of(*tp) << " <= " << ns_of(after));
}

BOOST_AUTO_TEST_CASE(ticks_to_nanoseconds)
{
  const auto ticks = [](std::int64_t n) { return kernel_time{kernel_time::performance_counter, nanoseconds(n)}; };
  // 10 MHz (Windows' usual QPC rate): 100 ns a tick.
  BOOST_TEST(ticks(12345678901).ticks_to_nanoseconds(10000000)->count() == 1234567890100);
  // 24 MHz (Apple silicon's mach_absolute_time): 41.666... ns, rounded down.
  BOOST_TEST(ticks(24000001).ticks_to_nanoseconds(24000000)->count() == 1000000041);
  // 3 ticks a second: whole seconds and the rest, without overflow.
  BOOST_TEST(ticks(7).ticks_to_nanoseconds(3)->count() == 2333333333);
  // 1 GHz: the ticks are nanoseconds.
  BOOST_TEST(ticks(std::numeric_limits<std::int64_t>::max()).ticks_to_nanoseconds(1000000000)->count()
      == std::numeric_limits<std::int64_t>::max());
  // Large counts do not overflow the intermediate product (9e18 ticks at
  // 1 THz: 9e6 s)...
  BOOST_TEST(ticks(9000000000000000000).ticks_to_nanoseconds(1000000000000)->count() == 9000000000000000);
  // ...nor a remainder above 1.8e10 ticks (20 GHz, one tick short of 1 s).
  BOOST_TEST(ticks(19999999999).ticks_to_nanoseconds(20000000000)->count() == 999999999);
  // ...and a result past 64 bits is refused, not wrapped.
  BOOST_TEST(!ticks(std::numeric_limits<std::int64_t>::max()).ticks_to_nanoseconds(10000000).has_value());
  BOOST_TEST(!ticks(1).ticks_to_nanoseconds(0).has_value());
  BOOST_TEST(ticks(-10).ticks_to_nanoseconds(10)->count() == -1000000000);
  // Only for tick stamps.
  BOOST_TEST(!(kernel_time{kernel_time::realtime, nanoseconds(10)}.ticks_to_nanoseconds(10).has_value()));
}

BOOST_AUTO_TEST_CASE(steady_clock_where_it_counts_the_stamp_clock)
{
#if defined(__linux__) || defined(__FreeBSD__)
  // libstdc++ and libc++ read CLOCK_MONOTONIC for steady_clock here.
  const auto before = std::chrono::steady_clock::now();
  const std::int64_t now = clock_ns(CLOCK_MONOTONIC);
  const auto after = std::chrono::steady_clock::now();
  const auto tp = kernel_time{kernel_time::monotonic, nanoseconds(now)}.to_steady_clock();
  BOOST_TEST_REQUIRE(tp.has_value());
  BOOST_TEST(ns_of(before) <= ns_of(*tp), ns_of(before) << " <= " << ns_of(*tp));
  BOOST_TEST(ns_of(*tp) <= ns_of(after), ns_of(*tp) << " <= " << ns_of(after));
  BOOST_TEST(asio_ipv4::performance_counter_frequency() == 0u);
  BOOST_TEST(!(kernel_time{kernel_time::performance_counter, nanoseconds(now)}.to_steady_clock().has_value()));
#elif defined(_WIN32)
  // QueryPerformanceCounter ticks, converted with QueryPerformanceFrequency,
  // are the steady clock's time.
  LARGE_INTEGER frequency;
  BOOST_TEST_REQUIRE(::QueryPerformanceFrequency(&frequency));
  BOOST_TEST(asio_ipv4::performance_counter_frequency() == std::uint64_t(frequency.QuadPart));
  const auto before = std::chrono::steady_clock::now();
  LARGE_INTEGER counter;
  BOOST_TEST_REQUIRE(::QueryPerformanceCounter(&counter));
  const auto after = std::chrono::steady_clock::now();
  const auto tp = kernel_time{kernel_time::performance_counter, nanoseconds(counter.QuadPart)}.to_steady_clock();
  BOOST_TEST_REQUIRE(tp.has_value());
  // One tick of slack each way: the library's steady clock may round.
  const std::int64_t tick = 1000000000 / frequency.QuadPart + 1;
  BOOST_TEST(ns_of(before) <= ns_of(*tp) + tick, ns_of(before) << " <= " << ns_of(*tp));
  BOOST_TEST(ns_of(*tp) <= ns_of(after) + tick, ns_of(*tp) << " <= " << ns_of(after));
  BOOST_TEST(!(kernel_time{kernel_time::monotonic, nanoseconds(1)}.to_steady_clock().has_value()));
#elif defined(__APPLE__)
  // mach_absolute_time ticks (SCM_TIMESTAMP_MONOTONIC's), converted with the
  // timebase, are libc++'s steady clock (CLOCK_UPTIME_RAW). Compiled here,
  // not run: no macOS runs in CI.
  BOOST_TEST(asio_ipv4::performance_counter_frequency() > 0u);
  const auto before = std::chrono::steady_clock::now();
  const std::uint64_t ticks = ::mach_absolute_time();
  const auto after = std::chrono::steady_clock::now();
  const auto tp = kernel_time{kernel_time::performance_counter, nanoseconds(std::int64_t(ticks))}.to_steady_clock();
  BOOST_TEST_REQUIRE(tp.has_value());
  BOOST_TEST(ns_of(before) <= ns_of(*tp) + 1000, ns_of(before) << " <= " << ns_of(*tp));
  BOOST_TEST(ns_of(*tp) <= ns_of(after) + 1000, ns_of(*tp) << " <= " << ns_of(after));
#endif
  BOOST_TEST(!(kernel_time{kernel_time::realtime, nanoseconds(1)}.to_steady_clock().has_value()));
  BOOST_TEST(!(kernel_time{kernel_time::hardware, nanoseconds(1)}.to_steady_clock().has_value()));
}

BOOST_AUTO_TEST_SUITE_END()
