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

#include <net/if_dl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

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

} // namespace
} // namespace detail
} // namespace asio_ipv4

#endif
