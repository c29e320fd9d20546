//
// src/win/host_checks.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The Windows platform file and windows_cmsg_layout, checked against the
// Windows SDK headers as mingw-w64 ships them (<ws2def.h>, <ws2ipdef.h>,
// <mswsock.h>) at compile time. Numbers mingw-w64 lacks are checked against
// nothing here; detail/cmsg_layout.hpp names the SDK header they come from.

// <mstcpip.h> declares the timestamping names for Windows 10 20H1
// (NTDDI_WIN10_FE) and later only; this file declares nothing and checks
// numbers, so it asks for them, before the first Windows header.
#if defined(_WIN32) && !defined(NTDDI_VERSION)
# define NTDDI_VERSION 0x0A00000A
#endif

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_WINDOWS)

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <mstcpip.h>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace {

constexpr const cmsg_layout& host = os::host_cmsg_layout;

// struct WSACMSGHDR and the WSA_CMSG_* macros (<ws2def.h>, <mswsock.h>).
static_assert(host.header_size == sizeof(WSACMSGHDR), "sizeof(WSACMSGHDR)");
static_assert(host.length_size == sizeof(WSACMSGHDR::cmsg_len), "cmsg_len");
static_assert(offsetof(WSACMSGHDR, cmsg_level) == host.length_size, "cmsg_level");
static_assert(offsetof(WSACMSGHDR, cmsg_type) == host.length_size + 4, "cmsg_type");
static_assert(host.data_offset() == WSA_CMSG_LEN(0), "WSA_CMSG_LEN(0)");
static_assert(host.length(8) == WSA_CMSG_LEN(8), "WSA_CMSG_LEN");
static_assert(host.space(1) == WSA_CMSG_SPACE(1), "WSA_CMSG_SPACE");
static_assert(host.space(4) == WSA_CMSG_SPACE(4), "WSA_CMSG_SPACE");
static_assert(host.space(8) == WSA_CMSG_SPACE(8), "WSA_CMSG_SPACE");
static_assert(host.space(20) == WSA_CMSG_SPACE(20), "WSA_CMSG_SPACE");
static_assert(host.af_inet == AF_INET, "AF_INET");
static_assert(sizeof(sockaddr_in) == 16 && offsetof(sockaddr_in, sin_port) == 2 && offsetof(sockaddr_in, sin_addr) == 4,
    "struct sockaddr_in");
static_assert(IPPROTO_IP == 0 && IPPROTO_UDP == 17 && SOL_SOCKET == 0xffff, "levels");

// The messages, by number and size.
static_assert(host.receive[0].type == IP_PKTINFO && host.send_source.type == IP_PKTINFO, "IP_PKTINFO");
static_assert(sizeof(IN_PKTINFO) == cmsg_data_size(host.receive[0].kind) && offsetof(IN_PKTINFO, ipi_addr) == 0
        && offsetof(IN_PKTINFO, ipi_ifindex) == 4,
    "IN_PKTINFO: the address first");
static_assert(host.receive[1].type == IP_TTL && host.receive[2].type == IP_HOPLIMIT, "IP_TTL, IP_HOPLIMIT");
static_assert(host.receive[3].type == IP_TOS && host.receive[4].type == IP_TCLASS, "IP_TOS, IP_TCLASS");
static_assert(host.receive[5].type == IP_ECN && host.send_tos.type == IP_ECN, "IP_ECN");
static_assert(host.receive[6].level == IPPROTO_UDP && host.send_segment.level == IPPROTO_UDP,
    "UDP_COALESCED_INFO, UDP_SEND_MSG_SIZE");

// Timestamps, <mstcpip.h> (which declares them only for NTDDI_WIN10_FE
// and later): SO_TIMESTAMP, a UINT64 on receive; SO_TIMESTAMP_ID, a UINT32
// on send. Neither option has a Windows form (an ioctl turns stamps on).
static_assert(host.receive[7].level == SOL_SOCKET && host.receive[7].kind == cmsg_kind::ticks_u64
        && cmsg_data_size(cmsg_kind::ticks_u64) == sizeof(UINT64),
    "SO_TIMESTAMP: a UINT64");
static_assert(host.send_timestamp_id.level == SOL_SOCKET && cmsg_data_size(host.send_timestamp_id.kind) == sizeof(UINT32),
    "SO_TIMESTAMP_ID: a UINT32");
static_assert(host.receive[7].type == SO_TIMESTAMP && host.send_timestamp_id.type == SO_TIMESTAMP_ID,
    "SO_TIMESTAMP, SO_TIMESTAMP_ID");
static_assert(sizeof(TIMESTAMPING_CONFIG) == 8 && TIMESTAMPING_FLAG_RX == 1, "TIMESTAMPING_CONFIG (doc/cmsg_socket.md)");
static_assert(!os::so_receive_timestamps.supported() && !os::so_timestamping.supported(), "an ioctl, not an option");

// The option numbers of the platform file are the SDK's.
static_assert(os::ip_recvttl.name == IP_RECVTTL && os::ip_recvtos.name == IP_RECVTOS, "IP_RECVTTL, IP_RECVTOS");
static_assert(os::ip_mtu_discover.name == IP_DONTFRAGMENT && os::ip_mtu.name == IP_MTU, "IP_DONTFRAGMENT, IP_MTU");
static_assert(os::unsupported_option_name > IP_USER_MTU, "an IPPROTO_IP name the SDK does not define");

// The multicast requests: RFC 3678's, and Windows' ip_mreq_source with the
// source before the interface (Linux's has the interface second).
static_assert(MCAST_JOIN_GROUP == 41 && MCAST_LEAVE_GROUP == 42 && MCAST_BLOCK_SOURCE == 43
        && MCAST_UNBLOCK_SOURCE == 44 && MCAST_JOIN_SOURCE_GROUP == 45 && MCAST_LEAVE_SOURCE_GROUP == 46,
    "MCAST_*");
static_assert(offsetof(GROUP_REQ, gr_group) == 8 && offsetof(GROUP_SOURCE_REQ, gsr_source) == 8 + sizeof(SOCKADDR_STORAGE),
    "group_req, group_source_req");
static_assert(offsetof(ip_mreq_source, imr_multiaddr) == 0 && offsetof(ip_mreq_source, imr_sourceaddr) == 4
        && offsetof(ip_mreq_source, imr_interface) == 8,
    "ip_mreq_source: source before interface");
static_assert(MCAST_INCLUDE == 0 && MCAST_EXCLUDE == 1, "MULTICAST_MODE_TYPE");

// --- Time and scale (issue 18): scale. Windows has none of these options;
// SO_REUSEADDR (a different meaning) must not stand in for SO_REUSEPORT.
static_assert(!os::so_reuseport.supported() && !os::so_bindtodevice.supported() && !os::so_priority.supported()
        && !os::so_mark.supported() && !os::so_busy_poll.supported() && !os::so_incoming_cpu.supported()
        && !os::so_attach_reuseport_cbpf.supported(),
    "no SO_REUSEPORT, SO_BINDTODEVICE, SO_PRIORITY, SO_MARK, SO_BUSY_POLL, SO_INCOMING_CPU");

} // namespace
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_WINDOWS
