//
// bench/common.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "common.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

// ---- heap counter -------------------------------------------------------------
// The malloc family is interposed (this executable's definitions win over
// glibc's) and forwards to glibc's own entry points; operator new is replaced
// and forwards there too, so nothing is counted twice. A sanitizer brings its
// own allocator: then nothing is replaced and the count stays 0 (the program
// says so on stderr).

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ASIO_IPV4_BENCH_NO_HEAP_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define ASIO_IPV4_BENCH_NO_HEAP_COUNT 1
#endif
#endif

namespace {
std::atomic<std::uint64_t> heap_count{0};
} // namespace

#if !defined(ASIO_IPV4_BENCH_NO_HEAP_COUNT)

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {

inline void count() noexcept
{
  heap_count.fetch_add(1, std::memory_order_relaxed);
}

void* counted_new(std::size_t size)
{
  count();
  void* p = __libc_malloc(size ? size : 1);
  if (!p)
    throw std::bad_alloc();
  return p;
}

void* counted_new_aligned(std::size_t size, std::size_t align)
{
  count();
  void* p = __libc_memalign(align, size ? size : 1);
  if (!p)
    throw std::bad_alloc();
  return p;
}

} // namespace

extern "C" {
void* malloc(std::size_t size)
{
  count();
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size)
{
  count();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size)
{
  count();
  return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t align, std::size_t size)
{
  count();
  return __libc_memalign(align, size);
}
void* memalign(std::size_t align, std::size_t size)
{
  count();
  return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size)
{
  count();
  void* p = __libc_memalign(align, size);
  if (!p)
    return ENOMEM;
  *out = p;
  return 0;
}
void free(void* p)
{
  __libc_free(p);
}
}

void* operator new(std::size_t size) { return counted_new(size); }
void* operator new[](std::size_t size) { return counted_new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
  count();
  return __libc_malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept
{
  count();
  return __libc_malloc(size ? size : 1);
}
void* operator new(std::size_t size, std::align_val_t a) { return counted_new_aligned(size, std::size_t(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_new_aligned(size, std::size_t(a)); }
void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }

#endif // !ASIO_IPV4_BENCH_NO_HEAP_COUNT

namespace bench {

std::uint64_t allocations() noexcept
{
  return heap_count.load(std::memory_order_relaxed);
}

void fail(const std::string& what)
{
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

void fail_errno(const std::string& what)
{
  fail(what + ": " + std::strerror(errno));
}

namespace {

// make_receiver's socket, not yet bound.
int open_receiver(std::size_t count, bool control)
{
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail_errno("socket");
  // A 64-byte datagram from loopback costs about 1 KiB of receive memory
  // (its sk_buff truesize); leave plenty of room. The kernel doubles the
  // value and caps it at INT_MAX.
  std::uint64_t want = std::max<std::uint64_t>(std::uint64_t(count) * 4096, 1 << 20);
  int rcvbuf = static_cast<int>(std::min<std::uint64_t>(want, INT_MAX / 2));
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
    fail_errno("SO_RCVBUFFORCE (needs root)");
  if (control)
  {
    int on = 1;
    if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0)
      fail_errno("IP_PKTINFO");
    if (::setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)) != 0)
      fail_errno("IP_RECVTTL");
  }
  return fd;
}

void bind_loopback(int fd, unsigned short port_be, sockaddr_in& bound)
{
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = port_be;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0)
    fail_errno("bind");
  socklen_t len = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0)
    fail_errno("getsockname");
}

} // namespace

int make_receiver(std::size_t count, bool control, sockaddr_in& bound)
{
  int fd = open_receiver(count, control);
  bind_loopback(fd, 0, bound);
  return fd;
}

std::vector<int> make_shard_group(std::size_t shards, std::size_t count, sockaddr_in& bound)
{
  std::vector<int> fds;
  for (std::size_t i = 0; i < shards; ++i)
  {
    int fd = open_receiver(count / shards, true);
    int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0)
      fail_errno("SO_REUSEPORT");
    bind_loopback(fd, i == 0 ? 0 : bound.sin_port, bound);
    fds.push_back(fd);
  }
  // ldb [0]; ret a: the payload's first byte is the socket's index.
  sock_filter program[] = {{BPF_LD | BPF_B | BPF_ABS, 0, 0, 0}, {BPF_RET | BPF_A, 0, 0, 0}};
  sock_fprog fprog{2, program};
  if (::setsockopt(fds[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof(fprog)) != 0)
    fail_errno("SO_ATTACH_REUSEPORT_CBPF");
  return fds;
}

bool udp_queue_state(unsigned short port, std::uint64_t& drops, std::uint64_t& queued_bytes, std::size_t* sockets,
    std::size_t* empty)
{
  std::FILE* f = std::fopen("/proc/net/udp", "r");
  if (!f)
    return false;
  char line[512];
  std::size_t found = 0, idle = 0;
  drops = queued_bytes = 0;
  // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when
  //  retrnsmt   uid  timeout inode ref pointer drops"
  while (std::fgets(line, sizeof(line), f))
  {
    unsigned slot, laddr, lport, raddr, rport, st, txq, rxq;
    if (std::sscanf(line, " %u: %8X:%4X %8X:%4X %X %8X:%8X", &slot, &laddr, &lport, &raddr, &rport, &st,
            &txq, &rxq)
        != 8)
      continue;
    if (lport != port || laddr != htonl(INADDR_LOOPBACK))
      continue;
    // drops is the last field
    const char* last = std::strrchr(line, ' ');
    if (!last)
      continue;
    drops += std::strtoull(last + 1, nullptr, 10);
    queued_bytes += rxq;
    idle += rxq == 0;
    ++found;
  }
  std::fclose(f);
  if (sockets)
    *sockets = found;
  if (empty)
    *empty = idle;
  return found != 0;
}

void send_prefill(const sockaddr_in& to, std::size_t count, int first_byte)
{
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail_errno("socket");
  int ttl = prefill_ttl;
  if (::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) != 0)
    fail_errno("IP_TTL");
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0)
    fail_errno("connect");

  constexpr std::size_t batch = 64;
  unsigned char payload[datagram_size];
  std::memset(payload, 0xa5, sizeof(payload));
  if (first_byte >= 0)
    payload[0] = static_cast<unsigned char>(first_byte);
  iovec iov{payload, sizeof(payload)};
  mmsghdr hdrs[batch];
  std::memset(hdrs, 0, sizeof(hdrs));
  for (auto& h : hdrs)
  {
    h.msg_hdr.msg_iov = &iov;
    h.msg_hdr.msg_iovlen = 1;
  }
  std::size_t sent = 0;
  while (sent < count)
  {
    unsigned n = static_cast<unsigned>(std::min(batch, count - sent));
    int r = ::sendmmsg(fd, hdrs, n, 0);
    if (r < 0)
    {
      if (errno == EINTR)
        continue;
      fail_errno("prefill sendmmsg");
    }
    sent += static_cast<std::size_t>(r);
  }
  ::close(fd);
}

void check_prefill(const sockaddr_in& to, std::size_t count, std::size_t sockets)
{
  std::uint64_t drops = 0, queued = 0;
  std::size_t found = 0, empty = 0;
  if (!udp_queue_state(ntohs(to.sin_port), drops, queued, &found, &empty))
    fail("the receiver is missing from /proc/net/udp");
  if (found != sockets)
    fail(std::to_string(found) + " sockets on the port, expected " + std::to_string(sockets));
  if (drops != 0)
    fail("the receiver dropped " + std::to_string(drops) + " of " + std::to_string(count)
        + " prefilled datagrams (receive buffer too small?)");
  if (empty != 0)
    fail("a receiver's queue is empty after the prefill");
}

void prefill(const sockaddr_in& to, std::size_t count)
{
  send_prefill(to, count, -1);
  check_prefill(to, count, 1);
}

std::uint64_t expected_check(std::size_t count, bool control) noexcept
{
  std::uint64_t per = datagram_size;
  if (control)
    per += prefill_ttl + 1 /* lo's index */ + 1 /* destination 127.0.0.1 */;
  return per * count;
}

void report(const std::string& name, std::size_t datagrams, const stopwatch& elapsed,
    std::uint64_t allocs, std::size_t counted, std::uint64_t check, std::uint64_t expected)
{
#if defined(ASIO_IPV4_BENCH_NO_HEAP_COUNT)
  std::fprintf(stderr, "note: sanitizer build, heap allocations are not counted\n");
#endif
  if (check != expected)
    fail(name + ": check sum " + std::to_string(check) + ", expected " + std::to_string(expected)
        + " (a datagram or a control message went missing)");
  std::printf("RESULT %s %zu %" PRIu64 " %" PRIu64 " %" PRIu64 " %zu\n", name.c_str(), datagrams, elapsed.wall,
      elapsed.cpu, allocs, counted);
  std::fflush(stdout);
}

} // namespace bench
