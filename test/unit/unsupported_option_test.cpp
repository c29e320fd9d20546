// The "unsupported on this platform" half of the option protocol, on Linux:
// an option whose platform name is detail::no_such_option hands the
// platform's unsupported pair (detail::os::unsupported_option_level / _name,
// SOL_SOCKET/SO_PASSRIGHTS here) to set_option and get_option, which the
// kernel refuses without effect. Every public option exists on Linux, so a
// test option stands in for one a BSD lacks.
//
// Oracle: the kernel's answer (EOPNOTSUPP since Linux 6.16, ENOPROTOOPT
// before, chosen by uname), and raw getsockopt of the socket's state before
// and after. Self-contained.

#include <asio_ipv4/detail/socket_option.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

namespace {

namespace net = boost::asio;
using boost::system::error_code;

// An option this platform lacks.
class lacking : public asio_ipv4::detail::boolean_option<asio_ipv4::detail::no_such_option>
{
public:
  using boolean_option::boolean_option;
};

// What the kernel answers the pair with: Linux 6.16 made SO_PASSRIGHTS
// AF_UNIX-only (EOPNOTSUPP elsewhere); before, 83 was unknown (ENOPROTOOPT).
error_code expected_answer()
{
  utsname u{};
  BOOST_TEST_REQUIRE(::uname(&u) == 0);
  int major = 0, minor = 0;
  BOOST_TEST_REQUIRE(std::sscanf(u.release, "%d.%d", &major, &minor) == 2);
  if (major > 6 || (major == 6 && minor >= 16))
    return net::error::operation_not_supported;
  return net::error::no_protocol_option;
}

int get_int(int fd, int level, int name)
{
  int v = -1;
  socklen_t len = sizeof(v);
  BOOST_TEST_REQUIRE(::getsockopt(fd, level, name, &v, &len) == 0, std::strerror(errno));
  return v;
}

// The socket's state as the kernel reports it.
std::string snapshot(int fd)
{
  std::ostringstream s;
  s << "ttl=" << get_int(fd, IPPROTO_IP, IP_TTL) << " tos=" << get_int(fd, IPPROTO_IP, IP_TOS)
    << " rcvbuf=" << get_int(fd, SOL_SOCKET, SO_RCVBUF) << " broadcast=" << get_int(fd, SOL_SOCKET, SO_BROADCAST)
    << " pktinfo=" << get_int(fd, IPPROTO_IP, IP_PKTINFO);
  return s.str();
}

template <class Socket>
void check_refused_without_effect(Socket& socket)
{
  const int fd = socket.native_handle();
  const int ttl = 33, tos = 0x28, on = 1;
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == 0);
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) == 0);
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == 0);
  const std::string before = snapshot(fd);
  const error_code expected = expected_answer();

  for (bool value : {true, false})
  {
    error_code ec;
    socket.set_option(lacking(value), ec);
    BOOST_TEST(ec == expected, "set: got " << ec.message() << ", expected " << expected.message());
  }
  lacking read(true);
  error_code ec;
  socket.get_option(read, ec);
  BOOST_TEST(ec == expected, "get: got " << ec.message() << ", expected " << expected.message());
  BOOST_TEST(read.value(), "a failed get leaves the object as it was");
  BOOST_TEST(snapshot(fd) == before);
}

} // namespace

BOOST_AUTO_TEST_SUITE(unsupported_option_test)

BOOST_AUTO_TEST_CASE(the_pair_is_the_platforms)
{
  const lacking o(true);
  const net::ip::udp proto = net::ip::udp::v4();
  BOOST_TEST(o.level(proto) == SOL_SOCKET);
  BOOST_TEST(o.name(proto) == 83); // SO_PASSRIGHTS, <asm-generic/socket.h> since Linux 6.16
  lacking g;
  BOOST_TEST(g.level(proto) == SOL_SOCKET);
  BOOST_TEST(g.name(proto) == 83);
  // An unsupported option stays unsupported whatever its value: a ranged
  // option out of range is not "invalid" where the option does not exist.
  class lacking_range : public asio_ipv4::detail::ranged_option<asio_ipv4::detail::no_such_option, 1, 255>
  {
  public:
    using ranged_option::ranged_option;
  };
  BOOST_TEST(lacking_range(0).level(proto) == SOL_SOCKET);
  BOOST_TEST(lacking_range(0).name(proto) == 83);
}

BOOST_AUTO_TEST_CASE(udp_socket)
{
  net::io_context io;
  net::ip::udp::socket s(io, net::ip::udp::endpoint(net::ip::address_v4::loopback(), 0));
  check_refused_without_effect(s);
}

BOOST_AUTO_TEST_CASE(tcp_socket)
{
  net::io_context io;
  net::ip::tcp::socket s(io, net::ip::tcp::v4());
  check_refused_without_effect(s);
}

BOOST_AUTO_TEST_CASE(raw_icmp_socket)
{
  BOOST_TEST_REQUIRE(::geteuid() == 0, "raw sockets need root (CI runs as root)");
  net::io_context io;
  net::ip::icmp::socket s(io, net::ip::icmp::v4());
  check_refused_without_effect(s);
}

BOOST_AUTO_TEST_SUITE_END()
