//
// src/bsd/host_checks.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The BSD platform file and the host's control-message layout, checked
// against the system's own headers at compile time (the macOS build with zig
// runs these; see doc/portability.md).

#include <asio_ipv4/detail/platform.hpp>

// The BSDs that have a layout table of their own.
#if defined(ASIO_IPV4_PLATFORM_BSD) && (defined(__APPLE__) || defined(__FreeBSD__) || defined(__QNX__) || defined(__QNXNTO__))

#include "../cmsg_host_checks.hpp"

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/device_options.hpp>

#include <net/if.h>
#include <net/if_dl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstddef>
#include <cstdint>

namespace asio_ipv4 {
namespace detail {
namespace {

using host_checks::host;

static_assert(host.af_link == AF_LINK, "AF_LINK");
static_assert(offsetof(sockaddr_dl, sdl_family) == 1 && offsetof(sockaddr_dl, sdl_index) == 2, "sockaddr_dl");
static_assert(offsetof(sockaddr_in, sin_family) == 1, "the BSDs' sin_len byte");

// The messages each host decodes and sends, by number.
#if defined(__APPLE__)
static_assert(host.receive[0].type == IP_RECVPKTINFO && host.receive[1].type == IP_RECVDSTADDR
        && host.receive[2].type == IP_RECVIF && host.receive[3].type == IP_RECVTTL && host.receive[4].type == IP_RECVTOS,
    "macOS receive types");
static_assert(sizeof(in_pktinfo) == 12 && offsetof(in_pktinfo, ipi_ifindex) == 0
        && offsetof(in_pktinfo, ipi_spec_dst) == 4 && offsetof(in_pktinfo, ipi_addr) == 8,
    "struct in_pktinfo");
static_assert(host.send_source.type == IP_PKTINFO && host.send_tos.type == IP_TOS, "macOS send types");
#elif defined(__FreeBSD__)
static_assert(host.receive[0].type == IP_RECVDSTADDR && host.receive[1].type == IP_RECVIF
        && host.receive[2].type == IP_RECVTTL && host.receive[3].type == IP_RECVTOS
        && host.receive[4].type == IP_ORIGDSTADDR,
    "FreeBSD receive types");
static_assert(host.send_source.type == IP_SENDSRCADDR && host.send_tos.type == IP_TOS, "FreeBSD send types");
#else
static_assert(host.receive[0].type == IP_RECVDSTADDR && host.receive[1].type == IP_RECVIF, "QNX receive types");
#endif

// --- Time and scale (issue 18): scale.
static_assert(detail::interface_name_size == IFNAMSIZ, "IFNAMSIZ");
#ifdef SO_REUSEPORT
static_assert(os::so_reuseport.level == SOL_SOCKET && os::so_reuseport.name == SO_REUSEPORT, "SO_REUSEPORT");
#endif
#if defined(__APPLE__)
static_assert(os::bind_to_device_by_index && os::so_bindtodevice.level == IPPROTO_IP
        && os::so_bindtodevice.name == IP_BOUND_IF,
    "macOS: IP_BOUND_IF (an interface index)");
#else
static_assert(!os::so_bindtodevice.supported(), "no SO_BINDTODEVICE");
#endif

// --- Timestamps (issue 18).

// The host layout's entry for (level, type), or nullptr.
constexpr const cmsg_entry* find(int level, int type)
{
  for (const cmsg_entry& e : host.receive)
    if (e.present() && e.level == level && e.type == type)
      return &e;
  return nullptr;
}

constexpr bool decodes(int level, int type, cmsg_kind kind, std::size_t size)
{
  const cmsg_entry* e = find(level, type);
  return e && e->kind == kind && cmsg_data_size(kind) == size;
}

static_assert(SOL_SOCKET == 0xffff, "SOL_SOCKET");
// struct timeval: a 64-bit tv_sec; tv_usec a long on FreeBSD, an int32 on
// macOS and QNX.
static_assert(sizeof(timeval) == 16 && offsetof(timeval, tv_usec) == 8, "struct timeval");
#if defined(__APPLE__)
static_assert(sizeof(timeval::tv_usec) == 4, "macOS: a 32-bit tv_usec");
static_assert(decodes(SOL_SOCKET, SCM_TIMESTAMP, cmsg_kind::timeval_64_32, sizeof(timeval)), "SCM_TIMESTAMP");
static_assert(decodes(SOL_SOCKET, SCM_TIMESTAMP_MONOTONIC, cmsg_kind::ticks_u64, sizeof(std::uint64_t)),
    "SCM_TIMESTAMP_MONOTONIC: a uint64_t");
static_assert(os::so_receive_timestamps.level == SOL_SOCKET && os::so_receive_timestamps.name == SO_TIMESTAMP,
    "SO_TIMESTAMP");
#elif defined(__FreeBSD__)
static_assert(sizeof(timeval::tv_usec) == 8, "FreeBSD: a long tv_usec");
static_assert(decodes(SOL_SOCKET, SCM_TIMESTAMP, cmsg_kind::timeval_64, sizeof(timeval)), "SCM_TIMESTAMP");
static_assert(decodes(SOL_SOCKET, SCM_REALTIME, cmsg_kind::timespec_64, sizeof(timespec)), "SCM_REALTIME");
static_assert(decodes(SOL_SOCKET, SCM_MONOTONIC, cmsg_kind::timespec_64_monotonic, sizeof(timespec)),
    "SCM_MONOTONIC");
static_assert(decodes(SOL_SOCKET, SCM_BINTIME, cmsg_kind::bintime, sizeof(bintime)) && offsetof(bintime, frac) == 8,
    "SCM_BINTIME: struct bintime");
static_assert(find(SOL_SOCKET, SCM_TIME_INFO) && find(SOL_SOCKET, SCM_TIME_INFO)->kind == cmsg_kind::time_info
        && cmsg_received_size(cmsg_kind::time_info) == sizeof(sock_timestamp_info) && ST_INFO_HW == 1,
    "SCM_TIME_INFO: struct sock_timestamp_info");
static_assert(os::so_receive_timestamps.level == SOL_SOCKET && os::so_receive_timestamps.name == SO_BINTIME,
    "SO_BINTIME");
#else
static_assert(decodes(SOL_SOCKET, SCM_TIMESTAMP, cmsg_kind::timeval_64_32, sizeof(timeval)), "QNX SCM_TIMESTAMP");
#endif

} // namespace
} // namespace detail
} // namespace asio_ipv4

#endif
