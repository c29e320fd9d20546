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
#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/socket_options.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <linux/errqueue.h>
#include <linux/filter.h>
#include <net/if.h>
#include <linux/net_tstamp.h>
#include <linux/time_types.h>
#include <netinet/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstddef>
#include <ctime>

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

// --- Timestamps (issue 18).

// The host layout's entry for (level, type), or nullptr.
constexpr const cmsg_entry* find(int level, int type)
{
  for (const cmsg_entry& e : host.receive)
    if (e.present() && e.level == level && e.type == type)
      return &e;
  return nullptr;
}

constexpr bool decodes(int level, int type, cmsg_kind kind, std::size_t size, std::uint8_t group)
{
  const cmsg_entry* e = find(level, type);
  return e && e->kind == kind && cmsg_data_size(kind) == size && e->group == group;
}

// The forms with the C library's time_t (what SO_TIMESTAMP* are here), and
// the 64-bit-time forms, with their structs (<linux/time_types.h>,
// <linux/errqueue.h>).
constexpr bool wide = sizeof(long) == 8;
static_assert(SCM_TIMESTAMP == SO_TIMESTAMP && SCM_TIMESTAMPNS == SO_TIMESTAMPNS && SCM_TIMESTAMPING == SO_TIMESTAMPING,
    "SCM_* = SO_*");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMP_OLD, wide ? cmsg_kind::timeval_64 : cmsg_kind::timeval_32,
                  sizeof(__kernel_old_timeval), 1),
    "SCM_TIMESTAMP (old): struct __kernel_old_timeval");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMPNS_OLD, wide ? cmsg_kind::timespec_64 : cmsg_kind::timespec_32,
                  2 * sizeof(long), 1),
    "SCM_TIMESTAMPNS (old): a struct timespec of two longs");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMP_NEW, cmsg_kind::timeval_64, sizeof(__kernel_sock_timeval), 1),
    "SCM_TIMESTAMP_NEW: struct __kernel_sock_timeval");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMPNS_NEW, cmsg_kind::timespec_64, sizeof(__kernel_timespec), 1),
    "SCM_TIMESTAMPNS_NEW: struct __kernel_timespec");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMPING_OLD, wide ? cmsg_kind::timestamping_64 : cmsg_kind::timestamping_32,
                  3 * 2 * sizeof(long), 2),
    "SCM_TIMESTAMPING (old): three timespecs of longs");
static_assert(decodes(SOL_SOCKET, SO_TIMESTAMPING_NEW, cmsg_kind::timestamping_64, sizeof(scm_timestamping64), 2),
    "SCM_TIMESTAMPING_NEW: struct scm_timestamping64");
static_assert(sizeof(timespec) != 2 * sizeof(long) || sizeof(scm_timestamping) == 3 * 2 * sizeof(long),
    "struct scm_timestamping with the C library's timespec");
static_assert(offsetof(__kernel_sock_timeval, tv_usec) == 8 && offsetof(__kernel_timespec, tv_nsec) == 8,
    "64-bit time fields");
#ifdef SCM_TS_OPT_ID
static_assert(host.send_timestamp_id.level == SOL_SOCKET && host.send_timestamp_id.type == SCM_TS_OPT_ID,
    "SCM_TS_OPT_ID");
#else
// Headers older than Linux 6.13: <asm-generic/socket.h> of 6.13 defines
// SCM_TS_OPT_ID 81 (checked by the kernel test that sends one).
static_assert(host.send_timestamp_id.level == SOL_SOCKET && host.send_timestamp_id.type == 81, "SCM_TS_OPT_ID");
#endif
static_assert(cmsg_data_size(host.send_timestamp_id.kind) == sizeof(__u32), "SCM_TS_OPT_ID: a __u32");

// The option numbers and the public constants.
static_assert(os::so_receive_timestamps.level == SOL_SOCKET && os::so_receive_timestamps.name == SO_TIMESTAMPNS,
    "SO_TIMESTAMPNS");
static_assert(os::so_timestamping.level == SOL_SOCKET && os::so_timestamping.name == SO_TIMESTAMPING, "SO_TIMESTAMPING");
static_assert(extended_error::origin_timestamping == SO_EE_ORIGIN_TIMESTAMPING
        && extended_error::origin_txstatus == SO_EE_ORIGIN_TXSTATUS,
    "SO_EE_ORIGIN_TIMESTAMPING");
static_assert(int(extended_error::stamp_sent) == int(SCM_TSTAMP_SND)
        && int(extended_error::stamp_scheduled) == int(SCM_TSTAMP_SCHED)
        && int(extended_error::stamp_acknowledged) == int(SCM_TSTAMP_ACK),
    "SCM_TSTAMP_*");
static_assert(timestamping::tx_hardware == SOF_TIMESTAMPING_TX_HARDWARE
        && timestamping::tx_software == SOF_TIMESTAMPING_TX_SOFTWARE
        && timestamping::rx_hardware == SOF_TIMESTAMPING_RX_HARDWARE
        && timestamping::rx_software == SOF_TIMESTAMPING_RX_SOFTWARE
        && timestamping::software == SOF_TIMESTAMPING_SOFTWARE
        && timestamping::raw_hardware == SOF_TIMESTAMPING_RAW_HARDWARE
        && timestamping::opt_id == SOF_TIMESTAMPING_OPT_ID && timestamping::tx_scheduled == SOF_TIMESTAMPING_TX_SCHED
        && timestamping::opt_cmsg == SOF_TIMESTAMPING_OPT_CMSG
        && timestamping::opt_tsonly == SOF_TIMESTAMPING_OPT_TSONLY
        && timestamping::opt_tx_swhw == SOF_TIMESTAMPING_OPT_TX_SWHW,
    "SOF_TIMESTAMPING_*");
static_assert((timestamping::all_flags & ~static_cast<unsigned>(SOF_TIMESTAMPING_MASK)) == 0,
    "every flag is one the kernel knows");

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
// The kernel's type is accepted as it is by bpf_filter and reuse_port_steering.
static_assert(detail::is_bpf_instruction<::sock_filter>::value, "struct sock_filter as an instruction type");

// --- Time and scale (issue 18): scale. The names of <asm/socket.h>, whose
// numbers differ between architectures: the asm-generic ones here.
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__) || defined(__riscv)
static_assert(os::so_reuseport.name == 15 && os::so_attach_reuseport_cbpf.name == 51
        && os::so_detach_reuseport_bpf.name == 68 && os::so_incoming_cpu.name == 49
        && os::so_bindtodevice.name == 25 && os::so_priority.name == 12 && os::so_mark.name == 36
        && os::so_busy_poll.name == 46,
    "<asm-generic/socket.h>");
#endif
static_assert(os::so_reuseport.level == SOL_SOCKET && os::so_busy_poll.level == SOL_SOCKET, "SOL_SOCKET");
static_assert(detail::interface_name_size == IFNAMSIZ, "IFNAMSIZ");
static_assert(!os::bind_to_device_by_index, "SO_BINDTODEVICE takes a name");

} // namespace
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
