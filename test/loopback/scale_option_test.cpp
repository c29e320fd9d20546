// The socket options a server that scales across cores needs (issue 18):
// reuse_port, reuse_port_steering, detach_reuse_port_steering,
// incoming_cpu, bind_to_device, priority, mark, busy_poll. Two ways, as
// socket_option_test does for the IPv4 options:
// - as objects (no socket): the level, name, size and bytes set_option and
//   get_option see, and the refused values;
// - on loopback UDP sockets, unprivileged: round trips against raw
//   ::getsockopt / ::setsockopt on native_handle(), refused values that leave
//   the socket as it was, and what the kernel then does: a SO_REUSEPORT group
//   whose sockets both receive while a socket without the option cannot bind
//   (the kernel's EADDRINUSE), and SO_INCOMING_CPU reading back the CPU that
//   handled the datagram (sched_getcpu of a sender pinned with
//   sched_setaffinity: loopback hands a datagram to the receiving socket on
//   the sending CPU).
// What needs privileges (mark, priority above 6, busy_poll above 0, a
// binding changed) is in test/netns/scale_options_test.cpp.

#include <asio_ipv4/device_options.hpp>
#include <asio_ipv4/reuse_port.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include "option_check.hpp"
#include "test_util.hpp"

#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace scale_option_test {  // (named: the file shares a unity build batch)

namespace net = boost::asio;
using net::ip::udp;
using asio_ipv4::test::addr;
using asio_ipv4::test::bytes_of;
using asio_ipv4::test::check_refused;
using asio_ipv4::test::check_set_fails;
using asio_ipv4::test::check_settable;
using asio_ipv4::test::got_expected;
using namespace std::chrono_literals;

const udp& proto = asio_ipv4::test::option_protocol;

template <class Option>
void check_settable_int(const Option& o, int name, int value)
{
  check_settable(o, SOL_SOCKET, name, &value, sizeof(value));
}

// What get_option sees (the non-const overloads): the real pair, whatever
// value the object was built from.
template <class Option>
void check_readable(Option o, int name)
{
  BOOST_TEST(o.level(proto) == SOL_SOCKET);
  BOOST_TEST(o.name(proto) == name);
}

// Each invalid option, labelled, handed to f(label, option).
#define ASIO_IPV4_INVALID(...) f(#__VA_ARGS__, __VA_ARGS__)

template <class F>
void for_each_invalid_option(F&& f)
{
  ASIO_IPV4_INVALID(asio_ipv4::incoming_cpu(-2));
  ASIO_IPV4_INVALID(asio_ipv4::incoming_cpu(INT_MIN));
  ASIO_IPV4_INVALID(asio_ipv4::incoming_cpu(1LL << 32));
  ASIO_IPV4_INVALID(asio_ipv4::priority(-1));
  ASIO_IPV4_INVALID(asio_ipv4::priority(INT_MIN));
  ASIO_IPV4_INVALID(asio_ipv4::priority(static_cast<long long>(INT_MAX) + 1));
  ASIO_IPV4_INVALID(asio_ipv4::priority((1LL << 32) + 3)); // 3 if cut to 32 bits
  ASIO_IPV4_INVALID(asio_ipv4::mark(-1));
  ASIO_IPV4_INVALID(asio_ipv4::mark(1LL << 32));
  ASIO_IPV4_INVALID(asio_ipv4::mark((1ULL << 32) + 0x2a)); // 0x2a if cut to 32 bits
  ASIO_IPV4_INVALID(asio_ipv4::busy_poll(std::chrono::microseconds(-1)));
  ASIO_IPV4_INVALID(asio_ipv4::busy_poll(std::chrono::microseconds(static_cast<long long>(INT_MAX) + 1)));
  ASIO_IPV4_INVALID(asio_ipv4::busy_poll(std::chrono::hours(-1)));
  ASIO_IPV4_INVALID(asio_ipv4::bind_to_device("sixteen-chars-xx")); // IFNAMSIZ: the kernel would keep 15
  ASIO_IPV4_INVALID(asio_ipv4::bind_to_device("a-name-far-longer-than-ifnamsiz"));
  ASIO_IPV4_INVALID(asio_ipv4::bind_to_device(std::string_view("lo\0x", 4)));
  ASIO_IPV4_INVALID(asio_ipv4::reuse_port_steering(std::vector<asio_ipv4::sock_filter>{}));
  ASIO_IPV4_INVALID(asio_ipv4::reuse_port_steering(
      std::vector<asio_ipv4::sock_filter>(BPF_MAXINSNS + 1, asio_ipv4::sock_filter BPF_STMT(BPF_RET | BPF_K, 0))));
}

#undef ASIO_IPV4_INVALID

constexpr std::size_t invalid_option_count = 18;

// ---- the raw oracle ----------------------------------------------------------

int raw_get_int(int fd, int name)
{
  int v = -12345;
  socklen_t len = sizeof(v);
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, name, &v, &len) == 0, std::strerror(errno));
  BOOST_TEST(len == sizeof(int));
  return v;
}

void raw_set_int(int fd, int name, int v)
{
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_SOCKET, name, &v, sizeof(v)) == 0, std::strerror(errno));
}

// SO_BINDTODEVICE as the kernel answers it: the name, "" when not bound.
std::string raw_device(int fd)
{
  char name[IFNAMSIZ] = {};
  socklen_t len = sizeof(name);
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len) == 0, std::strerror(errno));
  return std::string(name, ::strnlen(name, len));
}

struct udp_fixture
{
  net::io_context io;
  udp::socket socket{io, udp::endpoint(addr("127.0.0.1"), 0)};
  int fd = socket.native_handle();
};

// The CPUs this process may run on.
std::vector<int> allowed_cpus()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  BOOST_TEST_REQUIRE(::sched_getaffinity(0, sizeof(set), &set) == 0, std::strerror(errno));
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      cpus.push_back(c);
  return cpus;
}

// Runs f on a thread of its own pinned to `cpu`; returns sched_getcpu() as
// that thread saw it right after f.
int on_cpu(int cpu, const std::function<void()>& f)
{
  int seen = -1;
  std::thread t([&] {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof(set), &set) != 0)
      return;
    f();
    seen = ::sched_getcpu();
  });
  t.join();
  return seen;
}

// Concepts: gettable options have resize().
template <class O, class = void>
struct gettable : std::false_type
{
};
template <class O>
struct gettable<O, std::void_t<decltype(std::declval<O&>().resize(proto, std::size_t()))>> : std::true_type
{
};

static_assert(gettable<asio_ipv4::reuse_port>::value && gettable<asio_ipv4::incoming_cpu>::value
    && gettable<asio_ipv4::bind_to_device>::value && gettable<asio_ipv4::priority>::value
    && gettable<asio_ipv4::mark>::value && gettable<asio_ipv4::busy_poll>::value);
static_assert(!gettable<asio_ipv4::reuse_port_steering>::value && !gettable<asio_ipv4::detach_reuse_port_steering>::value);
static_assert(!std::is_convertible_v<bool, asio_ipv4::reuse_port> && !std::is_convertible_v<int, asio_ipv4::priority>
    && !std::is_convertible_v<const char*, asio_ipv4::bind_to_device>
    && !std::is_convertible_v<std::chrono::microseconds, asio_ipv4::busy_poll>, "explicit constructors");
// Durations are never rounded: a finer unit does not convert.
static_assert(std::is_constructible_v<asio_ipv4::busy_poll, std::chrono::milliseconds>
    && !std::is_constructible_v<asio_ipv4::busy_poll, std::chrono::nanoseconds>
    && !std::is_constructible_v<asio_ipv4::busy_poll, int>);
static_assert(std::is_same_v<decltype(asio_ipv4::mark().value()), std::uint32_t>
    && std::is_same_v<decltype(asio_ipv4::busy_poll().value()), std::chrono::microseconds>
    && std::is_same_v<decltype(asio_ipv4::bind_to_device().value()), std::string>
    && std::is_same_v<decltype(asio_ipv4::incoming_cpu().value()), int>
    && std::is_same_v<decltype(asio_ipv4::priority().value()), int>);

} // namespace

BOOST_AUTO_TEST_SUITE(scale_option_test)

// ===========================================================================
// The objects. Oracle: the kernel's data layout written by hand (socket(7)).

BOOST_AUTO_TEST_CASE(reuse_port_data)
{
  check_settable_int(asio_ipv4::reuse_port(true), SO_REUSEPORT, 1);
  check_settable_int(asio_ipv4::reuse_port(false), SO_REUSEPORT, 0);
  check_settable_int(asio_ipv4::reuse_port(), SO_REUSEPORT, 0);
  BOOST_TEST(asio_ipv4::reuse_port(true).value());
  check_readable(asio_ipv4::reuse_port(), SO_REUSEPORT);
}

BOOST_AUTO_TEST_CASE(integer_options_data)
{
  for (int v : {-1, 0, 1, 63, INT_MAX})
    BOOST_TEST_CONTEXT("incoming_cpu " << v) check_settable_int(asio_ipv4::incoming_cpu(v), SO_INCOMING_CPU, v);
  for (int v : {0, 6, 7, INT_MAX})
    BOOST_TEST_CONTEXT("priority " << v) check_settable_int(asio_ipv4::priority(v), SO_PRIORITY, v);
  for (long long v : {0LL, 0x2aLL, 0x7fffffffLL, 0x80000000LL, 0xffffffffLL})
  {
    BOOST_TEST_CONTEXT("mark " << v)
    {
      const asio_ipv4::mark m(v);
      BOOST_TEST(m.valid());
      BOOST_TEST(m.value() == static_cast<std::uint32_t>(v));
      const std::uint32_t raw = static_cast<std::uint32_t>(v);
      check_settable(m, SOL_SOCKET, SO_MARK, &raw, sizeof(raw));
    }
  }
  BOOST_TEST(asio_ipv4::mark(0xffffffffu).value() == 0xffffffffu);
  for (long long us : {0LL, 50LL, 1000LL, static_cast<long long>(INT_MAX)})
  {
    BOOST_TEST_CONTEXT("busy_poll " << us << " us")
    {
      const asio_ipv4::busy_poll b{std::chrono::microseconds(us)};
      BOOST_TEST(b.valid());
      BOOST_TEST(b.value().count() == us);
      check_settable_int(b, SO_BUSY_POLL, static_cast<int>(us));
    }
  }
  check_settable_int(asio_ipv4::busy_poll(2ms), SO_BUSY_POLL, 2000);
  check_settable_int(asio_ipv4::busy_poll(), SO_BUSY_POLL, 0);
  check_settable_int(asio_ipv4::priority(), SO_PRIORITY, 0);
  check_settable_int(asio_ipv4::mark(), SO_MARK, 0);
  check_readable(asio_ipv4::incoming_cpu(-2), SO_INCOMING_CPU);
  check_readable(asio_ipv4::priority(-1), SO_PRIORITY);
  check_readable(asio_ipv4::mark(-1), SO_MARK);
  check_readable(asio_ipv4::busy_poll(-1us), SO_BUSY_POLL);
}

// Oracle: the kernel reads up to IFNAMSIZ - 1 characters of the name, no
// NUL needed; an empty one unbinds (socket(7)).
BOOST_AUTO_TEST_CASE(bind_to_device_data)
{
  const asio_ipv4::bind_to_device lo("lo");
  BOOST_TEST(lo.valid());
  BOOST_TEST(lo.value() == "lo");
  check_settable(lo, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2);
  const asio_ipv4::bind_to_device unbind("");
  BOOST_TEST(unbind.valid());
  BOOST_TEST(unbind.value() == "");
  BOOST_TEST(unbind.size(proto) == 0u);
  BOOST_TEST(unbind.level(proto) == SOL_SOCKET);
  BOOST_TEST(unbind.name(proto) == SO_BINDTODEVICE);
  const std::string longest(IFNAMSIZ - 1, 'x');
  check_settable(asio_ipv4::bind_to_device(longest), SOL_SOCKET, SO_BINDTODEVICE, longest.data(), longest.size());
  BOOST_TEST(asio_ipv4::bind_to_device(std::string(longest)).value() == longest);

  // get_option offers IFNAMSIZ bytes (the kernel refuses less with EINVAL).
  asio_ipv4::bind_to_device got("a-name-far-longer-than-ifnamsiz");
  BOOST_TEST(!got.valid());
  BOOST_TEST(got.value() == "");
  BOOST_TEST(got.level(proto) == SOL_SOCKET);
  BOOST_TEST(got.name(proto) == SO_BINDTODEVICE);
  BOOST_TEST(got.size(proto) == std::size_t(IFNAMSIZ));
  // The kernel writes the name with its NUL, or nothing when not bound.
  std::memcpy(got.data(proto), "veth1\0junkjunk", 15);
  got.resize(proto, 6);
  BOOST_TEST(got.value() == "veth1");
  BOOST_TEST(got.valid());
  check_settable(static_cast<const asio_ipv4::bind_to_device&>(got), SOL_SOCKET, SO_BINDTODEVICE, "veth1", 5);
  got.resize(proto, 0);
  BOOST_TEST(got.value() == "");
  std::memcpy(got.data(proto), "abcdefghijklmno", 16); // 15 characters and the NUL
  got.resize(proto, 16);
  BOOST_TEST(got.value() == "abcdefghijklmno");
  BOOST_CHECK_THROW(got.resize(proto, 17), std::length_error);
}

BOOST_AUTO_TEST_CASE(steering_program_data)
{
  const std::vector<asio_ipv4::sock_filter> program{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, std::uint32_t(SKF_AD_OFF + SKF_AD_CPU)), BPF_STMT(BPF_RET | BPF_A, 0)};
  const asio_ipv4::reuse_port_steering s(program);
  BOOST_TEST(s.valid());
  BOOST_TEST(s.level(proto) == SOL_SOCKET);
  BOOST_TEST(s.name(proto) == SO_ATTACH_REUSEPORT_CBPF);
  BOOST_TEST(s.size(proto) == sizeof(sock_fprog));
  sock_fprog fprog;
  std::memcpy(&fprog, s.data(proto), sizeof(fprog));
  BOOST_TEST(fprog.len == 2u);
  BOOST_TEST(bytes_of(fprog.filter, 2 * sizeof(::sock_filter)) == bytes_of(program.data(), 2 * sizeof(::sock_filter)),
      boost::test_tools::per_element());
  BOOST_TEST(asio_ipv4::reuse_port_steering(std::vector<asio_ipv4::sock_filter>(BPF_MAXINSNS, program[1])).valid());

  const asio_ipv4::detach_reuse_port_steering detach;
  check_settable_int(detach, SO_DETACH_REUSEPORT_BPF, 0);
}

BOOST_AUTO_TEST_CASE(every_invalid_option_reports_the_always_fail_pair)
{
  std::size_t count = 0;
  for_each_invalid_option([&](const char* label, const auto& option) {
    BOOST_TEST_CONTEXT(label)
    {
      check_refused(option);
      BOOST_TEST(!option.valid());
    }
    ++count;
  });
  BOOST_TEST(count == invalid_option_count);
}

// ===========================================================================
// On loopback UDP sockets (unprivileged)

// Oracle: the socket holds an eventfd, so a setsockopt reaching the kernel
// would fail with ENOTSOCK; invalid_argument means Asio stopped it first.
BOOST_AUTO_TEST_CASE(invalid_options_never_reach_the_kernel)
{
  net::io_context io;
  udp::socket not_a_socket(io, proto, ::eventfd(0, EFD_CLOEXEC));
  boost::system::error_code ec;
  not_a_socket.set_option(asio_ipv4::priority(1), ec);
  BOOST_TEST(ec == net::error::not_socket, got_expected(ec, net::error::not_socket));
  for_each_invalid_option([&](const char* label, const auto& option) {
    BOOST_TEST_CONTEXT(label) check_set_fails(not_a_socket, option, net::error::invalid_argument);
  });
}

// Oracle: raw getsockopt of everything the invalid options could touch,
// before and after; each set first to something they would change.
BOOST_FIXTURE_TEST_CASE(invalid_options_leave_the_socket_unchanged, udp_fixture)
{
  raw_set_int(fd, SO_PRIORITY, 3);
  raw_set_int(fd, SO_INCOMING_CPU, 1);
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2) == 0, std::strerror(errno));
  auto snapshot = [&] {
    std::ostringstream s;
    s << "priority=" << raw_get_int(fd, SO_PRIORITY) << " cpu=" << raw_get_int(fd, SO_INCOMING_CPU)
      << " mark=" << raw_get_int(fd, SO_MARK) << " busy_poll=" << raw_get_int(fd, SO_BUSY_POLL)
      << " device=" << raw_device(fd) << " reuseport=" << raw_get_int(fd, SO_REUSEPORT);
    return s.str();
  };
  const std::string before = snapshot();
  BOOST_TEST(before == "priority=3 cpu=1 mark=0 busy_poll=0 device=lo reuseport=0");
  for_each_invalid_option([&](const char* label, const auto& option) {
    BOOST_TEST_CONTEXT(label) check_set_fails(socket, option, net::error::invalid_argument);
  });
  BOOST_TEST(snapshot() == before);
}

// Oracle: raw getsockopt after our set_option; raw setsockopt before our
// get_option.
BOOST_FIXTURE_TEST_CASE(round_trips, udp_fixture)
{
  socket.set_option(asio_ipv4::reuse_port(true));
  BOOST_TEST(raw_get_int(fd, SO_REUSEPORT) == 1);
  asio_ipv4::reuse_port reuse;
  socket.get_option(reuse);
  BOOST_TEST(reuse.value());
  raw_set_int(fd, SO_REUSEPORT, 0);
  socket.get_option(reuse);
  BOOST_TEST(!reuse.value());

  BOOST_TEST(raw_get_int(fd, SO_INCOMING_CPU) == -1, "nothing received yet");
  asio_ipv4::incoming_cpu cpu(7);
  socket.get_option(cpu);
  BOOST_TEST(cpu.value() == -1);
  socket.set_option(asio_ipv4::incoming_cpu(1));
  BOOST_TEST(raw_get_int(fd, SO_INCOMING_CPU) == 1);
  raw_set_int(fd, SO_INCOMING_CPU, 0);
  socket.get_option(cpu);
  BOOST_TEST(cpu.value() == 0);

  for (int p : {0, 6, 4})
  {
    socket.set_option(asio_ipv4::priority(p));
    BOOST_TEST(raw_get_int(fd, SO_PRIORITY) == p);
  }
  raw_set_int(fd, SO_PRIORITY, 2);
  asio_ipv4::priority prio(-5);
  socket.get_option(prio);
  BOOST_TEST(prio.value() == 2);
  BOOST_TEST(prio.valid(), "read into, it can be set again");

  // Reading needs no privilege: the defaults.
  asio_ipv4::mark m(-1);
  socket.get_option(m);
  BOOST_TEST(m.value() == static_cast<std::uint32_t>(raw_get_int(fd, SO_MARK)));
  BOOST_TEST(m.valid());
  asio_ipv4::busy_poll b(-1us);
  socket.get_option(b);
  BOOST_TEST(b.value().count() == raw_get_int(fd, SO_BUSY_POLL));
  BOOST_TEST(b.valid());
  // Lowering busy_poll needs no privilege.
  socket.set_option(asio_ipv4::busy_poll(0us));
  BOOST_TEST(raw_get_int(fd, SO_BUSY_POLL) == 0);
}

// Oracle: raw SO_BINDTODEVICE. Binding an unbound socket needs no privilege
// since Linux 5.7; a name no interface has is the kernel's ENODEV.
BOOST_FIXTURE_TEST_CASE(bind_to_device_round_trip, udp_fixture)
{
  asio_ipv4::bind_to_device got("stale");
  socket.get_option(got);
  BOOST_TEST(got.value() == "");
  BOOST_TEST(raw_device(fd) == "");

  boost::system::error_code ec;
  socket.set_option(asio_ipv4::bind_to_device("nosuchdev0"), ec);
  BOOST_TEST(ec == boost::system::errc::no_such_device, got_expected(ec, make_error_code(boost::system::errc::no_such_device)));
  BOOST_TEST(raw_device(fd) == "");

  socket.set_option(asio_ipv4::bind_to_device("lo"));
  BOOST_TEST(raw_device(fd) == "lo");
  socket.get_option(got);
  BOOST_TEST(got.value() == "lo");
}

// Oracle: the kernel. Two sockets with SO_REUSEPORT share 127.0.0.1:P and
// each receives some of the datagrams of 64 flows (a plain recv on each);
// a third without the option is refused with EADDRINUSE, one with it joins.
BOOST_AUTO_TEST_CASE(reuse_port_group_shares_the_port)
{
  net::io_context io;
  udp::socket a(io, proto), b(io, proto);
  a.set_option(asio_ipv4::reuse_port(true));
  b.set_option(asio_ipv4::reuse_port(true));
  a.bind(udp::endpoint(addr("127.0.0.1"), 0));
  const udp::endpoint shared = a.local_endpoint();
  b.bind(shared);

  udp::socket without(io, proto);
  boost::system::error_code ec;
  without.bind(shared, ec);
  BOOST_TEST(ec == net::error::address_in_use, got_expected(ec, net::error::address_in_use));
  udp::socket third(io, proto);
  third.set_option(asio_ipv4::reuse_port(true));
  third.bind(shared, ec);
  BOOST_TEST(!ec, got_expected(ec, {}));
  third.close();

  constexpr int flows = 64;
  for (int i = 0; i < flows; ++i)
  {
    udp::socket sender(io, udp::endpoint(addr("127.0.0.1"), 0));
    sender.send_to(net::buffer("hello", 5), shared);
  }
  int got_a = 0, got_b = 0;
  std::array<char, 16> buffer;
  a.non_blocking(true);
  b.non_blocking(true);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got_a + got_b < flows && std::chrono::steady_clock::now() < deadline)
  {
    while (a.receive(net::buffer(buffer), 0, ec), !ec)
      ++got_a;
    while (b.receive(net::buffer(buffer), 0, ec), !ec)
      ++got_b;
    std::this_thread::sleep_for(1ms);
  }
  BOOST_TEST(got_a + got_b == flows);
  // By the hash, every flow lands on one of two sockets at random: both
  // empty-handed but one happens with probability 2^-63.
  BOOST_TEST(got_a > 0, "a received " << got_a << ", b " << got_b);
  BOOST_TEST(got_b > 0, "a received " << got_a << ", b " << got_b);
}

// Oracle: the kernel's answers (reuseport_attach_prog, reuseport_detach_prog
// in net/core/sock_reuseport.c): EINVAL without a group, ENOENT with a group
// but no program; after an attach, a detach succeeds once.
BOOST_AUTO_TEST_CASE(steering_needs_a_group)
{
  net::io_context io;
  const asio_ipv4::reuse_port_steering to_first({asio_ipv4::sock_filter BPF_STMT(BPF_RET | BPF_K, 0)});
  udp::socket alone(io, udp::endpoint(addr("127.0.0.1"), 0));
  boost::system::error_code ec;
  alone.set_option(to_first, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  alone.set_option(asio_ipv4::detach_reuse_port_steering(), ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));

  udp::socket member(io, proto);
  member.set_option(asio_ipv4::reuse_port(true));
  member.bind(udp::endpoint(addr("127.0.0.1"), 0));
  // ENOENT, compared as the portable condition.
  const auto no_entry = boost::system::errc::no_such_file_or_directory;
  member.set_option(asio_ipv4::detach_reuse_port_steering(), ec);
  BOOST_TEST(ec == no_entry, got_expected(ec, make_error_code(no_entry)));
  member.set_option(to_first);
  member.set_option(asio_ipv4::detach_reuse_port_steering());
  member.set_option(asio_ipv4::detach_reuse_port_steering(), ec);
  BOOST_TEST(ec == no_entry, got_expected(ec, make_error_code(no_entry)));
}

// Oracle: sched_getcpu() of the sending thread, pinned to each CPU in turn.
// A connected UDP socket records the CPU that handled its last datagram,
// and loopback handles a datagram on the CPU that sent it.
BOOST_AUTO_TEST_CASE(incoming_cpu_reads_the_receiving_cpu)
{
  net::io_context io;
  udp::socket receiver(io, udp::endpoint(addr("127.0.0.1"), 0));
  udp::socket sender(io, udp::endpoint(addr("127.0.0.1"), 0));
  receiver.connect(sender.local_endpoint());
  const auto cpus = allowed_cpus();
  BOOST_TEST_MESSAGE("CPUs allowed: " << cpus.size());
  for (int cpu : cpus)
  {
    BOOST_TEST_CONTEXT("sender on CPU " << cpu)
    {
      const int seen = on_cpu(cpu, [&] { sender.send_to(net::buffer("x", 1), receiver.local_endpoint()); });
      BOOST_TEST_REQUIRE(seen == cpu, "the pinned thread ran on CPU " << seen);
      std::array<char, 4> buffer;
      receiver.receive(net::buffer(buffer));
      asio_ipv4::incoming_cpu got;
      receiver.get_option(got);
      BOOST_TEST(got.value() == cpu);
      BOOST_TEST(raw_get_int(receiver.native_handle(), SO_INCOMING_CPU) == cpu);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
