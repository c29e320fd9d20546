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
  dropped_u32
};

// One control message: its level, type and data.
struct cmsg_entry
{
  int level = -1;
  int type = -1;
  cmsg_kind kind = cmsg_kind::none;

  constexpr bool present() const noexcept { return kind != cmsg_kind::none; }
};

// The most message types one layout decodes.
constexpr std::size_t max_cmsg_entries = 10;

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
  // GSO segment size. An absent one makes a send asking for that field fail
  // with operation_not_supported before anything is sent.
  cmsg_entry send_source;
  cmsg_entry send_ttl;
  cmsg_entry send_tos;
  cmsg_entry send_segment;

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
  case cmsg_kind::none:
    break;
  }
  return 0;
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
inline constexpr cmsg_layout linux_cmsg_layout_64{"linux-64", 16, 8, 8, 2, 0,
    {{{0, 8, cmsg_kind::pktinfo_index_first}, {0, 2, cmsg_kind::ttl_int}, {0, 1, cmsg_kind::tos_byte},
        {0, 20, cmsg_kind::sockaddr_in_family16}, {0, 11, cmsg_kind::extended_error},
        {17, 104, cmsg_kind::segment_u32}, {1, 40, cmsg_kind::dropped_u32}}},
    {0, 8, cmsg_kind::pktinfo_index_first}, {0, 2, cmsg_kind::ttl_int}, {0, 1, cmsg_kind::tos_int},
    {17, 103, cmsg_kind::segment_u16}};

// Linux, 32-bit (i386, arm): the same messages; size_t is 4 bytes, so the
// header is 12 bytes aligned to 4.
inline constexpr cmsg_layout linux_cmsg_layout_32{"linux-32", 12, 4, 4, 2, 0, linux_cmsg_layout_64.receive,
    linux_cmsg_layout_64.send_source, linux_cmsg_layout_64.send_ttl, linux_cmsg_layout_64.send_tos,
    linux_cmsg_layout_64.send_segment};

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
inline constexpr cmsg_layout freebsd_cmsg_layout{"freebsd", 12, 4, 8, 2, 18,
    {{{0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl}, {0, 65, cmsg_kind::ttl_byte},
        {0, 68, cmsg_kind::tos_byte}, {0, 27, cmsg_kind::sockaddr_in_len8}}},
    {0, 7, cmsg_kind::in_addr}, {}, {0, 3, cmsg_kind::tos_byte}, {}};

// macOS (x86_64, arm64). <sys/socket.h>: struct cmsghdr of 12 bytes like
// FreeBSD's, but __DARWIN_ALIGN32 aligns to 4 bytes (__DARWIN_ALIGNBYTES32 =
// sizeof(__uint32_t) - 1), so data starts at 12. <netinet/in.h>: IP_TOS 3,
// IP_RECVDSTADDR 7, IP_RECVIF 20, IP_RECVTTL 24, IP_PKTINFO 26 (=
// IP_RECVPKTINFO), IP_RECVTOS 27. xnu's ip_savecontrol
// (bsd/netinet/ip_input.c) sends IP_RECVTTL and IP_RECVTOS as one byte and
// IP_RECVPKTINFO with ipi_spec_dst zeroed; udp_output takes IP_PKTINFO
// (udp_check_pktinfo) and IP_TOS as an int (so_tos_from_control,
// bsd/netinet/in_tclass.c), no per-datagram TTL or segment size.
inline constexpr cmsg_layout macos_cmsg_layout{"macos", 12, 4, 4, 2, 18,
    {{{0, 26, cmsg_kind::pktinfo_darwin}, {0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl},
        {0, 24, cmsg_kind::ttl_byte}, {0, 27, cmsg_kind::tos_byte}}},
    {0, 26, cmsg_kind::pktinfo_darwin}, {}, {0, 3, cmsg_kind::tos_int}, {}};

// QNX Neutrino (io-pkt, NetBSD-derived), from the ip(4) page in the project's
// seeds: IP_RECVDSTADDR (an in_addr) and IP_RECVIF (a sockaddr_dl), with the
// 4.4BSD numbers 7 and 20 and AF_LINK 18; struct cmsghdr { socklen_t;
// int; int; } as on the other BSDs, aligned to sizeof(long) (8 on 64-bit
// targets). Not checked against QNX's own headers, which are not available
// here. Send: IP_SENDSRCADDR (= IP_RECVDSTADDR) only.
inline constexpr cmsg_layout qnx_cmsg_layout{"qnx", 12, 4, 8, 2, 18,
    {{{0, 7, cmsg_kind::in_addr}, {0, 20, cmsg_kind::sockaddr_dl}}}, {0, 7, cmsg_kind::in_addr}, {}, {},
    {}};

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
inline constexpr cmsg_layout windows_cmsg_layout{"windows", 16, 8, 8, 2, 0,
    {{{0, 19, cmsg_kind::pktinfo_address_first}, {0, 4, cmsg_kind::ttl_int}, {0, 21, cmsg_kind::ttl_int},
        {0, 3, cmsg_kind::tos_int}, {0, 39, cmsg_kind::tos_int}, {0, 50, cmsg_kind::ecn_int},
        {17, 3, cmsg_kind::segment_u32}}},
    {0, 19, cmsg_kind::pktinfo_address_first}, {}, {0, 50, cmsg_kind::ecn_int}, {17, 2, cmsg_kind::segment_u32}};

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

// Room for one of each message a layout decodes (plus the offender after an
// extended error).
constexpr std::size_t decoded_space(const cmsg_layout& l) noexcept
{
  std::size_t n = 0;
  for (const cmsg_entry& e : l.receive)
    if (e.present())
      n += l.space(e.kind == cmsg_kind::sockaddr_dl ? 20 // a whole sockaddr_dl
              : e.kind == cmsg_kind::extended_error ? 32
                                                    : cmsg_data_size(e.kind));
  return n;
}

// Room for every message a send may carry.
constexpr std::size_t encoded_space(const cmsg_layout& l) noexcept
{
  std::size_t n = 0;
  for (const cmsg_entry* e : {&l.send_source, &l.send_ttl, &l.send_tos, &l.send_segment})
    if (e->present())
      n += l.space(cmsg_data_size(e->kind));
  return n;
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CMSG_LAYOUT_HPP
