//
// bench/drain.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Drain-mode receivers. Each run makes its own receiving socket, prefills
// its queue with `count` 64-byte datagrams over loopback, checks that none
// was dropped, then times one receiver alone taking them all. Every receiver
// that can parse control messages gets IP_PKTINFO + IP_RECVTTL and adds
// bytes + TTL + interface + (destination == 127.0.0.1) to a check sum, which
// must come out exact: all of them do the same work. The shard rows (6) do
// the same with a SO_REUSEPORT group of sockets drained in parallel.

#include "common.hpp"
#include "programs.hpp"

#include <asio_ipv4/cmsg_socket.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bench {
namespace {

using boost::asio::ip::udp;

constexpr std::uint32_t loopback_be = 0x0100007f; // 127.0.0.1 as in_addr::s_addr (little-endian host)

// What every timed loop records.
struct tally
{
  std::size_t received = 0;
  std::uint64_t check = 0;
  stopwatch started;
  std::uint64_t allocs_at_warmup = 0;

  // Called once the warm-up is done, from the handler that completed it (the
  // shard rows wait there for the other shards).
  void (*after_warmup)(void*) = nullptr;
  void* after_warmup_arg = nullptr;

  void begin() noexcept { started.start(); }
  // Called with the running count after each datagram (or batch).
  void at(std::size_t before, std::size_t after) noexcept
  {
    if (before < warmup && after >= warmup)
    {
      allocs_at_warmup = allocations();
      if (after_warmup)
        after_warmup(after_warmup_arg);
    }
  }
};

void finish(const char* name, std::size_t count, const tally& t, bool control)
{
  stopwatch elapsed = t.started.elapsed();
  std::uint64_t allocs = allocations() - t.allocs_at_warmup;
  report(name, count, elapsed, allocs, count - warmup, t.check, expected_check(count, control));
}

// ---- 1. the limit, one by one: recvmsg + hand-parsed cmsgs ---------------------
// With `poll`, each datagram is preceded by epoll_wait(epfd, ..., 0): the
// non-blocking reactor poll Asio's scheduler makes between two handlers when
// each handler starts the next operation (a reference, not a limit). With
// `control` false: plain recvmsg without control messages, the limit of
// plain Asio.
// The loop itself, until t.received reaches count (the shard rows run it on
// several threads).
[[gnu::noinline]] void raw_recvmsg_loop(int fd, std::size_t count, bool control, bool poll, tally& t)
{
  unsigned char buf[receive_buffer_size];
  alignas(cmsghdr) unsigned char cbuf[128];
  sockaddr_in from;
  iovec iov{buf, sizeof(buf)};
  msghdr m;
  int ep = -1;
  if (poll)
  {
    ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLPRI | EPOLLET; // as Asio registers a socket
    ev.data.fd = fd;
    if (ep < 0 || ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
      fail_errno("epoll");
  }
  while (t.received < count)
  {
    if (poll)
    {
      epoll_event events[128];
      if (::epoll_wait(ep, events, 128, 0) < 0 && errno != EINTR)
        fail_errno("epoll_wait");
    }
    std::memset(&m, 0, sizeof(m));
    m.msg_name = &from;
    m.msg_namelen = sizeof(from);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (control)
    {
      m.msg_control = cbuf;
      m.msg_controllen = sizeof(cbuf);
    }
    ssize_t r = ::recvmsg(fd, &m, MSG_DONTWAIT);
    if (r < 0)
    {
      if (errno == EINTR)
        continue;
      fail_errno("recvmsg");
    }
    if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
      fail("truncated");
    int ttl = 0;
    unsigned ifindex = 0;
    std::uint32_t dst = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    {
      if (c->cmsg_level != IPPROTO_IP)
        continue;
      if (c->cmsg_type == IP_PKTINFO)
      {
        in_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        ifindex = static_cast<unsigned>(pi.ipi_ifindex);
        dst = pi.ipi_addr.s_addr;
      }
      else if (c->cmsg_type == IP_TTL)
        std::memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
    }
    t.check += static_cast<std::uint64_t>(r) + static_cast<unsigned>(ttl) + ifindex + (dst == loopback_be);
    t.at(t.received, t.received + 1);
    ++t.received;
  }
  if (ep >= 0)
    ::close(ep);
}

void raw_recvmsg(int fd, std::size_t count, bool control, bool poll, const char* name)
{
  tally t;
  t.begin();
  raw_recvmsg_loop(fd, count, control, poll, t);
  finish(name, count, t, control);
}

// ---- 2. the limit, batched: recvmmsg (64) + hand-parsed cmsgs ---------------------
[[gnu::noinline]] void raw_recvmmsg(int fd, std::size_t count)
{
  constexpr std::size_t batch = 64;
  tally t;
  std::vector<unsigned char> bufs(batch * receive_buffer_size);
  struct alignas(cmsghdr) cbuf_t
  {
    unsigned char bytes[128];
  };
  cbuf_t cbufs[batch];
  sockaddr_in from[batch];
  iovec iov[batch];
  mmsghdr hdrs[batch];
  t.begin();
  while (t.received < count)
  {
    std::size_t want = std::min(batch, count - t.received);
    std::memset(hdrs, 0, sizeof(hdrs[0]) * want);
    for (std::size_t i = 0; i < want; ++i)
    {
      iov[i].iov_base = bufs.data() + i * receive_buffer_size;
      iov[i].iov_len = receive_buffer_size;
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_name = &from[i];
      m.msg_namelen = sizeof(from[i]);
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      m.msg_control = cbufs[i].bytes;
      m.msg_controllen = sizeof(cbufs[i].bytes);
    }
    int r = ::recvmmsg(fd, hdrs, static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    if (r < 0)
    {
      if (errno == EINTR)
        continue;
      fail_errno("recvmmsg");
    }
    for (int i = 0; i < r; ++i)
    {
      msghdr& m = hdrs[i].msg_hdr;
      if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
        fail("truncated");
      int ttl = 0;
      unsigned ifindex = 0;
      std::uint32_t dst = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
      {
        if (c->cmsg_level != IPPROTO_IP)
          continue;
        if (c->cmsg_type == IP_PKTINFO)
        {
          in_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
          ifindex = static_cast<unsigned>(pi.ipi_ifindex);
          dst = pi.ipi_addr.s_addr;
        }
        else if (c->cmsg_type == IP_TTL)
          std::memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
      }
      t.check += hdrs[i].msg_len + static_cast<unsigned>(ttl) + ifindex + (dst == loopback_be);
    }
    t.at(t.received, t.received + static_cast<std::size_t>(r));
    t.received += static_cast<std::size_t>(r);
  }
  finish("raw_recvmmsg_64", count, t, true);
}

// ---- 3. plain Asio, no control messages -------------------------------------------
struct asio_plain
{
  udp::socket& socket;
  std::size_t count;
  tally t;
  unsigned char buf[receive_buffer_size];
  udp::endpoint sender;

  struct handler
  {
    asio_plain* self;
    void operator()(const boost::system::error_code& ec, std::size_t n) const { self->done(ec, n); }
  };

  void start() { socket.async_receive_from(boost::asio::buffer(buf), sender, handler{this}); }

  void done(const boost::system::error_code& ec, std::size_t n)
  {
    if (ec)
      fail("async_receive_from: " + ec.message());
    t.check += n;
    t.at(t.received, t.received + 1);
    if (++t.received < count)
      start();
  }
};

// ---- 4. cmsg_socket, one by one -------------------------------------------------
using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;

inline std::uint64_t check_of(std::size_t n, const asio_ipv4::control_message& cm) noexcept
{
  return n + (cm.ttl ? *cm.ttl : 0u) + (cm.interface_index ? *cm.interface_index : 0u)
      + (cm.destination && cm.destination->to_uint() == INADDR_LOOPBACK);
}

struct cmsg_one
{
  cmsg_udp& socket;
  std::size_t count;
  tally t;
  unsigned char buf[receive_buffer_size];
  udp::endpoint sender;
  asio_ipv4::control_message control;

  struct handler
  {
    cmsg_one* self;
    void operator()(const boost::system::error_code& ec, std::size_t n) const { self->done(ec, n); }
  };

  void start() { socket.async_receive_from(boost::asio::buffer(buf), sender, control, handler{this}); }

  void done(const boost::system::error_code& ec, std::size_t n)
  {
    if (ec)
      fail("cmsg_socket::async_receive_from: " + ec.message());
    t.check += check_of(n, control);
    t.at(t.received, t.received + 1);
    if (++t.received < count)
      start();
  }
};

// The blocking form, for reference: the same system call and decoder
// without the scheduler in between.
[[gnu::noinline]] void cmsg_sync(cmsg_udp& socket, std::size_t count)
{
  tally t;
  unsigned char buf[receive_buffer_size];
  udp::endpoint sender;
  asio_ipv4::control_message control;
  boost::system::error_code ec;
  t.begin();
  while (t.received < count)
  {
    std::size_t n = socket.receive_from(boost::asio::buffer(buf), sender, control, ec);
    if (ec)
      fail("cmsg_socket::receive_from: " + ec.message());
    t.check += check_of(n, control);
    t.at(t.received, t.received + 1);
    ++t.received;
  }
  finish("cmsg_receive_from_sync", count, t, true);
}

// ---- 5. cmsg_socket, batches ----------------------------------------------------
struct cmsg_batch
{
  cmsg_udp& socket;
  std::size_t count;
  std::vector<asio_ipv4::message<udp::endpoint>> slots;
  std::vector<unsigned char> storage;
  tally t;

  cmsg_batch(cmsg_udp& s, std::size_t c, std::size_t batch)
    : socket(s), count(c), slots(batch), storage(batch * receive_buffer_size)
  {
    for (std::size_t i = 0; i < batch; ++i)
      slots[i].buffer = boost::asio::buffer(storage.data() + i * receive_buffer_size, receive_buffer_size);
  }

  struct handler
  {
    cmsg_batch* self;
    void operator()(const boost::system::error_code& ec, std::size_t n) const { self->done(ec, n); }
  };

  void start() { socket.async_receive_batch(slots, handler{this}); }

  void done(const boost::system::error_code& ec, std::size_t n)
  {
    if (ec)
      fail("cmsg_socket::async_receive_batch: " + ec.message());
    for (std::size_t i = 0; i < n; ++i)
    {
      if (slots[i].error)
        fail("batch slot: " + slots[i].error.message());
      t.check += check_of(slots[i].bytes, slots[i].control);
    }
    t.at(t.received, t.received + n);
    t.received += n;
    if (t.received < count)
      start();
  }
};

// ---- 6. shards: one socket, io_context and thread per core --------------------
// A SO_REUSEPORT group of `shards` sockets on one port, the prefill steered so
// that each holds count / shards datagrams (make_shard_group). Each shard
// drains its own socket on its own thread pinned to its own CPU: with the
// one-by-one receiver of 4 and an io_context of its own (cmsg_shards_N), or
// with the raw loop of 1 (raw_shards_N: the limit). Each first takes
// `warmup` datagrams, untimed (its thread's Asio caches warm up), and waits
// in the handler of the last one (so that run() keeps its caches) until
// every shard is there; then all go on together and the clock runs until
// the last one is done: the wall time is the figure (the CPU time adds the
// shards up).
struct shard
{
  int fd;
  std::size_t count;
  boost::asio::io_context ctx{1};
  cmsg_udp socket{ctx};
  cmsg_one loop{socket, count, {}, {}, {}, {}};
  tally raw; // the raw loop's
  std::uint64_t finished = 0;

  shard(int f, std::size_t c) : fd(f), count(c) {}
};

// Where the shards meet after their warm-up.
struct starting_line
{
  std::atomic<std::size_t> ready{0};
  std::atomic<bool> go{false};

  static void arrive(void* self)
  {
    auto& line = *static_cast<starting_line*>(self);
    line.ready.fetch_add(1);
    while (!line.go.load(std::memory_order_acquire))
      std::this_thread::yield();
  }
};

// Runs the calling thread on `cpu` only.
void pin_to(int cpu)
{
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set) != 0)
    fail("cannot run on CPU " + std::to_string(cpu));
}

std::vector<int> usable_cpus()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set))
        cpus.push_back(c);
  if (cpus.empty())
    fail("no CPU to run on");
  return cpus;
}

void run_shards(const std::string& name, bool raw, std::size_t shards, std::size_t count)
{
  if (count % shards != 0 || count / shards <= warmup)
    fail("the count must be a multiple of the shards, each above the warm-up");
  sockaddr_in bound;
  const std::vector<int> fds = make_shard_group(shards, count, bound);
  const std::vector<int> cpus = usable_cpus();
  // Each shard's datagrams are sent from its own CPU, as CPU steering has
  // it in a server: the kernel allocates them there, and the shard frees
  // them on the CPU that allocated them.
  for (std::size_t i = 0; i < shards; ++i)
    std::thread([&, i] {
      pin_to(cpus[i % cpus.size()]);
      send_prefill(bound, count / shards, static_cast<int>(i));
    }).join();
  check_prefill(bound, count, shards);

  std::vector<std::unique_ptr<shard>> group;
  starting_line line;
  for (int fd : fds)
  {
    group.push_back(std::make_unique<shard>(fd, count / shards));
    shard& s = *group.back();
    tally& t = raw ? s.raw : s.loop.t;
    t.after_warmup = &starting_line::arrive;
    t.after_warmup_arg = &line;
    if (!raw)
      s.socket.next_layer().assign(udp::v4(), fd);
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < shards; ++i)
  {
    threads.emplace_back([&, i] {
      pin_to(cpus[i % cpus.size()]);
      shard& s = *group[i];
      if (raw)
        raw_recvmsg_loop(s.fd, s.count, true, false, s.raw);
      else
      {
        s.loop.start();
        s.ctx.run();
      }
      s.finished = now_ns();
    });
  }
  while (line.ready.load() < shards)
    std::this_thread::yield();
  stopwatch started;
  started.start();
  const std::uint64_t allocs_before = allocations();
  line.go.store(true, std::memory_order_release);
  for (auto& t : threads)
    t.join();
  const std::uint64_t cpu = cpu_ns() - started.cpu;
  const std::uint64_t allocs = allocations() - allocs_before;
  std::uint64_t last = 0, check = 0;
  for (const auto& s : group)
  {
    last = std::max(last, s->finished);
    check += raw ? s->raw.check : s->loop.t.check;
    if (raw)
      ::close(s->fd);
  }
  const std::size_t timed = count - shards * warmup;
  report(name, timed, stopwatch{last - started.wall, cpu}, allocs, timed, check, expected_check(count, true));
}

} // namespace

int run_drain(const std::string& name, std::size_t count)
{
  for (const char* family : {"cmsg_shards_", "raw_shards_"})
  {
    if (name.rfind(family, 0) != 0)
      continue;
    const std::size_t shards = std::stoul(name.substr(std::strlen(family)));
    if (shards == 0 || shards > 64)
      fail("1 to 64 shards");
    run_shards(name, family[0] == 'r', shards, count);
    return 0;
  }

  if (count <= warmup)
    fail("count must exceed the warm-up of " + std::to_string(warmup));
  const bool control = name != "asio_receive_from" && name != "raw_recvmsg_nocmsg";
  sockaddr_in bound;
  int fd = make_receiver(count, control, bound);
  prefill(bound, count);

  if (name == "raw_recvmsg" || name == "raw_recvmsg_nocmsg" || name == "raw_recvmsg_epoll")
    raw_recvmsg(fd, count, control, name == "raw_recvmsg_epoll", name.c_str());
  else if (name == "raw_recvmmsg_64")
    raw_recvmmsg(fd, count);
  else if (name == "asio_receive_from")
  {
    boost::asio::io_context ctx;
    udp::socket s(ctx);
    s.assign(udp::v4(), fd);
    asio_plain r{s, count, {}, {}, {}};
    r.t.begin();
    r.start();
    ctx.run();
    finish(name.c_str(), count, r.t, false);
    return 0;
  }
  else if (name == "cmsg_receive_from")
  {
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_one r{s, count, {}, {}, {}, {}};
    r.t.begin();
    r.start();
    ctx.run();
    finish(name.c_str(), count, r.t, true);
    return 0;
  }
  else if (name == "cmsg_receive_from_sync")
  {
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_sync(s, count);
    return 0;
  }
  else if (name.rfind("cmsg_receive_batch_", 0) == 0)
  {
    std::size_t batch = std::stoul(name.substr(std::strlen("cmsg_receive_batch_")));
    if (batch == 0)
      fail("batch of 0");
    boost::asio::io_context ctx;
    cmsg_udp s(ctx);
    s.next_layer().assign(udp::v4(), fd);
    cmsg_batch r(s, count, batch);
    r.t.begin();
    r.start();
    ctx.run();
    finish(name.c_str(), count, r.t, true);
    return 0;
  }
  else
    fail("unknown receiver " + name);
  ::close(fd);
  return 0;
}

} // namespace bench
