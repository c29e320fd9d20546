//
// asio_ipv4/detail/linux/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_LINUX_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_LINUX_PLATFORM_HPP

// Linux: every facility of the library. Checked against the kernel headers
// in src/linux/host_checks.cpp.

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/linux/edge_waiter.hpp>
#include <asio_ipv4/detail/option_name.hpp>
#include <asio_ipv4/detail/posix/message_loop.hpp>
#include <asio_ipv4/detail/posix/multicast_requests.hpp>
#include <asio_ipv4/detail/posix/socket_calls.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

namespace asio_ipv4 {
namespace detail {
namespace os {

inline constexpr const cmsg_layout& host_cmsg_layout = sizeof(void*) == 8 ? linux_cmsg_layout_64 : linux_cmsg_layout_32;

// The pair an option this platform lacks reports. SOL_SOCKET/SO_PASSRIGHTS
// (83): since Linux 6.16, sk_setsockopt and sk_getsockopt (net/core/sock.c)
// answer it with EOPNOTSUPP for every socket that is not AF_UNIX, before
// touching anything; older kernels do not know 83 and answer ENOPROTOOPT,
// also without effect. Every option of the library exists on Linux, so only
// the unit tests use it here (they check both answers and that nothing
// changed).
constexpr int unsupported_option_level = SOL_SOCKET;
constexpr int unsupported_option_name = 83;

// --- Option names (ip(7), udp(7), socket(7), raw(7)).
inline constexpr option_name ip_tos{IPPROTO_IP, IP_TOS};
inline constexpr option_name ip_ttl{IPPROTO_IP, IP_TTL};
inline constexpr option_name ip_multicast_ttl{IPPROTO_IP, IP_MULTICAST_TTL};
inline constexpr option_name ip_multicast_loop{IPPROTO_IP, IP_MULTICAST_LOOP};
inline constexpr option_name ip_multicast_all{IPPROTO_IP, IP_MULTICAST_ALL};
inline constexpr option_name ip_hdrincl{IPPROTO_IP, IP_HDRINCL};
inline constexpr option_name ip_mtu_discover{IPPROTO_IP, IP_MTU_DISCOVER};
inline constexpr option_name ip_mtu{IPPROTO_IP, IP_MTU};
inline constexpr option_name ip_freebind{IPPROTO_IP, IP_FREEBIND};
inline constexpr option_name ip_transparent{IPPROTO_IP, IP_TRANSPARENT};
inline constexpr option_name ip_pktinfo{IPPROTO_IP, IP_PKTINFO};
inline constexpr option_name ip_recvttl{IPPROTO_IP, IP_RECVTTL};
inline constexpr option_name ip_recvtos{IPPROTO_IP, IP_RECVTOS};
inline constexpr option_name ip_recvorigdstaddr{IPPROTO_IP, IP_RECVORIGDSTADDR};
inline constexpr option_name ip_recverr{IPPROTO_IP, IP_RECVERR};
// The BSD switches: Linux has IP_PKTINFO for both (as Go's x/net/ipv4 maps
// FlagDst and FlagInterface), so each turns on all three fields.
inline constexpr option_name ip_recvdstaddr{IPPROTO_IP, IP_PKTINFO};
inline constexpr option_name ip_recvif{IPPROTO_IP, IP_PKTINFO};
inline constexpr option_name ip_minttl{IPPROTO_IP, IP_MINTTL};
inline constexpr option_name ip_bind_address_no_port{IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT};
inline constexpr option_name ip_nodefrag{IPPROTO_IP, IP_NODEFRAG};
inline constexpr option_name ip_options{IPPROTO_IP, IP_OPTIONS};
// <linux/udp.h> (not included: glibc's <netinet/udp.h> may lack them).
inline constexpr option_name udp_segment{IPPROTO_UDP, 103};
inline constexpr option_name udp_gro{IPPROTO_UDP, 104};
inline constexpr option_name so_rxq_ovfl{SOL_SOCKET, SO_RXQ_OVFL};
inline constexpr option_name so_attach_filter{SOL_SOCKET, SO_ATTACH_FILTER};
inline constexpr option_name so_detach_filter{SOL_SOCKET, SO_DETACH_FILTER};
// ICMP_FILTER of <linux/icmp.h>, a header that cannot be included together
// with glibc's <net/if.h> (both define the IFF_* flags). SOL_RAW is 255.
inline constexpr option_name icmp_filter{SOL_RAW, 1};
inline constexpr option_name mcast_msfilter{IPPROTO_IP, MCAST_MSFILTER};
// --- Time and scale (issue 18): time
// SO_TIMESTAMPNS and SO_TIMESTAMPING as the C library defines them: the
// _OLD numbers (35, 37) where time_t is a long, the _NEW ones (64, 65) in a
// 32-bit program built with a 64-bit time_t; linux_cmsg_layout_* decodes
// the messages of both.
inline constexpr option_name so_receive_timestamps{SOL_SOCKET, SO_TIMESTAMPNS};
inline constexpr option_name so_timestamping{SOL_SOCKET, SO_TIMESTAMPING};

// --- Time and scale (issue 18): scale
// socket(7). The numbers come from <asm/socket.h> (through <sys/socket.h>),
// which differ between architectures; src/linux/host_checks.cpp checks them.
inline constexpr option_name so_reuseport{SOL_SOCKET, SO_REUSEPORT};
inline constexpr option_name so_attach_reuseport_cbpf{SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF};
inline constexpr option_name so_detach_reuseport_bpf{SOL_SOCKET, SO_DETACH_REUSEPORT_BPF};
inline constexpr option_name so_incoming_cpu{SOL_SOCKET, SO_INCOMING_CPU};
inline constexpr option_name so_bindtodevice{SOL_SOCKET, SO_BINDTODEVICE};
inline constexpr option_name so_priority{SOL_SOCKET, SO_PRIORITY};
inline constexpr option_name so_mark{SOL_SOCKET, SO_MARK};
inline constexpr option_name so_busy_poll{SOL_SOCKET, SO_BUSY_POLL};
// SO_BINDTODEVICE takes and gives the interface's name.
constexpr bool bind_to_device_by_index = false;

// IP_MTU_DISCOVER takes the modes as they are (the public pmtu numbers are
// Linux's IP_PMTUDISC_*); -1 would mean "this mode does not exist here".
constexpr int mtu_discover_value(int mode) noexcept { return mode; }
constexpr int mtu_discover_mode(int value) noexcept { return value; }

// Raw sockets take and give IPv4 headers as they are on the wire (raw(7)).
constexpr bool raw_send_host_order = false;
constexpr bool raw_receive_host_order = false;
constexpr bool raw_receive_length_excludes_header = false;

// --- I/O: what the drivers call for the cores (detail/perform_call.hpp);
// receive_message / send_message (posix/message_loop.hpp), socket_identity
// and take_pending_error (posix/socket_calls.hpp).
using multi_message = ::mmsghdr;

inline int receive_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return ::recvmmsg(fd, m, n, flags, nullptr);
}

inline int send_messages(int fd, multi_message* m, unsigned n, int flags) noexcept
{
  return ::sendmmsg(fd, m, n, flags);
}

constexpr int receive_flags = MSG_DONTWAIT;
constexpr int send_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
constexpr bool has_error_queue = true;
// True when the socket reports its errors as error-queue entries
// (IP_RECVERR). The kernel queues an ICMP error's entry, then sets the
// pending error (SO_ERROR): a reader that took the entry in between leaves a
// pending copy behind, which is no news to an error receive.
inline bool queue_reports_errors(int fd) noexcept
{
  int on = 0;
  socklen_t size = sizeof(on);
  return ::getsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, &size) == 0 && on != 0;
}
constexpr int error_queue_flag = MSG_ERRQUEUE;
constexpr bool has_gso = true;
// The blocking driver's wait after a spurious wakeup (an unread error-queue
// entry keeps POLLERR raised): the socket's next edge, not its state.
using readiness_waiter = edge_waiter;
// The asynchronous send's wait after a spurious wakeup: its next write edge
// beside a guard, and the error store for the state nothing can wait on
// (detail/linux/send_wait.hpp, reached through detail/platform_driver.hpp).
constexpr bool has_edge_wait = true;
template <class Executor>
class send_wait;
// Asynchronous operations: readiness, then the call again
// (detail/readiness_driver.hpp).
using io_model = readiness_model;

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_LINUX_PLATFORM_HPP
