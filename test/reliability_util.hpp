//
// test/reliability_util.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Helpers of the reliability suites (send_wait_test, fault_test,
// threads_test, storm_test): CPU time, raw descriptor checks that do not go
// through the library, and counting numbered datagrams with a plain socket.

#ifndef ASIO_IPV4_TEST_RELIABILITY_UTIL_HPP
#define ASIO_IPV4_TEST_RELIABILITY_UTIL_HPP

#include "completion_record.hpp"
#include "io_run.hpp"

#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// User + system CPU time of the whole process so far, in seconds
/// (getrusage(RUSAGE_SELF): every thread, io_uring workers included).
inline double process_cpu_seconds()
{
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// CPU time of the process while `ctx` runs for `duration`.
inline double cpu_while_running(boost::asio::io_context& ctx, std::chrono::milliseconds duration)
{
  const double before = process_cpu_seconds();
  run_for(ctx, duration);
  return process_cpu_seconds() - before;
}

/// User + system CPU time of the calling thread so far, in seconds
/// (getrusage(RUSAGE_THREAD)): the thread running an io_context, without
/// the test's own helper threads.
inline double thread_cpu_seconds()
{
  rusage usage{};
  ::getrusage(RUSAGE_THREAD, &usage);
  auto seconds = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// The poll(2) events of a descriptor right now (0 when none).
inline short poll_events(int fd, short wanted)
{
  pollfd p{fd, wanted, 0};
  return ::poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/// True while the socket's error queue holds an entry (or an error is
/// pending): poll reports POLLERR.
inline bool error_reported(int fd) { return (poll_events(fd, POLLIN) & POLLERR) != 0; }

/// Reads and clears the socket's pending error (SO_ERROR); the error queue
/// keeps its entries.
inline int take_pending_error(int fd)
{
  int error = 0;
  socklen_t len = sizeof(error);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
  return error;
}

/// Waits until an ICMP error left an entry on the queue and a pending
/// error, and takes the pending error (the kernel queues the entry a moment
/// before it sets the error). Returns that error, 0 after `timeout`.
inline int take_pending_error_when_queued(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(5))
{
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline)
  {
    if (int error = take_pending_error(fd))
      return error;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return 0;
}

/// Sets a socket's receive buffer past net.core.rmem_max (SO_RCVBUFFORCE,
/// root): counters that must not drop what a flood sends them.
inline bool force_receive_buffer(int fd, int bytes)
{
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0;
}

/// One counter of /proc/net/snmp's text: `protocol` is "Ip", "Icmp",
/// "Udp"..., `name` a column ("InNoRoutes"). -1 when it is not there.
inline long snmp_value(const std::string& text, const std::string& protocol, const std::string& name)
{
  std::istringstream in(text);
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values))
  {
    if (names.rfind(protocol + ":", 0) != 0)
      continue;
    std::istringstream n(names), v(values);
    std::string key, value;
    while (n >> key && v >> value)
      if (key == name)
        return std::stol(value);
  }
  return -1;
}

/// The "dropped N" of the first qdisc in `tc -s qdisc show` output, -1
/// when there is none.
inline long qdisc_drops(const std::string& tc_output)
{
  auto at = tc_output.find("dropped ");
  if (at == std::string::npos)
    return -1;
  return std::stol(tc_output.substr(at + 8));
}

/// Writes `number` (little-endian, 4 bytes) at the start of `payload`.
inline void put_number(std::vector<char>& payload, std::uint32_t number)
{
  if (payload.size() < 4)
    payload.resize(4);
  std::memcpy(payload.data(), &number, 4);
}

/// Numbered datagrams received by a plain socket (not the library): how
/// many times each number arrived.
class number_counter
{
public:
  /// Takes every datagram queued on `fd` (non-blocking recv), waiting until
  /// the socket stayed empty for `quiet`.
  void drain(int fd, std::chrono::milliseconds quiet = std::chrono::milliseconds(300))
  {
    auto last = std::chrono::steady_clock::now();
    char buffer[65536];
    for (;;)
    {
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n >= 4)
      {
        std::uint32_t number;
        std::memcpy(&number, buffer, 4);
        ++seen_[number];
        ++datagrams_;
        last = std::chrono::steady_clock::now();
        continue;
      }
      if (n >= 0)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
        return;
      if (std::chrono::steady_clock::now() - last >= quiet)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::size_t datagrams() const { return datagrams_; }
  std::size_t times(std::uint32_t number) const
  {
    auto it = seen_.find(number);
    return it == seen_.end() ? 0 : it->second;
  }

  /// "" when every number in [first, last) arrived exactly once and nothing
  /// else arrived; otherwise what differs.
  std::string exactly_once(std::uint32_t first, std::uint32_t last) const
  {
    std::ostringstream os;
    std::size_t listed = 0;
    for (std::uint32_t n = first; n < last; ++n)
    {
      std::size_t k = times(n);
      if (k != 1 && listed++ < 10)
        os << " #" << n << " x" << k;
    }
    for (const auto& [n, k] : seen_)
      if ((n < first || n >= last) && listed++ < 10)
        os << " unexpected #" << n << " x" << k;
    return listed ? "numbers not received exactly once:" + os.str() + (listed > 10 ? " ..." : "") : "";
  }

private:
  std::map<std::uint32_t, std::size_t> seen_;
  std::size_t datagrams_ = 0;
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_RELIABILITY_UTIL_HPP
