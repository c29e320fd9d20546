// The control-message codec against every platform's layout, on Linux:
// buffers built byte by byte from the numbers of each platform's own headers
// (cited where they are written down below; none of them is taken from the
// library), decoded and encoded with detail::decode_control /
// detail::encode_control and the layout the library describes for that
// platform. Known answers, padding, truncation, malformed input.
//
// Self-contained: only Boost, the library's codec and guarded_copy.hpp (a
// decoded copy ends where an inaccessible page begins, so a read past the
// end faults); it runs on Windows (under Wine) as well.

#include "guarded_copy.hpp"

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace cmsg_layout_test {  // (named: the file shares a unity build batch)

namespace net = boost::asio;
using asio_ipv4::control_message;
using asio_ipv4::kernel_time;
using asio_ipv4::detail::cmsg_layout;
using boost::system::error_code;
using net::ip::address_v4;
using bytes = std::vector<unsigned char>;

// ---------------------------------------------------------------------------
// The oracle: each platform's header facts, written out here.

struct platform
{
  const char* name;
  const cmsg_layout& layout; // what the library says (under test)
  std::size_t header_size;   // sizeof(struct cmsghdr)
  std::size_t length_size;   // sizeof cmsg_len
  std::size_t alignment;     // CMSG_ALIGN unit
};

// Linux x86_64 <bits/socket.h>: struct cmsghdr { size_t cmsg_len; int
// cmsg_level; int cmsg_type; }, CMSG_ALIGN rounds to sizeof(size_t).
const platform linux64{"linux-64", asio_ipv4::detail::linux_cmsg_layout_64, 16, 8, 8};
// Linux i386: size_t is 4 bytes.
const platform linux32{"linux-32", asio_ipv4::detail::linux_cmsg_layout_32, 12, 4, 4};
// FreeBSD amd64 <sys/socket.h>: struct cmsghdr { socklen_t cmsg_len; int
// cmsg_level; int cmsg_type; }; _ALIGN(p) rounds to _ALIGNBYTES + 1 = 8
// (<x86/_align.h>: _ALIGNBYTES (sizeof(register_t) - 1)).
const platform freebsd{"freebsd", asio_ipv4::detail::freebsd_cmsg_layout, 12, 4, 8};
// macOS SDK <sys/socket.h>: the same 12-byte header, CMSG_ALIGN via
// __DARWIN_ALIGN32: __DARWIN_ALIGNBYTES32 = sizeof(__uint32_t) - 1, so 4.
const platform macos{"macos", asio_ipv4::detail::macos_cmsg_layout, 12, 4, 4};
// QNX (NetBSD-derived io-pkt): socklen_t cmsg_len, 8-byte alignment on
// 64-bit targets (not checked against QNX headers: see cmsg_layout.hpp).
const platform qnx{"qnx", asio_ipv4::detail::qnx_cmsg_layout, 12, 4, 8};
// Windows <ws2def.h>: WSACMSGHDR { SIZE_T cmsg_len; INT cmsg_level; INT
// cmsg_type; }, WSA_CMSGHDR_ALIGN / WSA_CMSGDATA_ALIGN round to 8 on x64.
const platform windows{"windows", asio_ipv4::detail::windows_cmsg_layout, 16, 8, 8};

// Levels and types, per header.
constexpr int ipproto_ip = 0;   // every platform
constexpr int ipproto_udp = 17; // every platform (Linux SOL_UDP)
constexpr int linux_sol_socket = 1;      // <asm-generic/socket.h>
constexpr int linux_so_rxq_ovfl = 40;    // <asm-generic/socket.h>
constexpr int linux_ip_tos = 1;          // <linux/in.h>
constexpr int linux_ip_ttl = 2;          // <linux/in.h>
constexpr int linux_ip_pktinfo = 8;      // <linux/in.h>
constexpr int linux_ip_recverr = 11;     // <linux/in.h>
constexpr int linux_ip_origdstaddr = 20; // <linux/in.h>
constexpr int linux_udp_segment = 103;   // <linux/udp.h>
constexpr int linux_udp_gro = 104;       // <linux/udp.h>
constexpr int bsd_ip_tos = 3;            // FreeBSD and macOS <netinet/in.h>
constexpr int bsd_ip_recvdstaddr = 7;    // FreeBSD, macOS, QNX: = IP_SENDSRCADDR on FreeBSD
constexpr int bsd_ip_recvif = 20;        // FreeBSD, macOS, QNX
constexpr int freebsd_ip_origdstaddr = 27;
constexpr int freebsd_ip_recvttl = 65;
constexpr int freebsd_ip_recvtos = 68;
constexpr int macos_ip_recvttl = 24;
constexpr int macos_ip_pktinfo = 26; // = IP_RECVPKTINFO
constexpr int macos_ip_recvtos = 27;
constexpr int bsd_af_link = 18; // <sys/socket.h>
constexpr int win_ip_tos = 3;          // <ws2ipdef.h>
constexpr int win_ip_ttl = 4;          // <ws2ipdef.h>
constexpr int win_ip_pktinfo = 19;     // <ws2ipdef.h>
constexpr int win_ip_hoplimit = 21;    // <ws2ipdef.h> (= IP_RECVTTL)
constexpr int win_ip_tclass = 39;      // <ws2ipdef.h>
constexpr int win_ip_ecn = 50;         // <ws2ipdef.h>
constexpr int win_udp_send_msg_size = 2;   // Windows SDK <ws2ipdef.h>
constexpr int win_udp_coalesced_info = 3;  // Windows SDK <ws2ipdef.h>
// Timestamps.
constexpr int linux_so_timestamp_old = 29;     // <asm-generic/socket.h>
constexpr int linux_so_timestampns_old = 35;   // <asm-generic/socket.h>
constexpr int linux_so_timestamping_old = 37;  // <asm-generic/socket.h>
constexpr int linux_so_timestamp_new = 63;     // <asm-generic/socket.h>
constexpr int linux_so_timestampns_new = 64;   // <asm-generic/socket.h>
constexpr int linux_so_timestamping_new = 65;  // <asm-generic/socket.h>
constexpr int linux_scm_ts_opt_id = 81;        // <asm-generic/socket.h>, Linux 6.13
constexpr int bsd_sol_socket = 0xffff;         // FreeBSD, macOS, QNX, Windows <sys/socket.h>, <ws2def.h>
constexpr int bsd_scm_timestamp = 2;           // FreeBSD, macOS, QNX <sys/socket.h>
constexpr int freebsd_scm_bintime = 4;         // FreeBSD <sys/socket.h>
constexpr int freebsd_scm_realtime = 5;        // FreeBSD <sys/socket.h>
constexpr int freebsd_scm_monotonic = 6;       // FreeBSD <sys/socket.h>
constexpr int freebsd_scm_time_info = 7;       // FreeBSD <sys/socket.h>
constexpr int macos_scm_timestamp_monotonic = 4;  // macOS <sys/socket.h>
constexpr int win_so_timestamp = 0x300A;       // <mstcpip.h>
constexpr int win_so_timestamp_id = 0x300B;    // <mstcpip.h>

// ---------------------------------------------------------------------------
// Bytes by hand.

void put32(bytes& b, std::uint32_t v)
{
  unsigned char x[4];
  std::memcpy(x, &v, 4); // host order: the test runs where the targets are (little-endian)
  b.insert(b.end(), x, x + 4);
}

void put_len(bytes& b, std::size_t width, std::uint64_t v)
{
  unsigned char x[8];
  std::memcpy(x, &v, 8);
  b.insert(b.end(), x, x + width); // little-endian: the low bytes first
}

void put64(bytes& b, std::uint64_t v)
{
  unsigned char x[8];
  std::memcpy(x, &v, 8);
  b.insert(b.end(), x, x + 8);
}

bytes u64(std::uint64_t v)
{
  bytes b;
  put64(b, v);
  return b;
}

// Two fields of `width` bytes each (a timeval or timespec), little-endian
// two's complement.
bytes pair(std::size_t width, std::int64_t first, std::int64_t second)
{
  bytes b;
  for (std::int64_t v : {first, second})
  {
    unsigned char x[8];
    std::memcpy(x, &v, 8);
    b.insert(b.end(), x, x + width);
  }
  return b;
}

kernel_time at(kernel_time::clock_type clock, std::int64_t ns)
{
  return kernel_time{clock, std::chrono::nanoseconds(ns)};
}

bytes be_address(const char* text)
{
  const auto a = net::ip::make_address_v4(text).to_bytes();
  return bytes(a.begin(), a.end());
}

bytes u32(std::uint32_t v)
{
  bytes b;
  put32(b, v);
  return b;
}

bytes cat(std::initializer_list<bytes> parts)
{
  bytes r;
  for (const auto& p : parts)
    r.insert(r.end(), p.begin(), p.end());
  return r;
}

// One message: cmsg_len, level, type, zero padding up to the data offset,
// the data, and (unless `pad` is false) zero padding to the alignment.
// `length` overrides cmsg_len.
bytes message(const platform& p, int level, int type, const bytes& data, bool pad = true,
    std::optional<std::uint64_t> length = {})
{
  const std::size_t start = (p.header_size + p.alignment - 1) / p.alignment * p.alignment;
  bytes b;
  put_len(b, p.length_size, length ? *length : start + data.size());
  put32(b, static_cast<std::uint32_t>(level));
  put32(b, static_cast<std::uint32_t>(type));
  b.resize(start, 0);
  b.insert(b.end(), data.begin(), data.end());
  if (pad)
    b.resize((b.size() + p.alignment - 1) / p.alignment * p.alignment, 0);
  return b;
}

// struct sockaddr_in: Linux and Windows start with a 16-bit family, the BSDs
// with sin_len and an 8-bit family; port and address in network order.
bytes sockaddr_in_linux(const char* address, std::uint16_t port, std::uint16_t family = 2)
{
  bytes b{static_cast<unsigned char>(family), static_cast<unsigned char>(family >> 8),
      static_cast<unsigned char>(port >> 8), static_cast<unsigned char>(port)};
  b = cat({b, be_address(address)});
  b.resize(16, 0);
  return b;
}

bytes sockaddr_in_bsd(const char* address, std::uint16_t port, unsigned char family = 2)
{
  bytes b{16, family, static_cast<unsigned char>(port >> 8), static_cast<unsigned char>(port)};
  b = cat({b, be_address(address)});
  b.resize(16, 0);
  return b;
}

// struct sockaddr_dl (<net/if_dl.h>): u8 sdl_len, u8 sdl_family, u16
// sdl_index, u8 sdl_type, sdl_nlen, sdl_alen, sdl_slen, then the name.
bytes sockaddr_dl(std::uint16_t index, unsigned char family = bsd_af_link)
{
  bytes b{20, family, 0, 0, 6 /* IFT_ETHER */, 3, 0, 0, 'e', 'm', '0'};
  std::memcpy(b.data() + 2, &index, 2);
  b.resize(20, 0);
  return b;
}

// ---------------------------------------------------------------------------
// Decoding.

using asio_ipv4::test::guarded_copy;

// The library's printer, for failure messages only: comparisons use
// operator==, which looks at every field.
std::string describe(const control_message& m)
{
  std::ostringstream s;
  s << m;
  return s.str();
}

// Every field set, to see that decoding clears them.
control_message junk()
{
  control_message m;
  m.destination = address_v4(0x01010101);
  m.local = address_v4(0x02020202);
  m.interface_index = 99;
  m.ttl = 99;
  m.tos = 99;
  m.original_destination = net::ip::udp::endpoint(address_v4(0x03030303), 99);
  m.error = asio_ipv4::extended_error{99, 9, 9, 9, 99, 99, address_v4(0x04040404)};
  m.segment_size = 99;
  m.dropped = 99;
  m.software_time = kernel_time{kernel_time::hardware, std::chrono::nanoseconds(99)};
  m.hardware_time = kernel_time{kernel_time::monotonic, std::chrono::nanoseconds(99)};
  m.timestamp_id = 99;
  return m;
}

std::string got_expected(const error_code& got, const error_code& expected)
{
  return "got " + got.to_string() + " (" + got.message() + "), expected " + expected.to_string();
}

void check_decode(const platform& p, const bytes& b, bool truncated, const error_code& expected_ec,
    const control_message& expected)
{
  guarded_copy copy(b);
  control_message m = junk();
  const error_code ec = asio_ipv4::detail::decode_control(p.layout, copy.data(), copy.size(), truncated, m);
  BOOST_TEST(ec == expected_ec, p.name << ": " << got_expected(ec, expected_ec));
  BOOST_TEST(m == expected, p.name << ": decoded " << describe(m) << ", expected " << describe(expected));
}

void check_decode(const platform& p, const bytes& b, const control_message& expected)
{
  check_decode(p, b, false, error_code(), expected);
}

void check_malformed(const platform& p, const bytes& b, const control_message& expected = {})
{
  check_decode(p, b, false, asio_ipv4::error::malformed_control, expected);
}

control_message with_destination(const char* a)
{
  control_message m;
  m.destination = net::ip::make_address_v4(a);
  return m;
}

// ---------------------------------------------------------------------------
// Encoding.

bytes encode(const platform& p, const control_message& m, error_code& ec, std::size_t capacity = 256)
{
  bytes out(capacity + 16, 0xee);
  const std::size_t n = asio_ipv4::detail::encode_control(p.layout, m, out.data(), capacity, ec);
  for (std::size_t i = n; i < out.size(); ++i)
    BOOST_TEST_REQUIRE(int(out[i]) == 0xee, p.name << ": byte " << i << " past the " << n << " used was written");
  out.resize(n);
  return out;
}

void check_encode(const platform& p, const control_message& m, const bytes& expected)
{
  error_code ec;
  const bytes got = encode(p, m, ec);
  BOOST_TEST(!ec, p.name << ": " << got_expected(ec, {}));
  BOOST_TEST(std::vector<int>(got.begin(), got.end()) == std::vector<int>(expected.begin(), expected.end()),
      boost::test_tools::per_element());
}

void check_encode_fails(const platform& p, const control_message& m, const error_code& expected,
    std::size_t capacity = 256)
{
  error_code ec;
  const bytes got = encode(p, m, ec, capacity);
  BOOST_TEST(ec == expected, p.name << ": " << got_expected(ec, expected));
  BOOST_TEST(got.size() == 0u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cmsg_layout_test)

// The library's layouts have the header facts above.
BOOST_AUTO_TEST_CASE(layout_geometry)
{
  for (const platform* p : {&linux64, &linux32, &freebsd, &macos, &qnx, &windows})
  {
    BOOST_TEST_CONTEXT(p->name)
    {
      BOOST_TEST(p->layout.header_size == p->header_size);
      BOOST_TEST(p->layout.length_size == p->length_size);
      BOOST_TEST(p->layout.alignment == p->alignment);
    }
  }
  // CMSG_LEN(0) and CMSG_SPACE(1) as each header's macros compute them.
  BOOST_TEST(linux64.layout.data_offset() == 16u);
  BOOST_TEST(linux64.layout.space(1) == 24u);
  BOOST_TEST(linux32.layout.data_offset() == 12u);
  BOOST_TEST(linux32.layout.space(1) == 16u);
  BOOST_TEST(freebsd.layout.data_offset() == 16u); // _ALIGN(12)
  BOOST_TEST(freebsd.layout.space(1) == 24u);
  BOOST_TEST(macos.layout.data_offset() == 12u); // __DARWIN_ALIGN32(12)
  BOOST_TEST(macos.layout.space(1) == 16u);
  BOOST_TEST(windows.layout.data_offset() == 16u);
}

// --- Linux -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(linux_receive_known_answers)
{
  // ip(7) struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr
  // ipi_addr; }; IP_TTL an int; IP_TOS one byte; IP_ORIGDSTADDR a
  // sockaddr_in; UDP_GRO an int; SO_RXQ_OVFL a __u32.
  for (const platform* p : {&linux64, &linux32})
  {
    const bytes b = cat({message(*p, ipproto_ip, linux_ip_pktinfo, cat({u32(7), be_address("192.0.2.1"), be_address("239.1.2.3")})),
        message(*p, ipproto_ip, linux_ip_ttl, u32(200)), message(*p, ipproto_ip, linux_ip_tos, {0xb9}),
        message(*p, ipproto_ip, linux_ip_origdstaddr, sockaddr_in_linux("203.0.113.9", 5353)),
        message(*p, ipproto_udp, linux_udp_gro, u32(1400)),
        message(*p, linux_sol_socket, linux_so_rxq_ovfl, u32(0x01020304))});
    control_message expected;
    expected.interface_index = 7;
    expected.local = net::ip::make_address_v4("192.0.2.1");
    expected.destination = net::ip::make_address_v4("239.1.2.3");
    expected.ttl = 200;
    expected.tos = 0xb9;
    expected.original_destination = net::ip::udp::endpoint(net::ip::make_address_v4("203.0.113.9"), 5353);
    expected.segment_size = 1400;
    expected.dropped = 0x01020304;
    check_decode(*p, b, expected);
  }
}

BOOST_AUTO_TEST_CASE(linux_drop_count)
{
  // socket(7) SO_RXQ_OVFL: an unsigned 32-bit count at SOL_SOCKET.
  control_message expected;
  expected.dropped = 0;
  check_decode(linux64, message(linux64, linux_sol_socket, linux_so_rxq_ovfl, u32(0)), expected);
  expected.dropped = 0xffffffffu;
  check_decode(linux64, message(linux64, linux_sol_socket, linux_so_rxq_ovfl, u32(0xffffffffu)), expected);
  // Three bytes are not a count.
  check_malformed(linux64, message(linux64, linux_sol_socket, linux_so_rxq_ovfl, {1, 2, 3}));
  // The same type number at another level is something else.
  check_decode(linux64, message(linux64, ipproto_ip, linux_so_rxq_ovfl, u32(5)), control_message());
}

BOOST_AUTO_TEST_CASE(linux_extended_error)
{
  // <linux/errqueue.h> struct sock_extended_err { __u32 ee_errno; __u8
  // ee_origin, ee_type, ee_code, ee_pad; __u32 ee_info; __u32 ee_data; },
  // then SO_EE_OFFENDER's sockaddr_in.
  const bytes ee = cat({u32(111), {2, 3, 3, 0}, u32(0x01020304), u32(0x05060708)});
  control_message expected;
  expected.error = asio_ipv4::extended_error{111, 2, 3, 3, 0x01020304, 0x05060708, net::ip::make_address_v4("198.51.100.7")};
  check_decode(linux64, message(linux64, ipproto_ip, linux_ip_recverr, cat({ee, sockaddr_in_linux("198.51.100.7", 0)})),
      expected);
  expected.error->offender.reset();
  check_decode(linux64, message(linux64, ipproto_ip, linux_ip_recverr, cat({ee, sockaddr_in_linux("0.0.0.0", 0, 0)})),
      expected); // AF_UNSPEC: a local error
  check_decode(linux64, message(linux64, ipproto_ip, linux_ip_recverr, ee), expected);
  check_malformed(linux64, message(linux64, ipproto_ip, linux_ip_recverr, bytes(ee.begin(), ee.end() - 1)));
}

BOOST_AUTO_TEST_CASE(linux_send_known_answers)
{
  control_message m;
  m.local = net::ip::make_address_v4("10.0.0.1");
  m.interface_index = 3;
  m.ttl = 9;
  m.tos = 0x28;
  m.segment_size = 1200;
  for (const platform* p : {&linux64, &linux32})
    check_encode(*p, m,
        cat({message(*p, ipproto_ip, linux_ip_pktinfo, cat({u32(3), be_address("10.0.0.1"), u32(0)})),
            message(*p, ipproto_ip, linux_ip_ttl, u32(9)), message(*p, ipproto_ip, linux_ip_tos, u32(0x28)),
            message(*p, ipproto_udp, linux_udp_segment, {0xb0, 0x04})}));
  m = control_message();
  m.interface_index = 0x80000000u; // ipi_ifindex is an int
  check_encode_fails(linux64, m, net::error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(linux_timestamps)
{
  // 64-bit: struct __kernel_old_timeval and struct timespec of two longs,
  // scm_timestamping of three such timespecs; the _NEW forms the same.
  // 32-bit: the old forms of 32-bit fields, the new ones of 64-bit fields.
  struct form
  {
    const platform* p;
    int type;
    std::size_t width; // of each field
    bool micro;
  };
  const form forms[] = {{&linux64, linux_so_timestamp_old, 8, true}, {&linux64, linux_so_timestampns_old, 8, false},
      {&linux64, linux_so_timestamp_new, 8, true}, {&linux64, linux_so_timestampns_new, 8, false},
      {&linux32, linux_so_timestamp_old, 4, true}, {&linux32, linux_so_timestampns_old, 4, false},
      {&linux32, linux_so_timestamp_new, 8, true}, {&linux32, linux_so_timestampns_new, 8, false}};
  for (const form& f : forms)
  {
    BOOST_TEST_CONTEXT(f.p->name << " type " << f.type)
    {
      control_message expected;
      expected.software_time = at(kernel_time::realtime, f.micro ? 1700000000123456000 : 1700000000123456789);
      check_decode(*f.p, message(*f.p, linux_sol_socket, f.type, pair(f.width, 1700000000, f.micro ? 123456 : 123456789)),
          expected);
      // One byte short of the struct.
      check_malformed(*f.p, message(*f.p, linux_sol_socket, f.type, bytes(2 * f.width - 1, 0)));
      // The fraction out of range.
      check_malformed(*f.p, message(*f.p, linux_sol_socket, f.type, pair(f.width, 1, f.micro ? 1000000 : 1000000000)));
    }
  }
  // SCM_TIMESTAMPING: ts[0] software, ts[1] ignored, ts[2] hardware.
  for (const auto& [p, type, width] : {std::tuple{&linux64, linux_so_timestamping_old, std::size_t(8)},
           std::tuple{&linux64, linux_so_timestamping_new, std::size_t(8)},
           std::tuple{&linux32, linux_so_timestamping_old, std::size_t(4)},
           std::tuple{&linux32, linux_so_timestamping_new, std::size_t(8)}})
  {
    BOOST_TEST_CONTEXT(p->name << " type " << type)
    {
      control_message expected;
      expected.software_time = at(kernel_time::realtime, 1700000000000000005);
      expected.hardware_time = at(kernel_time::hardware, 1234000000006);
      check_decode(*p,
          message(*p, linux_sol_socket, type, cat({pair(width, 1700000000, 5), pair(width, 77, 77), pair(width, 1234, 6)})),
          expected);
      expected.software_time.reset();
      check_decode(*p, message(*p, linux_sol_socket, type, cat({pair(width, 0, 0), pair(width, 0, 0), pair(width, 1234, 6)})),
          expected);
      check_malformed(*p, message(*p, linux_sol_socket, type, bytes(6 * width - 1, 0)));
    }
  }
  // The numbers at another level are something else.
  check_decode(linux64, message(linux64, ipproto_ip, linux_so_timestampns_old, pair(8, 1, 1)), control_message());
}

BOOST_AUTO_TEST_CASE(linux_timestamp_id)
{
  // SCM_TS_OPT_ID: a __u32 at SOL_SOCKET.
  control_message m;
  m.timestamp_id = 0x01020304;
  for (const platform* p : {&linux64, &linux32})
    check_encode(*p, m, message(*p, linux_sol_socket, linux_scm_ts_opt_id, u32(0x01020304)));
}

// --- FreeBSD ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(freebsd_receive_known_answers)
{
  // ip(4): IP_RECVDSTADDR an in_addr, IP_RECVIF a sockaddr_dl, IP_RECVTTL and
  // IP_RECVTOS one byte each, IP_ORIGDSTADDR a sockaddr_in.
  const bytes b = cat({message(freebsd, ipproto_ip, bsd_ip_recvdstaddr, be_address("239.1.2.3")),
      message(freebsd, ipproto_ip, bsd_ip_recvif, sockaddr_dl(4)), message(freebsd, ipproto_ip, freebsd_ip_recvttl, {63}),
      message(freebsd, ipproto_ip, freebsd_ip_recvtos, {0x2e}),
      message(freebsd, ipproto_ip, freebsd_ip_origdstaddr, sockaddr_in_bsd("198.51.100.2", 53))});
  // Each one-byte message takes CMSG_SPACE(1) = 24 bytes.
  BOOST_TEST(message(freebsd, ipproto_ip, freebsd_ip_recvttl, {63}).size() == 24u);
  control_message expected;
  expected.destination = net::ip::make_address_v4("239.1.2.3");
  expected.interface_index = 4;
  expected.ttl = 63;
  expected.tos = 0x2e;
  expected.original_destination = net::ip::udp::endpoint(net::ip::make_address_v4("198.51.100.2"), 53);
  check_decode(freebsd, b, expected);
  // Linux's numbers mean nothing here: type 2 (IP_HDRINCL) and 8 (IP_RETOPTS).
  check_decode(freebsd,
      cat({message(freebsd, ipproto_ip, linux_ip_ttl, u32(64)), message(freebsd, ipproto_ip, linux_ip_pktinfo, bytes(12, 1))}),
      control_message());
}

BOOST_AUTO_TEST_CASE(freebsd_send)
{
  // udp_output: IP_SENDSRCADDR (an in_addr), IP_TOS (one byte).
  control_message m;
  m.local = net::ip::make_address_v4("192.0.2.9");
  m.tos = 0xb8;
  check_encode(freebsd, m,
      cat({message(freebsd, ipproto_ip, bsd_ip_recvdstaddr, be_address("192.0.2.9")),
          message(freebsd, ipproto_ip, bsd_ip_tos, {0xb8})}));
  // No per-datagram TTL, interface or segment size: refused before sending.
  control_message ttl;
  ttl.ttl = 5;
  check_encode_fails(freebsd, ttl, net::error::operation_not_supported);
  control_message index;
  index.interface_index = 2;
  check_encode_fails(freebsd, index, net::error::operation_not_supported);
  control_message gso;
  gso.segment_size = 1200;
  check_encode_fails(freebsd, gso, net::error::operation_not_supported);
  // A TTL of 0 is invalid anywhere, before it is unsupported.
  ttl.ttl = 0;
  check_encode_fails(freebsd, ttl, net::error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(freebsd_timestamps)
{
  // ip_savecontrol: SCM_TIMESTAMP (struct timeval: time_t, long
  // suseconds_t), SCM_REALTIME and SCM_MONOTONIC (struct timespec),
  // SCM_BINTIME (struct bintime: time_t sec, uint64_t frac in 2^-64 s).
  control_message expected;
  expected.software_time = at(kernel_time::realtime, 1700000000000001000);
  check_decode(freebsd, message(freebsd, bsd_sol_socket, bsd_scm_timestamp, pair(8, 1700000000, 1)), expected);
  expected.software_time = at(kernel_time::realtime, 1700000000000000001);
  check_decode(freebsd, message(freebsd, bsd_sol_socket, freebsd_scm_realtime, pair(8, 1700000000, 1)), expected);
  expected.software_time = at(kernel_time::monotonic, 3600000000002);
  check_decode(freebsd, message(freebsd, bsd_sol_socket, freebsd_scm_monotonic, pair(8, 3600, 2)), expected);
  // frac = 2^63: half a second; 2^64 - 1: 999999999 ns (rounded down, as
  // bintime2timespec does).
  expected.software_time = at(kernel_time::realtime, 1700000000500000000);
  check_decode(freebsd,
      message(freebsd, bsd_sol_socket, freebsd_scm_bintime, cat({u64(1700000000), u64(std::uint64_t(1) << 63)})), expected);
  expected.software_time = at(kernel_time::realtime, 1999999999);
  check_decode(freebsd, message(freebsd, bsd_sol_socket, freebsd_scm_bintime, cat({u64(1), u64(~std::uint64_t(0))})),
      expected);
  // SO_BINTIME and SO_TIMESTAMP with SO_TS_CLOCK = SO_TS_MONOTONIC together:
  // the realtime stamp is kept, in either order.
  const bytes bin = message(freebsd, bsd_sol_socket, freebsd_scm_bintime, cat({u64(7), u64(0)}));
  const bytes mono = message(freebsd, bsd_sol_socket, freebsd_scm_monotonic, pair(8, 3, 0));
  expected.software_time = at(kernel_time::realtime, 7000000000);
  check_decode(freebsd, cat({bin, mono}), expected);
  check_decode(freebsd, cat({mono, bin}), expected);
  // SCM_TIME_INFO with ST_INFO_HW (1): the card took the stamp; it is on
  // the system's clock already.
  bytes info = u32(1);
  info.resize(64, 0); // struct sock_timestamp_info
  control_message card;
  card.hardware_time = at(kernel_time::realtime, 1700000000000000001);
  check_decode(freebsd,
      cat({message(freebsd, bsd_sol_socket, freebsd_scm_realtime, pair(8, 1700000000, 1)),
          message(freebsd, bsd_sol_socket, freebsd_scm_time_info, info)}),
      card);
  info[0] = 0; // not from the card
  control_message soft;
  soft.software_time = card.hardware_time;
  check_decode(freebsd,
      cat({message(freebsd, bsd_sol_socket, freebsd_scm_realtime, pair(8, 1700000000, 1)),
          message(freebsd, bsd_sol_socket, freebsd_scm_time_info, info)}),
      soft);
  // Linux's numbers mean nothing here (29 at 0xffff is no message).
  check_decode(freebsd, message(freebsd, bsd_sol_socket, linux_so_timestamp_old, pair(8, 1, 1)), control_message());
  check_malformed(freebsd, message(freebsd, bsd_sol_socket, freebsd_scm_realtime, pair(8, 1, 1000000000)));
  // No per-datagram timestamp id.
  control_message id;
  id.timestamp_id = 1;
  check_encode_fails(freebsd, id, net::error::operation_not_supported);
}

// --- macOS -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(macos_receive_known_answers)
{
  // xnu ip_savecontrol: IP_RECVPKTINFO (in_pktinfo with ipi_spec_dst zero),
  // IP_RECVDSTADDR, IP_RECVIF, IP_RECVTTL and IP_RECVTOS as one byte.
  const bytes b = cat({message(macos, ipproto_ip, macos_ip_pktinfo, cat({u32(5), u32(0), be_address("224.0.0.251")})),
      message(macos, ipproto_ip, bsd_ip_recvdstaddr, be_address("224.0.0.251")),
      message(macos, ipproto_ip, bsd_ip_recvif, sockaddr_dl(5)), message(macos, ipproto_ip, macos_ip_recvttl, {255}),
      message(macos, ipproto_ip, macos_ip_recvtos, {0x01})});
  // 4-byte alignment: a one-byte message takes 16 bytes, not 24.
  BOOST_TEST(message(macos, ipproto_ip, macos_ip_recvttl, {255}).size() == 16u);
  control_message expected;
  expected.destination = net::ip::make_address_v4("224.0.0.251");
  expected.interface_index = 5;
  expected.ttl = 255;
  expected.tos = 0x01;
  check_decode(macos, b, expected);
  // Decoded with 8-byte alignment the same bytes go wrong: the layout matters.
  control_message wrong = junk();
  const error_code ec = asio_ipv4::detail::decode_control(freebsd.layout, b.data(), b.size(), false, wrong);
  BOOST_TEST((ec || wrong != expected));
}

BOOST_AUTO_TEST_CASE(macos_send)
{
  // udp_check_pktinfo: IP_PKTINFO with ipi_ifindex or ipi_spec_dst;
  // so_tos_from_control: IP_TOS as an int.
  control_message m;
  m.local = net::ip::make_address_v4("192.0.2.9");
  m.tos = 0x10;
  check_encode(macos, m,
      cat({message(macos, ipproto_ip, macos_ip_pktinfo, cat({u32(0), be_address("192.0.2.9"), u32(0)})),
          message(macos, ipproto_ip, bsd_ip_tos, u32(0x10))}));
  m = control_message();
  m.interface_index = 4;
  check_encode(macos, m, message(macos, ipproto_ip, macos_ip_pktinfo, cat({u32(4), u32(0), u32(0)})));
  // A non-zero ipi_ifindex makes xnu drop ipi_spec_dst: both is refused.
  m.local = net::ip::make_address_v4("192.0.2.9");
  check_encode_fails(macos, m, net::error::operation_not_supported);
  control_message ttl;
  ttl.ttl = 9;
  check_encode_fails(macos, ttl, net::error::operation_not_supported);
}

BOOST_AUTO_TEST_CASE(macos_timestamps)
{
  // SCM_TIMESTAMP: struct timeval { long tv_sec; __int32_t tv_usec; }, 16
  // bytes with 4 of padding (here not zero: they must not be read);
  // SCM_TIMESTAMP_MONOTONIC: a uint64_t, mach_absolute_time().
  bytes tv = cat({u64(1700000000), u32(250000), u32(0xdeadbeef)});
  control_message expected;
  expected.software_time = at(kernel_time::realtime, 1700000000250000000);
  check_decode(macos, message(macos, bsd_sol_socket, bsd_scm_timestamp, tv), expected);
  // 4-byte alignment: the data at 12.
  BOOST_TEST(message(macos, bsd_sol_socket, bsd_scm_timestamp, tv).size() == 28u);
  control_message ticks;
  ticks.software_time = at(kernel_time::performance_counter, 123456789012345);
  check_decode(macos, message(macos, bsd_sol_socket, macos_scm_timestamp_monotonic, u64(123456789012345)), ticks);
  // Both options on: the realtime stamp is kept, in either order.
  const bytes both = cat({message(macos, bsd_sol_socket, bsd_scm_timestamp, tv),
      message(macos, bsd_sol_socket, macos_scm_timestamp_monotonic, u64(5))});
  check_decode(macos, both, expected);
  check_decode(macos,
      cat({message(macos, bsd_sol_socket, macos_scm_timestamp_monotonic, u64(5)),
          message(macos, bsd_sol_socket, bsd_scm_timestamp, tv)}),
      expected);
  check_malformed(macos, message(macos, bsd_sol_socket, bsd_scm_timestamp, cat({u64(1), u32(1000000), u32(0)})));
  // A counter past 2^63 cannot be a count of nanoseconds' type.
  check_malformed(macos, message(macos, bsd_sol_socket, macos_scm_timestamp_monotonic, u64(~std::uint64_t(0))));
  control_message id;
  id.timestamp_id = 1;
  check_encode_fails(macos, id, net::error::operation_not_supported);
}

// --- QNX -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(qnx_receive_known_answers)
{
  // The seed's ip(4): cmsg_len = sizeof(cmsghdr) + sizeof(in_addr), level
  // IPPROTO_IP, type IP_RECVDSTADDR; and a sockaddr_dl for IP_RECVIF.
  const bytes b = cat({message(qnx, ipproto_ip, bsd_ip_recvdstaddr, be_address("10.1.2.3")),
      message(qnx, ipproto_ip, bsd_ip_recvif, sockaddr_dl(12))});
  BOOST_TEST(message(qnx, ipproto_ip, bsd_ip_recvdstaddr, be_address("10.1.2.3")).size() == 24u);
  control_message expected = with_destination("10.1.2.3");
  expected.interface_index = 12;
  check_decode(qnx, b, expected);
  // The seed's cmsg_len is 12 + 4 = 16 with 4 bytes of data: the decoder
  // reads the data at CMSG_LEN(0) = 16 only where the header is padded.
  control_message m;
  m.local = net::ip::make_address_v4("10.1.2.3");
  check_encode(qnx, m, message(qnx, ipproto_ip, bsd_ip_recvdstaddr, be_address("10.1.2.3")));
}

BOOST_AUTO_TEST_CASE(qnx_timestamps)
{
  // SCM_TIMESTAMP: a 64-bit time_t and a 32-bit suseconds_t, padded to 16.
  control_message expected;
  expected.software_time = at(kernel_time::realtime, 1700000000000007000);
  check_decode(qnx, message(qnx, bsd_sol_socket, bsd_scm_timestamp, cat({u64(1700000000), u32(7), u32(0)})), expected);
  control_message id;
  id.timestamp_id = 1;
  check_encode_fails(qnx, id, net::error::operation_not_supported);
}

// --- Windows ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(windows_receive_known_answers)
{
  // IN_PKTINFO { IN_ADDR ipi_addr; ULONG ipi_ifindex; }; IP_TTL and
  // IP_HOPLIMIT ints; IP_TOS, IP_TCLASS ints; UDP_COALESCED_INFO a DWORD.
  const bytes b = cat({message(windows, ipproto_ip, win_ip_pktinfo, cat({be_address("192.0.2.77"), u32(11)})),
      message(windows, ipproto_ip, win_ip_ttl, u32(128)), message(windows, ipproto_ip, win_ip_tos, u32(0x48)),
      message(windows, ipproto_udp, win_udp_coalesced_info, u32(1472))});
  control_message expected;
  expected.destination = net::ip::make_address_v4("192.0.2.77");
  expected.interface_index = 11;
  expected.ttl = 128;
  expected.tos = 0x48;
  expected.segment_size = 1472;
  check_decode(windows, b, expected);
  // Older builds: IP_HOPLIMIT and IP_TCLASS.
  control_message old;
  old.ttl = 64;
  old.tos = 0x20;
  check_decode(windows,
      cat({message(windows, ipproto_ip, win_ip_hoplimit, u32(64)), message(windows, ipproto_ip, win_ip_tclass, u32(0x20))}),
      old);
  // IP_ECN holds the ECN bits only: checked, not reported as a TOS.
  check_decode(windows, message(windows, ipproto_ip, win_ip_ecn, u32(2)), control_message());
  check_malformed(windows, message(windows, ipproto_ip, win_ip_ecn, {2}));
}

BOOST_AUTO_TEST_CASE(windows_send)
{
  control_message m;
  m.local = net::ip::make_address_v4("192.0.2.77");
  m.interface_index = 11;
  m.tos = 0x02; // ECT(0), no DSCP
  m.segment_size = 1200;
  check_encode(windows, m,
      cat({message(windows, ipproto_ip, win_ip_pktinfo, cat({be_address("192.0.2.77"), u32(11)})),
          message(windows, ipproto_ip, win_ip_ecn, u32(2)),
          message(windows, ipproto_udp, win_udp_send_msg_size, u32(1200))}));
  control_message dscp;
  dscp.tos = 0xb8; // DSCP bits cannot be sent per datagram
  check_encode_fails(windows, dscp, net::error::operation_not_supported);
}

BOOST_AUTO_TEST_CASE(windows_timestamps)
{
  // "Winsock timestamping": SO_TIMESTAMP (0x300A) at SOL_SOCKET, a UINT64
  // counter value (QueryPerformanceCounter ticks for software stamps).
  control_message expected;
  expected.software_time = at(kernel_time::performance_counter, 98765432109876);
  check_decode(windows, message(windows, bsd_sol_socket, win_so_timestamp, u64(98765432109876)), expected);
  check_malformed(windows, message(windows, bsd_sol_socket, win_so_timestamp, u32(1)));
  // SO_TIMESTAMP_ID (0x300B): the UINT32 a send carries.
  control_message m;
  m.timestamp_id = 0x0a0b0c0d;
  check_encode(windows, m, message(windows, bsd_sol_socket, win_so_timestamp_id, u32(0x0a0b0c0d)));
}

// --- Every layout ----------------------------------------------------------

// The receive buffer's room: what the kernel may send with one datagram,
// CMSG_SPACE of each message written out per platform (data sizes from the
// headers cited above); of the timestamps one per group.
BOOST_AUTO_TEST_CASE(decoded_space_every_layout)
{
  using asio_ipv4::detail::decoded_space;
  using asio_ipv4::detail::encoded_space;
  // Linux 64: in_pktinfo 12 -> 32, IP_TTL int -> 24, IP_TOS 1 -> 24,
  // sockaddr_in -> 32, sock_extended_err + offender 32 -> 48, UDP_GRO int
  // -> 24, SO_RXQ_OVFL u32 -> 24; SCM_TIMESTAMP(NS) 16 -> 32 (one of four),
  // SCM_TIMESTAMPING 48 -> 64 (one of two).
  BOOST_TEST(decoded_space(linux64.layout) == 32u + 24 + 24 + 32 + 48 + 24 + 24 + 32 + 64);
  // Send: in_pktinfo 32, IP_TTL 24, IP_TOS 24, UDP_SEGMENT u16 24,
  // SCM_TS_OPT_ID u32 24.
  BOOST_TEST(encoded_space(linux64.layout) == 32u + 24 + 24 + 24 + 24);
  // Linux 32 (data at 12, 4-byte alignment): 24, 16, 16, 28, 44, 16, 16;
  // the largest stamps are the new forms: 16 -> 28, 48 -> 60.
  BOOST_TEST(decoded_space(linux32.layout) == 24u + 16 + 16 + 28 + 44 + 16 + 16 + 28 + 60);
  // FreeBSD (data at 16, 8-byte alignment): in_addr 24, sockaddr_dl 20 ->
  // 40, two bytes 24 + 24, sockaddr_in 32; SCM_BINTIME 16 -> 32, one of
  // SCM_TIMESTAMP / SCM_REALTIME / SCM_MONOTONIC 16 -> 32, SCM_TIME_INFO 64
  // -> 80.
  BOOST_TEST(decoded_space(freebsd.layout) == 24u + 40 + 24 + 24 + 32 + 32 + 32 + 80);
  // macOS (data at 12, 4-byte alignment): in_pktinfo 24, in_addr 16,
  // sockaddr_dl 32, two bytes 16 + 16, SCM_TIMESTAMP 16 -> 28,
  // SCM_TIMESTAMP_MONOTONIC 8 -> 20 (both may come).
  BOOST_TEST(decoded_space(macos.layout) == 24u + 16 + 32 + 16 + 16 + 28 + 20);
  // QNX (data at 16): in_addr 24, sockaddr_dl 40, SCM_TIMESTAMP 32.
  BOOST_TEST(decoded_space(qnx.layout) == 24u + 40 + 32);
  // Windows (data at 16): IN_PKTINFO 8 -> 24, six 4-byte messages of 24,
  // SO_TIMESTAMP 8 -> 24.
  BOOST_TEST(decoded_space(windows.layout) == 24u + 6 * 24 + 24);
  BOOST_TEST(encoded_space(windows.layout) == 24u + 24 + 24 + 24);
}

// Hostile buffers, for each layout: the messages before a bad one stay
// decoded; lengths below the header or past the end, huge lengths, short
// data, values a field cannot hold.
BOOST_AUTO_TEST_CASE(malformed_input_every_layout)
{
  for (const platform* p : {&linux64, &linux32, &freebsd, &macos, &qnx, &windows})
  {
    BOOST_TEST_CONTEXT(p->name)
    {
      const int dst_type = p->layout.receive[0].type; // every layout's first message fills destination or more
      const bytes good = p == &linux64 || p == &linux32 || p == &macos
          ? message(*p, ipproto_ip, dst_type, cat({u32(1), be_address("10.0.0.1"), be_address("10.0.0.2")}))
          : p == &windows ? message(*p, ipproto_ip, dst_type, cat({be_address("10.0.0.2"), u32(1)}))
                          : message(*p, ipproto_ip, dst_type, be_address("10.0.0.2"));
      control_message before = junk();
      BOOST_TEST(!asio_ipv4::detail::decode_control(p->layout, good.data(), good.size(), false, before));
      const std::size_t start = p->layout.data_offset();
      for (std::uint64_t len : {std::uint64_t(0), std::uint64_t(1), std::uint64_t(start - 1)})
        BOOST_TEST_CONTEXT("cmsg_len " << len)
      {
        check_malformed(*p, message(*p, ipproto_ip, dst_type, {}, true, len));
        check_malformed(*p, cat({good, message(*p, ipproto_ip, dst_type, {}, true, len), bytes(8, 0)}), before);
      }
      const std::uint64_t huge = p->length_size == 8 ? ~std::uint64_t(0) : 0xffffffffu;
      for (std::uint64_t len : {std::uint64_t(start + 5), huge, huge - 7})
        BOOST_TEST_CONTEXT("cmsg_len " << len) check_malformed(*p, message(*p, ipproto_ip, 99, u32(1), false, len));
      // Every known message, one byte short.
      for (const auto& e : p->layout.receive)
      {
        if (!e.present())
          break;
        const std::size_t need = asio_ipv4::detail::cmsg_data_size(e.kind);
        BOOST_TEST_CONTEXT("type " << e.type) check_malformed(*p, message(*p, e.level, e.type, bytes(need - 1, 0)));
      }
      // Truncated by the kernel (MSG_CTRUNC): what fits is decoded.
      const bytes two = cat({good, message(*p, ipproto_ip, 99, bytes(12, 7))}); // 99: no layout's type
      for (std::size_t cut = good.size(); cut < two.size(); ++cut)
        check_decode(*p, bytes(two.begin(), two.begin() + static_cast<std::ptrdiff_t>(cut)), true,
            asio_ipv4::error::control_truncated, before);
      // Every prefix of a buffer, unflagged: never a read past the end (the
      // guarded page), and a result that is success or malformed_control.
      for (std::size_t cut = 0; cut <= two.size(); ++cut)
      {
        guarded_copy copy(bytes(two.begin(), two.begin() + static_cast<std::ptrdiff_t>(cut)));
        control_message m;
        const error_code ec = asio_ipv4::detail::decode_control(p->layout, copy.data(), copy.size(), false, m);
        BOOST_TEST((!ec || ec == asio_ipv4::error::malformed_control), "prefix " << cut << ": " << ec.message());
      }
    }
  }
  // Values a field cannot hold.
  check_malformed(linux64, message(linux64, ipproto_ip, linux_ip_ttl, u32(256)));
  check_malformed(linux64, message(linux64, ipproto_udp, linux_udp_gro, u32(65536)));
  check_malformed(freebsd, message(freebsd, ipproto_ip, bsd_ip_recvif, sockaddr_dl(3, 2))); // not AF_LINK
  check_malformed(freebsd, message(freebsd, ipproto_ip, freebsd_ip_origdstaddr, sockaddr_in_bsd("10.0.0.1", 1, 28)));
  check_malformed(windows, message(windows, ipproto_ip, win_ip_tos, u32(0x100)));
}

// The unpadded last message, and unaligned data, decode the same.
BOOST_AUTO_TEST_CASE(padding_and_alignment_every_layout)
{
  for (const platform* p : {&linux64, &linux32, &freebsd, &macos, &qnx, &windows})
  {
    BOOST_TEST_CONTEXT(p->name)
    {
      const bytes b = message(*p, ipproto_ip, bsd_ip_recvdstaddr, be_address("10.9.8.7"), false);
      const control_message expected = p == &freebsd || p == &macos || p == &qnx ? with_destination("10.9.8.7") : control_message();
      check_decode(*p, b, expected);
      bytes shifted(1, 0);
      shifted.insert(shifted.end(), b.begin(), b.end());
      control_message m;
      BOOST_TEST(!asio_ipv4::detail::decode_control(p->layout, shifted.data() + 1, b.size(), false, m));
      BOOST_TEST(m == expected, "decoded " << describe(m) << ", expected " << describe(expected));
    }
  }
}

// What one layout encodes, the same layout decodes (where a receive type
// mirrors the send type).
BOOST_AUTO_TEST_CASE(round_trip)
{
  control_message m;
  m.local = net::ip::make_address_v4("10.0.0.1");
  m.interface_index = 3;
  m.ttl = 9;
  error_code ec;
  bytes b = encode(linux64, m, ec);
  BOOST_TEST_REQUIRE(!ec);
  control_message expected = m;
  expected.destination = address_v4(); // ipi_addr is left zero on send
  check_decode(linux64, b, expected);

  control_message src;
  src.local = net::ip::make_address_v4("10.0.0.1");
  b = encode(freebsd, src, ec);
  BOOST_TEST_REQUIRE(!ec);
  check_decode(freebsd, b, with_destination("10.0.0.1")); // IP_SENDSRCADDR = IP_RECVDSTADDR
}

// Capacity: too small fails with message_too_long and writes nothing, for
// every layout.
BOOST_AUTO_TEST_CASE(capacity_every_layout)
{
  for (const platform* p : {&linux64, &linux32, &freebsd, &macos, &qnx, &windows})
  {
    BOOST_TEST_CONTEXT(p->name)
    {
      control_message m;
      m.local = net::ip::make_address_v4("10.0.0.1");
      error_code ec;
      const std::size_t needed = encode(*p, m, ec).size();
      BOOST_TEST_REQUIRE(!ec);
      BOOST_TEST(needed <= asio_ipv4::detail::encoded_space(p->layout));
      check_encode_fails(*p, m, asio_ipv4::error::message_too_long, needed - 1);
      BOOST_TEST(encode(*p, m, ec, needed).size() == needed);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
