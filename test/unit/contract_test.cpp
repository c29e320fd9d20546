// The public contract (the project's API document) as compile-time checks:
// the three headers, the names, the value types and the completion
// signatures. A renamed or re-typed public name fails the build; the run-time
// cases check the few things a type cannot say.

#include <asio_ipv4.hpp>
#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

// Users include glibc's interface header after ours: none of our headers may
// pull in <linux/if.h> (through <linux/icmp.h>, say), whose IFF_* flags clash.
#include <net/if.h>

#include <array>
#include <type_traits>
#include <vector>

namespace {

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::address_v4;
using net::ip::udp;
using boost::system::error_code;

// Options: gettable ones have resize(); all have level/name/data/size.
template <class O, class = void>
struct gettable : std::false_type
{
};
template <class O>
struct gettable<O, std::void_t<decltype(std::declval<O&>().resize(udp::v4(), std::size_t()))>> : std::true_type
{
};
template <class O>
constexpr bool settable = std::is_same_v<decltype(std::declval<const O&>().level(udp::v4())), int>
    && std::is_same_v<decltype(std::declval<const O&>().name(udp::v4())), int>
    && std::is_same_v<decltype(std::declval<const O&>().size(udp::v4())), std::size_t>;

static_assert(settable<ip4::tos> && gettable<ip4::tos>::value);
static_assert(settable<ip4::ttl> && gettable<ip4::ttl>::value);
static_assert(settable<ip4::multicast_ttl> && gettable<ip4::multicast_ttl>::value);
static_assert(settable<ip4::multicast_loopback> && gettable<ip4::multicast_loopback>::value);
static_assert(settable<ip4::multicast_all> && gettable<ip4::multicast_all>::value);
static_assert(settable<ip4::multicast_interface> && gettable<ip4::multicast_interface>::value);
static_assert(settable<ip4::join_group> && settable<ip4::leave_group>);
static_assert(settable<ip4::source_group_join> && settable<ip4::source_group_leave>);
static_assert(settable<ip4::block_source> && settable<ip4::unblock_source>);
static_assert(settable<ip4::header_included> && gettable<ip4::header_included>::value);
static_assert(settable<ip4::options> && gettable<ip4::options>::value);
static_assert(settable<ip4::mtu_discover> && gettable<ip4::mtu_discover>::value);
static_assert(gettable<ip4::mtu>::value);
static_assert(settable<ip4::freebind> && gettable<ip4::freebind>::value);
static_assert(settable<ip4::transparent> && gettable<ip4::transparent>::value);
static_assert(settable<ip4::receive_packet_info> && gettable<ip4::receive_packet_info>::value);
static_assert(settable<ip4::receive_ttl> && gettable<ip4::receive_ttl>::value);
static_assert(settable<ip4::receive_tos> && gettable<ip4::receive_tos>::value);
static_assert(settable<ip4::receive_original_destination> && gettable<ip4::receive_original_destination>::value);
static_assert(settable<ip4::receive_errors> && gettable<ip4::receive_errors>::value);
static_assert(settable<ip4::receive_destination_address> && gettable<ip4::receive_destination_address>::value);
static_assert(settable<ip4::receive_interface> && gettable<ip4::receive_interface>::value);
static_assert(settable<asio_ipv4::receive_drop_count> && gettable<asio_ipv4::receive_drop_count>::value);
static_assert(settable<ip4::icmp_filter> && gettable<ip4::icmp_filter>::value);
static_assert(settable<asio_ipv4::bpf_filter> && settable<asio_ipv4::detach_bpf_filter>);
static_assert(settable<asio_ipv4::udp_gro> && gettable<asio_ipv4::udp_gro>::value);
static_assert(settable<asio_ipv4::udp_segment> && gettable<asio_ipv4::udp_segment>::value);

// Value options: default constructor, explicit constructor, value().
static_assert(std::is_same_v<decltype(ip4::tos().value()), std::uint8_t>);
static_assert(std::is_same_v<decltype(ip4::tos::from_dscp(46, 0)), ip4::tos>);
static_assert(!std::is_convertible_v<int, ip4::ttl>, "explicit constructors");
static_assert(std::is_same_v<decltype(ip4::multicast_loopback().value()), bool>);
static_assert(std::is_same_v<decltype(ip4::multicast_interface().value()), address_v4>);
static_assert(std::is_same_v<decltype(ip4::mtu_discover().value()), ip4::pmtu>);
static_assert(std::is_constructible_v<ip4::multicast_interface, unsigned>);
static_assert(std::is_constructible_v<ip4::multicast_interface, address_v4>);
static_assert(std::is_constructible_v<ip4::join_group, address_v4>);
static_assert(std::is_constructible_v<ip4::join_group, address_v4, unsigned>);
static_assert(std::is_constructible_v<ip4::join_group, address_v4, address_v4>);
static_assert(std::is_constructible_v<ip4::source_group_join, address_v4, address_v4>);
static_assert(std::is_constructible_v<ip4::source_group_join, address_v4, address_v4, unsigned>);
static_assert(std::is_constructible_v<ip4::options, net::const_buffer>);
static_assert(std::is_same_v<decltype(ip4::options::record_route(1)), ip4::options>);
static_assert(std::is_same_v<decltype(ip4::options::timestamp(1)), ip4::options>);
static_assert(std::is_same_v<decltype(ip4::options::loose_source_route({})), ip4::options>);
static_assert(std::is_same_v<decltype(ip4::options::strict_source_route({})), ip4::options>);
static_assert(std::is_same_v<decltype(ip4::options::router_alert()), ip4::options>);
static_assert(std::is_same_v<decltype(std::declval<ip4::icmp_filter&>().pass(ip4::icmp_type::echo_reply)), ip4::icmp_filter&>);
static_assert(std::is_same_v<decltype(std::declval<const ip4::icmp_filter&>().will_block(ip4::icmp_type::echo_reply)), bool>);
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, std::vector<asio_ipv4::sock_filter>>);
// BPF_STMT / BPF_JUMP brace initialisers fill it.
static_assert(sizeof(asio_ipv4::sock_filter) == 8);

// Enumerations.
static_assert(static_cast<int>(ip4::pmtu::do_) == IP_PMTUDISC_DO);
static_assert(std::is_same_v<std::underlying_type_t<ip4::icmp_type>, std::uint8_t>);
static_assert(static_cast<int>(ip4::icmp_type::echo_reply) == 0 && static_cast<int>(ip4::icmp_type::destination_unreachable) == 3
    && static_cast<int>(ip4::icmp_type::redirect) == 5 && static_cast<int>(ip4::icmp_type::echo_request) == 8
    && static_cast<int>(ip4::icmp_type::router_advertisement) == 9 && static_cast<int>(ip4::icmp_type::router_solicitation) == 10
    && static_cast<int>(ip4::icmp_type::time_exceeded) == 11 && static_cast<int>(ip4::icmp_type::parameter_problem) == 12
    && static_cast<int>(ip4::icmp_type::timestamp_request) == 13 && static_cast<int>(ip4::icmp_type::timestamp_reply) == 14
    && static_cast<int>(ip4::icmp_type::photuris) == 40 && static_cast<int>(ip4::icmp_type::extended_echo_request) == 42
    && static_cast<int>(ip4::icmp_type::extended_echo_reply) == 43);
static_assert(std::is_same_v<decltype(ip4::to_string(ip4::icmp_type::echo_reply)), std::string_view>);
static_assert(ip4::header::more_fragments == 1 && ip4::header::dont_fragment == 2);
static_assert(boost::system::is_error_code_enum<asio_ipv4::error>::value);

// Source filters and interfaces.
static_assert(std::is_same_v<decltype(ip4::source_filter().sources), std::vector<address_v4>>);
static_assert(std::is_same_v<decltype(ip4::get_source_filter(std::declval<udp::socket&>(), 0u, address_v4(),
    std::declval<error_code&>())), ip4::source_filter>);
static_assert(std::is_same_v<decltype(ip4::interfaces()), std::vector<ip4::network_interface>>);
static_assert(std::is_same_v<decltype(ip4::interface_by_name("lo")), ip4::network_interface>);
static_assert(std::is_same_v<decltype(ip4::interface_by_index(1u)), ip4::network_interface>);
static_assert(std::is_same_v<decltype(ip4::network_interface().addresses), std::vector<net::ip::network_v4>>);

// Raw IPv4.
static_assert(std::is_same_v<ip4::raw::endpoint, net::ip::basic_endpoint<ip4::raw>>);
static_assert(std::is_same_v<ip4::raw::socket, net::basic_raw_socket<ip4::raw>>);
static_assert(std::is_same_v<decltype(ip4::parse_header(net::const_buffer())), ip4::header>);
static_assert(std::is_same_v<decltype(std::declval<const ip4::header&>().marshal(net::mutable_buffer())), std::size_t>);
static_assert(std::is_same_v<decltype(ip4::checksum(net::const_buffer())), std::uint16_t>);

// Control messages.
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().destination), std::optional<address_v4>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().local), std::optional<address_v4>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().interface_index), std::optional<unsigned>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().ttl), std::optional<std::uint8_t>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().tos), std::optional<std::uint8_t>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().original_destination), std::optional<udp::endpoint>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().error), std::optional<asio_ipv4::extended_error>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().segment_size), std::optional<std::uint16_t>>);
static_assert(std::is_same_v<decltype(asio_ipv4::control_message().dropped), std::optional<std::uint32_t>>);
static_assert(std::is_same_v<decltype(asio_ipv4::extended_error().offender), std::optional<address_v4>>);

// cmsg_socket types and completion signatures, for each socket kind.
template <class Socket>
constexpr bool check_socket()
{
  using S = asio_ipv4::cmsg_socket<Socket>;
  using E = typename S::endpoint_type;
  static_assert(std::is_same_v<typename S::next_layer_type, Socket>);
  static_assert(std::is_same_v<typename S::executor_type, typename Socket::executor_type>);
  static_assert(std::is_same_v<typename S::protocol_type, typename Socket::protocol_type>);
  static_assert(std::is_same_v<E, typename Socket::endpoint_type>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().receive_from(net::mutable_buffer(), std::declval<E&>(),
      std::declval<asio_ipv4::control_message&>(), std::declval<error_code&>())), std::size_t>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().send_to(net::const_buffer(), std::declval<const E&>(),
      std::declval<const asio_ipv4::control_message&>())), std::size_t>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().receive_error(net::mutable_buffer(), std::declval<E&>(),
      std::declval<asio_ipv4::control_message&>())), std::size_t>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().receive_batch(
      std::declval<std::vector<asio_ipv4::message<E>>&>())), std::size_t>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().send_batch(
      std::declval<std::array<asio_ipv4::message<E, net::const_buffer>, 4>&>())), std::size_t>);
  return true;
}
static_assert(check_socket<udp::socket>());
static_assert(check_socket<ip4::raw::socket>());
static_assert(check_socket<net::ip::icmp::socket>());

} // namespace

BOOST_AUTO_TEST_SUITE(contract_test)

// Every async operation's completion signature is void(error_code, size_t):
// a handler taking exactly that compiles for each, and the deferred form
// hands it over unchanged.
BOOST_AUTO_TEST_CASE(completion_signatures)
{
  net::io_context ctx;
  asio_ipv4::cmsg_socket<udp::socket> s(ctx, udp::endpoint(address_v4::loopback(), 0));
  udp::endpoint ep;
  asio_ipv4::control_message cm;
  std::array<char, 8> buf{};
  std::vector<asio_ipv4::message<udp::endpoint>> rx(2);
  std::vector<asio_ipv4::message<udp::endpoint, net::const_buffer>> tx(1);
  tx[0].buffer = net::buffer(buf);
  tx[0].endpoint = s.next_layer().local_endpoint();
  int completions = 0;
  auto h = [&](error_code, std::size_t) { ++completions; };
  s.async_send_to(net::buffer(buf), s.next_layer().local_endpoint(), cm, h);
  s.async_receive_from(net::buffer(buf), ep, cm, h);
  s.async_send_batch(tx, net::deferred)(h);
  s.async_receive_batch(rx, h);
  ctx.run();
  BOOST_TEST(completions == 4);
  // Blocking forms on a connected socket.
  s.next_layer().connect(s.next_layer().local_endpoint());
  BOOST_TEST(s.send(net::buffer(buf), cm) == buf.size());
  BOOST_TEST(s.receive(net::buffer(buf), cm) == buf.size());
}

BOOST_AUTO_TEST_CASE(error_category)
{
  error_code ec = asio_ipv4::error::control_truncated;
  BOOST_TEST(ec.category().name() == std::string("asio_ipv4"));
  BOOST_TEST(ec == asio_ipv4::make_error_code(asio_ipv4::error::control_truncated));
  BOOST_TEST(!ec.message().empty());
}

BOOST_AUTO_TEST_SUITE_END()
