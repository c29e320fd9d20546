//
// src/linux/host_checks.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The Linux platform file and layouts, checked against the system's own
// headers at compile time: the control-message layout against the CMSG_*
// macros and option numbers, asio_ipv4::sock_filter against the kernel's.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)

#include "../cmsg_host_checks.hpp"

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <linux/errqueue.h>
#include <linux/filter.h>
#include <netinet/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace {

using host_checks::host;

// Message numbers and data sizes.
static_assert(host.receive[0].level == IPPROTO_IP && host.receive[0].type == IP_PKTINFO, "IP_PKTINFO");
static_assert(cmsg_data_size(host.receive[0].kind) == sizeof(in_pktinfo), "struct in_pktinfo");
static_assert(offsetof(in_pktinfo, ipi_ifindex) == 0 && offsetof(in_pktinfo, ipi_spec_dst) == 4
        && offsetof(in_pktinfo, ipi_addr) == 8,
    "in_pktinfo fields");
static_assert(host.receive[1].type == IP_TTL && host.receive[2].type == IP_TOS, "IP_TTL, IP_TOS");
static_assert(host.receive[3].type == IP_ORIGDSTADDR, "IP_ORIGDSTADDR");
static_assert(cmsg_data_size(host.receive[3].kind) == sizeof(sockaddr_in), "struct sockaddr_in");
static_assert(host.receive[4].type == IP_RECVERR, "IP_RECVERR");
static_assert(cmsg_data_size(host.receive[4].kind) == sizeof(sock_extended_err), "struct sock_extended_err");
static_assert(offsetof(sock_extended_err, ee_origin) == 4 && offsetof(sock_extended_err, ee_info) == 8
        && offsetof(sock_extended_err, ee_data) == 12,
    "sock_extended_err fields");
static_assert(host.receive[5].level == SOL_UDP && host.receive[6].level == SOL_SOCKET, "SOL_UDP, SOL_SOCKET");
static_assert(host.receive[6].type == SO_RXQ_OVFL, "SO_RXQ_OVFL");
static_assert(host.send_source.type == IP_PKTINFO && host.send_ttl.type == IP_TTL && host.send_tos.type == IP_TOS,
    "send types");
#ifdef UDP_GRO
static_assert(host.receive[5].type == UDP_GRO && host.send_segment.type == UDP_SEGMENT, "UDP_GRO, UDP_SEGMENT");
#endif
static_assert(os::udp_gro.name == 104 && os::udp_segment.name == 103, "<linux/udp.h>");
static_assert(os::icmp_filter.name == 1 && os::icmp_filter.level == SOL_RAW, "ICMP_FILTER (<linux/icmp.h>)");

// The public pmtu numbers are Linux's.
static_assert(static_cast<int>(ip4::pmtu::dont) == IP_PMTUDISC_DONT && static_cast<int>(ip4::pmtu::want) == IP_PMTUDISC_WANT
        && static_cast<int>(ip4::pmtu::do_) == IP_PMTUDISC_DO && static_cast<int>(ip4::pmtu::probe) == IP_PMTUDISC_PROBE
        && static_cast<int>(ip4::pmtu::interface) == IP_PMTUDISC_INTERFACE
        && static_cast<int>(ip4::pmtu::omit) == IP_PMTUDISC_OMIT,
    "IP_PMTUDISC_*");

// asio_ipv4::sock_filter is the kernel's struct sock_filter, so BPF_STMT and
// BPF_JUMP fill it and the kernel reads our vector as it is.
static_assert(sizeof(asio_ipv4::sock_filter) == sizeof(::sock_filter), "sizeof(struct sock_filter)");
static_assert(offsetof(asio_ipv4::sock_filter, code) == offsetof(::sock_filter, code)
        && offsetof(asio_ipv4::sock_filter, jt) == offsetof(::sock_filter, jt)
        && offsetof(asio_ipv4::sock_filter, jf) == offsetof(::sock_filter, jf)
        && offsetof(asio_ipv4::sock_filter, k) == offsetof(::sock_filter, k),
    "struct sock_filter fields");
static_assert(sizeof(detail::sock_fprog) == sizeof(::sock_fprog)
        && offsetof(detail::sock_fprog, filter) == offsetof(::sock_fprog, filter),
    "struct sock_fprog");
static_assert(detail::bpf_max_instructions == BPF_MAXINSNS, "BPF_MAXINSNS");

} // namespace
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
