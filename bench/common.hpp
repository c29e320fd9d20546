//
// bench/common.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What every benchmark program shares: the heap counter, the loopback socket
// pair, the prefill of a receive queue, the drop check, the result line.
// Nothing here uses Asio, so the C++17 and the C++20 programs both link it.

#ifndef ASIO_IPV4_BENCH_COMMON_HPP
#define ASIO_IPV4_BENCH_COMMON_HPP

#include <netinet/in.h>
#include <time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

// ---- heap allocations -----------------------------------------------------
// common.cpp replaces the global operator new and interposes the malloc
// family (Asio's recycling allocator gets its memory from aligned_alloc,
// which operator new would not see). The sum counts every heap allocation
// of the process since it started.
std::uint64_t allocations() noexcept;

// ---- clocks -----------------------------------------------------------------
// Both are read around each timed loop. The CPU time of the process is what
// the tables show: on a shared machine it leaves out the time other
// programs held the CPU (wall time is printed too). Every timed loop here
// runs without ever blocking, so on an idle machine the two agree.
inline std::uint64_t now_ns() noexcept
{
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch()).count());
}

inline std::uint64_t cpu_ns() noexcept
{
  timespec ts;
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

// A running stopwatch: wall and CPU time.
struct stopwatch
{
  std::uint64_t wall = 0;
  std::uint64_t cpu = 0;
  void start() noexcept
  {
    wall = now_ns();
    cpu = cpu_ns();
  }
  // Elapsed since start(): {wall, cpu}.
  stopwatch elapsed() const noexcept
  {
    std::uint64_t c = cpu_ns();
    return stopwatch{now_ns() - wall, c - cpu};
  }
};

// ---- the drain set-up -------------------------------------------------------
// Payload bytes of each prefilled datagram.
constexpr std::size_t datagram_size = 64;
// Receive buffer of every receiver (bigger than the datagram, as a real
// receiver's would be).
constexpr std::size_t receive_buffer_size = 2048;
// TTL the prefill sends with (set explicitly, so the check value is known).
constexpr int prefill_ttl = 64;
// Allocations are counted from this datagram on (the first ones fill Asio's
// per-thread recycling caches).
constexpr std::size_t warmup = 256;

// A UDP socket bound to 127.0.0.1 on an ephemeral port with a receive
// buffer big enough for `count` small datagrams (SO_RCVBUFFORCE: root), and
// IP_PKTINFO + IP_RECVTTL when `control` is true. Returns the descriptor.
int make_receiver(std::size_t count, bool control, sockaddr_in& bound);

// Sends `count` datagrams of datagram_size bytes from a fresh socket to
// `to` (sendmmsg, TTL prefill_ttl), then checks in /proc/net/udp that the
// receiver dropped none and holds them all. Exits the program on failure.
void prefill(const sockaddr_in& to, std::size_t count);

// prefill() in two halves, for a SO_REUSEPORT group: the sending (each
// datagram's first byte is `first_byte` when it is 0..255, which the group's
// steering program of make_shard_group returns as the index of the socket),
// and the check that the `sockets` of the group dropped none of the `count`
// datagrams and each holds some.
void send_prefill(const sockaddr_in& to, std::size_t count, int first_byte);
void check_prefill(const sockaddr_in& to, std::size_t count, std::size_t sockets);

// `shards` receivers as make_receiver makes them (control messages on, room
// for count / shards datagrams each), all bound to one port of 127.0.0.1
// with SO_REUSEPORT, and a steering program (SO_ATTACH_REUSEPORT_CBPF) that
// sends each datagram to the socket its first byte names (send_prefill's
// first_byte). Returns the descriptors in group order.
std::vector<int> make_shard_group(std::size_t shards, std::size_t count, sockaddr_in& bound);

// The value a receiver's check sum must reach after `count` datagrams when
// it adds, per datagram: bytes + TTL + interface index + (destination ==
// 127.0.0.1 ? 1 : 0). Without control messages: bytes only.
std::uint64_t expected_check(std::size_t count, bool control) noexcept;

// The drop counters and the queued bytes of the sockets bound to
// 127.0.0.1:port (from /proc/net/udp), summed, and how many there are; false
// when none is listed. `empty` counts those with nothing queued.
bool udp_queue_state(unsigned short port, std::uint64_t& drops, std::uint64_t& queued_bytes,
    std::size_t* sockets = nullptr, std::size_t* empty = nullptr);

// ---- results ----------------------------------------------------------------
// Prints the one result line the driver parses:
//   RESULT <name> <datagrams> <wall ns> <cpu ns> <allocations> <counted datagrams>
// and checks `check` against `expected` (exits with an error on mismatch).
void report(const std::string& name, std::size_t datagrams, const stopwatch& elapsed,
    std::uint64_t allocations, std::size_t counted, std::uint64_t check, std::uint64_t expected);

[[noreturn]] void fail(const std::string& what);
[[noreturn]] void fail_errno(const std::string& what);

} // namespace bench

#endif // ASIO_IPV4_BENCH_COMMON_HPP
