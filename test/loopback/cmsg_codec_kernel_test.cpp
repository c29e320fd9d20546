// The control-message codec against the kernel, on loopback: decode_control
// on buffers the kernel produced for loopback datagrams (raw recvmsg), and
// encode_control's buffers handed to the kernel that sends them. No root.

#include "cmsg_check.hpp"
#include "test_util.hpp"

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cmsg_codec_kernel_test {  // (named: the file shares a unity build batch)

using asio_ipv4::control_message;
using asio_ipv4::extended_error;
using asio_ipv4::detail::encode_control;
using asio_ipv4::test::addr;
using asio_ipv4::test::check_decode;
using asio_ipv4::test::got_expected;
using asio_ipv4::test::sockaddr_of;
using boost::asio::ip::udp;
using boost::system::error_code;
using bytes = std::vector<unsigned char>;

struct fd_guard
{
  int fd;
  explicit fd_guard(int f) : fd(f) { BOOST_TEST_REQUIRE(fd >= 0, std::strerror(errno)); }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() { ::close(fd); }
};

void set_int(int fd, int level, int name, int value)
{
  BOOST_TEST_REQUIRE(::setsockopt(fd, level, name, &value, sizeof(value)) == 0, std::strerror(errno));
}

// A UDP socket bound to 127.0.0.1 on a free port, receives time out after 5 s.
int loopback_udp_socket()
{
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  BOOST_TEST_REQUIRE(fd >= 0, std::strerror(errno));
  sockaddr_in any = sockaddr_of("127.0.0.1", 0);
  BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&any), sizeof(any)) == 0, std::strerror(errno));
  timeval timeout{5, 0};
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) == 0);
  return fd;
}

sockaddr_in local_address(int fd)
{
  sockaddr_in sin;
  socklen_t len = sizeof(sin);
  BOOST_TEST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) == 0);
  return sin;
}

void send_to(int fd, const sockaddr_in& to, const void* control = nullptr, std::size_t control_size = 0,
    std::size_t payload_size = 4)
{
  char payload[64] = "ping";
  iovec iov{payload, payload_size};
  msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  msg.msg_name = const_cast<sockaddr_in*>(&to);
  msg.msg_namelen = sizeof(to);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = const_cast<void*>(control);
  msg.msg_controllen = control_size;
  BOOST_TEST_REQUIRE(::sendmsg(fd, &msg, 0) == static_cast<ssize_t>(payload_size), std::strerror(errno));
}

struct received
{
  bytes control;   // exactly msg_controllen bytes
  int flags = 0;   // msg_flags
  ssize_t size = 0;
};

// One recvmsg with a control buffer of `control_room` bytes.
received receive(int fd, std::size_t control_room, int flags = 0)
{
  alignas(cmsghdr) unsigned char control[512];
  BOOST_TEST_REQUIRE(control_room <= sizeof(control));
  char data[256];
  iovec iov{data, sizeof(data)};
  msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  sockaddr_in from;
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = control_room;
  received r;
  r.size = ::recvmsg(fd, &msg, flags);
  BOOST_TEST_REQUIRE(r.size >= 0, std::strerror(errno));
  r.flags = msg.msg_flags;
  r.control.assign(control, control + msg.msg_controllen);
  return r;
}

// A receiver with every receive option of the codec on, and a sender.
struct loopback_pair
{
  fd_guard receiver{loopback_udp_socket()};
  fd_guard sender{loopback_udp_socket()};
  sockaddr_in to = local_address(receiver.fd);
  unsigned lo = ::if_nametoindex("lo");

  loopback_pair()
  {
    BOOST_TEST_REQUIRE(lo != 0u);
    for (int name : {IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR})
      set_int(receiver.fd, IPPROTO_IP, name, 1);
  }

  // What the kernel reports for a datagram sent with this TTL and TOS.
  control_message expected(int ttl, int tos) const
  {
    control_message m;
    m.destination = addr("127.0.0.1");
    m.local = addr("127.0.0.1");
    m.interface_index = lo;
    m.ttl = static_cast<std::uint8_t>(ttl);
    m.tos = static_cast<std::uint8_t>(tos);
    m.original_destination = udp::endpoint(addr("127.0.0.1"), ntohs(to.sin_port));
    return m;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(cmsg_codec_kernel_test)

// Oracle: 127.0.0.1, if_nametoindex("lo"), the TTL and TOS set on the
// sender and the receiver's port.
BOOST_FIXTURE_TEST_CASE(decode_kernel_buffer, loopback_pair)
{
  set_int(sender.fd, IPPROTO_IP, IP_TTL, 33);
  set_int(sender.fd, IPPROTO_IP, IP_TOS, 0xb9);
  send_to(sender.fd, to);
  const received r = receive(receiver.fd, 512);
  BOOST_TEST((r.flags & MSG_CTRUNC) == 0);
  check_decode(r.control, expected(33, 0xb9));
}

// Oracle: as above, plus glibc's CMSG_FIRSTHDR naming the first message.
BOOST_FIXTURE_TEST_CASE(decode_kernel_truncated_buffer, loopback_pair)
{
  set_int(sender.fd, IPPROTO_IP, IP_TTL, 44);
  control_message first_only;
  first_only.destination = addr("127.0.0.1");
  first_only.local = addr("127.0.0.1");
  first_only.interface_index = lo;

  // Room for IP_PKTINFO only; then room for a cut-short second message.
  for (std::size_t room : {CMSG_SPACE(sizeof(in_pktinfo)), CMSG_SPACE(sizeof(in_pktinfo)) + sizeof(cmsghdr) + 2})
  {
    BOOST_TEST_CONTEXT("control room " << room)
    {
      send_to(sender.fd, to);
      const received r = receive(receiver.fd, room);
      BOOST_TEST((r.flags & MSG_CTRUNC) != 0);
      BOOST_TEST(r.control.size() == room);
      cmsghdr first;
      std::memcpy(&first, r.control.data(), sizeof(first));
      BOOST_TEST_REQUIRE(first.cmsg_level == IPPROTO_IP);
      BOOST_TEST_REQUIRE(first.cmsg_type == IP_PKTINFO);
      check_decode(r.control, true, asio_ipv4::error::control_truncated, first_only);
    }
  }
}

// Oracle: ip(7) IP_RECVERR for a datagram to a closed loopback port: ICMP
// port unreachable (type 3, code 3) from 127.0.0.1, ECONNREFUSED.
BOOST_AUTO_TEST_CASE(decode_kernel_error_queue)
{
  sockaddr_in closed;
  {
    fd_guard probe(loopback_udp_socket());
    closed = local_address(probe.fd);
  }
  fd_guard s(loopback_udp_socket());
  set_int(s.fd, IPPROTO_IP, IP_RECVERR, 1);
  send_to(s.fd, closed);

  pollfd p{s.fd, POLLERR, 0};
  BOOST_TEST_REQUIRE(::poll(&p, 1, 5000) == 1, "no error queued within 5 s");
  const received r = receive(s.fd, 512, MSG_ERRQUEUE);
  BOOST_TEST((r.flags & MSG_ERRQUEUE) != 0);
  BOOST_TEST((r.flags & MSG_CTRUNC) == 0);

  control_message expected;
  extended_error e;
  e.error = ECONNREFUSED;
  e.origin = extended_error::origin_icmp;
  e.type = 3;
  e.code = 3;
  e.offender = addr("127.0.0.1");
  expected.error = e;
  check_decode(r.control, expected);
}

// Oracle: the kernel accepts what we encoded, and reports on the receiving
// side the TTL and TOS we asked for.
BOOST_FIXTURE_TEST_CASE(kernel_accepts_encoded_buffer, loopback_pair)
{
  set_int(sender.fd, IPPROTO_IP, IP_TTL, 64);
  control_message m;
  m.local = addr("127.0.0.1");
  m.interface_index = lo;
  m.ttl = 7;
  m.tos = 0x48;
  alignas(cmsghdr) unsigned char control[asio_ipv4::detail::send_control_space];
  error_code ec;
  const std::size_t n = encode_control(m, control, sizeof(control), ec);
  BOOST_TEST_REQUIRE(!ec, got_expected(ec, error_code()));
  send_to(sender.fd, to, control, n);
  const received r = receive(receiver.fd, 512);
  check_decode(r.control, expected(7, 0x48));
}

// Oracle: socket(7) SO_RXQ_OVFL and the datagrams this test counted: a
// receive buffer of the kernel's minimum overflows under a burst; once
// drained, the next datagram reports how many the socket dropped. The
// kernel adds the message only when that count is not 0.
BOOST_FIXTURE_TEST_CASE(decode_kernel_drop_count, loopback_pair)
{
  set_int(receiver.fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
  send_to(sender.fd, to);
  control_message want = expected(64, 0);
  check_decode(receive(receiver.fd, 512).control, want); // nothing dropped: no count

  set_int(receiver.fd, SOL_SOCKET, SO_RCVBUF, 1); // the kernel's minimum
  constexpr int burst = 200;
  for (int i = 0; i < burst; ++i)
    send_to(sender.fd, to);
  int queued = 0;
  for (;;)
  {
    pollfd p{receiver.fd, POLLIN, 0};
    if (::poll(&p, 1, 0) != 1)
      break;
    receive(receiver.fd, 512);
    ++queued;
  }
  BOOST_TEST_REQUIRE(queued < burst, "the burst did not overflow the receive buffer");
  send_to(sender.fd, to);
  want.dropped = static_cast<std::uint32_t>(burst - queued);
  check_decode(receive(receiver.fd, 512).control, want);
}

// Oracle: with UDP_SEGMENT 4, a 12-byte send arrives as three 4-byte
// datagrams (udp(7), GSO).
BOOST_FIXTURE_TEST_CASE(kernel_segments_with_encoded_gso, loopback_pair)
{
  control_message m;
  m.segment_size = 4;
  alignas(cmsghdr) unsigned char control[asio_ipv4::detail::send_control_space];
  error_code ec;
  const std::size_t n = encode_control(m, control, sizeof(control), ec);
  BOOST_TEST_REQUIRE(!ec, got_expected(ec, error_code()));
  send_to(sender.fd, to, control, n, 12);
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(receive(receiver.fd, 512).size == 4);
}

BOOST_AUTO_TEST_SUITE_END()
