//
// asio_ipv4/detail/win/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP

// Windows 10 and later (Winsock 2). Option numbers from the Windows SDK's
// <ws2ipdef.h> (as mingw-w64 ships it), checked in src/win/host_checks.cpp.
// Built with mingw-w64 and run under Wine (doc/windows.md); Wine is not
// Windows, so what Wine cannot show is said there.

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/option_name.hpp>
#include <asio_ipv4/detail/win/message_io.hpp>
#include <asio_ipv4/detail/win/multicast_requests.hpp>
#include <asio_ipv4/detail/win/poll_waiter.hpp>
#include <asio_ipv4/detail/win/send_offload.hpp>
#include <asio_ipv4/detail/win/socket_identity.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

namespace asio_ipv4 {
namespace detail {
namespace os {

inline constexpr const cmsg_layout& host_cmsg_layout = windows_cmsg_layout;

// The pair an option Windows lacks hands to set_option/get_option. Winsock
// documents no (level, name) it answers WSAEOPNOTSUPP for: its setsockopt
// and getsockopt pages list WSAENOPROTOOPT ("the option is unknown or
// unsupported") for an unknown name. So, as on FreeBSD, an IPPROTO_IP name
// no Windows SDK defines: WSAENOPROTOOPT (10042), which is
// boost::asio::error::no_protocol_option, with nothing changed. Wine 8
// answers the same (test/windows/options_test.cpp checks both directions).
constexpr int unsupported_option_level = IPPROTO_IP;
constexpr int unsupported_option_name = 0x7ff0;

// --- Option names (Windows SDK <ws2ipdef.h>; "IPPROTO_IP socket options"
// on learn.microsoft.com). Integer values are DWORDs.
inline constexpr option_name ip_options{IPPROTO_IP, IP_OPTIONS};
inline constexpr option_name ip_hdrincl{IPPROTO_IP, IP_HDRINCL};
inline constexpr option_name ip_tos{IPPROTO_IP, IP_TOS};
inline constexpr option_name ip_ttl{IPPROTO_IP, IP_TTL};
inline constexpr option_name ip_multicast_ttl{IPPROTO_IP, IP_MULTICAST_TTL};
inline constexpr option_name ip_multicast_loop{IPPROTO_IP, IP_MULTICAST_LOOP};
// Path MTU discovery as one flag, as on the BSDs: IP_DONTFRAGMENT on
// (pmtu::do_) or off (pmtu::dont). IP_MTU_DISCOVER (71, recent Windows 10
// builds only) is not used: Wine 8 does not know it, IP_DONTFRAGMENT exists
// on every Windows.
inline constexpr option_name ip_mtu_discover{IPPROTO_IP, IP_DONTFRAGMENT};
inline constexpr option_name ip_mtu{IPPROTO_IP, IP_MTU};
inline constexpr option_name ip_pktinfo{IPPROTO_IP, IP_PKTINFO};
// IP_RECVTTL (= IP_HOPLIMIT, 21) and IP_RECVTOS (40): the TTL and TOS
// control messages (IP_TTL and IP_TOS on current Windows 10, IP_HOPLIMIT and
// IP_TCLASS on older builds: windows_cmsg_layout decodes both).
inline constexpr option_name ip_recvttl{IPPROTO_IP, IP_RECVTTL};
inline constexpr option_name ip_recvtos{IPPROTO_IP, IP_RECVTOS};
// The BSD switches: IP_PKTINFO fills destination and interface together
// (the SDK's IP_RECVDSTADDR and IP_RECVIF are documented as not supported).
inline constexpr option_name ip_recvdstaddr{IPPROTO_IP, IP_PKTINFO};
inline constexpr option_name ip_recvif{IPPROTO_IP, IP_PKTINFO};
// UDP send offload (USO) as a socket option: UDP_SEND_MSG_SIZE (a DWORD, 0
// = off) at IPPROTO_UDP, <ws2ipdef.h> of SDK 10.0.19041 (mingw-w64 lacks it).
inline constexpr option_name udp_segment{IPPROTO_UDP, 2};

// Linux (or BSD) facilities Windows does not have, or has in a form the
// public option cannot express: UDP_RECV_MAX_COALESCED_SIZE takes a byte
// count, not the boolean of udp_gro; IP_RECVERR (75) has no error queue to
// read from.
inline constexpr option_name ip_multicast_all = no_such_option;
inline constexpr option_name ip_freebind = no_such_option;
inline constexpr option_name ip_transparent = no_such_option;
inline constexpr option_name ip_recvorigdstaddr = no_such_option;
inline constexpr option_name ip_recverr = no_such_option;
inline constexpr option_name ip_minttl = no_such_option;
inline constexpr option_name ip_bind_address_no_port = no_such_option;
inline constexpr option_name ip_nodefrag = no_such_option;
inline constexpr option_name udp_gro = no_such_option;
inline constexpr option_name so_rxq_ovfl = no_such_option;
inline constexpr option_name so_attach_filter = no_such_option;
inline constexpr option_name so_detach_filter = no_such_option;
inline constexpr option_name icmp_filter = no_such_option;
// Source filters go through WSAIoctl (SIOCSMSFILTER / SIOCGMSFILTER,
// src/win/source_filter.cpp).
inline constexpr option_name mcast_msfilter = no_such_option;
// --- Time and scale (issue 18): time
// Windows turns timestamps on with WSAIoctl(SIO_TIMESTAMPING), not with a
// socket option, and Asio's set_option can only end in setsockopt: an
// option object is handed the protocol, never the socket, so it cannot make
// the ioctl. Both options fail here as options the platform lacks; a
// program makes the ioctl on native_handle() itself (doc/cmsg_socket.md,
// "Kernel timestamps"), and the receive's SO_TIMESTAMP control message is
// decoded (windows_cmsg_layout). Send stamps are not read from an error
// queue on Windows but polled by id (SIO_GET_TX_TIMESTAMP), which nothing
// in cmsg_socket does, so timestamping has no Windows form either.
inline constexpr option_name so_receive_timestamps = no_such_option;
inline constexpr option_name so_timestamping = no_such_option;

// --- Time and scale (issue 18): scale
// None of them. SO_REUSEADDR is not SO_REUSEPORT (it lets a socket take a
// port another socket is bound to, and only one of them receives), so
// reuse_port is unsupported rather than mapped to it; IP_UNICAST_IF only
// picks the outgoing interface, which is not what bind_to_device promises.
inline constexpr option_name so_reuseport = no_such_option;
inline constexpr option_name so_attach_reuseport_cbpf = no_such_option;
inline constexpr option_name so_detach_reuseport_bpf = no_such_option;
inline constexpr option_name so_incoming_cpu = no_such_option;
inline constexpr option_name so_bindtodevice = no_such_option;
constexpr bool bind_to_device_by_index = false;
inline constexpr option_name so_priority = no_such_option;
inline constexpr option_name so_mark = no_such_option;
inline constexpr option_name so_busy_poll = no_such_option;

// pmtu::dont (0) and pmtu::do_ (2) are IP_DONTFRAGMENT 0 and 1; the other
// modes do not exist here.
constexpr int mtu_discover_value(int mode) noexcept { return mode == 0 ? 0 : mode == 2 ? 1 : -1; }
constexpr int mtu_discover_mode(int value) noexcept { return value == 0 ? 0 : 2; }

// Raw sockets with IP_HDRINCL take the header as it goes on the wire, and
// received datagrams carry their header unchanged, as on Linux.
constexpr bool raw_send_host_order = false;
constexpr bool raw_receive_host_order = false;
constexpr bool raw_receive_length_excludes_header = false;

// --- I/O: WSARecvMsg / WSASendMsg one message at a time
// (detail/win/message_io.hpp), the blocking driver's wait through WSAPoll.
using multi_message = looped_message;
using readiness_waiter = poll_waiter;
// Asynchronous operations: overlapped calls completed through the
// io_context's completion port (detail/win/iocp_driver.hpp).
using io_model = completion_model;
// The readiness driver's send wait (detail/linux/send_wait.hpp) is not used
// here: overlapped sends complete when the stack took the data. Declared
// only.
constexpr bool has_edge_wait = false;
template <class Executor>
class send_wait;

// Which socket a handle names: os::socket_id and os::socket_identity, a
// request kept pending on the socket (detail/win/socket_identity.hpp).

// The socket's pending error, taken (SO_ERROR); Windows has no error queue,
// so only the blocking driver could ask, and never does.
inline void take_pending_error(SOCKET s, boost::system::error_code& ec) noexcept
{
  int error = 0;
  int size = sizeof(error);
  if (::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &size) != 0)
    error = ::WSAGetLastError();
  ec = error ? boost::system::error_code(error, boost::asio::error::get_system_category())
             : boost::system::error_code();
}

constexpr int receive_flags = 0;
constexpr int send_flags = 0;
constexpr bool has_error_queue = false;
inline bool queue_reports_errors(SOCKET) noexcept { return false; }
constexpr int error_queue_flag = 0;
// A segment size per send where the stack offloads UDP segmentation (USO:
// UDP_SEND_MSG_SIZE, asked once per process, detail/win/send_offload.hpp);
// elsewhere such sends are cut in user space (the fallback every platform
// has).
inline constexpr send_offload has_gso{};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP
