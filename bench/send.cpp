//
// bench/send.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Send-side senders: each run times one sender putting `segments` datagrams
// of 1200 bytes on the wire, to a loopback socket that never reads (its tiny
// queue fills at once and the kernel drops the rest: the sender's rate is
// what is measured, including the loopback delivery the kernel runs in the
// sender's context). GSO senders hand 40 segments (48000 bytes) to each
// system call with a UDP_SEGMENT control message of 1200.

#include "common.hpp"
#include "programs.hpp"

#include <asio_ipv4/cmsg_socket.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

namespace bench {
namespace {

using boost::asio::ip::udp;
using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;

constexpr std::size_t segment_size = 1200;
constexpr std::size_t gso_segments = 40;
constexpr std::size_t send_batch = 64;

struct send_tally
{
  std::size_t sent = 0; // segments on the wire
  stopwatch started;
  std::uint64_t allocs_at_warmup = 0;
  std::uint64_t retries = 0; // EAGAIN / ENOBUFS / short batches

  void begin() noexcept { started.start(); }
  void add(std::size_t n) noexcept
  {
    if (sent < warmup && sent + n >= warmup)
      allocs_at_warmup = allocations();
    sent += n;
  }
};

void finish(const char* name, std::size_t segments, const send_tally& t)
{
  stopwatch elapsed = t.started.elapsed();
  std::uint64_t allocs = allocations() - t.allocs_at_warmup;
  if (t.sent != segments)
    fail(std::string(name) + ": sent " + std::to_string(t.sent) + " of " + std::to_string(segments));
  report(name, segments, elapsed, allocs, segments - warmup, 0, 0);
  if (t.retries)
    std::fprintf(stderr, "%s: %llu retries\n", name, static_cast<unsigned long long>(t.retries));
}

bool retryable(int e) noexcept
{
  return e == EINTR || e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS;
}

// The receiving end: bound, never read, smallest queue.
int make_sink(sockaddr_in& bound)
{
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail_errno("socket");
  int small = 1; // the kernel rounds it up to its minimum
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0)
    fail_errno("bind");
  socklen_t len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  return fd;
}

int make_sender()
{
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail_errno("socket");
  int big = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
  return fd;
}

// ---- the limits --------------------------------------------------------------------
[[gnu::noinline]] void raw_sendto(int fd, const sockaddr_in& to, const unsigned char* payload, std::size_t segments)
{
  send_tally t;
  t.begin();
  while (t.sent < segments)
  {
    ssize_t r = ::sendto(fd, payload, segment_size, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    if (r < 0)
    {
      if (!retryable(errno))
        fail_errno("sendto");
      ++t.retries;
      continue;
    }
    t.add(1);
  }
  finish("raw_sendto", segments, t);
}

[[gnu::noinline]] void raw_sendmmsg(int fd, const sockaddr_in& to, const unsigned char* payload, std::size_t segments)
{
  send_tally t;
  iovec iov{const_cast<unsigned char*>(payload), segment_size};
  mmsghdr hdrs[send_batch];
  t.begin();
  while (t.sent < segments)
  {
    std::size_t n = std::min(send_batch, segments - t.sent);
    std::memset(hdrs, 0, sizeof(hdrs[0]) * n);
    for (std::size_t i = 0; i < n; ++i)
    {
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_name = const_cast<sockaddr_in*>(&to);
      m.msg_namelen = sizeof(to);
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
    }
    int r = ::sendmmsg(fd, hdrs, static_cast<unsigned>(n), MSG_DONTWAIT);
    if (r < 0)
    {
      if (!retryable(errno))
        fail_errno("sendmmsg");
      ++t.retries;
      continue;
    }
    if (static_cast<std::size_t>(r) < n)
      ++t.retries;
    t.add(static_cast<std::size_t>(r));
  }
  finish("raw_sendmmsg_64", segments, t);
}

[[gnu::noinline]] void raw_gso(int fd, const sockaddr_in& to, const unsigned char* payload, std::size_t segments)
{
  send_tally t;
  iovec iov{const_cast<unsigned char*>(payload), segment_size * gso_segments};
  union
  {
    cmsghdr align;
    unsigned char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
  } cbuf;
  t.begin();
  while (t.sent < segments)
  {
    msghdr m;
    std::memset(&m, 0, sizeof(m));
    m.msg_name = const_cast<sockaddr_in*>(&to);
    m.msg_namelen = sizeof(to);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf.bytes;
    m.msg_controllen = sizeof(cbuf.bytes);
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    std::uint16_t seg = segment_size;
    std::memcpy(CMSG_DATA(c), &seg, sizeof(seg));
    ssize_t r = ::sendmsg(fd, &m, MSG_DONTWAIT);
    if (r < 0)
    {
      if (!retryable(errno))
        fail_errno("sendmsg (UDP_SEGMENT)");
      ++t.retries;
      continue;
    }
    t.add(gso_segments);
  }
  finish("raw_gso_40", segments, t);
}

// ---- plain Asio, for reference ---------------------------------------------------------
[[gnu::noinline]] void asio_send_to(udp::socket& s, const udp::endpoint& to, const unsigned char* payload,
    std::size_t segments)
{
  send_tally t;
  auto buf = boost::asio::buffer(payload, segment_size);
  boost::system::error_code ec;
  t.begin();
  while (t.sent < segments)
  {
    s.send_to(buf, to, 0, ec);
    if (ec)
    {
      if (ec != boost::asio::error::no_buffer_space)
        fail("send_to: " + ec.message());
      ++t.retries;
      continue;
    }
    t.add(1);
  }
  finish("asio_send_to", segments, t);
}

// ---- ours ---------------------------------------------------------------------------
[[gnu::noinline]] void cmsg_send_to(cmsg_udp& s, const udp::endpoint& to, const unsigned char* payload, std::size_t segments,
    bool gso)
{
  send_tally t;
  asio_ipv4::control_message control;
  std::size_t per = 1;
  if (gso)
  {
    control.segment_size = static_cast<std::uint16_t>(segment_size);
    per = gso_segments;
  }
  auto buf = boost::asio::buffer(payload, segment_size * per);
  boost::system::error_code ec;
  t.begin();
  while (t.sent < segments)
  {
    s.send_to(buf, to, control, ec);
    if (ec)
    {
      if (ec != boost::asio::error::no_buffer_space)
        fail("cmsg_socket::send_to: " + ec.message());
      ++t.retries;
      continue;
    }
    t.add(per);
  }
  finish(gso ? "cmsg_send_to_gso_40" : "cmsg_send_to", segments, t);
}

struct cmsg_async_gso
{
  cmsg_udp& socket;
  udp::endpoint to;
  boost::asio::const_buffer payload;
  std::size_t segments;
  asio_ipv4::control_message control;
  send_tally t;

  struct handler
  {
    cmsg_async_gso* self;
    void operator()(const boost::system::error_code& ec, std::size_t) const { self->done(ec); }
  };

  void start() { socket.async_send_to(payload, to, control, handler{this}); }

  void done(const boost::system::error_code& ec)
  {
    if (ec)
    {
      if (ec != boost::asio::error::no_buffer_space)
        fail("cmsg_socket::async_send_to: " + ec.message());
      ++t.retries;
    }
    else
      t.add(gso_segments);
    if (t.sent < segments)
      start();
  }
};

using send_message = asio_ipv4::message<udp::endpoint, boost::asio::const_buffer>;

// A contiguous range over part of a batch (what std::span would be in C++20).
struct batch_view
{
  send_message* p = nullptr;
  std::size_t n = 0;
  send_message* data() const noexcept { return p; }
  std::size_t size() const noexcept { return n; }
};

struct cmsg_async_batch
{
  cmsg_udp& socket;
  std::size_t segments;
  std::vector<send_message> slots;
  std::size_t offset = 0; // first slot not yet sent in this round
  send_tally t;

  cmsg_async_batch(cmsg_udp& s, const udp::endpoint& to, const unsigned char* payload, std::size_t n)
    : socket(s), segments(n), slots(send_batch)
  {
    for (auto& m : slots)
    {
      m.buffer = boost::asio::buffer(payload, segment_size);
      m.endpoint = to;
    }
  }

  struct handler
  {
    cmsg_async_batch* self;
    void operator()(const boost::system::error_code& ec, std::size_t n) const { self->done(ec, n); }
  };

  void start()
  {
    std::size_t want = std::min(send_batch - offset, segments - t.sent);
    // A view of the unsent tail of the round (a contiguous range).
    view = {slots.data() + offset, want};
    socket.async_send_batch(view, handler{this});
  }

  void done(const boost::system::error_code& ec, std::size_t n)
  {
    if (ec && ec != boost::asio::error::no_buffer_space)
      fail("cmsg_socket::async_send_batch: " + ec.message());
    if (ec || n < view.size())
      ++t.retries;
    t.add(n);
    offset += n;
    if (offset == send_batch)
      offset = 0;
    if (t.sent < segments)
      start();
  }

  batch_view view;
};

} // namespace

int run_send(const std::string& name, std::size_t segments)
{
  // Whole GSO sends and whole batches: a multiple of lcm(40, 64) = 320.
  if (segments <= warmup || segments % 320 != 0)
    fail("segments must be a multiple of 320 above the warm-up");
  sockaddr_in bound;
  int sink = make_sink(bound);
  int fd = make_sender();
  std::vector<unsigned char> payload(segment_size * gso_segments, 0x5a);
  udp::endpoint to(boost::asio::ip::address_v4::loopback(), ntohs(bound.sin_port));

  if (name == "raw_sendto")
    raw_sendto(fd, bound, payload.data(), segments);
  else if (name == "raw_sendmmsg_64")
    raw_sendmmsg(fd, bound, payload.data(), segments);
  else if (name == "raw_gso_40")
    raw_gso(fd, bound, payload.data(), segments);
  else if (name == "asio_send_to")
  {
    boost::asio::io_context ctx;
    udp::socket s(ctx);
    s.assign(udp::v4(), fd);
    asio_send_to(s, to, payload.data(), segments);
  }
  else if (name == "cmsg_send_to" || name == "cmsg_send_to_gso_40")
  {
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_send_to(s, to, payload.data(), segments, name != "cmsg_send_to");
  }
  else if (name == "cmsg_async_send_to_gso_40")
  {
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_async_gso r{s, to, boost::asio::buffer(payload.data(), segment_size * gso_segments), segments, {}, {}};
    r.control.segment_size = static_cast<std::uint16_t>(segment_size);
    r.t.begin();
    r.start();
    ctx.run();
    finish(name.c_str(), segments, r.t);
  }
  else if (name == "cmsg_async_send_batch_64")
  {
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_async_batch r(s, to, payload.data(), segments);
    r.t.begin();
    r.start();
    ctx.run();
    finish(name.c_str(), segments, r.t);
  }
  else
    fail("unknown sender " + name);
  ::close(sink);
  return 0;
}

} // namespace bench
