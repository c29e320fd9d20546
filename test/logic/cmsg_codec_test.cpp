// The control-message codec, byte by byte, without a socket: decode_control
// on buffers built by hand (cmsghdr, data at CMSG_LEN(0), zero padding to
// CMSG_ALIGN), encode_control against hand-built bytes. The same codec on
// buffers the kernel produced: loopback/cmsg_codec_kernel_test.cpp.
//
// Every decoded buffer sits at the very end of a readable page, followed by
// an inaccessible one: a read past the end faults, with or without ASan.

// This suite checks the host layout against Linux's own headers, so it
// is compiled only where <linux/errqueue.h> exists: a macOS cross build
// leaves it out and links the rest.
#if __has_include(<linux/errqueue.h>)

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include "cmsg_check.hpp"
#include "test_util.hpp"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/time_types.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

using asio_ipv4::test::addr;
using asio_ipv4::test::check_decode;
using asio_ipv4::test::describe;
using asio_ipv4::test::every_field;
using asio_ipv4::test::junk;
using asio_ipv4::test::sockaddr_of;
using asio_ipv4::test::got_expected;
using asio_ipv4::test::in_addr_of;

namespace net = boost::asio;
namespace tt = boost::test_tools;
using asio_ipv4::control_message;
using asio_ipv4::extended_error;
using asio_ipv4::kernel_time;
using asio_ipv4::detail::decode_control;
using asio_ipv4::detail::encode_control;
using boost::system::error_code;
using net::ip::address_v4;
using net::ip::udp;
using bytes = std::vector<unsigned char>;

std::vector<int> as_ints(const unsigned char* data, std::size_t size)
{
  return std::vector<int>(data, data + size);
}

// Builds a control buffer by hand.
class control_builder
{
public:
  // A complete message: header, data at CMSG_LEN(0), zero padding.
  control_builder& add(int level, int type, const void* data, std::size_t size)
  {
    return add_raw(level, type, CMSG_LEN(size), data, size, true);
  }

  template <class T>
  control_builder& add(int level, int type, const T& value)
  {
    return add(level, type, &value, sizeof(value));
  }

  // A header claiming `length`, then `size` data bytes, padded or not.
  control_builder& add_raw(int level, int type, std::size_t length, const void* data, std::size_t size, bool pad)
  {
    cmsghdr h;
    std::memset(&h, 0, sizeof(h));
    h.cmsg_len = length;
    h.cmsg_level = level;
    h.cmsg_type = type;
    const auto* hb = reinterpret_cast<const unsigned char*>(&h);
    bytes_.insert(bytes_.end(), hb, hb + sizeof(h));
    bytes_.resize(bytes_.size() + (CMSG_LEN(0) - sizeof(h)), 0);
    const auto* db = static_cast<const unsigned char*>(data);
    bytes_.insert(bytes_.end(), db, db + size);
    if (pad)
      bytes_.resize(CMSG_ALIGN(bytes_.size()), 0);
    return *this;
  }

  // Raw bytes appended as they are.
  control_builder& append(const bytes& more)
  {
    bytes_.insert(bytes_.end(), more.begin(), more.end());
    return *this;
  }

  const bytes& get() const { return bytes_; }

private:
  bytes bytes_;
};

void check_malformed(const bytes& b, const control_message& expected = {})
{
  check_decode(b, false, asio_ipv4::error::malformed_control, expected);
}

// --- Message data as the kernel lays it out (ip(7), udp(7)).

in_pktinfo pktinfo(const char* destination, const char* local, int interface_index)
{
  in_pktinfo p;
  std::memset(&p, 0, sizeof(p));
  p.ipi_ifindex = interface_index;
  p.ipi_spec_dst = in_addr_of(local);
  p.ipi_addr = in_addr_of(destination);
  return p;
}

struct recverr_data
{
  sock_extended_err ee;
  sockaddr_in offender;
};

recverr_data recverr(sa_family_t offender_family)
{
  recverr_data r;
  std::memset(&r, 0, sizeof(r));
  r.ee.ee_errno = ECONNREFUSED;
  r.ee.ee_origin = SO_EE_ORIGIN_ICMP;
  r.ee.ee_type = 3;
  r.ee.ee_code = 3;
  r.ee.ee_info = 0x01020304;
  r.ee.ee_data = 0x05060708;
  r.offender = sockaddr_of("198.51.100.7", 0, offender_family);
  return r;
}

extended_error expected_recverr(bool with_offender)
{
  extended_error e;
  e.error = ECONNREFUSED;
  e.origin = extended_error::origin_icmp;
  e.type = 3;
  e.code = 3;
  e.info = 0x01020304;
  e.data = 0x05060708;
  if (with_offender)
    e.offender = addr("198.51.100.7");
  return e;
}

// The six messages the codec knows, each with its expected field.
control_builder& add_all_known(control_builder& b)
{
  const int ttl = 200;
  const std::uint8_t tos = 0xb9;
  const int gro = 1400;
  return b.add(IPPROTO_IP, IP_PKTINFO, pktinfo("239.1.2.3", "192.0.2.1", 7))
      .add(IPPROTO_IP, IP_TTL, ttl)
      .add(IPPROTO_IP, IP_TOS, tos)
      .add(IPPROTO_IP, IP_ORIGDSTADDR, sockaddr_of("203.0.113.9", 5353))
      .add(IPPROTO_IP, IP_RECVERR, recverr(AF_INET))
      .add(SOL_UDP, UDP_GRO, gro);
}

control_message all_known_expected()
{
  return every_field("239.1.2.3", "192.0.2.1", 7, 200, 0xb9, udp::endpoint(addr("203.0.113.9"), 5353),
      expected_recverr(true), 1400);
}

// --- Encoding helpers.

// Every field encode_control sends.
control_message every_tx_field()
{
  control_message m;
  m.local = addr("10.0.0.1");
  m.interface_index = 3;
  m.ttl = 9;
  m.tos = 0x28;
  m.segment_size = 1200;
  m.timestamp_id = 0xfedcba98;
  return m;
}

// The receive-only fields set too (encode_control ignores them).
control_message with_rx_fields(control_message m)
{
  m.destination = addr("239.1.1.1");
  m.original_destination = udp::endpoint(addr("10.9.9.9"), 99);
  m.error = expected_recverr(true);
  m.dropped = 3;
  m.software_time = kernel_time{kernel_time::realtime, std::chrono::nanoseconds(1)};
  m.hardware_time = kernel_time{kernel_time::hardware, std::chrono::nanoseconds(2)};
  return m;
}

// --- Timestamps as <linux/errqueue.h> and <linux/time_types.h> lay them out.

// SCM_TSTAMP_OPT_ID: <asm-generic/socket.h> of Linux 6.13 (these headers
// are older).
#ifdef SCM_TS_OPT_ID
constexpr int scm_ts_opt_id = SCM_TS_OPT_ID;
#else
constexpr int scm_ts_opt_id = 81;
#endif

kernel_time realtime(std::int64_t ns)
{
  return kernel_time{kernel_time::realtime, std::chrono::nanoseconds(ns)};
}

kernel_time hardware(std::int64_t ns)
{
  return kernel_time{kernel_time::hardware, std::chrono::nanoseconds(ns)};
}

timespec ts_of(long sec, long nsec)
{
  timespec t;
  std::memset(&t, 0, sizeof t);
  t.tv_sec = sec;
  t.tv_nsec = nsec;
  return t;
}

scm_timestamping timestamping_of(timespec software, timespec hardware)
{
  scm_timestamping t;
  std::memset(&t, 0, sizeof t);
  t.ts[0] = software;
  t.ts[2] = hardware;
  return t;
}

// Encodes into a buffer pre-filled with 0xee; checks the bytes used and
// that nothing past them was written.
bytes encode(const control_message& m, std::size_t capacity, error_code& ec)
{
  bytes out(capacity + 16, 0xee);
  const std::size_t n = encode_control(m, out.data(), capacity, ec);
  BOOST_TEST(n <= capacity);
  for (std::size_t i = n; i < out.size(); ++i)
    BOOST_TEST_REQUIRE(int(out[i]) == 0xee,
        "byte " + std::to_string(i) + " past the " + std::to_string(n) + " bytes used was written");
  out.resize(n);
  return out;
}

void check_encode(const control_message& m, const bytes& expected)
{
  error_code ec;
  const bytes got = encode(m, 256, ec);
  BOOST_TEST(!ec, got_expected(ec, error_code()));
  BOOST_TEST(as_ints(got.data(), got.size()) == as_ints(expected.data(), expected.size()), tt::per_element());
}

void check_encode_fails(const control_message& m, std::size_t capacity, const error_code& expected)
{
  error_code ec;
  const bytes got = encode(m, capacity, ec);
  BOOST_TEST(ec == expected, got_expected(ec, expected));
  BOOST_TEST(got.size() == 0u);
}

// --- Real sockets (raw system calls, not the library).

} // namespace

BOOST_AUTO_TEST_SUITE(cmsg_codec_test)

// ===========================================================================
// Decoding hand-built buffers

BOOST_AUTO_TEST_CASE(decode_pktinfo)
{
  // ip(7): ipi_addr is the header's destination, ipi_spec_dst the local
  // address, ipi_ifindex the interface.
  control_message expected;
  expected.destination = addr("239.1.2.3");
  expected.local = addr("192.0.2.1");
  expected.interface_index = 7;
  check_decode(control_builder().add(IPPROTO_IP, IP_PKTINFO, pktinfo("239.1.2.3", "192.0.2.1", 7)).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_ttl)
{
  // ip(7): IP_TTL carries an int.
  control_message expected;
  expected.ttl = 200;
  check_decode(control_builder().add(IPPROTO_IP, IP_TTL, 200).get(), expected);
  expected.ttl = 1;
  check_decode(control_builder().add(IPPROTO_IP, IP_TTL, 1).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_tos)
{
  // The kernel sends IP_TOS as one byte: CMSG_LEN(1) = 17, padded to 24.
  const std::uint8_t tos = 0xb9;
  const bytes b = control_builder().add(IPPROTO_IP, IP_TOS, tos).get();
  BOOST_TEST(b.size() == CMSG_SPACE(1));
  control_message expected;
  expected.tos = 0xb9;
  check_decode(b, expected);
  // The last message's padding may be missing.
  check_decode(bytes(b.begin(), b.begin() + CMSG_LEN(1)), expected);
}

BOOST_AUTO_TEST_CASE(decode_original_destination)
{
  control_message expected;
  expected.original_destination = udp::endpoint(addr("203.0.113.9"), 5353);
  check_decode(control_builder().add(IPPROTO_IP, IP_ORIGDSTADDR, sockaddr_of("203.0.113.9", 5353)).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_recverr_with_offender)
{
  control_message expected;
  expected.error = expected_recverr(true);
  check_decode(control_builder().add(IPPROTO_IP, IP_RECVERR, recverr(AF_INET)).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_recverr_local_error)
{
  // A local error: the offender's family is AF_UNSPEC.
  control_message expected;
  expected.error = expected_recverr(false);
  check_decode(control_builder().add(IPPROTO_IP, IP_RECVERR, recverr(AF_UNSPEC)).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_recverr_without_offender_bytes)
{
  const recverr_data r = recverr(AF_INET);
  control_message expected;
  expected.error = expected_recverr(false);
  check_decode(control_builder().add(IPPROTO_IP, IP_RECVERR, &r.ee, sizeof(r.ee)).get(), expected);
  // Half an offender is no offender either.
  check_decode(control_builder().add(IPPROTO_IP, IP_RECVERR, &r, sizeof(r.ee) + 8).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_gro)
{
  // udp(7): UDP_GRO carries the segment size as an int.
  control_message expected;
  expected.segment_size = 1400;
  check_decode(control_builder().add(SOL_UDP, UDP_GRO, 1400).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_skips_unknown_messages)
{
  const unsigned char odd[5] = {1, 2, 3, 4, 5};
  const std::uint32_t mark = 7;
  const int ttl = 64;
  const bytes b = control_builder()
                      .add(SOL_SOCKET, SO_MARK, mark) // SO_RCVMARK's message
                      .add(SOL_SOCKET, scm_ts_opt_id, mark) // a send-side type
                      .add(IPPROTO_IP, 99, odd, sizeof(odd)) // 5 bytes: padding matters
                      .add(IPPROTO_IP, IP_TTL, ttl)
                      .add(IPPROTO_IP, IP_RECVOPTS, odd, 0)
                      .add(SOL_UDP, UDP_SEGMENT, odd, 2) // a send-side type, not decoded
                      .add(IPPROTO_IPV6, IP_TTL, odd, 1) // another level, same type number
                      .get();
  control_message expected;
  expected.ttl = 64;
  check_decode(b, expected);
}

BOOST_AUTO_TEST_CASE(decode_several_messages)
{
  control_builder b;
  check_decode(add_all_known(b).get(), all_known_expected());

  // Another order, with an unknown message in the middle.
  const unsigned char odd[3] = {9, 9, 9};
  control_builder reordered;
  reordered.add(SOL_UDP, UDP_GRO, 1400)
      .add(IPPROTO_IP, IP_RECVERR, recverr(AF_INET))
      .add(IPPROTO_IP, 77, odd, sizeof(odd))
      .add(IPPROTO_IP, IP_ORIGDSTADDR, sockaddr_of("203.0.113.9", 5353))
      .add(IPPROTO_IP, IP_TOS, std::uint8_t(0xb9))
      .add(IPPROTO_IP, IP_TTL, 200)
      .add(IPPROTO_IP, IP_PKTINFO, pktinfo("239.1.2.3", "192.0.2.1", 7));
  check_decode(reordered.get(), all_known_expected());
}

BOOST_AUTO_TEST_CASE(decode_clears_first)
{
  // check_decode starts from a control_message with every field set.
  check_decode(bytes(), control_message());
  const unsigned char odd[4] = {};
  check_decode(control_builder().add(IPPROTO_IP, 99, odd, sizeof(odd)).get(), control_message());
  // Also on failure.
  check_malformed(bytes(sizeof(cmsghdr), 0));
}

BOOST_AUTO_TEST_CASE(decode_empty_and_null)
{
  control_message m = junk();
  error_code ec = decode_control(nullptr, 0, false, m);
  BOOST_TEST(!ec, got_expected(ec, error_code()));
  BOOST_TEST(m == control_message(), "decoded " << describe(m));

  m = junk();
  ec = decode_control(nullptr, 0, true, m);
  const error_code truncated = asio_ipv4::error::control_truncated;
  BOOST_TEST(ec == truncated, got_expected(ec, truncated));
  BOOST_TEST(m == control_message(), "decoded " << describe(m));

  check_decode(bytes(), true, asio_ipv4::error::control_truncated, control_message());
}

// --- Timestamps

BOOST_AUTO_TEST_CASE(decode_timestampns)
{
  // socket(7) SO_TIMESTAMPNS: a struct timespec, CLOCK_REALTIME.
  control_message expected;
  expected.software_time = realtime(1700000000123456789);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(1700000000, 123456789)).get(), expected);
  expected.software_time = realtime(0);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(0, 0)).get(), expected);
  expected.software_time = realtime(999999999);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(0, 999999999)).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_timestamp_microseconds)
{
  // socket(7) SO_TIMESTAMP: a struct timeval.
  timeval tv;
  std::memset(&tv, 0, sizeof tv);
  tv.tv_sec = 1700000000;
  tv.tv_usec = 999999;
  control_message expected;
  expected.software_time = realtime(1700000000999999000);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMP, tv).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_new_forms)
{
  // The 64-bit-time forms (SO_TIMESTAMP*_NEW): struct __kernel_sock_timeval,
  // __kernel_timespec, scm_timestamping64.
  __kernel_sock_timeval tv{1700000001, 5};
  control_message expected;
  expected.software_time = realtime(1700000001000005000);
  check_decode(control_builder().add(SOL_SOCKET, SO_TIMESTAMP_NEW, tv).get(), expected);
  __kernel_timespec ts{1700000002, 7};
  expected.software_time = realtime(1700000002000000007);
  check_decode(control_builder().add(SOL_SOCKET, SO_TIMESTAMPNS_NEW, ts).get(), expected);
  scm_timestamping64 three;
  std::memset(&three, 0, sizeof three);
  three.ts[0] = __kernel_timespec{1700000003, 11};
  three.ts[2] = __kernel_timespec{12345, 678};
  expected.software_time = realtime(1700000003000000011);
  expected.hardware_time = hardware(12345000000678);
  check_decode(control_builder().add(SOL_SOCKET, SO_TIMESTAMPING_NEW, three).get(), expected);
}

BOOST_AUTO_TEST_CASE(decode_timestamping_software_and_hardware)
{
  // Documentation/networking/timestamping.rst: ts[0] the software stamp,
  // ts[1] unused, ts[2] the raw hardware stamp; a zero stamp is absent.
  control_message both;
  both.software_time = realtime(1700000000000000001);
  both.hardware_time = hardware(86400000000002);
  check_decode(control_builder()
                   .add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts_of(1700000000, 1), ts_of(86400, 2)))
                   .get(),
      both);

  control_message hw_only;
  hw_only.hardware_time = hardware(3);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts_of(0, 0), ts_of(0, 3))).get(),
      hw_only);

  control_message sw_only;
  sw_only.software_time = realtime(4000000000);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts_of(4, 0), ts_of(0, 0))).get(),
      sw_only);

  // ts[1] (the hardware stamp converted to system time, before 3.17) is
  // not reported.
  scm_timestamping legacy = timestamping_of(ts_of(0, 0), ts_of(0, 0));
  legacy.ts[1] = ts_of(5, 5);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPING, legacy).get(), control_message());
}

// The send stamp of an error-queue entry, as ip_recv_error hands it out
// with SO_TIMESTAMPING: IP_RECVERR (ENOMSG, SO_EE_ORIGIN_TIMESTAMPING, the
// kind in ee_info, the id in ee_data, no offender) and SCM_TIMESTAMPING.
BOOST_AUTO_TEST_CASE(decode_send_stamp_entry)
{
  recverr_data r = recverr(AF_UNSPEC);
  r.ee.ee_errno = ENOMSG;
  r.ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
  r.ee.ee_type = 0;
  r.ee.ee_code = 0;
  r.ee.ee_info = SCM_TSTAMP_SCHED;
  r.ee.ee_data = 41;
  control_message expected;
  expected.error = extended_error{ENOMSG, extended_error::origin_timestamping, 0, 0, extended_error::stamp_scheduled, 41, {}};
  expected.software_time = realtime(1700000000500000000);
  const timespec ts = ts_of(1700000000, 500000000);
  // Also with SO_TIMESTAMPNS on: the same time in both messages.
  check_decode(control_builder()
                   .add(IPPROTO_IP, IP_RECVERR, r)
                   .add(SOL_SOCKET, SCM_TIMESTAMPNS, ts)
                   .add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts, ts_of(0, 0)))
                   .get(),
      expected);
}

BOOST_AUTO_TEST_CASE(decode_malformed_timestamps)
{
  // Nanoseconds and microseconds out of their range, negative ones.
  check_malformed(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(1, 1000000000)).get());
  check_malformed(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(1, -1)).get());
  timeval tv;
  std::memset(&tv, 0, sizeof tv);
  tv.tv_usec = 1000000;
  check_malformed(control_builder().add(SOL_SOCKET, SCM_TIMESTAMP, tv).get());
  check_malformed(
      control_builder().add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts_of(0, 0), ts_of(1, 1000000000))).get());
  // Seconds whose nanoseconds do not fit 64 bits.
  check_malformed(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(9300000000, 0)).get());
  // Before the epoch is a time like any other.
  control_message expected;
  expected.software_time = realtime(-999999999);
  check_decode(control_builder().add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(-1, 1)).get(), expected);
  // What came before a bad message stays decoded.
  control_message ttl;
  ttl.ttl = 9;
  check_malformed(control_builder().add(IPPROTO_IP, IP_TTL, 9).add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(1, -5)).get(), ttl);
}

// The most the kernel sends with one datagram: every message this layout
// decodes once, a timestamp of each group once (SCM_TIMESTAMPNS, which
// excludes SCM_TIMESTAMP, and SCM_TIMESTAMPING): CMSG_SPACE of each, as
// glibc computes it, fits decoded_space; with 64 bytes for others, the
// receive buffer keeps the 368 bytes it had before timestamps were decoded.
BOOST_AUTO_TEST_CASE(receive_buffer_holds_every_message)
{
  const std::size_t most = CMSG_SPACE(sizeof(in_pktinfo)) + 2 * CMSG_SPACE(sizeof(int)) + CMSG_SPACE(1)
      + CMSG_SPACE(sizeof(sockaddr_in)) + CMSG_SPACE(sizeof(sock_extended_err) + sizeof(sockaddr_in))
      + CMSG_SPACE(sizeof(std::uint32_t)) + CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(scm_timestamping));
  BOOST_TEST(asio_ipv4::detail::decoded_space(asio_ipv4::detail::os::host_cmsg_layout) == most);
  BOOST_TEST(asio_ipv4::detail::receive_control_space == most + 64);
  if (sizeof(void*) == 8)
    BOOST_TEST(asio_ipv4::detail::receive_control_space == 368u);

  control_builder b;
  add_all_known(b)
      .add(SOL_SOCKET, SO_RXQ_OVFL, std::uint32_t(1))
      .add(SOL_SOCKET, SCM_TIMESTAMPNS, ts_of(1, 2))
      .add(SOL_SOCKET, SCM_TIMESTAMPING, timestamping_of(ts_of(1, 2), ts_of(3, 4)));
  BOOST_TEST(b.get().size() == most);
  control_message expected = all_known_expected();
  expected.dropped = 1;
  expected.software_time = realtime(1000000002);
  expected.hardware_time = hardware(3000000004);
  check_decode(b.get(), expected);
}

// --- Malformed buffers

BOOST_AUTO_TEST_CASE(decode_length_below_header)
{
  for (std::size_t len : {std::size_t(0), std::size_t(1), std::size_t(8), sizeof(cmsghdr) - 1})
  {
    BOOST_TEST_CONTEXT("cmsg_len " << len)
    {
      check_malformed(control_builder().add_raw(IPPROTO_IP, IP_TTL, len, nullptr, 0, true).get());
      // After a good message: what came before it stays decoded.
      control_message ttl;
      ttl.ttl = 5;
      check_malformed(control_builder()
                          .add(IPPROTO_IP, IP_TTL, 5)
                          .add_raw(IPPROTO_IP, IP_TTL, len, nullptr, 0, true)
                          .append(bytes(8, 0))
                          .get(),
          ttl);
    }
  }
}

BOOST_AUTO_TEST_CASE(decode_length_past_the_end)
{
  const int ttl = 5;
  // cmsg_len one byte longer than the buffer.
  check_malformed(control_builder().add_raw(IPPROTO_IP, IP_TTL, CMSG_LEN(sizeof(int)) + 1, &ttl, sizeof(ttl), false).get());
  // A huge cmsg_len must not wrap around.
  check_malformed(control_builder().add_raw(IPPROTO_IP, IP_TTL, SIZE_MAX, &ttl, sizeof(ttl), true).get());
  check_malformed(control_builder().add_raw(IPPROTO_IP, IP_TTL, SIZE_MAX - 7, &ttl, sizeof(ttl), true).get());
  // An unknown type is no excuse.
  check_malformed(control_builder().add_raw(IPPROTO_IP, 99, 200, &ttl, sizeof(ttl), true).get());
}

BOOST_AUTO_TEST_CASE(decode_known_types_with_short_data)
{
  const unsigned char zeros[64] = {};
  struct short_case
  {
    const char* name;
    int level, type;
    std::size_t size; // one byte less than the type needs
  };
  const short_case cases[] = {
      {"IP_PKTINFO", IPPROTO_IP, IP_PKTINFO, sizeof(in_pktinfo) - 1},
      {"IP_TTL", IPPROTO_IP, IP_TTL, sizeof(int) - 1},
      {"IP_TOS", IPPROTO_IP, IP_TOS, 0},
      {"IP_ORIGDSTADDR", IPPROTO_IP, IP_ORIGDSTADDR, sizeof(sockaddr_in) - 1},
      {"IP_RECVERR", IPPROTO_IP, IP_RECVERR, sizeof(sock_extended_err) - 1},
      {"UDP_GRO", SOL_UDP, UDP_GRO, sizeof(int) - 1},
      {"SCM_TIMESTAMP", SOL_SOCKET, SCM_TIMESTAMP, sizeof(timeval) - 1},
      {"SCM_TIMESTAMPNS", SOL_SOCKET, SCM_TIMESTAMPNS, sizeof(timespec) - 1},
      {"SCM_TIMESTAMPING", SOL_SOCKET, SCM_TIMESTAMPING, sizeof(scm_timestamping) - 1},
      {"SCM_TIMESTAMPING_NEW", SOL_SOCKET, SO_TIMESTAMPING_NEW, sizeof(scm_timestamping64) - 1},
  };
  for (const auto& c : cases)
  {
    BOOST_TEST_CONTEXT(c.name)
    {
      check_malformed(control_builder().add(c.level, c.type, zeros, c.size).get());
      check_malformed(control_builder().add(c.level, c.type, zeros, 0).get());
    }
  }
}

// --- Truncation (MSG_CTRUNC)

BOOST_AUTO_TEST_CASE(decode_truncated_last_message)
{
  control_message ttl_only;
  ttl_only.ttl = 5;
  const in_pktinfo p = pktinfo("127.0.0.1", "127.0.0.1", 1);
  const error_code truncated = asio_ipv4::error::control_truncated;

  // As put_cmsg cuts it: cmsg_len = what is left, only that much data.
  for (std::size_t left : {sizeof(cmsghdr), sizeof(cmsghdr) + 4, CMSG_LEN(sizeof(p)) - 1})
  {
    BOOST_TEST_CONTEXT("left " << left)
    check_decode(control_builder()
                     .add(IPPROTO_IP, IP_TTL, 5)
                     .add_raw(IPPROTO_IP, IP_PKTINFO, left, &p, left - CMSG_LEN(0), false)
                     .get(),
        true, truncated, ttl_only);
  }
  // A header cut short.
  check_decode(control_builder().add(IPPROTO_IP, IP_TTL, 5).append(bytes(8, 0)).get(), true, truncated, ttl_only);
  // A length running past the end.
  check_decode(control_builder().add(IPPROTO_IP, IP_TTL, 5).add_raw(IPPROTO_IP, IP_PKTINFO, 200, &p, 4, false).get(),
      true, truncated, ttl_only);
  // Nothing cut, but the flag is set: everything decoded, still reported.
  control_builder all;
  check_decode(add_all_known(all).get(), true, truncated, all_known_expected());
}

// ===========================================================================
// Encoding

// Oracle: the bytes control_builder lays out by hand.
BOOST_AUTO_TEST_CASE(encode_pktinfo)
{
  in_pktinfo p;
  std::memset(&p, 0, sizeof(p));
  p.ipi_spec_dst = in_addr_of("192.0.2.1");
  control_message m;
  m.local = addr("192.0.2.1");
  check_encode(m, control_builder().add(IPPROTO_IP, IP_PKTINFO, p).get());

  std::memset(&p, 0, sizeof(p));
  p.ipi_ifindex = 7;
  m = control_message();
  m.interface_index = 7;
  check_encode(m, control_builder().add(IPPROTO_IP, IP_PKTINFO, p).get());

  p.ipi_spec_dst = in_addr_of("192.0.2.1");
  m.local = addr("192.0.2.1");
  check_encode(m, control_builder().add(IPPROTO_IP, IP_PKTINFO, p).get());

  p.ipi_ifindex = INT_MAX;
  m.interface_index = static_cast<unsigned>(INT_MAX);
  check_encode(m, control_builder().add(IPPROTO_IP, IP_PKTINFO, p).get());
}

BOOST_AUTO_TEST_CASE(encode_ttl_tos_segment)
{
  control_message m;
  m.ttl = 255;
  check_encode(m, control_builder().add(IPPROTO_IP, IP_TTL, 255).get());
  m = control_message();
  m.ttl = 1;
  check_encode(m, control_builder().add(IPPROTO_IP, IP_TTL, 1).get());

  // IP_TOS is sent as an int.
  m = control_message();
  m.tos = 0xb9;
  check_encode(m, control_builder().add(IPPROTO_IP, IP_TOS, 0xb9).get());
  m.tos = 0;
  check_encode(m, control_builder().add(IPPROTO_IP, IP_TOS, 0).get());

  // udp(7): UDP_SEGMENT takes a u16.
  m = control_message();
  m.segment_size = 1400;
  const bytes seg = control_builder().add(SOL_UDP, UDP_SEGMENT, std::uint16_t(1400)).get();
  BOOST_TEST(seg.size() == CMSG_SPACE(2));
  check_encode(m, seg);
}

constexpr std::size_t every_tx_field_space = CMSG_SPACE(sizeof(in_pktinfo)) + 2 * CMSG_SPACE(sizeof(int))
    + CMSG_SPACE(sizeof(std::uint16_t)) + CMSG_SPACE(sizeof(std::uint32_t));

BOOST_AUTO_TEST_CASE(encode_everything)
{
  const bytes expected = control_builder()
                             .add(IPPROTO_IP, IP_PKTINFO, pktinfo("0.0.0.0", "10.0.0.1", 3))
                             .add(IPPROTO_IP, IP_TTL, 9)
                             .add(IPPROTO_IP, IP_TOS, 0x28)
                             .add(SOL_UDP, UDP_SEGMENT, std::uint16_t(1200))
                             .add(SOL_SOCKET, scm_ts_opt_id, std::uint32_t(0xfedcba98))
                             .get();
  check_encode(every_tx_field(), expected);
  check_encode(with_rx_fields(every_tx_field()), expected);
  BOOST_TEST(expected.size() == every_tx_field_space);
}

// The send buffer holds every field at once (cmsg(3): CMSG_SPACE of each
// payload as the kernel defines it), and nothing more.
static_assert(every_tx_field_space == asio_ipv4::detail::send_control_space);

BOOST_AUTO_TEST_CASE(encode_timestamp_id)
{
  // SCM_TS_OPT_ID: a __u32 at SOL_SOCKET (Linux 6.13, net/core/sock.c
  // __sock_cmsg_send: cmsg_len must be CMSG_LEN(sizeof(u32))).
  control_message m;
  m.timestamp_id = 0;
  const bytes b = control_builder().add(SOL_SOCKET, scm_ts_opt_id, std::uint32_t(0)).get();
  cmsghdr h;
  std::memcpy(&h, b.data(), sizeof h);
  BOOST_TEST(h.cmsg_len == CMSG_LEN(sizeof(std::uint32_t)));
  check_encode(m, b);
  m.timestamp_id = 0xffffffffu;
  check_encode(m, control_builder().add(SOL_SOCKET, scm_ts_opt_id, std::uint32_t(0xffffffffu)).get());
}

BOOST_AUTO_TEST_CASE(encode_nothing)
{
  check_encode(control_message(), {});
  check_encode(with_rx_fields(control_message()), {});

  error_code ec = boost::asio::error::interrupted;
  BOOST_TEST(encode_control(control_message(), nullptr, 0, ec) == 0u);
  BOOST_TEST(!ec, got_expected(ec, error_code()));
}

BOOST_AUTO_TEST_CASE(encode_invalid_values)
{
  control_message m;
  m.ttl = 0;
  check_encode_fails(m, 256, boost::asio::error::invalid_argument);

  m = control_message();
  m.interface_index = static_cast<unsigned>(INT_MAX) + 1u;
  check_encode_fails(m, 256, boost::asio::error::invalid_argument);
  m.interface_index = UINT_MAX;
  m.local = addr("10.0.0.1");
  check_encode_fails(m, 256, boost::asio::error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(encode_capacity)
{
  const control_message m = every_tx_field();
  const std::size_t needed = every_tx_field_space;
  for (std::size_t capacity : {std::size_t(0), std::size_t(16), needed - 1})
  {
    BOOST_TEST_CONTEXT("capacity " << capacity)
    check_encode_fails(m, capacity, asio_ipv4::error::message_too_long);
  }
  error_code ec;
  BOOST_TEST(encode(m, needed, ec).size() == needed);
  BOOST_TEST(!ec, got_expected(ec, error_code()));

  control_message ttl;
  ttl.ttl = 3;
  check_encode_fails(ttl, CMSG_SPACE(sizeof(int)) - 1, asio_ipv4::error::message_too_long);
}

// Decoding what was encoded gives the same values back where a receive
// type mirrors the send type (IP_PKTINFO, IP_TTL, IP_TOS).
BOOST_AUTO_TEST_CASE(encode_decode_round_trip)
{
  control_message m = every_tx_field();
  m.segment_size.reset(); // UDP_SEGMENT and SCM_TS_OPT_ID have no receive counterpart
  m.timestamp_id.reset();
  error_code ec;
  const bytes b = encode(m, 256, ec);
  BOOST_TEST_REQUIRE(!ec, got_expected(ec, error_code()));
  control_message expected = m;
  expected.destination = addr("0.0.0.0"); // ipi_addr is left zero on send
  check_decode(b, expected);
}

BOOST_AUTO_TEST_SUITE_END()

#else

#include "skip_suite.hpp"

ASIO_IPV4_SKIPPED_SUITE(cmsg_codec_test,
    "the host layout checked against Linux's own headers (<linux/errqueue.h>), which this system lacks; cmsg_layout_test checks every layout")

#endif // __has_include(<linux/errqueue.h>)
