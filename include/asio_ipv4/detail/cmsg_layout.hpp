//
// asio_ipv4/detail/cmsg_layout.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CMSG_LAYOUT_HPP
#define ASIO_IPV4_DETAIL_CMSG_LAYOUT_HPP

#include <array>
#include <cstddef>
#include <cstdint>

namespace asio_ipv4 {
namespace detail {

// How one platform lays out control messages, as data rather than macros, so
// that one codec (src/cmsg_codec.cpp) reads and writes every platform's
// buffers and every layout can be tested on any host. No platform header is
// included here: the numbers are written out, each with the header it comes
// from. The host's layout is checked against the host's own CMSG_* macros and
// option numbers with static_asserts in src/<platform>/host_checks.cpp.

// What a control message's data holds, and which control_message fields it
// fills (receive) or comes from (send).
enum class cmsg_kind : std::uint8_t
{
  none,
  // struct in_pktinfo as Linux lays it out: int ipi_ifindex, in_addr
  // ipi_spec_dst, in_addr ipi_addr (12 bytes). rx: interface_index, local,
  // destination; tx: interface_index, local (as ipi_spec_dst).
  pktinfo_index_first,
  // struct in_pktinfo of macOS: the same 12 bytes, but xnu leaves
  // ipi_spec_dst zero on receive (rx: interface_index, destination), and on
  // send a non-zero ipi_ifindex overrides ipi_spec_dst.
  pktinfo_darwin,
  // in_addr ipi_addr, then an unsigned ipi_ifindex (8 bytes): NetBSD's
  // struct in_pktinfo, Windows' IN_PKTINFO. rx: destination,
  // interface_index; tx: local (as ipi_addr), interface_index.
  pktinfo_address_first,
  // A struct in_addr. rx (IP_RECVDSTADDR): destination; tx
  // (IP_SENDSRCADDR): local.
  in_addr,
  // A struct sockaddr_dl (IP_RECVIF): u8 sdl_len, u8 sdl_family (AF_LINK),
  // u16 sdl_index at offset 2. rx: interface_index.
  sockaddr_dl,
  // One int (4 bytes, host order) holding the TTL, 0..255.
  ttl_int,
  // One byte holding the TTL (BSD IP_RECVTTL).
  ttl_byte,
  // One int holding the TOS byte (Linux and macOS IP_TOS on send).
  tos_int,
  // One byte holding the TOS byte (Linux IP_TOS on receive, BSD IP_RECVTOS,
  // FreeBSD IP_TOS on send).
  tos_byte,
  // One int holding only the two ECN bits (Windows IP_ECN). tx: a tos whose
  // DSCP bits are zero; rx: not decoded (control_message has no field for
  // the ECN bits alone).
  ecn_int,
  // struct sockaddr_in with a 16-bit sin_family first (Linux, Windows).
  // rx (IP_ORIGDSTADDR): original_destination.
  sockaddr_in_family16,
  // struct sockaddr_in with u8 sin_len, u8 sin_family (the BSDs).
  sockaddr_in_len8,
  // struct sock_extended_err (16 bytes) and the offender's sockaddr_in
  // (Linux IP_RECVERR). rx: error.
  extended_error,
  // A 4-byte unsigned segment size (Linux UDP_GRO's int, Windows
  // UDP_COALESCED_INFO / UDP_SEND_MSG_SIZE's DWORD). rx/tx: segment_size.
  segment_u32,
  // A 2-byte segment size (Linux UDP_SEGMENT). tx: segment_size.
  segment_u16,
  // A 4-byte count of datagrams dropped (Linux SO_RXQ_OVFL). rx: dropped.
  dropped_u32,

  // Timestamps. rx (and error queue): software_time or hardware_time. The
  // seconds are signed; a time whose nanoseconds do not fit 64 bits, or
  // microseconds / nanoseconds out of their range, is malformed.

  // struct timeval of two 64-bit fields, tv_sec and tv_usec (16 bytes):
  // Linux 64-bit SCM_TIMESTAMP (struct __kernel_old_timeval), Linux's
  // SCM_TIMESTAMP_NEW (struct __kernel_sock_timeval, every target), FreeBSD's
  // struct timeval on 64-bit targets (suseconds_t a long). realtime.
  timeval_64,
  // struct timeval of a 64-bit tv_sec and a 32-bit tv_usec, padded to 16
  // bytes: macOS (__darwin_suseconds_t is an __int32_t) and QNX (suseconds_t
  // an int32). realtime.
  timeval_64_32,
  // struct timeval of two 32-bit fields (8 bytes): Linux 32-bit
  // SCM_TIMESTAMP (SO_TIMESTAMP_OLD). realtime.
  timeval_32,
  // struct timespec of two 64-bit fields, tv_sec and tv_nsec (16 bytes):
  // Linux 64-bit SCM_TIMESTAMPNS, Linux's SCM_TIMESTAMPNS_NEW (struct
  // __kernel_timespec), FreeBSD's SCM_REALTIME. realtime.
  timespec_64,
  // struct timespec of two 32-bit fields (8 bytes): Linux 32-bit
  // SCM_TIMESTAMPNS (SO_TIMESTAMPNS_OLD). realtime.
  timespec_32,
  // A 64-bit struct timespec on the monotonic clock (the time since boot):
  // FreeBSD's SCM_MONOTONIC. monotonic.
  timespec_64_monotonic,
  // struct scm_timestamping: three 64-bit timespecs (48 bytes): Linux
  // 64-bit SCM_TIMESTAMPING, Linux's SCM_TIMESTAMPING_NEW (struct
  // scm_timestamping64). ts[0] the software stamp (realtime), ts[1] unused
  // since Linux 3.17, ts[2] the raw hardware stamp (hardware); a zero stamp
  // is absent (<linux/errqueue.h>, Documentation/networking/timestamping.rst).
  timestamping_64,
  // The same with 32-bit timespecs (24 bytes): Linux 32-bit SCM_TIMESTAMPING
  // (SO_TIMESTAMPING_OLD).
  timestamping_32,
  // FreeBSD's struct bintime { time_t sec; uint64_t frac; } (SCM_BINTIME):
  // seconds and 2^-64 fractions of a second. realtime.
  bintime,
  // A 64-bit tick count: Windows' SO_TIMESTAMP (a UINT64,
  // QueryPerformanceCounter ticks for software stamps), macOS's
  // SCM_TIMESTAMP_MONOTONIC (a uint64_t, mach_absolute_time).
  // performance_counter.
  ticks_u64,
  // FreeBSD's struct sock_timestamp_info (SCM_TIME_INFO): u32
  // st_info_flags, u32 pad, u64 reserved[7] (64 bytes). ST_INFO_HW (1): the
  // card took this datagram's stamp, so it goes to hardware_time (still on
  // the system's clock: FreeBSD converts it).
  time_info,
  // tx: a 4-byte id the send timestamps of the datagram carry (Linux
  // SCM_TS_OPT_ID, a __u32; Windows SO_TIMESTAMP_ID, a UINT32).
  // timestamp_id.
  timestamp_id_u32
};

// One control message: its level, type and data. `group`: 0 for a message
// the kernel may send beside every other; messages of one non-zero group
// exclude each other (the kernel sends at most one of them per datagram,
// for example SCM_TIMESTAMP or SCM_TIMESTAMPNS), so a receive buffer needs
// room for the largest only.
struct cmsg_entry
{
  int level = -1;
  int type = -1;
  cmsg_kind kind = cmsg_kind::none;
  std::uint8_t group = 0;

  constexpr bool present() const noexcept { return kind != cmsg_kind::none; }
};

// The most message types one layout decodes.
constexpr std::size_t max_cmsg_entries = 16;

struct cmsg_layout
{
  // A name for test and fuzzer messages.
  const char* name;
  // sizeof(struct cmsghdr): the header's three fields, cmsg_len first.
  std::size_t header_size;
  // The width of cmsg_len (size_t on Linux and Windows, socklen_t on the BSDs).
  std::size_t length_size;
  // The unit CMSG_ALIGN rounds to; data starts at the header size rounded
  // up to it (CMSG_LEN(0)), each message at its predecessor's aligned end.
  std::size_t alignment;
  // AF_INET and AF_LINK as the platform numbers them.
  std::uint16_t af_inet;
  std::uint16_t af_link;
  // The messages a receive decodes; the first that is absent ends the list.
  std::array<cmsg_entry, max_cmsg_entries> receive;
  // The messages a send encodes: source address and/or interface, TTL, TOS,
  // GSO segment size, timestamp id. An absent one makes a send asking for
  // that field fail with operation_not_supported before anything is sent.
  cmsg_entry send_source;
  cmsg_entry send_ttl;
  cmsg_entry send_tos;
  cmsg_entry send_segment;
  cmsg_entry send_timestamp_id;

  // The alignment is a power of two on every platform.
  constexpr std::size_t align(std::size_t n) const noexcept { return (n + alignment - 1) & ~(alignment - 1); }
  // CMSG_LEN(n) and CMSG_SPACE(n).
  constexpr std::size_t data_offset() const noexcept { return align(header_size); }
  constexpr std::size_t length(std::size_t n) const noexcept { return data_offset() + n; }
  constexpr std::size_t space(std::size_t n) const noexcept { return data_offset() + align(n); }
};

// The data size each kind needs (the minimum on receive, what a send
// writes).
constexpr std::size_t cmsg_data_size(cmsg_kind kind) noexcept
{
  switch (kind)
  {
  case cmsg_kind::pktinfo_index_first:
  case cmsg_kind::pktinfo_darwin:
    return 12;
  case cmsg_kind::pktinfo_address_first:
    return 8;
  case cmsg_kind::in_addr:
  case cmsg_kind::sockaddr_dl: // len, family, index
  case cmsg_kind::ttl_int:
  case cmsg_kind::tos_int:
  case cmsg_kind::ecn_int:
  case cmsg_kind::segment_u32:
  case cmsg_kind::dropped_u32:
    return 4;
  case cmsg_kind::ttl_byte:
  case cmsg_kind::tos_byte:
    return 1;
  case cmsg_kind::sockaddr_in_family16:
  case cmsg_kind::sockaddr_in_len8:
    return 16;
  case cmsg_kind::extended_error:
    return 16; // struct sock_extended_err; the offender after it is optional
  case cmsg_kind::segment_u16:
    return 2;
  case cmsg_kind::timeval_64:
  case cmsg_kind::timeval_64_32: // the kernel sends sizeof(struct timeval), padding included
  case cmsg_kind::timespec_64:
  case cmsg_kind::timespec_64_monotonic:
  case cmsg_kind::bintime:
    return 16;
  case cmsg_kind::timeval_32:
  case cmsg_kind::timespec_32:
  case cmsg_kind::ticks_u64:
    return 8;
  case cmsg_kind::timestamping_64:
    return 48;
  case cmsg_kind::timestamping_32:
    return 24;
  case cmsg_kind::time_info:
  case cmsg_kind::timestamp_id_u32:
    return 4; // time_info: st_info_flags; the kernel sends 64 bytes
  case cmsg_kind::none:
    break;
  }
  return 0;
}

// The data size the kernel sends for a kind, where it is more than the
// decoder needs.
constexpr std::size_t cmsg_received_size(cmsg_kind kind) noexcept
{
  return kind == cmsg_kind::sockaddr_dl ? 20 // a whole sockaddr_dl with a short name
      : kind == cmsg_kind::extended_error   ? 32 // with the offender's sockaddr_in
      : kind == cmsg_kind::time_info        ? 64 // the whole struct sock_timestamp_info
                                            : cmsg_data_size(kind);
}

// ---------------------------------------------------------------------------
// The layouts. Levels: IPPROTO_IP is 0 and IPPROTO_UDP 17 everywhere;
// SOL_SOCKET is 1 on Linux and 0xffff on the BSDs and Windows.

// Linux, 64-bit (x86_64, aarch64). <bits/socket.h>: struct cmsghdr
// { size_t cmsg_len; int cmsg_level; int cmsg_type; } (16 bytes), CMSG_ALIGN
// to sizeof(size_t). <linux/in.h>: IP_TOS 1, IP_TTL 2, IP_PKTINFO 8,
// IP_RECVERR 11, IP_ORIGDSTADDR 20. <linux/udp.h>: SOL_UDP 17,
// UDP_SEGMENT 103, UDP_GRO 104. <asm-generic/socket.h>: SOL_SOCKET 1,
// SO_RXQ_OVFL 40. The kernel sends IP_TTL as an int and IP_TOS as one byte
// (ip_cmsg_recv_ttl / ip_cmsg_recv_tos in net/ipv4/ip_sockglue.c) and takes
// both as an int on send (ip_cmsg_send).
//
// Timestamps, <asm-generic/socket.h>: SCM_TIMESTAMP = SO_TIMESTAMP_OLD 29,
// SCM_TIMESTAMPNS = SO_TIMESTAMPNS_OLD 35, SCM_TIMESTAMPING =
// SO_TIMESTAMPING_OLD 37 (the forms with the C library's time_t where it is
// a long); SO_TIMESTAMP_NEW 63, SO_TIMESTAMPNS_NEW 64, SO_TIMESTAMPING_NEW
// 65 (64-bit times everywhere; what a 32-bit program with a 64-bit time_t
// asks for). __sock_recv_timestamp (net/socket.c) sends SCM_TIMESTAMP or
// SCM_TIMESTAMPNS (one flag, SOCK_RCVTSTAMPNS, picks which) and, besides,
// SCM_TIMESTAMPING; the old or the new forms, per socket (SOCK_TSTAMP_NEW):
// hence the two groups. SCM_TS_OPT_ID 81 (Linux 6.13, a __u32; the headers
// here are older, so it is checked against nothing).
inline constexpr cmsg_layout linux_cmsg_layout_64{"linux-64", 16, 8, 8, 2, 0,
    {{{0, 8, cmsg_kind::pktinfo_index_first}, {0, 2, cmsg_kind::ttl_int}, {0, 1, cmsg_kind::tos_byte},
        {0, 20, cmsg_kind::sockaddr_in_family16}, {0, 11, cmsg_kind::extended_error},
        {17, 104, cmsg_kind::segment_u32}, {1, 40, cmsg_kind::dropped_u32}, {1, 35, cmsg_kind::timespec_64, 1},
        {1, 29, cmsg_kind::timeval_64, 1}, {1, 64, cmsg_kind::timespec_64, 1}, {1, 63, cmsg_kind::timeval_64, 1},
        {1, 37, cmsg_kind::timestamping_64, 2}, {1, 65, cmsg_kind::timestamping_64, 2}}},
    {0, 8, cmsg_kind::pktinfo_index_first}, {0, 2, cmsg_kind::ttl_int}, {0, 1, cmsg_kind::tos_int},
    {17, 103, cmsg_kind::segment_u16}, {1, 81, cmsg_kind::timestamp_id_u32}};

// Linux, 32-bit (i386, arm): the same messages; size_t is 4 bytes, so the
// header is 12 bytes aligned to 4, and the old timestamp forms carry 32-bit
// fields (struct __kernel_old_timeval, struct timespec with a 32-bit
// time_t); the new forms are the 64-bit ones.
inline constexpr cmsg_layout linux_cmsg_layout_32{"linux-32", 12, 4, 4, 2, 0,
    {{{0, 8, cmsg_kind::pktinfo_index_first}, {0, 2, cmsg_kind::ttl_int}, {0, 1, cmsg_kind::tos_byte},
        {0, 20, cmsg_kind::sockaddr_in_family16}, {0, 11, cmsg_kind::extended_error},
        {17, 104, cmsg_kind::segment_u32}, {1, 40, cmsg_kind::dropped_u32}, {1, 35, cmsg_kind::timespec_32, 1},
        {1, 29, cmsg_kind::timeval_32, 1}, {1, 64, cmsg_kind::timespec_64, 1}, {1, 63, cmsg_kind::timeval_64, 1},
        {1, 37, cmsg_kind::timestamping_32, 2}, {1, 65, cmsg_kind::timestamping_64, 2}}},
    linux_cmsg_layout_64.send_source, linux_cmsg_layout_64.send_ttl, linux_cmsg_layout_64.send_tos,
    linux_cmsg_layout_64.send_segment, linux_cmsg_layout_64.send_timestamp_id};

// FreeBSD (amd64, arm64). <sys/socket.h>: struct cmsghdr { socklen_t
// cmsg_len; int cmsg_level; int cmsg_type; } (12 bytes), _ALIGN to
// _ALIGNBYTES + 1 = 8 (<machine/_align.h>). <netinet/in.h>: IP_TOS 3,
// IP_RECVDSTADDR 7 (= IP_SENDSRCADDR), IP_RECVIF 20, IP_ORIGDSTADDR 27,
// IP_RECVTTL 65, IP_RECVTOS 68. <sys/socket.h>: AF_INET 2, AF_LINK 18.
// Received TTL and TOS are one byte each, IP_RECVIF a struct sockaddr_dl,
// IP_ORIGDSTADDR a struct sockaddr_in (ip_savecontrol in
// sys/netinet/ip_input.c, udp_append in udp_usrreq.c). udp_output takes
// IP_SENDSRCADDR (an in_addr) and IP_TOS (one byte); it has no per-datagram
// TTL, interface or segment size.
//
// Timestamps, <sys/socket.h>: SOL_SOCKET 0xffff; SCM_TIMESTAMP 2 (struct
// timeval), SCM_BINTIME 4 (struct bintime), SCM_REALTIME 5 and
// SCM_MONOTONIC 6 (struct timespec), SCM_TIME_INFO 7 (struct
// sock_timestamp_info). ip_savecontrol (sys/netinet/ip_input.c) sends
// SCM_BINTIME for SO_BINTIME (or SO_TIMESTAMP with SO_TS_CLOCK =
// SO_TS_BINTIME), else one of SCM_TIMESTAMP, SCM_REALTIME, SCM_MONOTONIC as
// SO_TS_CLOCK says (the group), and SCM_TIME_INFO after them when the card
// stamped the packet (M_TSTMP; the stamp is already on the system's clock).
inline constexpr cmsg_layout freebsd_cmsg_layout{"freebsd", 12, 4, 8, 2, 18,
    {{{0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl}, {0, 65, cmsg_kind::ttl_byte},
        {0, 68, cmsg_kind::tos_byte}, {0, 27, cmsg_kind::sockaddr_in_len8}, {0xffff, 4, cmsg_kind::bintime},
        {0xffff, 2, cmsg_kind::timeval_64, 1}, {0xffff, 5, cmsg_kind::timespec_64, 1},
        {0xffff, 6, cmsg_kind::timespec_64_monotonic, 1}, {0xffff, 7, cmsg_kind::time_info}}},
    {0, 7, cmsg_kind::in_addr}, {}, {0, 3, cmsg_kind::tos_byte}, {}, {}};

// macOS (x86_64, arm64). <sys/socket.h>: struct cmsghdr of 12 bytes like
// FreeBSD's, but __DARWIN_ALIGN32 aligns to 4 bytes (__DARWIN_ALIGNBYTES32 =
// sizeof(__uint32_t) - 1), so data starts at 12. <netinet/in.h>: IP_TOS 3,
// IP_RECVDSTADDR 7, IP_RECVIF 20, IP_RECVTTL 24, IP_PKTINFO 26 (=
// IP_RECVPKTINFO), IP_RECVTOS 27. xnu's ip_savecontrol
// (bsd/netinet/ip_input.c) sends IP_RECVTTL and IP_RECVTOS as one byte and
// IP_RECVPKTINFO with ipi_spec_dst zeroed; udp_output takes IP_PKTINFO
// (udp_check_pktinfo) and IP_TOS as an int (so_tos_from_control,
// bsd/netinet/in_tclass.c), no per-datagram TTL or segment size.
//
// Timestamps, <sys/socket.h>: SOL_SOCKET 0xffff, SCM_TIMESTAMP 2 (struct
// timeval: a long tv_sec and an __int32_t tv_usec, 16 bytes with padding;
// microtime() in ip_savecontrol), SCM_TIMESTAMP_MONOTONIC 4 (a uint64_t,
// mach_absolute_time(), for SO_TIMESTAMP_MONOTONIC); both may come.
inline constexpr cmsg_layout macos_cmsg_layout{"macos", 12, 4, 4, 2, 18,
    {{{0, 26, cmsg_kind::pktinfo_darwin}, {0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl},
        {0, 24, cmsg_kind::ttl_byte}, {0, 27, cmsg_kind::tos_byte}, {0xffff, 2, cmsg_kind::timeval_64_32},
        {0xffff, 4, cmsg_kind::ticks_u64}}},
    {0, 26, cmsg_kind::pktinfo_darwin}, {}, {0, 3, cmsg_kind::tos_int}, {}, {}};

// QNX Neutrino (io-pkt, NetBSD-derived), from the ip(4) page in the project's
// seeds: IP_RECVDSTADDR (an in_addr) and IP_RECVIF (a sockaddr_dl), with the
// 4.4BSD numbers 7 and 20 and AF_LINK 18; struct cmsghdr { socklen_t;
// int; int; } as on the other BSDs, aligned to sizeof(long) (8 on 64-bit
// targets). Not checked against QNX's own headers, which are not available
// here. Send: IP_SENDSRCADDR (= IP_RECVDSTADDR) only. Timestamps:
// SO_TIMESTAMP 0x0400 gives SCM_TIMESTAMP 2 at SOL_SOCKET 0xffff, a struct
// timeval of a 64-bit time_t and a 32-bit suseconds_t (the numbers and types
// of the Rust libc crate's QNX Neutrino definitions, src/unix/nto; not
// checked against QNX's headers either).
inline constexpr cmsg_layout qnx_cmsg_layout{"qnx", 12, 4, 8, 2, 18,
    {{{0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl}, {0xffff, 2, cmsg_kind::timeval_64_32}}},
    {0, 7, cmsg_kind::in_addr}, {}, {}, {}, {}};

// Windows 10 and later, 64-bit. <ws2def.h>: WSACMSGHDR { SIZE_T cmsg_len;
// INT cmsg_level; INT cmsg_type; } (16 bytes); WSA_CMSGHDR_ALIGN and
// WSA_CMSGDATA_ALIGN round to 8 (TYPE_ALIGNMENT(WSACMSGHDR),
// MAX_NATURAL_ALIGNMENT). <ws2ipdef.h>: IP_TOS 3, IP_TTL 4, IP_PKTINFO 19
// (IN_PKTINFO { IN_ADDR ipi_addr; ULONG ipi_ifindex; }), IP_HOPLIMIT 21 (=
// IP_RECVTTL, older builds' TTL), IP_TCLASS 39, IP_ECN 50; UDP_SEND_MSG_SIZE
// 2 and UDP_COALESCED_INFO 3 at IPPROTO_UDP (Windows SDK 10.0.19041).
// src/win/host_checks.cpp checks all but the two UDP numbers, which
// mingw-w64's headers lack, against the headers; the PKTINFO, TTL and TOS
// messages were received under Wine (test/windows/options_test.cpp).
// Timestamps, <mstcpip.h> ("Winsock timestamping" on learn.microsoft.com):
// SO_TIMESTAMP 0x300A at SOL_SOCKET (0xffff), a UINT64 counter value, on a
// receive after SIO_TIMESTAMPING; SO_TIMESTAMP_ID 0x300B, a UINT32 a send
// carries so that SIO_GET_TX_TIMESTAMP can find its stamp.
inline constexpr cmsg_layout windows_cmsg_layout{"windows", 16, 8, 8, 2, 0,
    {{{0, 19, cmsg_kind::pktinfo_address_first}, {0, 4, cmsg_kind::ttl_int}, {0, 21, cmsg_kind::ttl_int},
        {0, 3, cmsg_kind::tos_int}, {0, 39, cmsg_kind::tos_int}, {0, 50, cmsg_kind::ecn_int},
        {17, 3, cmsg_kind::segment_u32}, {0xffff, 0x300A, cmsg_kind::ticks_u64}}},
    {0, 19, cmsg_kind::pktinfo_address_first}, {}, {0, 50, cmsg_kind::ecn_int}, {17, 2, cmsg_kind::segment_u32},
    {0xffff, 0x300B, cmsg_kind::timestamp_id_u32}};

static_assert((linux_cmsg_layout_64.alignment & (linux_cmsg_layout_64.alignment - 1)) == 0
        && (linux_cmsg_layout_32.alignment & (linux_cmsg_layout_32.alignment - 1)) == 0
        && (freebsd_cmsg_layout.alignment & (freebsd_cmsg_layout.alignment - 1)) == 0
        && (macos_cmsg_layout.alignment & (macos_cmsg_layout.alignment - 1)) == 0
        && (qnx_cmsg_layout.alignment & (qnx_cmsg_layout.alignment - 1)) == 0
        && (windows_cmsg_layout.alignment & (windows_cmsg_layout.alignment - 1)) == 0,
    "alignments are powers of two");

// Every layout, for tests and the fuzzer.
inline constexpr const cmsg_layout* all_cmsg_layouts[] = {&linux_cmsg_layout_64, &linux_cmsg_layout_32,
    &freebsd_cmsg_layout, &macos_cmsg_layout, &qnx_cmsg_layout, &windows_cmsg_layout};

// Room for every message the kernel may send with one datagram: one of
// each message a layout decodes (as large as the kernel sends it), but of
// the messages of one group only the largest.
constexpr std::size_t decoded_space(const cmsg_layout& l) noexcept
{
  std::size_t n = 0;
  for (std::size_t i = 0; i < l.receive.size(); ++i)
  {
    const cmsg_entry& e = l.receive[i];
    if (!e.present())
      continue;
    std::size_t room = l.space(cmsg_received_size(e.kind));
    if (e.group != 0)
    {
      // Counted once per group, at its first entry, as its largest.
      bool first = true;
      for (std::size_t j = 0; j < l.receive.size(); ++j)
      {
        const cmsg_entry& other = l.receive[j];
        if (!other.present() || other.group != e.group)
          continue;
        if (j < i)
          first = false;
        const std::size_t other_room = l.space(cmsg_received_size(other.kind));
        room = other_room > room ? other_room : room;
      }
      if (!first)
        continue;
    }
    n += room;
  }
  return n;
}

// Room for every message a send may carry.
constexpr std::size_t encoded_space(const cmsg_layout& l) noexcept
{
  std::size_t n = 0;
  for (const cmsg_entry* e : {&l.send_source, &l.send_ttl, &l.send_tos, &l.send_segment, &l.send_timestamp_id})
    if (e->present())
      n += l.space(cmsg_data_size(e->kind));
  return n;
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CMSG_LAYOUT_HPP
