//
// test/soak/soak_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A soak: millions of numbered datagrams through cmsg_socket on loopback,
// sent and received by the library, half through the single-datagram
// operations and half through batches. The sender stays at most a window of
// datagrams ahead of the receiver, so the kernel has no reason to drop.
//
// Oracles (none through the library): the numbering (loopback keeps order:
// every datagram must be the next number; a gap is a loss), the kernel's
// per-socket drop counter in /proc/net/udp (a gap it does not explain is an
// unexplained loss), resident memory from /proc/self/statm sampled along
// the run (flat after warm-up), and this program's replacement of the
// global operator new, which counts every allocation (none per datagram in
// steady state).
//
// ASIO_IPV4_SOAK_DATAGRAMS sets the total (default 10 000 000).

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// The global operator new counts allocations (global_allocations).
#include "counting_new.hpp"

namespace {

namespace net = boost::asio;
using net::ip::udp;
using rx_message = asio_ipv4::message<udp::endpoint>;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;

constexpr std::size_t window = 64;          // datagrams in flight at most
constexpr std::size_t payload_size = 64;

std::uint64_t total_datagrams()
{
  if (const char* text = std::getenv("ASIO_IPV4_SOAK_DATAGRAMS"))
    return std::strtoull(text, nullptr, 10);
  return 10'000'000;
}

// Resident set size in bytes (/proc/self/statm, second field), read with
// plain system calls: sampling must not allocate.
std::size_t resident_bytes()
{
  char text[128] = {};
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = ::read(fd, text, sizeof(text) - 1);
  ::close(fd);
  if (n <= 0)
    return 0;
  unsigned long size = 0, resident = 0;
  std::sscanf(text, "%lu %lu", &size, &resident);
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// The kernel's drop count of the UDP socket bound to `port` (/proc/net/udp,
// last column), or -1 when it is not listed.
long kernel_drops(unsigned short port)
{
  std::ifstream udp_table("/proc/net/udp");
  std::string line;
  std::getline(udp_table, line);   // header
  char local[32];
  std::snprintf(local, sizeof(local), ":%04X", port);
  while (std::getline(udp_table, line))
  {
    std::istringstream fields(line);
    std::string slot, local_address;
    fields >> slot >> local_address;
    if (local_address.size() < 5 || local_address.substr(local_address.size() - 5) != local)
      continue;
    std::string field, last;
    while (fields >> field)
      last = field;
    return std::stol(last);
  }
  return -1;
}

// The soak itself: one thread, one io_context; the sender sends `window`
// datagrams, then the receiver takes `window`, and so on.
class soak
{
public:
  soak(bool batches, std::uint64_t total)
    : batches_(batches), total_(total), sample_every_(std::max<std::uint64_t>(total / 40, 1000))
  {
    rx_.next_layer().set_option(asio_ipv4::ip4::receive_packet_info(true));
    rx_.next_layer().set_option(asio_ipv4::ip4::receive_ttl(true));
    rx_.next_layer().set_option(net::socket_base::receive_buffer_size(1 << 20));
    to_ = rx_.next_layer().local_endpoint();
    for (std::size_t i = 0; i < window; ++i)
    {
      in_batch_[i].buffer = net::buffer(in_[i]);
      out_batch_[i].buffer = net::buffer(out_[i]);
      out_batch_[i].endpoint = to_;
    }
  }

  struct sample
  {
    std::uint64_t datagrams;
    std::size_t allocations;
    std::size_t resident;
  };

  void run()
  {
    started_ = std::chrono::steady_clock::now();
    send_some();
    ctx_.run();
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

  // Room for every sample before the run: the samples must not allocate in
  // steady state either.
  void reserve_samples() { samples_.reserve(total_ / sample_every_ + 4); }

  std::uint64_t received() const { return received_; }
  std::uint64_t gaps() const { return gaps_; }
  std::string first_error() const { return first_error_; }
  const std::vector<sample>& samples() const { return samples_; }
  long drops() const { return kernel_drops(to_.port()); }
  double seconds() const { return seconds_; }

private:
  // Sends the next min(window, what is left) datagrams.
  void send_some()
  {
    round_ = static_cast<std::size_t>(std::min<std::uint64_t>(window, total_ - sent_));
    if (round_ == 0)
      return;
    for (std::size_t i = 0; i < round_; ++i)
    {
      std::uint64_t n = sent_ + i;
      std::memcpy(out_[i].data(), &n, sizeof(n));
    }
    in_round_ = 0;
    if (batches_)
      send_batch(0);
    else
      send_one(0);
  }

  void send_batch(std::size_t from)
  {
    // A full buffer may stop a batch part-way: resend the rest.
    tx_.async_send_batch(out_view_.assign(out_batch_.data() + from, round_ - from),
        [this, from](boost::system::error_code ec, std::size_t n) {
          if (ec)
            return fail("send_batch", ec);
          if (from + n < round_)
            return send_batch(from + n);
          sent_ += round_;
          receive();
        });
  }

  void send_one(std::size_t i)
  {
    tx_.async_send_to(net::buffer(out_[i]), to_, no_control_, [this, i](boost::system::error_code ec, std::size_t) {
      if (ec)
        return fail("send_to", ec);
      if (i + 1 < round_)
        return send_one(i + 1);
      sent_ += round_;
      receive();
    });
  }

  void receive()
  {
    if (batches_)
    {
      rx_.async_receive_batch(in_view_.assign(in_batch_.data(), round_ - in_round_),
          [this](boost::system::error_code ec, std::size_t n) {
            if (ec)
              return fail("receive_batch", ec);
            for (std::size_t i = 0; i < n; ++i)
              take(in_[i].data(), in_batch_[i].bytes);
            received_some(n);
          });
    }
    else
    {
      rx_.async_receive_from(net::buffer(in_[0]), from_, control_, [this](boost::system::error_code ec, std::size_t n) {
        if (ec)
          return fail("receive_from", ec);
        take(in_[0].data(), n);
        received_some(1);
      });
    }
  }

  void take(const char* data, std::size_t bytes)
  {
    std::uint64_t n;
    std::memcpy(&n, data, sizeof(n));
    if (bytes != payload_size || n != received_ + gaps_)
    {
      // Loopback keeps order: anything but the next number is a loss.
      if (n > received_ + gaps_)
        gaps_ += n - (received_ + gaps_);
      else
        fail("order", boost::system::error_code());
    }
    ++received_;
    if ((received_ + gaps_) % sample_every_ == 0)
      samples_.push_back({received_, global_allocations.load(std::memory_order_relaxed), resident_bytes()});
  }

  void received_some(std::size_t n)
  {
    in_round_ += n;
    if (in_round_ < round_)
      return receive();
    send_some();
  }

  void fail(const char* what, boost::system::error_code ec)
  {
    if (first_error_.empty())
      first_error_ = std::string(what) + ": " + (ec ? ec.message() : std::string("out of order"));
    ctx_.stop();
  }

  // A contiguous range view over part of a message array (batches take any
  // contiguous range; this one allocates nothing).
  template <class Message>
  struct view
  {
    Message* first = nullptr;
    std::size_t count = 0;
    view& assign(Message* f, std::size_t n)
    {
      first = f;
      count = n;
      return *this;
    }
    Message* data() { return first; }
    std::size_t size() const { return count; }
    Message* begin() { return first; }
    Message* end() { return first + count; }
  };

  bool batches_;
  std::uint64_t total_;
  std::uint64_t sample_every_;   // 40 samples in a run
  net::io_context ctx_{1};
  asio_ipv4::cmsg_socket<udp::socket> rx_{ctx_, udp::endpoint(net::ip::address_v4::loopback(), 0)};
  asio_ipv4::cmsg_socket<udp::socket> tx_{ctx_, udp::endpoint(net::ip::address_v4::loopback(), 0)};
  udp::endpoint to_, from_;
  asio_ipv4::control_message control_;
  const asio_ipv4::control_message no_control_;
  std::array<std::array<char, payload_size>, window> in_{}, out_{};
  std::array<rx_message, window> in_batch_;
  std::array<tx_message, window> out_batch_;
  view<rx_message> in_view_;
  view<tx_message> out_view_;
  std::size_t round_ = 0, in_round_ = 0;
  std::uint64_t sent_ = 0, received_ = 0, gaps_ = 0;
  std::vector<sample> samples_;
  std::string first_error_;
  std::chrono::steady_clock::time_point started_;
  double seconds_ = 0;
};

void check_soak(bool batches)
{
  const std::uint64_t total = total_datagrams() / 2;
  soak s(batches, total);
  s.reserve_samples();
  s.run();
  BOOST_TEST(s.first_error() == "");
  BOOST_TEST(s.received() == total);
  const long drops = s.drops();
  BOOST_TEST(drops >= 0, "the receiving socket is not in /proc/net/udp");
  BOOST_TEST(s.gaps() == static_cast<std::uint64_t>(std::max(drops, 0L)), "losses the kernel's drop count does not explain");
  BOOST_TEST(s.gaps() == 0u, "the kernel dropped datagrams although the sender kept to a window");

  // Steady state: after the first fifth of the run (warm-up).
  const auto& samples = s.samples();
  BOOST_TEST_REQUIRE(samples.size() >= 5u);
  const std::size_t warm = samples.size() / 5;
  const auto& a = samples[warm];
  const auto& b = samples.back();
  const std::size_t steady_allocations = b.allocations - a.allocations;
  std::size_t low = samples[warm].resident, high = low;
  for (std::size_t i = warm; i < samples.size(); ++i)
  {
    low = std::min(low, samples[i].resident);
    high = std::max(high, samples[i].resident);
  }
  BOOST_TEST(steady_allocations == 0u, steady_allocations << " allocations over " << b.datagrams - a.datagrams
                                                          << " datagrams in steady state");
  BOOST_TEST(high - low <= 64u * 1024u, "resident memory moved by " << (high - low) << " bytes after warm-up");
  BOOST_TEST_MESSAGE((batches ? "batches" : "single") << ": " << s.received() << " datagrams in " << s.seconds()
                                                      << " s (" << s.received() / s.seconds() << " /s), gaps "
                                                      << s.gaps() << ", kernel drops " << drops
                                                      << ", allocations in steady state " << steady_allocations
                                                      << " over " << b.datagrams - a.datagrams
                                                      << " datagrams, resident " << samples.front().resident / 1024
                                                      << " KiB at the first sample, " << low / 1024 << ".."
                                                      << high / 1024 << " KiB after warm-up");
}

} // namespace

BOOST_AUTO_TEST_SUITE(soak_test)

BOOST_AUTO_TEST_CASE(single_datagram_operations)
{
  check_soak(false);
}

BOOST_AUTO_TEST_CASE(batch_operations)
{
  check_soak(true);
}

BOOST_AUTO_TEST_SUITE_END()
