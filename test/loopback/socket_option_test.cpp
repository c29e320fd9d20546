// Socket option classes, two ways:
// - as objects (no socket): the level, name, size and bytes that set_option
//   and get_option see, invalid values, resize, the RFC 791 option builders;
// - on a plain loopback UDP socket (unprivileged): set/get round trips and
//   refused values, with raw ::getsockopt / ::setsockopt on native_handle()
//   as the oracle.

#include <asio_ipv4/ip4/icmp_filter.hpp>
#include <asio_ipv4/ip4/ip_options.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/source_filter.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include "option_check.hpp"
#include "test_util.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/if.h>
#include <linux/icmp.h> // after <net/if.h>: the other order clashes
#include <netinet/in.h>
#include <netinet/udp.h> // SOL_UDP, UDP_SEGMENT, UDP_GRO
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

using asio_ipv4::test::addr;
using asio_ipv4::test::bytes_of;
using asio_ipv4::test::check_refused;
using asio_ipv4::test::check_set_fails;
using asio_ipv4::test::check_settable;
using asio_ipv4::test::got_expected;
using asio_ipv4::test::in_addr_of;
using asio_ipv4::test::invalid_level;
using asio_ipv4::test::invalid_name;

namespace ip4 = asio_ipv4::ip4;
namespace net = boost::asio;
namespace tt = boost::test_tools;
using net::ip::address_v4;
using net::ip::udp;

const udp& proto = asio_ipv4::test::option_protocol;

sockaddr_storage storage_of(const char* text)
{
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr = in_addr_of(text);
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof(ss));
  std::memcpy(&ss, &sin, sizeof(sin));
  return ss;
}

// What get_option sees (the non-const overloads): always the real pair.
template <class Option>
void check_readable(Option& o, int level, int name)
{
  BOOST_TEST(o.level(proto) == level);
  BOOST_TEST(o.name(proto) == name);
}

// ---------------------------------------------------------------------------
// Option families as type lists, so each option is its own test case.

template <class Option, int Level, int Name, int Value>
struct kernel_option
{
  using type = Option;
  static constexpr int level = Level;
  static constexpr int name = Name;
  // A valid value that differs from a fresh UDP socket's default.
  static constexpr int value = Value;
};

template <class Option, int Level, int Name, int Min, int Max>
struct ranged_case
{
  using type = Option;
  static constexpr int level = Level;
  static constexpr int name = Name;
  static constexpr int min = Min;
  static constexpr int max = Max;
};

// The boolean options an unprivileged UDP socket accepts, each with the
// value that is not its default.
using udp_boolean_cases = std::tuple<
    kernel_option<ip4::multicast_loopback, IPPROTO_IP, IP_MULTICAST_LOOP, 0>,
    kernel_option<ip4::multicast_all, IPPROTO_IP, IP_MULTICAST_ALL, 0>,
    kernel_option<ip4::freebind, IPPROTO_IP, IP_FREEBIND, 1>,
    kernel_option<ip4::receive_packet_info, IPPROTO_IP, IP_PKTINFO, 1>,
    kernel_option<ip4::receive_ttl, IPPROTO_IP, IP_RECVTTL, 1>,
    kernel_option<ip4::receive_tos, IPPROTO_IP, IP_RECVTOS, 1>,
    kernel_option<ip4::receive_original_destination, IPPROTO_IP, IP_RECVORIGDSTADDR, 1>,
    kernel_option<ip4::receive_errors, IPPROTO_IP, IP_RECVERR, 1>,
    kernel_option<ip4::bind_address_no_port, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1>,
    kernel_option<asio_ipv4::udp_gro, SOL_UDP, UDP_GRO, 1>,
    // Linux has no IP_RECVDSTADDR / IP_RECVIF: both BSD switches are IP_PKTINFO.
    kernel_option<ip4::receive_destination_address, IPPROTO_IP, IP_PKTINFO, 1>,
    kernel_option<ip4::receive_interface, IPPROTO_IP, IP_PKTINFO, 1>,
    kernel_option<asio_ipv4::receive_drop_count, SOL_SOCKET, SO_RXQ_OVFL, 1>>;

// Boolean options for raw sockets or CAP_NET_ADMIN (tested on the wire by
// the network tests).
using other_boolean_cases = std::tuple<
    kernel_option<ip4::header_included, IPPROTO_IP, IP_HDRINCL, 1>,
    kernel_option<ip4::transparent, IPPROTO_IP, IP_TRANSPARENT, 1>,
    kernel_option<ip4::no_defragment, IPPROTO_IP, IP_NODEFRAG, 1>>;

using boolean_cases = decltype(std::tuple_cat(udp_boolean_cases(), other_boolean_cases()));

using ranged_cases = std::tuple<
    ranged_case<ip4::tos, IPPROTO_IP, IP_TOS, 0, 255>,
    ranged_case<ip4::ttl, IPPROTO_IP, IP_TTL, 1, 255>,
    ranged_case<ip4::multicast_ttl, IPPROTO_IP, IP_MULTICAST_TTL, 0, 255>,
    ranged_case<ip4::min_ttl, IPPROTO_IP, IP_MINTTL, 0, 255>,
    ranged_case<asio_ipv4::udp_segment, SOL_UDP, UDP_SEGMENT, 0, 65535>>;

// The int-valued options an unprivileged UDP socket accepts, with a value
// that is not the default.
using udp_round_trip_cases = decltype(std::tuple_cat(
    std::tuple<kernel_option<ip4::tos, IPPROTO_IP, IP_TOS, 0xb8>,
        kernel_option<ip4::ttl, IPPROTO_IP, IP_TTL, 17>,
        kernel_option<ip4::multicast_ttl, IPPROTO_IP, IP_MULTICAST_TTL, 9>,
        kernel_option<ip4::mtu_discover, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE>,
        kernel_option<ip4::min_ttl, IPPROTO_IP, IP_MINTTL, 7>,
        kernel_option<asio_ipv4::udp_segment, SOL_UDP, UDP_SEGMENT, 1200>>(),
    udp_boolean_cases()));

// Every option whose data is one int read back by get_option.
using int_gettable_cases = decltype(std::tuple_cat(udp_round_trip_cases(), other_boolean_cases(),
    std::tuple<kernel_option<ip4::mtu, IPPROTO_IP, IP_MTU, 1500>>()));

// Builds an option from an int, whatever its constructor takes.
template <class Option>
Option from_int(int v)
{
  if constexpr (std::is_same<Option, ip4::mtu_discover>::value)
    return Option(static_cast<ip4::pmtu>(v));
  else if constexpr (std::is_same<decltype(std::declval<Option>().value()), bool>::value)
    return Option(v != 0);
  else
    return Option(v);
}

// value() as an int, whatever its type (bool, std::uint8_t, int, pmtu).
template <class Option>
int value_of(const Option& o)
{
  return static_cast<int>(o.value());
}

// ---------------------------------------------------------------------------
// Every invalid option, labelled, handed one by one to
// f(const std::string& label, const Option& option).

#define ASIO_IPV4_INVALID(...) f(std::string(prefix) + #__VA_ARGS__, __VA_ARGS__)

std::vector<asio_ipv4::sock_filter> accept_all_program(std::size_t instructions)
{
  return std::vector<asio_ipv4::sock_filter>(instructions, asio_ipv4::sock_filter BPF_STMT(BPF_RET | BPF_K, 0xffff));
}

std::vector<address_v4> hops(std::size_t n)
{
  std::vector<address_v4> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(address_v4(0x0a000001u + static_cast<unsigned>(i)));
  return v;
}

template <class SourceOption, class F>
void for_each_invalid_source_option(const char* prefix, F&& f)
{
  ASIO_IPV4_INVALID(SourceOption(addr("10.1.2.3"), addr("10.0.0.5"), 1));
  ASIO_IPV4_INVALID(SourceOption(addr("232.1.1.1"), addr("224.0.0.1"), 1));
  ASIO_IPV4_INVALID(SourceOption(addr("232.1.1.1"), addr("0.0.0.0"), 1));
  ASIO_IPV4_INVALID(SourceOption(addr("232.1.1.1"), addr("255.255.255.255"), 1));
}

template <class GroupOption, class F>
void for_each_invalid_group_option(const char* prefix, F&& f)
{
  ASIO_IPV4_INVALID(GroupOption(addr("10.1.2.3")));
  ASIO_IPV4_INVALID(GroupOption(addr("0.0.0.0"), 1u));
  ASIO_IPV4_INVALID(GroupOption(addr("255.255.255.255"), 1u));
  ASIO_IPV4_INVALID(GroupOption(addr("10.1.2.3"), addr("127.0.0.1")));
}

template <class F>
void for_each_invalid_option(F&& f)
{
  const char* prefix = "";
  const std::vector<unsigned char> bytes41(41, 1); // 41 NOPs

  ASIO_IPV4_INVALID(ip4::ttl());
  ASIO_IPV4_INVALID(ip4::ttl(0));
  ASIO_IPV4_INVALID(ip4::ttl(256));
  ASIO_IPV4_INVALID(ip4::ttl(300));
  ASIO_IPV4_INVALID(ip4::ttl(-1));
  ASIO_IPV4_INVALID(ip4::ttl(256u));
  ASIO_IPV4_INVALID(ip4::ttl(1LL << 40));
  ASIO_IPV4_INVALID(ip4::ttl((1LL << 32) + 64)); // 64 if narrowed to 32 bits
  ASIO_IPV4_INVALID(ip4::ttl(std::numeric_limits<unsigned long long>::max()));
  ASIO_IPV4_INVALID(ip4::ttl(std::numeric_limits<long long>::min()));
  ASIO_IPV4_INVALID(ip4::tos(256));
  ASIO_IPV4_INVALID(ip4::tos(300));
  ASIO_IPV4_INVALID(ip4::tos(-1));
  ASIO_IPV4_INVALID(ip4::tos::from_dscp(64));
  ASIO_IPV4_INVALID(ip4::tos::from_dscp(0, 4));
  ASIO_IPV4_INVALID(ip4::multicast_ttl(256));
  ASIO_IPV4_INVALID(ip4::multicast_ttl(-1));
  ASIO_IPV4_INVALID(ip4::min_ttl(256));
  ASIO_IPV4_INVALID(ip4::min_ttl(-1));
  ASIO_IPV4_INVALID(ip4::mtu_discover(static_cast<ip4::pmtu>(IP_PMTUDISC_OMIT + 1)));
  ASIO_IPV4_INVALID(ip4::mtu_discover(static_cast<ip4::pmtu>(-1)));
  ASIO_IPV4_INVALID(asio_ipv4::udp_segment(65536));
  ASIO_IPV4_INVALID(asio_ipv4::udp_segment(70000));
  ASIO_IPV4_INVALID(asio_ipv4::udp_segment(-1));
  ASIO_IPV4_INVALID(ip4::multicast_interface(0x80000000u));
  ASIO_IPV4_INVALID(ip4::multicast_interface(UINT_MAX));
  for_each_invalid_group_option<ip4::join_group>("join_group: ", f);
  for_each_invalid_group_option<ip4::leave_group>("leave_group: ", f);
  for_each_invalid_source_option<ip4::source_group_join>("source_group_join: ", f);
  for_each_invalid_source_option<ip4::source_group_leave>("source_group_leave: ", f);
  for_each_invalid_source_option<ip4::block_source>("block_source: ", f);
  for_each_invalid_source_option<ip4::unblock_source>("unblock_source: ", f);
  ASIO_IPV4_INVALID(ip4::options(net::buffer(bytes41)));
  ASIO_IPV4_INVALID(ip4::options::record_route(0));
  ASIO_IPV4_INVALID(ip4::options::record_route(10));
  ASIO_IPV4_INVALID(ip4::options::record_route(std::numeric_limits<std::size_t>::max() / 4 + 2));
  ASIO_IPV4_INVALID(ip4::options::timestamp(0));
  ASIO_IPV4_INVALID(ip4::options::timestamp(10));
  ASIO_IPV4_INVALID(ip4::options::timestamp(std::numeric_limits<std::size_t>::max() / 4 + 2));
  ASIO_IPV4_INVALID(ip4::options::loose_source_route({}));
  ASIO_IPV4_INVALID(ip4::options::loose_source_route(hops(10)));
  ASIO_IPV4_INVALID(ip4::options::strict_source_route({}));
  ASIO_IPV4_INVALID(ip4::options::strict_source_route(hops(10)));
  ASIO_IPV4_INVALID(ip4::options::router_alert() + ip4::options::timestamp(9));
  ASIO_IPV4_INVALID(ip4::options::record_route(10) + ip4::options::router_alert());
  ASIO_IPV4_INVALID(asio_ipv4::bpf_filter({}));
  ASIO_IPV4_INVALID(asio_ipv4::bpf_filter(accept_all_program(BPF_MAXINSNS + 1)));
  ASIO_IPV4_INVALID(ip4::icmp_filter().block(ip4::icmp_type::photuris));
  ASIO_IPV4_INVALID(ip4::icmp_filter().block_all().block(static_cast<ip4::icmp_type>(255)));
  ASIO_IPV4_INVALID(ip4::icmp_filter().block(ip4::icmp_type::photuris).block(static_cast<ip4::icmp_type>(200))
                        .pass(ip4::icmp_type::photuris));
}

#undef ASIO_IPV4_INVALID

// ---------------------------------------------------------------------------
// Raw socket helpers (the oracle).

int raw_get_int(int fd, int level, int name)
{
  int v = -12345;
  socklen_t len = sizeof(v);
  BOOST_TEST_REQUIRE(::getsockopt(fd, level, name, &v, &len) == 0, std::strerror(errno));
  BOOST_TEST(len == sizeof(int));
  return v;
}

void raw_set_int(int fd, int level, int name, int v)
{
  BOOST_TEST_REQUIRE(::setsockopt(fd, level, name, &v, sizeof(v)) == 0, std::strerror(errno));
}

std::vector<int> raw_get_bytes(int fd, int level, int name, std::size_t room)
{
  std::vector<unsigned char> b(room);
  socklen_t len = static_cast<socklen_t>(room);
  BOOST_TEST_REQUIRE(::getsockopt(fd, level, name, b.data(), &len) == 0, std::strerror(errno));
  return bytes_of(b.data(), len);
}

std::string raw_multicast_if(int fd)
{
  in_addr a;
  socklen_t len = sizeof(a);
  BOOST_TEST_REQUIRE(::getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, &len) == 0, std::strerror(errno));
  BOOST_TEST(len == sizeof(a));
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, text, sizeof(text));
  return text;
}

// SO_GET_FILTER with no room answers the number of instructions attached.
int raw_filter_length(int fd)
{
  socklen_t len = 0;
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, nullptr, &len) == 0, std::strerror(errno));
  return static_cast<int>(len);
}

struct udp_fixture
{
  net::io_context io;
  udp::socket socket{io, udp::endpoint(addr("127.0.0.1"), 0)};
  int fd = socket.native_handle();
};

} // namespace

BOOST_AUTO_TEST_SUITE(socket_option_test)

// ===========================================================================
// The objects

// Oracle: the int the kernel reads (1 or 0) written by hand.
BOOST_AUTO_TEST_CASE_TEMPLATE(boolean_option_data, T, boolean_cases)
{
  using O = typename T::type;
  check_settable(O(true), T::level, T::name, 1);
  check_settable(O(false), T::level, T::name, 0);
  check_settable(O(), T::level, T::name, 0);
  BOOST_TEST(O(true).value());
  BOOST_TEST(static_cast<bool>(O(true)));
  BOOST_TEST(!O(false));
  BOOST_TEST(!O().value());
  static_assert(!std::is_convertible<bool, O>::value, "the value constructor is explicit");
}

// Oracle: the int written by hand; the range from API.md / ip(7).
BOOST_AUTO_TEST_CASE_TEMPLATE(ranged_option_bounds, T, ranged_cases)
{
  using O = typename T::type;
  for (int v : {T::min, T::min + 1, T::max - 1, T::max})
  {
    BOOST_TEST_CONTEXT("value " << v)
    {
      O o(v);
      check_settable(o, T::level, T::name, v);
      BOOST_TEST(value_of(o) == v);
      BOOST_TEST(o.valid());
    }
  }
  // Boundaries in other integer types, no narrowing on the way.
  check_settable(O(static_cast<unsigned char>(T::max > 255 ? 255 : T::max)), T::level, T::name,
      T::max > 255 ? 255 : T::max);
  check_settable(O(static_cast<unsigned long long>(T::max)), T::level, T::name, T::max);
  check_settable(O(static_cast<short>(T::min)), T::level, T::name, T::min);
  static_assert(!std::is_convertible<int, O>::value, "the value constructor is explicit");
  static_assert(!std::is_constructible<O, double>::value, "only integers are accepted");
}

// Oracle: the valid range; a value is never narrowed into it.
BOOST_AUTO_TEST_CASE_TEMPLATE(ranged_option_out_of_range, T, ranged_cases)
{
  using O = typename T::type;
  const long long in = T::min + 1;
  auto refused = [](O o) {
    const O& c = o;
    check_refused(c);
    check_readable(o, T::level, T::name);
    BOOST_TEST(!c.valid());
  };
  BOOST_TEST_CONTEXT("min - 1") refused(O(T::min - 1));
  BOOST_TEST_CONTEXT("max + 1") refused(O(T::max + 1));
  BOOST_TEST_CONTEXT("max + 1u") refused(O(static_cast<unsigned>(T::max) + 1u));
  BOOST_TEST_CONTEXT("-1LL") refused(O(-1LL));
  BOOST_TEST_CONTEXT("1LL << 40") refused(O(1LL << 40));
  BOOST_TEST_CONTEXT("2^32 + in-range") refused(O((1LL << 32) + in));
  BOOST_TEST_CONTEXT("2^64 - 2^32 + in-range, unsigned")
    refused(O(static_cast<unsigned long long>(-(1LL << 32)) + in));
  BOOST_TEST_CONTEXT("ULLONG_MAX") refused(O(std::numeric_limits<unsigned long long>::max()));
  BOOST_TEST_CONTEXT("LLONG_MIN") refused(O(std::numeric_limits<long long>::min()));
  BOOST_TEST_CONTEXT("INT_MIN") refused(O(INT_MIN));
}

BOOST_AUTO_TEST_CASE(default_values)
{
  // ttl's default (0) is outside 1..255: readable, not settable.
  ip4::ttl t;
  check_refused(static_cast<const ip4::ttl&>(t));
  check_readable(t, IPPROTO_IP, IP_TTL);
  // The others default to a valid 0.
  check_settable(ip4::tos(), IPPROTO_IP, IP_TOS, 0);
  check_settable(ip4::multicast_ttl(), IPPROTO_IP, IP_MULTICAST_TTL, 0);
  check_settable(ip4::min_ttl(), IPPROTO_IP, IP_MINTTL, 0);
  check_settable(asio_ipv4::udp_segment(), SOL_UDP, UDP_SEGMENT, 0);
  check_settable(ip4::mtu_discover(), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
}

// Oracle: RFC 2474 / RFC 3168 layout, DSCP << 2 | ECN.
BOOST_AUTO_TEST_CASE(tos_dscp_and_ecn)
{
  check_settable(ip4::tos::from_dscp(46), IPPROTO_IP, IP_TOS, 184);
  check_settable(ip4::tos::from_dscp(46, 1), IPPROTO_IP, IP_TOS, 185);
  check_settable(ip4::tos::from_dscp(63, 3), IPPROTO_IP, IP_TOS, 255);
  check_settable(ip4::tos::from_dscp(0, 0), IPPROTO_IP, IP_TOS, 0);
  check_settable(ip4::tos::from_dscp(10, 2), IPPROTO_IP, IP_TOS, 0x2a);
  BOOST_TEST(int(ip4::tos(0xb9).dscp()) == 46);
  BOOST_TEST(int(ip4::tos(0xb9).ecn()) == 1);
  BOOST_TEST(int(ip4::tos(0xb9).value()) == 0xb9);
  BOOST_TEST(int(ip4::tos(0xff).dscp()) == 63);
  BOOST_TEST(int(ip4::tos(0xff).ecn()) == 3);
  BOOST_TEST(int(ip4::tos(0x03).dscp()) == 0);
  BOOST_TEST(int(ip4::tos(0xfc).ecn()) == 0);
  check_refused(ip4::tos::from_dscp(64));
  check_refused(ip4::tos::from_dscp(255, 0));
  check_refused(ip4::tos::from_dscp(0, 4));
}

BOOST_AUTO_TEST_CASE(mtu_discover_modes)
{
  // Oracle: the IP_PMTUDISC_* values of <netinet/in.h>.
  check_settable(ip4::mtu_discover(ip4::pmtu::dont), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
  check_settable(ip4::mtu_discover(ip4::pmtu::want), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_WANT);
  check_settable(ip4::mtu_discover(ip4::pmtu::do_), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
  check_settable(ip4::mtu_discover(ip4::pmtu::probe), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE);
  check_settable(ip4::mtu_discover(ip4::pmtu::interface), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_INTERFACE);
  check_settable(ip4::mtu_discover(ip4::pmtu::omit), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_OMIT);
  BOOST_TEST(value_of(ip4::mtu_discover(ip4::pmtu::probe)) == IP_PMTUDISC_PROBE);
  ip4::mtu_discover bad(static_cast<ip4::pmtu>(IP_PMTUDISC_OMIT + 1));
  check_refused(static_cast<const ip4::mtu_discover&>(bad));
  check_readable(bad, IPPROTO_IP, IP_MTU_DISCOVER);
}

BOOST_AUTO_TEST_CASE(mtu_is_get_only)
{
  ip4::mtu m;
  const ip4::mtu& c = m;
  BOOST_TEST(c.level(proto) == IPPROTO_IP);
  BOOST_TEST(c.name(proto) == IP_MTU);
  BOOST_TEST(c.size(proto) == sizeof(int));
  BOOST_TEST(m.value() == 0);
}

// Oracle: an int / a single byte written where the kernel writes it.
BOOST_AUTO_TEST_CASE_TEMPLATE(int_option_resize, T, int_gettable_cases)
{
  using O = typename T::type;
  constexpr int probe = T::value != 0 ? T::value : 1; // not the default 0
  O o;
  int* storage = o.data(proto);

  std::memcpy(storage, &probe, sizeof(probe));
  o.resize(proto, sizeof(int));
  BOOST_TEST(value_of(o) == probe);

  // The 1-byte answer: only the first byte is the kernel's, the rest is junk.
  for (unsigned char byte : {static_cast<unsigned char>(0), static_cast<unsigned char>(probe & 0xff)})
  {
    BOOST_TEST_CONTEXT("one byte " << int(byte))
    {
      const int junk = 0x55555555;
      std::memcpy(storage, &junk, sizeof(junk));
      std::memcpy(storage, &byte, 1);
      o.resize(proto, 1);
      BOOST_TEST(*o.data(proto) == int(byte));
      BOOST_TEST(value_of(o) == (std::is_same<decltype(o.value()), bool>::value ? int(byte != 0) : int(byte)));
    }
  }

  for (std::size_t bad : {std::size_t(0), std::size_t(2), std::size_t(3), std::size_t(5), std::size_t(8)})
    BOOST_CHECK_THROW(o.resize(proto, bad), std::length_error);
}

// An object built from an invalid value becomes settable once read into.
BOOST_AUTO_TEST_CASE(resize_makes_an_invalid_object_valid)
{
  ip4::ttl t(0);
  const int read = 64;
  std::memcpy(t.data(proto), &read, sizeof(read));
  t.resize(proto, sizeof(int));
  check_settable(t, IPPROTO_IP, IP_TTL, 64);
  BOOST_TEST(t.valid());

  asio_ipv4::udp_segment u(70000);
  const unsigned char byte = 200;
  std::memcpy(u.data(proto), &byte, 1);
  u.resize(proto, 1);
  check_settable(u, SOL_UDP, UDP_SEGMENT, 200);
}

BOOST_AUTO_TEST_CASE(every_invalid_option_reports_the_always_fail_pair)
{
  std::vector<std::string> labels;
  for_each_invalid_option([&](const std::string& label, const auto& option) {
    BOOST_TEST_CONTEXT(label) check_refused(option);
    labels.push_back(label);
  });
  // Every case listed in for_each_invalid_option reached the check, once:
  // 44 written out, 4 for each of the 2 group options, 4 for each of the 4
  // source options. A case that is lost or listed twice changes this.
  BOOST_TEST(labels.size() == 44u + 2 * 4 + 4 * 4);
  std::set<std::string> distinct(labels.begin(), labels.end());
  BOOST_TEST(distinct.size() == labels.size(), "a case is listed twice");
}

// --- multicast_interface: a struct ip_mreqn (ip(7)).

BOOST_AUTO_TEST_CASE(multicast_interface_data)
{
  ip_mreqn expected;
  std::memset(&expected, 0, sizeof(expected));
  check_settable(ip4::multicast_interface(), IPPROTO_IP, IP_MULTICAST_IF, expected);

  expected.imr_ifindex = 7;
  check_settable(ip4::multicast_interface(7u), IPPROTO_IP, IP_MULTICAST_IF, expected);
  BOOST_TEST(ip4::multicast_interface(7u).interface_index() == 7u);

  expected.imr_ifindex = INT_MAX;
  check_settable(ip4::multicast_interface(static_cast<unsigned>(INT_MAX)), IPPROTO_IP, IP_MULTICAST_IF, expected);

  std::memset(&expected, 0, sizeof(expected));
  expected.imr_address = in_addr_of("192.0.2.17");
  ip4::multicast_interface by_address(addr("192.0.2.17"));
  check_settable(by_address, IPPROTO_IP, IP_MULTICAST_IF, expected);
  BOOST_TEST(by_address.value() == addr("192.0.2.17"));
  BOOST_TEST(by_address.interface_index() == 0u);

  ip4::multicast_interface too_big(0x80000000u);
  check_refused(static_cast<const ip4::multicast_interface&>(too_big));
  check_readable(too_big, IPPROTO_IP, IP_MULTICAST_IF);
}

// Oracle: Linux answers IP_MULTICAST_IF with one struct in_addr.
BOOST_AUTO_TEST_CASE(multicast_interface_resize)
{
  ip4::multicast_interface o(0x80000000u);
  const in_addr a = in_addr_of("10.1.2.3");
  std::memcpy(o.data(proto), &a, sizeof(a));
  o.resize(proto, sizeof(in_addr));
  BOOST_TEST(o.value() == addr("10.1.2.3"));
  BOOST_TEST(o.interface_index() == 0u);
  ip_mreqn expected;
  std::memset(&expected, 0, sizeof(expected));
  expected.imr_address = a;
  check_settable(o, IPPROTO_IP, IP_MULTICAST_IF, expected);

  for (std::size_t bad : {std::size_t(0), std::size_t(1), std::size_t(8), sizeof(ip_mreqn)})
    BOOST_CHECK_THROW(o.resize(proto, bad), std::length_error);
}

// --- Group membership: struct group_req (RFC 3678) or struct ip_mreqn.

template <class Option>
void check_group_option(int name_by_index, int name_by_address)
{
  group_req by_index;
  std::memset(&by_index, 0, sizeof(by_index));
  by_index.gr_interface = 5;
  by_index.gr_group = storage_of("239.1.2.3");
  check_settable(Option(addr("239.1.2.3"), 5u), IPPROTO_IP, name_by_index, by_index);

  by_index.gr_interface = 0;
  check_settable(Option(addr("239.1.2.3")), IPPROTO_IP, name_by_index, by_index);

  by_index.gr_interface = UINT_MAX;
  by_index.gr_group = storage_of("224.0.0.251");
  check_settable(Option(addr("224.0.0.251"), UINT_MAX), IPPROTO_IP, name_by_index, by_index);

  ip_mreqn by_address;
  std::memset(&by_address, 0, sizeof(by_address));
  by_address.imr_multiaddr = in_addr_of("239.255.0.1");
  by_address.imr_address = in_addr_of("192.0.2.4");
  check_settable(Option(addr("239.255.0.1"), addr("192.0.2.4")), IPPROTO_IP, name_by_address, by_address);
}

BOOST_AUTO_TEST_CASE(join_group_data)
{
  check_group_option<ip4::join_group>(MCAST_JOIN_GROUP, IP_ADD_MEMBERSHIP);
}

BOOST_AUTO_TEST_CASE(leave_group_data)
{
  check_group_option<ip4::leave_group>(MCAST_LEAVE_GROUP, IP_DROP_MEMBERSHIP);
}

// --- Source-specific options: struct group_source_req (RFC 3678).

using source_cases = std::tuple<
    kernel_option<ip4::source_group_join, IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, 0>,
    kernel_option<ip4::source_group_leave, IPPROTO_IP, MCAST_LEAVE_SOURCE_GROUP, 0>,
    kernel_option<ip4::block_source, IPPROTO_IP, MCAST_BLOCK_SOURCE, 0>,
    kernel_option<ip4::unblock_source, IPPROTO_IP, MCAST_UNBLOCK_SOURCE, 0>>;

BOOST_AUTO_TEST_CASE_TEMPLATE(source_option_data, T, source_cases)
{
  using O = typename T::type;
  group_source_req expected;
  std::memset(&expected, 0, sizeof(expected));
  expected.gsr_interface = 3;
  expected.gsr_group = storage_of("232.1.1.1");
  expected.gsr_source = storage_of("10.0.0.5");
  check_settable(O(addr("232.1.1.1"), addr("10.0.0.5"), 3u), T::level, T::name, expected);

  expected.gsr_interface = 0;
  expected.gsr_source = storage_of("127.0.0.1");
  check_settable(O(addr("232.1.1.1"), addr("127.0.0.1")), T::level, T::name, expected);
}

// --- IP_OPTIONS: RFC 791 bytes written by hand.

void check_ip_options(const ip4::options& o, const std::vector<int>& expected)
{
  std::vector<unsigned char> bytes(expected.begin(), expected.end());
  BOOST_TEST(o.valid());
  check_settable(o, IPPROTO_IP, IP_OPTIONS, bytes.data(), bytes.size());
  BOOST_TEST(bytes_of(o.value().data(), o.value().size()) == expected, tt::per_element());
}

// Oracle: a record route / timestamp area of n empty slots (RFC 791).
std::vector<int> route_area(int type, int slots)
{
  std::vector<int> v{type, 3 + 4 * slots, 4};
  v.resize(static_cast<std::size_t>(3 + 4 * slots), 0);
  return v;
}

BOOST_AUTO_TEST_CASE(options_raw_bytes)
{
  const std::vector<unsigned char> nops(40, 1);
  check_ip_options(ip4::options(net::buffer(nops)), std::vector<int>(40, 1));
  check_ip_options(ip4::options(net::buffer(nops.data(), 3)), {1, 1, 1});
  check_ip_options(ip4::options(), {});
  check_ip_options(ip4::options(net::const_buffer()), {});

  const std::vector<unsigned char> too_many(41, 1);
  ip4::options o(net::buffer(too_many));
  BOOST_TEST(!o.valid());
  BOOST_TEST(o.value().size() == 0u);
  check_refused(static_cast<const ip4::options&>(o));
  check_readable(o, IPPROTO_IP, IP_OPTIONS);
  // get_option offers the full 40 bytes, whatever the object held.
  BOOST_TEST(o.size(proto) == 40u);
  ip4::options small(net::buffer(nops.data(), 4));
  BOOST_TEST(small.size(proto) == 40u);
  BOOST_TEST(static_cast<const ip4::options&>(small).size(proto) == 4u);
}

BOOST_AUTO_TEST_CASE(options_record_route)
{
  check_ip_options(ip4::options::record_route(1), {7, 7, 4, 0, 0, 0, 0});
  const auto nine = ip4::options::record_route(9);
  BOOST_TEST(nine.value().size() == 39u);
  check_ip_options(nine, route_area(7, 9));
  check_refused(ip4::options::record_route(0));
  check_refused(ip4::options::record_route(10));
  // 4 * slots must not wrap around to a small size.
  check_refused(ip4::options::record_route(std::size_t(1) << (sizeof(std::size_t) * 8 - 2)));
  check_refused(ip4::options::record_route((std::size_t(1) << (sizeof(std::size_t) * 8 - 2)) + 1));
  check_refused(ip4::options::record_route(std::numeric_limits<std::size_t>::max()));
}

BOOST_AUTO_TEST_CASE(options_timestamp)
{
  // Type 68, length, pointer 5, overflow 0 / flag 0 (timestamps only).
  check_ip_options(ip4::options::timestamp(1), {68, 8, 5, 0, 0, 0, 0, 0});
  std::vector<int> nine{68, 40, 5, 0};
  nine.resize(40, 0);
  check_ip_options(ip4::options::timestamp(9), nine);
  check_refused(ip4::options::timestamp(0));
  check_refused(ip4::options::timestamp(10));
  check_refused(ip4::options::timestamp(std::size_t(1) << (sizeof(std::size_t) * 8 - 2)));
  check_refused(ip4::options::timestamp((std::size_t(1) << (sizeof(std::size_t) * 8 - 2)) + 1));
}

BOOST_AUTO_TEST_CASE(options_source_routes)
{
  const std::vector<address_v4> route{addr("192.0.2.1"), addr("198.51.100.2"), addr("203.0.113.3")};
  // The gateways, the first hop first; the destination is not listed (BSD ip(4)).
  const std::vector<int> addresses{192, 0, 2, 1, 198, 51, 100, 2, 203, 0, 113, 3};
  std::vector<int> loose{131, 15, 4};
  loose.insert(loose.end(), addresses.begin(), addresses.end());
  check_ip_options(ip4::options::loose_source_route(route), loose);
  std::vector<int> strict{137, 15, 4};
  strict.insert(strict.end(), addresses.begin(), addresses.end());
  check_ip_options(ip4::options::strict_source_route(route), strict);

  check_ip_options(ip4::options::loose_source_route({addr("10.9.8.7")}), {131, 7, 4, 10, 9, 8, 7});
  auto nine = ip4::options::strict_source_route(hops(9));
  BOOST_TEST(nine.value().size() == 39u);
  const auto* b = static_cast<const unsigned char*>(nine.value().data());
  BOOST_TEST(bytes_of(b, 3) == (std::vector<int>{137, 39, 4}), tt::per_element());
  BOOST_TEST(bytes_of(b + 35, 4) == (std::vector<int>{10, 0, 0, 9}), tt::per_element());

  check_refused(ip4::options::loose_source_route({}));
  check_refused(ip4::options::loose_source_route(hops(10)));
  check_refused(ip4::options::strict_source_route({}));
  check_refused(ip4::options::strict_source_route(hops(10)));
}

BOOST_AUTO_TEST_CASE(options_router_alert)
{
  // RFC 2113: type 148, length 4, value 0.
  check_ip_options(ip4::options::router_alert(), {148, 4, 0, 0});
}

BOOST_AUTO_TEST_CASE(options_concatenation)
{
  std::vector<int> alert_and_route{148, 4, 0, 0};
  const auto rr8 = route_area(7, 8);
  alert_and_route.insert(alert_and_route.end(), rr8.begin(), rr8.end());
  check_ip_options(ip4::options::router_alert() + ip4::options::record_route(8), alert_and_route);

  // Exactly 40 bytes.
  std::vector<int> forty{148, 4, 0, 0, 68, 36, 5, 0};
  forty.resize(40, 0);
  check_ip_options(ip4::options::router_alert() + ip4::options::timestamp(8), forty);
  check_ip_options(ip4::options::router_alert() + ip4::options(), {148, 4, 0, 0});
  check_ip_options(ip4::options() + ip4::options::router_alert(), {148, 4, 0, 0});

  ip4::options grown = ip4::options::router_alert();
  grown += ip4::options::router_alert();
  check_ip_options(grown, {148, 4, 0, 0, 148, 4, 0, 0});

  // Beyond 40, or with an invalid part: invalid, and stays invalid.
  const auto over = ip4::options::router_alert() + ip4::options::timestamp(9);
  check_refused(over);
  BOOST_TEST(over.value().size() == 0u);
  check_refused(ip4::options::router_alert() + ip4::options::record_route(0));
  check_refused(ip4::options::record_route(0) + ip4::options::router_alert());
  check_refused(over + ip4::options());
}

// Oracle: the kernel pads to 4 bytes; resize takes any size up to 40.
BOOST_AUTO_TEST_CASE(options_resize)
{
  const std::vector<unsigned char> too_many(41, 1);
  ip4::options o(net::buffer(too_many));
  const unsigned char got[8] = {7, 7, 4, 0, 0, 0, 0, 0};
  std::memcpy(o.data(proto), got, sizeof(got));
  o.resize(proto, sizeof(got));
  check_ip_options(o, {7, 7, 4, 0, 0, 0, 0, 0});
  o.resize(proto, 0);
  check_ip_options(o, {});
  BOOST_CHECK_NO_THROW(o.resize(proto, 40));
  BOOST_CHECK_THROW(o.resize(proto, 41), std::length_error);
}

// --- bpf_filter / detach_bpf_filter: struct sock_fprog (socket(7)).

BOOST_AUTO_TEST_CASE(bpf_filter_data)
{
  const std::vector<asio_ipv4::sock_filter> program{
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4), BPF_STMT(BPF_RET | BPF_K, 0xffff)};
  asio_ipv4::bpf_filter f(program);
  BOOST_TEST(f.valid());
  BOOST_TEST(f.program().size() == 2u);
  BOOST_TEST(f.level(proto) == SOL_SOCKET);
  BOOST_TEST(f.name(proto) == SO_ATTACH_FILTER);
  BOOST_TEST(f.size(proto) == sizeof(sock_fprog));
  sock_fprog fprog;
  std::memcpy(&fprog, f.data(proto), sizeof(fprog));
  BOOST_TEST(fprog.len == 2u);
  BOOST_TEST(static_cast<const void*>(fprog.filter) == f.program().data());
  BOOST_TEST(bytes_of(fprog.filter, 2 * sizeof(asio_ipv4::sock_filter))
          == bytes_of(program.data(), 2 * sizeof(asio_ipv4::sock_filter)),
      tt::per_element());

  // A copy points at its own program.
  asio_ipv4::bpf_filter copy = f;
  std::memcpy(&fprog, copy.data(proto), sizeof(fprog));
  BOOST_TEST(static_cast<const void*>(fprog.filter) == copy.program().data());
  BOOST_TEST(static_cast<const void*>(fprog.filter) != f.program().data());

  asio_ipv4::bpf_filter longest(accept_all_program(BPF_MAXINSNS));
  BOOST_TEST(longest.valid());
  std::memcpy(&fprog, longest.data(proto), sizeof(fprog));
  BOOST_TEST(fprog.len == BPF_MAXINSNS);
  check_refused(asio_ipv4::bpf_filter({}));
  check_refused(asio_ipv4::bpf_filter(accept_all_program(BPF_MAXINSNS + 1)));
}

// --- icmp_filter: a 32-bit mask (raw(7)); types above 31 cannot be dropped.

BOOST_AUTO_TEST_CASE(icmp_filter_data)
{
  ip4::icmp_filter f;
  BOOST_TEST(f.valid());
  BOOST_TEST(f.level(proto) == SOL_RAW);
  BOOST_TEST(f.name(proto) == ICMP_FILTER);
  BOOST_TEST(f.size(proto) == sizeof(std::uint32_t));
  f.block(ip4::icmp_type::echo_request).block(ip4::icmp_type::time_exceeded);
  std::uint32_t mask = 0;
  std::memcpy(&mask, static_cast<const ip4::icmp_filter&>(f).data(proto), sizeof(mask));
  BOOST_TEST(mask == ((1u << 8) | (1u << 11)));
  BOOST_TEST(f.will_block(ip4::icmp_type::time_exceeded));
  BOOST_TEST(!f.will_block(ip4::icmp_type::echo_reply));

  // Blocking a type the kernel cannot filter invalidates the filter until
  // that type, and every other such type, is passed again.
  f.block(ip4::icmp_type::photuris).block(static_cast<ip4::icmp_type>(200));
  BOOST_TEST(!f.valid());
  BOOST_TEST(!f.will_block(ip4::icmp_type::photuris)); // the kernel would let it through
  f.pass(ip4::icmp_type::photuris);
  BOOST_TEST(!f.valid());
  f.block_all();
  BOOST_TEST(!f.valid());
  f.pass(static_cast<ip4::icmp_type>(200));
  BOOST_TEST(f.valid());
  BOOST_TEST(f.mask() == 0xffffffffu);
  f.block(ip4::icmp_type::photuris).pass_all();
  BOOST_TEST(f.valid());
  BOOST_TEST(f.mask() == 0u);
  check_refused(ip4::icmp_filter().block(ip4::icmp_type::photuris));
}

BOOST_AUTO_TEST_CASE(detach_bpf_filter_data)
{
  check_settable(asio_ipv4::detach_bpf_filter(), SOL_SOCKET, SO_DETACH_FILTER, 0);
}

// --- Full-state source filters: struct group_filter (RFC 3678).

constexpr std::size_t filter_header = offsetof(group_filter, gf_slist);

template <class T>
void put(std::vector<unsigned char>& b, std::size_t offset, const T& value)
{
  std::memcpy(b.data() + offset, &value, sizeof(value));
}

// A struct group_filter laid out by hand with room for `room` sources.
std::vector<unsigned char> hand_group_filter(std::uint32_t interface_index, const char* group, std::uint32_t mode,
    std::uint32_t numsrc, const std::vector<const char*>& sources, std::size_t room)
{
  std::vector<unsigned char> b(filter_header + room * sizeof(sockaddr_storage), 0);
  put(b, offsetof(group_filter, gf_interface), interface_index);
  put(b, offsetof(group_filter, gf_group), storage_of(group));
  put(b, offsetof(group_filter, gf_fmode), mode);
  put(b, offsetof(group_filter, gf_numsrc), numsrc);
  for (std::size_t i = 0; i < sources.size(); ++i)
    put(b, filter_header + i * sizeof(sockaddr_storage), storage_of(sources[i]));
  return b;
}

// The filter as the library prints it (its format is checked byte for byte
// in logic/ostream_test.cpp).
std::string describe(const ip4::source_filter& f)
{
  std::ostringstream s;
  s << f;
  return s.str();
}

ip4::source_filter filter(ip4::filter_mode mode, const std::vector<const char*>& sources)
{
  ip4::source_filter f;
  f.mode = mode;
  for (const char* a : sources)
    f.sources.push_back(addr(a));
  return f;
}

BOOST_AUTO_TEST_CASE(msfilter_option_for_set)
{
  boost::system::error_code ec;
  asio_ipv4::detail::msfilter_option o(
      3, addr("232.1.1.1"), filter(ip4::filter_mode::exclude, {"10.0.0.5", "10.0.0.6"}), ec);
  BOOST_TEST(!ec, got_expected(ec, {}));
  const auto expected = hand_group_filter(3, "232.1.1.1", MCAST_EXCLUDE, 2, {"10.0.0.5", "10.0.0.6"}, 2);
  check_settable(static_cast<const asio_ipv4::detail::msfilter_option&>(o), IPPROTO_IP, MCAST_MSFILTER,
      expected.data(), expected.size());

  asio_ipv4::detail::msfilter_option empty(0, addr("239.1.2.3"), filter(ip4::filter_mode::include, {}), ec);
  BOOST_TEST(!ec, got_expected(ec, {}));
  const auto header_only = hand_group_filter(0, "239.1.2.3", MCAST_INCLUDE, 0, {}, 0);
  check_settable(static_cast<const asio_ipv4::detail::msfilter_option&>(empty), IPPROTO_IP, MCAST_MSFILTER,
      header_only.data(), header_only.size());
}

BOOST_AUTO_TEST_CASE(msfilter_option_refuses_invalid_filters)
{
  struct bad_case
  {
    const char* label;
    const char* group;
    ip4::source_filter filter;
  };
  const bad_case cases[] = {
      {"unicast group", "10.1.2.3", filter(ip4::filter_mode::include, {"10.0.0.5"})},
      {"multicast source", "232.1.1.1", filter(ip4::filter_mode::include, {"10.0.0.5", "224.0.0.1"})},
      {"unspecified source", "232.1.1.1", filter(ip4::filter_mode::exclude, {"0.0.0.0"})},
      {"broadcast source", "232.1.1.1", filter(ip4::filter_mode::exclude, {"255.255.255.255"})},
      {"unknown mode", "232.1.1.1", filter(static_cast<ip4::filter_mode>(7), {"10.0.0.5"})},
  };
  for (const auto& c : cases)
  {
    BOOST_TEST_CONTEXT(c.label)
    {
      boost::system::error_code ec;
      asio_ipv4::detail::msfilter_option o(1, addr(c.group), c.filter, ec);
      BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
    }
  }
}

// Oracle: what the kernel writes back (mode, full count, the sources that
// fit), laid out by hand.
BOOST_AUTO_TEST_CASE(msfilter_option_for_get)
{
  boost::system::error_code ec;
  asio_ipv4::detail::msfilter_option o(4, addr("239.1.2.3"), 4, ec);
  BOOST_TEST_REQUIRE(!ec, got_expected(ec, {}));
  BOOST_TEST(o.capacity() == 4u);
  const auto room = hand_group_filter(4, "239.1.2.3", 0, 4, {}, 4);
  BOOST_TEST(o.size(proto) == room.size());
  BOOST_TEST(bytes_of(o.data(proto), o.size(proto)) == bytes_of(room.data(), room.size()), tt::per_element());

  // The kernel holds two sources.
  const auto two = hand_group_filter(4, "239.1.2.3", MCAST_EXCLUDE, 2, {"10.0.0.5", "10.0.0.6"}, 2);
  std::memcpy(o.data(proto), two.data(), two.size());
  o.resize(proto, two.size());
  BOOST_TEST(o.reported_sources() == 2u);
  BOOST_TEST(describe(o.result()) == "{mode=exclude sources=[10.0.0.5 10.0.0.6]}");

  // The kernel holds seven but only four fit: four are read, seven reported.
  asio_ipv4::detail::msfilter_option small(4, addr("239.1.2.3"), 4, ec);
  const auto seven = hand_group_filter(
      4, "239.1.2.3", MCAST_INCLUDE, 7, {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}, 4);
  std::memcpy(small.data(proto), seven.data(), seven.size());
  small.resize(proto, seven.size());
  BOOST_TEST(small.reported_sources() == 7u);
  BOOST_TEST(describe(small.result()) == "{mode=include sources=[10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4]}");

  BOOST_CHECK_THROW(small.resize(proto, filter_header - 1), std::length_error);
  BOOST_CHECK_THROW(small.resize(proto, seven.size() + 1), std::length_error);

  asio_ipv4::detail::msfilter_option unicast(4, addr("10.1.2.3"), 4, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  asio_ipv4::detail::msfilter_option huge(4, addr("239.1.2.3"), 0x1ffffff, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
}

// Oracle: the sysctl file itself.
BOOST_AUTO_TEST_CASE(source_filter_limit_is_the_sysctl)
{
  std::ifstream f("/proc/sys/net/ipv4/igmp_max_msf");
  std::size_t limit = 0;
  BOOST_TEST_REQUIRE(static_cast<bool>(f >> limit));
  BOOST_TEST(asio_ipv4::detail::max_source_filter_size() == limit);
}

// ===========================================================================
// On a loopback UDP socket (unprivileged)

// Oracle: the socket holds an eventfd, so any setsockopt reaching the kernel
// would fail with ENOTSOCK; invalid_argument means Asio stopped it first.
BOOST_AUTO_TEST_CASE(invalid_options_never_reach_the_kernel)
{
  net::io_context io;
  const int efd = ::eventfd(0, EFD_CLOEXEC);
  BOOST_TEST_REQUIRE(efd >= 0);
  udp::socket not_a_socket(io, proto, efd);

  // The oracle can tell: a valid option does reach the kernel.
  boost::system::error_code ec;
  not_a_socket.set_option(ip4::ttl(5), ec);
  BOOST_TEST(ec == net::error::not_socket, got_expected(ec, net::error::not_socket));

  for_each_invalid_option([&](const std::string& label, const auto& option) {
    BOOST_TEST_CONTEXT(label) check_set_fails(not_a_socket, option, net::error::invalid_argument);
  });
}

// Oracle: raw getsockopt of everything an invalid option could touch,
// before and after; each value set first to something the invalid options
// would change (ttl(-1) would reset IP_TTL, tos(300) would store 44,
// multicast_ttl(-1) would store 1...).
BOOST_FIXTURE_TEST_CASE(invalid_options_leave_the_socket_unchanged, udp_fixture)
{
  raw_set_int(fd, IPPROTO_IP, IP_TTL, 100);
  raw_set_int(fd, IPPROTO_IP, IP_TOS, 0x28);
  raw_set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, 5);
  raw_set_int(fd, IPPROTO_IP, IP_MINTTL, 3);
  raw_set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE);
  raw_set_int(fd, SOL_UDP, UDP_SEGMENT, 1200);
  const unsigned char rr[8] = {7, 7, 4, 0, 0, 0, 0, 1};
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_OPTIONS, rr, sizeof(rr)) == 0);
  const in_addr lo = in_addr_of("127.0.0.1");
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof(lo)) == 0);
  const auto program = accept_all_program(1);
  // asio_ipv4::sock_filter is laid out as struct sock_filter (static_assert in src/linux/).
  const sock_fprog fprog{1, reinterpret_cast<::sock_filter*>(const_cast<asio_ipv4::sock_filter*>(program.data()))};
  BOOST_TEST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) == 0);

  auto snapshot = [&] {
    std::ostringstream s;
    s << "ttl=" << raw_get_int(fd, IPPROTO_IP, IP_TTL) << " tos=" << raw_get_int(fd, IPPROTO_IP, IP_TOS)
      << " mttl=" << raw_get_int(fd, IPPROTO_IP, IP_MULTICAST_TTL)
      << " minttl=" << raw_get_int(fd, IPPROTO_IP, IP_MINTTL)
      << " pmtu=" << raw_get_int(fd, IPPROTO_IP, IP_MTU_DISCOVER)
      << " gso=" << raw_get_int(fd, SOL_UDP, UDP_SEGMENT) << " mif=" << raw_multicast_if(fd)
      << " filter=" << raw_filter_length(fd) << " options=";
    for (int b : raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40))
      s << b << ',';
    return s.str();
  };
  const std::string before = snapshot();
  BOOST_TEST(before == "ttl=100 tos=40 mttl=5 minttl=3 pmtu=3 gso=1200 mif=127.0.0.1 filter=1 options=7,7,4,0,0,0,0,1,");

  for_each_invalid_option([&](const std::string& label, const auto& option) {
    BOOST_TEST_CONTEXT(label) check_set_fails(socket, option, net::error::invalid_argument);
  });
  BOOST_TEST(snapshot() == before);
}

// Oracle: raw getsockopt after our set_option; raw setsockopt before our
// get_option.
BOOST_AUTO_TEST_CASE_TEMPLATE(value_option_round_trip, T, udp_round_trip_cases)
{
  using O = typename T::type;
  {
    udp_fixture f;
    BOOST_TEST_REQUIRE(raw_get_int(f.fd, T::level, T::name) != T::value, "the default already is the value");
    f.socket.set_option(from_int<O>(T::value));
    BOOST_TEST(raw_get_int(f.fd, T::level, T::name) == T::value);
    O got;
    f.socket.get_option(got);
    BOOST_TEST(value_of(got) == T::value);
  }
  {
    udp_fixture f;
    raw_set_int(f.fd, T::level, T::name, T::value);
    O got;
    f.socket.get_option(got);
    BOOST_TEST(value_of(got) == T::value);
  }
}

// get_option works on an object built from an invalid value; afterwards it
// holds a value that can be set again.
BOOST_FIXTURE_TEST_CASE(get_option_into_an_invalid_object, udp_fixture)
{
  raw_set_int(fd, IPPROTO_IP, IP_TTL, 33);
  ip4::ttl t(0);
  socket.get_option(t);
  BOOST_TEST(t.value() == 33);
  socket.set_option(t);

  raw_set_int(fd, IPPROTO_IP, IP_TOS, 0x10);
  ip4::tos tos(300);
  socket.get_option(tos);
  BOOST_TEST(int(tos.value()) == 0x10);

  raw_set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, 4);
  ip4::multicast_ttl mttl(-1);
  socket.get_option(mttl);
  BOOST_TEST(mttl.value() == 4);

  ip4::mtu_discover pmtu(static_cast<ip4::pmtu>(42));
  socket.get_option(pmtu);
  BOOST_TEST(value_of(pmtu) == raw_get_int(fd, IPPROTO_IP, IP_MTU_DISCOVER));

  raw_set_int(fd, SOL_UDP, UDP_SEGMENT, 1000);
  asio_ipv4::udp_segment gso(70000);
  socket.get_option(gso);
  BOOST_TEST(gso.value() == 1000);

  const std::vector<unsigned char> too_many(41, 1);
  ip4::options opts(net::buffer(too_many));
  socket.get_option(opts);
  BOOST_TEST(opts.value().size() == 0u);
  socket.set_option(opts);

  const in_addr lo = in_addr_of("127.0.0.1");
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof(lo)) == 0);
  ip4::multicast_interface mif(0x80000000u);
  socket.get_option(mif);
  BOOST_TEST(mif.value() == addr("127.0.0.1"));
  socket.set_option(mif);

  // Set again from the objects read: the kernel holds the same values.
  BOOST_TEST(raw_get_int(fd, IPPROTO_IP, IP_TTL) == 33);
  BOOST_TEST(raw_multicast_if(fd) == "127.0.0.1");
}

// Oracle: getsockopt with a 1-byte buffer, which Linux answers with 1 byte.
BOOST_FIXTURE_TEST_CASE(one_byte_answer, udp_fixture)
{
  raw_set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, 7);
  ip4::multicast_ttl m(0x7fffff00); // junk in the bytes the kernel leaves alone
  socklen_t len = 1;
  BOOST_TEST_REQUIRE(::getsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, m.data(proto), &len) == 0);
  BOOST_TEST_REQUIRE(len == 1u);
  m.resize(proto, len);
  BOOST_TEST(m.value() == 7);

  ip4::multicast_loopback loop(true);
  len = 1;
  raw_set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
  *loop.data(proto) = 0x01010100; // first byte 0 on little-endian
  BOOST_TEST_REQUIRE(::getsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, loop.data(proto), &len) == 0);
  BOOST_TEST_REQUIRE(len == 1u);
  loop.resize(proto, len);
  BOOST_TEST(!loop.value());
}

// Oracle: the kernel pads IP_OPTIONS to a multiple of 4 with zero (EOL)
// bytes; a source route comes back as it was given.
BOOST_FIXTURE_TEST_CASE(ip_options_round_trip, udp_fixture)
{
  BOOST_TEST_REQUIRE(raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40).empty());

  socket.set_option(ip4::options::record_route(9));
  auto padded = route_area(7, 9);
  padded.push_back(0);
  BOOST_TEST(raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40) == padded, tt::per_element());
  ip4::options got;
  socket.get_option(got);
  BOOST_TEST(bytes_of(got.value().data(), got.value().size()) == padded, tt::per_element());

  socket.set_option(ip4::options::router_alert());
  BOOST_TEST(raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40) == (std::vector<int>{148, 4, 0, 0}), tt::per_element());

  socket.set_option(ip4::options::loose_source_route({addr("127.0.0.2"), addr("127.0.0.3")}));
  BOOST_TEST(raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40)
          == (std::vector<int>{131, 11, 4, 127, 0, 0, 2, 127, 0, 0, 3, 0}),
      tt::per_element());

  socket.set_option(ip4::options());
  BOOST_TEST(raw_get_bytes(fd, IPPROTO_IP, IP_OPTIONS, 40).empty());
  socket.get_option(got);
  BOOST_TEST(got.value().size() == 0u);

  // Reverse: raw set, our get.
  const unsigned char rr[7] = {7, 7, 4, 0, 0, 0, 0};
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_OPTIONS, rr, sizeof(rr)) == 0);
  socket.get_option(got);
  BOOST_TEST(bytes_of(got.value().data(), got.value().size()) == (std::vector<int>{7, 7, 4, 0, 0, 0, 0, 0}),
      tt::per_element());
}

// Oracle: raw getsockopt(IP_MULTICAST_IF), which answers the address.
BOOST_FIXTURE_TEST_CASE(multicast_interface_round_trip, udp_fixture)
{
  const unsigned lo = ::if_nametoindex("lo");
  BOOST_TEST_REQUIRE(lo != 0u);
  BOOST_TEST_REQUIRE(raw_multicast_if(fd) == "0.0.0.0");

  socket.set_option(ip4::multicast_interface(addr("127.0.0.1")));
  BOOST_TEST(raw_multicast_if(fd) == "127.0.0.1");
  ip4::multicast_interface got;
  socket.get_option(got);
  BOOST_TEST(got.value() == addr("127.0.0.1"));

  socket.set_option(ip4::multicast_interface(lo));
  BOOST_TEST(raw_multicast_if(fd) == "0.0.0.0");
  socket.get_option(got);
  BOOST_TEST(got.value() == addr("0.0.0.0"));

  // The index does reach the kernel: an unknown one is refused.
  unsigned unused = 1000000;
  char name[IF_NAMESIZE];
  while (::if_indextoname(unused, name) != nullptr)
    ++unused;
  boost::system::error_code ec;
  socket.set_option(ip4::multicast_interface(unused), ec);
  BOOST_TEST(ec == boost::system::errc::address_not_available, ec.to_string() + " " + ec.message());

  // Reverse: raw set, our get.
  const in_addr a = in_addr_of("127.0.0.1");
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)) == 0);
  ip4::multicast_interface reverse(5u);
  socket.get_option(reverse);
  BOOST_TEST(reverse.value() == addr("127.0.0.1"));
  BOOST_TEST(reverse.interface_index() == 0u);
}

// Oracle: raw getsockopt(IP_MTU) on the same connected socket, and the
// kernel's ENOTCONN before connecting.
BOOST_FIXTURE_TEST_CASE(mtu_of_a_connected_socket, udp_fixture)
{
  ip4::mtu m;
  boost::system::error_code ec;
  socket.get_option(m, ec);
  BOOST_TEST(ec == net::error::not_connected, got_expected(ec, net::error::not_connected));

  socket.connect(socket.local_endpoint());
  socket.get_option(m);
  BOOST_TEST(m.value() == raw_get_int(fd, IPPROTO_IP, IP_MTU));
  BOOST_TEST(m.value() > 0);
}

// Oracle: SO_GET_FILTER's instruction count.
BOOST_FIXTURE_TEST_CASE(bpf_filter_attach_and_detach, udp_fixture)
{
  BOOST_TEST_REQUIRE(raw_filter_length(fd) == 0);
  socket.set_option(asio_ipv4::bpf_filter(accept_all_program(3)));
  BOOST_TEST(raw_filter_length(fd) == 3);
  socket.set_option(asio_ipv4::detach_bpf_filter());
  BOOST_TEST(raw_filter_length(fd) == 0);
}

// Oracle: glibc's RFC 3678 getsourcefilter()/setsourcefilter() on the
// same socket; a membership on lo needs no privilege.
BOOST_FIXTURE_TEST_CASE(source_filter_round_trip, udp_fixture)
{
  const unsigned lo = ::if_nametoindex("lo");
  BOOST_TEST_REQUIRE(lo != 0u);
  const address_v4 group = addr("239.1.2.3");
  socket.set_option(ip4::join_group(group, lo));
  const sockaddr_storage group_sa = storage_of("239.1.2.3");

  auto glibc_get = [&] {
    std::uint32_t mode = 0;
    std::uint32_t count = 10;
    sockaddr_storage list[10];
    BOOST_TEST_REQUIRE(::getsourcefilter(fd, lo, reinterpret_cast<const sockaddr*>(&group_sa), sizeof(sockaddr_in),
                           &mode, &count, list) == 0,
        std::strerror(errno));
    ip4::source_filter f;
    f.mode = mode == MCAST_EXCLUDE ? ip4::filter_mode::exclude : ip4::filter_mode::include;
    for (std::uint32_t i = 0; i < count && i < 10; ++i)
    {
      sockaddr_in sin;
      std::memcpy(&sin, &list[i], sizeof(sin));
      f.sources.push_back(address_v4(ntohl(sin.sin_addr.s_addr)));
    }
    std::sort(f.sources.begin(), f.sources.end());
    return describe(f);
  };
  BOOST_TEST_REQUIRE(glibc_get() == "{mode=exclude sources=[]}");

  ip4::set_source_filter(socket, lo, group, filter(ip4::filter_mode::exclude, {"10.0.0.5", "10.0.0.6"}));
  BOOST_TEST(glibc_get() == "{mode=exclude sources=[10.0.0.5 10.0.0.6]}");
  ip4::set_source_filter(socket, lo, group, filter(ip4::filter_mode::include, {"10.0.0.7"}));
  BOOST_TEST(glibc_get() == "{mode=include sources=[10.0.0.7]}");

  // Reverse: glibc sets, we read.
  const sockaddr_storage sources[2] = {storage_of("10.0.0.8"), storage_of("10.0.0.9")};
  BOOST_TEST_REQUIRE(::setsourcefilter(fd, lo, reinterpret_cast<const sockaddr*>(&group_sa), sizeof(sockaddr_in),
                         MCAST_EXCLUDE, 2, sources) == 0,
      std::strerror(errno));
  ip4::source_filter got = ip4::get_source_filter(socket, lo, group);
  std::sort(got.sources.begin(), got.sources.end());
  BOOST_TEST(describe(got) == "{mode=exclude sources=[10.0.0.8 10.0.0.9]}");
}

// Oracle: the kernel's answers without a membership (EINVAL on set,
// EADDRNOTAVAIL on get) and the library's own refusals.
BOOST_FIXTURE_TEST_CASE(source_filter_errors, udp_fixture)
{
  const unsigned lo = ::if_nametoindex("lo");
  boost::system::error_code ec;
  ip4::set_source_filter(socket, lo, addr("239.1.2.3"), filter(ip4::filter_mode::include, {"10.0.0.5"}), ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  ip4::get_source_filter(socket, lo, addr("239.1.2.3"), ec);
  BOOST_TEST(ec == boost::system::errc::address_not_available, ec.to_string() + " " + ec.message());

  const auto unicast = filter(ip4::filter_mode::include, {"10.0.0.5"});
  ip4::set_source_filter(socket, lo, addr("10.1.2.3"), unicast, ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  ip4::get_source_filter(socket, lo, addr("10.1.2.3"), ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  try
  {
    ip4::set_source_filter(socket, lo, addr("10.1.2.3"), unicast);
    BOOST_ERROR("set_source_filter did not throw");
  }
  catch (const boost::system::system_error& e)
  {
    BOOST_TEST(e.code() == net::error::invalid_argument, got_expected(e.code(), net::error::invalid_argument));
  }
  BOOST_CHECK_THROW(ip4::get_source_filter(socket, lo, addr("10.1.2.3")), boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
