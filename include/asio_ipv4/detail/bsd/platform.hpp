//
// asio_ipv4/detail/bsd/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_BSD_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_BSD_PLATFORM_HPP

// The BSD family: macOS, FreeBSD, QNX (and, untested, NetBSD, OpenBSD,
// DragonFly). The option numbers come from the system's headers; what a
// system lacks is no_such_option. Compiled for macOS with zig (see
// doc/portability.md), never run here.

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/option_name.hpp>
#include <asio_ipv4/detail/posix/message_loop.hpp>
#include <asio_ipv4/detail/posix/multicast_requests.hpp>
#include <asio_ipv4/detail/posix/poll_waiter.hpp>
#include <asio_ipv4/detail/posix/socket_calls.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#if defined(__FreeBSD__)
# include <sys/param.h> // __FreeBSD_version
#endif

namespace asio_ipv4 {
namespace detail {
namespace os {

#if defined(__APPLE__)
inline constexpr const cmsg_layout& host_cmsg_layout = macos_cmsg_layout;
#elif defined(__FreeBSD__)
inline constexpr const cmsg_layout& host_cmsg_layout = freebsd_cmsg_layout;
#elif defined(__QNX__) || defined(__QNXNTO__)
inline constexpr const cmsg_layout& host_cmsg_layout = qnx_cmsg_layout;
#else
// NetBSD, OpenBSD, DragonFly: no table of their own yet; the receive side
// they share with QNX (IP_RECVDSTADDR, IP_RECVIF) is what is decoded.
inline constexpr const cmsg_layout& host_cmsg_layout = qnx_cmsg_layout;
#endif

#if defined(__APPLE__)
// xnu's sosetoptlock and sogetoptlock (bsd/kern/uipc_socket.c) answer
// SOL_SOCKET/SO_LABEL with EOPNOTSUPP unconditionally, touching nothing.
constexpr int unsupported_option_level = SOL_SOCKET;
constexpr int unsupported_option_name = SO_LABEL;
#else
// FreeBSD has no (level, name) its kernel answers EOPNOTSUPP for without
// effect on every datagram socket: SO_LABEL is EINVAL under options MAC
// (the GENERIC kernel) for an int-sized value. An IPPROTO_IP name no BSD
// defines reaches ip_ctloutput's default case instead (through
// udp_ctloutput and rip_ctloutput alike), which answers ENOPROTOOPT for
// both set and get and changes nothing. So here an option the platform
// lacks fails with boost::asio::error::no_protocol_option.
constexpr int unsupported_option_level = IPPROTO_IP;
constexpr int unsupported_option_name = 0x7ff0;
#endif

// Options whose macro a system may lack.
#ifdef IP_RECVTTL
inline constexpr option_name ip_recvttl{IPPROTO_IP, IP_RECVTTL};
#else
inline constexpr option_name ip_recvttl = no_such_option;
#endif
#ifdef IP_RECVTOS
inline constexpr option_name ip_recvtos{IPPROTO_IP, IP_RECVTOS};
#else
inline constexpr option_name ip_recvtos = no_such_option;
#endif
#ifdef IP_RECVORIGDSTADDR
inline constexpr option_name ip_recvorigdstaddr{IPPROTO_IP, IP_RECVORIGDSTADDR};
#else
inline constexpr option_name ip_recvorigdstaddr = no_such_option;
#endif
#ifdef IP_MINTTL
inline constexpr option_name ip_minttl{IPPROTO_IP, IP_MINTTL};
#else
inline constexpr option_name ip_minttl = no_such_option;
#endif
#ifdef IP_DONTFRAG
// Path MTU discovery is one flag here: DF on (pmtu::do_) or off (pmtu::dont).
inline constexpr option_name ip_mtu_discover{IPPROTO_IP, IP_DONTFRAG};
#else
inline constexpr option_name ip_mtu_discover = no_such_option;
#endif
#ifdef IP_BINDANY
// FreeBSD's one option for binding to and sending from foreign addresses.
inline constexpr option_name ip_freebind{IPPROTO_IP, IP_BINDANY};
inline constexpr option_name ip_transparent{IPPROTO_IP, IP_BINDANY};
#else
inline constexpr option_name ip_freebind = no_such_option;
inline constexpr option_name ip_transparent = no_such_option;
#endif
#if defined(IP_PKTINFO) && defined(__APPLE__)
// macOS delivers destination and interface with IP_RECVPKTINFO (=
// IP_PKTINFO). Elsewhere no single option fills destination and interface:
// receive_destination_address and receive_interface do.
inline constexpr option_name ip_pktinfo{IPPROTO_IP, IP_PKTINFO};
#else
inline constexpr option_name ip_pktinfo = no_such_option;
#endif

inline constexpr option_name ip_tos{IPPROTO_IP, IP_TOS};
inline constexpr option_name ip_ttl{IPPROTO_IP, IP_TTL};
// u_char values (ip(4)); every BSD reads one byte, OpenBSD only one.
inline constexpr option_name ip_multicast_ttl{IPPROTO_IP, IP_MULTICAST_TTL, 1};
inline constexpr option_name ip_multicast_loop{IPPROTO_IP, IP_MULTICAST_LOOP, 1};
inline constexpr option_name ip_hdrincl{IPPROTO_IP, IP_HDRINCL};
inline constexpr option_name ip_recvdstaddr{IPPROTO_IP, IP_RECVDSTADDR};
inline constexpr option_name ip_recvif{IPPROTO_IP, IP_RECVIF};
inline constexpr option_name ip_options{IPPROTO_IP, IP_OPTIONS};

// Linux facilities.
inline constexpr option_name ip_multicast_all = no_such_option;
inline constexpr option_name ip_mtu = no_such_option;
inline constexpr option_name ip_recverr = no_such_option;
inline constexpr option_name ip_bind_address_no_port = no_such_option;
inline constexpr option_name ip_nodefrag = no_such_option;
inline constexpr option_name udp_segment = no_such_option;
inline constexpr option_name udp_gro = no_such_option;
inline constexpr option_name so_rxq_ovfl = no_such_option;
inline constexpr option_name so_attach_filter = no_such_option;
inline constexpr option_name so_detach_filter = no_such_option;
inline constexpr option_name icmp_filter = no_such_option;
// Source filters go through setsourcefilter(3) / getsourcefilter(3).
inline constexpr option_name mcast_msfilter = no_such_option;
// --- Time and scale (issue 18): time
// Receive stamps with one option. FreeBSD: SO_BINTIME, realtime at full
// precision (SO_TIMESTAMP alone gives microseconds; its other clocks need
// SO_TS_CLOCK, a second option the user sets, decoded all the same). macOS
// and QNX: SO_TIMESTAMP, microseconds. NetBSD and OpenBSD number
// SCM_TIMESTAMP differently (8 and 4) and have no layout here yet.
// SO_TIMESTAMPING is Linux's.
#if defined(__FreeBSD__) && defined(SO_BINTIME)
inline constexpr option_name so_receive_timestamps{SOL_SOCKET, SO_BINTIME};
#elif (defined(__APPLE__) || defined(__QNX__) || defined(__QNXNTO__)) && defined(SO_TIMESTAMP)
inline constexpr option_name so_receive_timestamps{SOL_SOCKET, SO_TIMESTAMP};
#else
inline constexpr option_name so_receive_timestamps = no_such_option;
#endif
inline constexpr option_name so_timestamping = no_such_option;

// --- Time and scale (issue 18): scale
#ifdef SO_REUSEPORT
// Shares the port, but a unicast datagram reaches one socket of the group
// only (multicast and broadcast reach all): no load balancing. FreeBSD 12's
// SO_REUSEPORT_LB balances; reuse_port does not set it (doc/options.md).
inline constexpr option_name so_reuseport{SOL_SOCKET, SO_REUSEPORT};
#else
inline constexpr option_name so_reuseport = no_such_option;
#endif
#if defined(__APPLE__) && defined(IP_BOUND_IF)
// bind_to_device: xnu's IP_BOUND_IF takes the interface's index, which the
// option looks up by name when it is set (0 unbinds).
inline constexpr option_name so_bindtodevice{IPPROTO_IP, IP_BOUND_IF};
constexpr bool bind_to_device_by_index = true;
#else
inline constexpr option_name so_bindtodevice = no_such_option;
constexpr bool bind_to_device_by_index = false;
#endif
inline constexpr option_name so_attach_reuseport_cbpf = no_such_option;
inline constexpr option_name so_detach_reuseport_bpf = no_such_option;
inline constexpr option_name so_incoming_cpu = no_such_option;
inline constexpr option_name so_priority = no_such_option;
inline constexpr option_name so_mark = no_such_option;
inline constexpr option_name so_busy_poll = no_such_option;

// pmtu::dont (0) and pmtu::do_ (2) are IP_DONTFRAG 0 and 1; the other modes
// do not exist here.
constexpr int mtu_discover_value(int mode) noexcept { return mode == 0 ? 0 : mode == 2 ? 1 : -1; }
constexpr int mtu_discover_mode(int value) noexcept { return value == 0 ? 0 : 2; }

// Raw IPv4 headers (ip4::raw_convention): OpenBSD and FreeBSD 11 use the
// wire format; FreeBSD 10 took ip_len/ip_off in host order and gave them back
// so, FreeBSD 9 like macOS, whose ip_input also subtracts the header from
// ip_len before a raw socket sees it (as NetBSD, DragonFly and QNX).
#if defined(__OpenBSD__) || (defined(__FreeBSD__) && __FreeBSD_version >= 1100000)
constexpr bool raw_send_host_order = false;
constexpr bool raw_receive_host_order = false;
constexpr bool raw_receive_length_excludes_header = false;
#elif defined(__FreeBSD__) && __FreeBSD_version >= 1000000
constexpr bool raw_send_host_order = true;
constexpr bool raw_receive_host_order = true;
constexpr bool raw_receive_length_excludes_header = false;
#else
constexpr bool raw_send_host_order = true;
constexpr bool raw_receive_host_order = true;
constexpr bool raw_receive_length_excludes_header = true;
#endif

// --- I/O: what the drivers call for the cores (detail/perform_call.hpp);
// receive_message / send_message (posix/message_loop.hpp), socket_identity
// and take_pending_error (posix/socket_calls.hpp).
#if defined(__FreeBSD__) && __FreeBSD_version >= 1100000
using multi_message = ::mmsghdr;

inline int receive_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return static_cast<int>(::recvmmsg(fd, m, n, flags, nullptr));
}

inline int send_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return static_cast<int>(::sendmmsg(fd, m, n, flags));
}
#else
using multi_message = looped_message;

inline int receive_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return receive_looped(fd, m, n, flags);
}

inline int send_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return send_looped(fd, m, n, flags);
}
#endif

constexpr int receive_flags = MSG_DONTWAIT;
#ifdef MSG_NOSIGNAL
constexpr int send_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
#else
constexpr int send_flags = MSG_DONTWAIT;
#endif
constexpr bool has_error_queue = false;
inline bool queue_reports_errors(int) noexcept { return false; }
constexpr int error_queue_flag = 0;
constexpr bool has_gso = false;
using readiness_waiter = poll_waiter;
// No wait for a socket's next write edge: a send woken without room waits
// for writability again (Asio's kqueue or select reactor, level state). It
// does not spin here as it would on Linux: there is no error queue whose
// unread entry keeps the socket's error condition raised, and a pending
// error is cleared by the send that reports it. kqueue's EV_CLEAR would be
// this platform's edge wait if one is ever needed (doc/reliability.md).
// Declared only: the readiness driver names it where has_edge_wait is true.
constexpr bool has_edge_wait = false;
template <class Executor>
class send_wait;
// Asynchronous operations: readiness, then the call again
// (detail/readiness_driver.hpp).
using io_model = readiness_model;

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_BSD_PLATFORM_HPP
