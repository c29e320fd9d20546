//
// test/logic/network_interface_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The rtnetlink codec of ip4::interfaces() fed with hand-built datagrams:
// well-formed dumps, and every way a length can lie. Oracle: the byte
// layouts of <linux/netlink.h> and <linux/rtnetlink.h> (rtnetlink(7)),
// written out here independently of the parser.

// This suite checks the rtnetlink parser with Linux's own headers, so it
// is compiled only where <linux/rtnetlink.h> exists: a macOS cross build
// leaves it out and links the rest.
#if __has_include(<linux/rtnetlink.h>)

#include <asio_ipv4/detail/netlink.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace nl = asio_ipv4::detail::netlink;
using asio_ipv4::ip4::network_interface;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_network_v4;
using bytes = std::vector<unsigned char>;

namespace {

constexpr std::uint32_t seq = 7;
constexpr std::uint32_t port = 4242;

template <class T>
void append(bytes& out, const T& value)
{
  const auto* p = reinterpret_cast<const unsigned char*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

void pad4(bytes& out)
{
  while (out.size() % 4)
    out.push_back(0);
}

// A route attribute: rtattr header, value, padding to 4.
bytes attribute(std::uint16_t type, const bytes& value)
{
  bytes out;
  rtattr header{static_cast<unsigned short>(sizeof(rtattr) + value.size()), type};
  append(out, header);
  out.insert(out.end(), value.begin(), value.end());
  pad4(out);
  return out;
}

bytes text(const std::string& s)
{
  return bytes(s.c_str(), s.c_str() + s.size() + 1);   // with the NUL
}

bytes u32(std::uint32_t v)
{
  bytes out;
  append(out, v);
  return out;
}

bytes ipv4(const char* address)
{
  auto b = make_address_v4(address).to_bytes();
  return bytes(b.begin(), b.end());
}

// One netlink message: nlmsghdr + body, padded to 4.
bytes message(std::uint16_t type, const bytes& body, std::uint16_t flags = NLM_F_MULTI,
    std::uint32_t sequence = seq, std::uint32_t pid = port)
{
  bytes out;
  nlmsghdr header{static_cast<std::uint32_t>(NLMSG_HDRLEN + body.size()), type, flags, sequence, pid};
  append(out, header);
  out.insert(out.end(), body.begin(), body.end());
  pad4(out);
  return out;
}

// A message body: the family header (ifinfomsg, ifaddrmsg), then attributes.
template <class Header>
bytes body_of(const Header& header, const std::vector<bytes>& attributes)
{
  bytes out;
  append(out, header);
  for (const auto& a : attributes)
    out.insert(out.end(), a.begin(), a.end());
  return out;
}

bytes link_body(int index, unsigned flags, const std::vector<bytes>& attributes)
{
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = index;
  info.ifi_flags = flags;
  return body_of(info, attributes);
}

bytes link_message(int index, const std::string& name, std::uint32_t mtu, unsigned flags)
{
  return message(RTM_NEWLINK,
      link_body(index, flags, {attribute(IFLA_IFNAME, text(name)), attribute(IFLA_MTU, u32(mtu))}));
}

bytes address_body(std::uint8_t family, std::uint8_t prefix, unsigned index,
    const std::vector<bytes>& attributes)
{
  ifaddrmsg info{};
  info.ifa_family = family;
  info.ifa_prefixlen = prefix;
  info.ifa_index = index;
  return body_of(info, attributes);
}

bytes address_message(unsigned index, const char* local, std::uint8_t prefix)
{
  return message(RTM_NEWADDR, address_body(AF_INET, prefix, index,
      {attribute(IFA_ADDRESS, ipv4(local)), attribute(IFA_LOCAL, ipv4(local)),
          attribute(IFA_LABEL, text("eth0"))}));
}

bytes done_message(int error = 0)
{
  bytes body;
  append(body, error);
  return message(NLMSG_DONE, body);
}

bytes error_message(int error)
{
  bytes body;
  append(body, error);
  nlmsghdr original{};   // the request the error answers
  append(body, original);
  return message(NLMSG_ERROR, body, 0);
}

bytes join(std::initializer_list<bytes> parts)
{
  bytes out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Parses `datagram` from a heap block of exactly its size, so a read past
// the end is a read past an allocation (visible to ASan/valgrind).
boost::system::error_code parse(const bytes& datagram, nl::dump_state& state)
{
  std::unique_ptr<unsigned char[]> exact(new unsigned char[datagram.size() ? datagram.size() : 1]);
  if (!datagram.empty())
    std::memcpy(exact.get(), datagram.data(), datagram.size());
  boost::system::error_code ec;
  nl::parse_datagram(boost::asio::const_buffer(exact.get(), datagram.size()), state, ec);
  return ec;
}

nl::dump_state fresh_state()
{
  nl::dump_state state;
  state.sequence = seq;
  state.port_id = port;
  return state;
}

bool is_bad_message(const boost::system::error_code& ec)
{
  return ec == boost::system::errc::bad_message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(network_interface_test)

BOOST_AUTO_TEST_CASE(dump_request_layout)
{
  auto request = nl::dump_request(RTM_GETADDR, AF_INET, 99);
  BOOST_TEST_REQUIRE(request.size() == NLMSG_LENGTH(sizeof(ifaddrmsg)));
  nlmsghdr header;
  std::memcpy(&header, request.data(), sizeof header);
  BOOST_TEST(header.nlmsg_len == request.size());
  BOOST_TEST(header.nlmsg_type == RTM_GETADDR);
  BOOST_TEST(header.nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP));
  BOOST_TEST(header.nlmsg_seq == 99u);
  BOOST_TEST(header.nlmsg_pid == 0u);
  BOOST_TEST(request[NLMSG_HDRLEN] == AF_INET);

  auto links = nl::dump_request(RTM_GETLINK, AF_UNSPEC, 1);
  BOOST_TEST(links.size() == NLMSG_LENGTH(sizeof(ifinfomsg)));
}

BOOST_AUTO_TEST_CASE(link_and_address_dump_assemble_in_kernel_order)
{
  auto state = fresh_state();
  // Two datagrams of the link dump (multi-part), then the address dump.
  BOOST_TEST(!parse(join({link_message(1, "lo", 65536, IFF_UP | IFF_LOOPBACK | IFF_RUNNING),
                        link_message(3, "veth0", 1500, IFF_UP | IFF_BROADCAST | IFF_MULTICAST)}),
                  state));
  BOOST_TEST(!state.done);
  BOOST_TEST(!parse(join({link_message(4, "idle", 9000, 0), done_message()}), state));
  BOOST_TEST(state.done);
  state.done = false;
  BOOST_TEST(!parse(join({address_message(3, "10.0.1.1", 24), address_message(1, "127.0.0.1", 8),
                        address_message(3, "10.0.1.5", 24), address_message(9, "10.9.9.9", 24),
                        done_message()}),
                  state));
  BOOST_TEST(state.done);
  BOOST_TEST(!state.interrupted);

  auto all = nl::assemble(state);
  BOOST_TEST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].index == 1u);
  BOOST_TEST(all[0].name == "lo");
  BOOST_TEST(all[0].mtu == 65536u);
  BOOST_TEST(all[0].loopback());
  BOOST_TEST(all[0].running());
  BOOST_TEST(all[1].name == "veth0");
  BOOST_TEST((all[1].addresses == std::vector<boost::asio::ip::network_v4>{
                  make_network_v4("10.0.1.1/24"), make_network_v4("10.0.1.5/24")}));
  BOOST_TEST(all[1].addresses[0].address() == make_address_v4("10.0.1.1"));   // not the network
  BOOST_TEST(all[2].name == "idle");
  BOOST_TEST(all[2].mtu == 9000u);
  BOOST_TEST(all[2].addresses.empty());   // listed although it has no IPv4 address
  BOOST_TEST(!all[2].up());
}

BOOST_AUTO_TEST_CASE(local_address_wins_over_peer_address)
{
  // A point-to-point address: IFA_LOCAL is ours, IFA_ADDRESS the peer's;
  // the kernel sends IFA_ADDRESS first.
  auto state = fresh_state();
  BOOST_TEST(!parse(message(RTM_NEWADDR, address_body(AF_INET, 32, 5,
                                             {attribute(IFA_ADDRESS, ipv4("10.0.9.2")),
                                                 attribute(IFA_LOCAL, ipv4("10.0.9.1"))})),
                  state));
  // Without IFA_LOCAL, IFA_ADDRESS is the address.
  BOOST_TEST(!parse(message(RTM_NEWADDR,
                        address_body(AF_INET, 16, 6, {attribute(IFA_ADDRESS, ipv4("192.168.3.4"))})),
                  state));
  BOOST_TEST_REQUIRE(state.addresses.size() == 2u);
  BOOST_TEST(state.addresses[0].network == make_network_v4("10.0.9.1/32"));
  BOOST_TEST(state.addresses[0].index == 5u);
  BOOST_TEST(state.addresses[1].network == make_network_v4("192.168.3.4/16"));
}

BOOST_AUTO_TEST_CASE(other_families_and_address_less_messages_are_skipped)
{
  auto state = fresh_state();
  bytes v6(16, 0xfe);
  BOOST_TEST(!parse(join({message(RTM_NEWADDR, address_body(AF_INET6, 64, 3, {attribute(IFA_ADDRESS, v6)})),
                        message(RTM_NEWADDR, address_body(AF_INET, 24, 3, {attribute(IFA_LABEL, text("x"))}))}),
                  state));
  BOOST_TEST(state.addresses.empty());
}

BOOST_AUTO_TEST_CASE(unknown_and_flagged_attribute_types)
{
  // Unknown attributes are skipped; NLA_F_NESTED does not hide IFLA_MTU.
  auto state = fresh_state();
  BOOST_TEST(!parse(message(RTM_NEWLINK, link_body(2, IFF_UP, {attribute(IFLA_STATS64, bytes(40, 1)),
                                                              attribute(IFLA_MTU | NLA_F_NESTED, u32(1280)),
                                                              attribute(IFLA_IFNAME, text("eth1"))})),
                  state));
  BOOST_TEST_REQUIRE(state.links.size() == 1u);
  BOOST_TEST(state.links[0].mtu == 1280u);
  BOOST_TEST(state.links[0].name == "eth1");
}

BOOST_AUTO_TEST_CASE(name_without_nul_stops_at_the_attribute_end)
{
  auto state = fresh_state();
  bytes name{'a', 'b', 'c'};   // no terminator: padding follows, then the next attribute
  BOOST_TEST(!parse(message(RTM_NEWLINK, link_body(2, 0, {attribute(IFLA_IFNAME, name),
                                                          attribute(IFLA_MTU, u32(1500))})),
                  state));
  BOOST_TEST_REQUIRE(state.links.size() == 1u);
  BOOST_TEST(state.links[0].name == "abc");
}

BOOST_AUTO_TEST_CASE(last_attribute_without_padding_is_accepted)
{
  auto body = link_body(2, 0, {attribute(IFLA_MTU, u32(1500)), attribute(IFLA_IFNAME, text("ab"))});
  body.pop_back();   // "ab\0" + 1 padding byte: drop the padding
  auto state = fresh_state();
  nlmsghdr header{static_cast<std::uint32_t>(NLMSG_HDRLEN + body.size()), RTM_NEWLINK, 0, seq, port};
  bytes datagram;
  append(datagram, header);
  datagram.insert(datagram.end(), body.begin(), body.end());
  BOOST_TEST(!parse(datagram, state));
  BOOST_TEST_REQUIRE(state.links.size() == 1u);
  BOOST_TEST(state.links[0].name == "ab");
}

BOOST_AUTO_TEST_CASE(messages_of_other_requests_are_ignored)
{
  auto state = fresh_state();
  BOOST_TEST(!parse(join({message(RTM_NEWLINK, link_body(8, 0, {}), NLM_F_MULTI, seq + 1, port),
                        message(RTM_NEWLINK, link_body(9, 0, {}), NLM_F_MULTI, seq, port + 1),
                        message(NLMSG_DONE, bytes(4, 0), 0, seq - 1, port)}),
                  state));
  BOOST_TEST(state.links.empty());
  BOOST_TEST(!state.done);

  state.port_id = 0;   // any port accepted
  BOOST_TEST(!parse(message(RTM_NEWLINK, link_body(9, 0, {}), NLM_F_MULTI, seq, 77), state));
  BOOST_TEST(state.links.size() == 1u);
}

BOOST_AUTO_TEST_CASE(interrupted_dump_is_flagged)
{
  auto state = fresh_state();
  BOOST_TEST(!parse(join({message(RTM_NEWLINK, link_body(1, 0, {}), NLM_F_MULTI | NLM_F_DUMP_INTR),
                        done_message()}),
                  state));
  BOOST_TEST(state.interrupted);
  BOOST_TEST(state.done);

  auto overrun = fresh_state();
  BOOST_TEST(!parse(message(NLMSG_OVERRUN, {}), overrun));
  BOOST_TEST(overrun.interrupted);
}

BOOST_AUTO_TEST_CASE(error_message_reports_the_errno)
{
  auto state = fresh_state();
  auto ec = parse(join({error_message(-EPERM), link_message(1, "lo", 65536, 0)}), state);
  BOOST_TEST(ec == boost::system::errc::operation_not_permitted, ec.message());
  BOOST_TEST(state.links.empty());   // nothing after the error is read

  auto ack = fresh_state();
  BOOST_TEST(!parse(join({error_message(0), link_message(1, "lo", 65536, 0)}), ack));
  BOOST_TEST(ack.links.size() == 1u);

  auto short_error = fresh_state();
  BOOST_TEST(is_bad_message(parse(message(NLMSG_ERROR, bytes{1, 2}), short_error)));
}

BOOST_AUTO_TEST_CASE(done_message_ends_the_dump)
{
  auto state = fresh_state();
  BOOST_TEST(!parse(join({done_message(), link_message(1, "after", 1500, 0)}), state));
  BOOST_TEST(state.done);
  BOOST_TEST(state.links.empty());

  auto failed = fresh_state();
  auto ec = parse(done_message(-EINTR), failed);
  BOOST_TEST(failed.done);
  BOOST_TEST(ec == boost::system::errc::interrupted, ec.message());

  auto bare = fresh_state();   // a DONE without its int is still the end
  BOOST_TEST(!parse(message(NLMSG_DONE, {}), bare));
  BOOST_TEST(bare.done);
}

BOOST_AUTO_TEST_CASE(bogus_message_lengths_are_bad_messages)
{
  auto good = link_message(1, "lo", 65536, 0);
  nlmsghdr header;
  std::memcpy(&header, good.data(), sizeof header);

  for (std::uint32_t bogus : {0u, 1u, 15u, static_cast<std::uint32_t>(good.size() + 1), 0xffffffffu})
  {
    auto datagram = good;
    header.nlmsg_len = bogus;
    std::memcpy(datagram.data(), &header, sizeof header);
    auto state = fresh_state();
    auto ec = parse(datagram, state);
    BOOST_TEST(is_bad_message(ec), "nlmsg_len " << bogus << ": " << ec.message());
    BOOST_TEST(state.links.empty());
  }

  auto state = fresh_state();
  BOOST_TEST(is_bad_message(parse(join({good, bytes(5, 0)}), state)), "trailing bytes");
}

BOOST_AUTO_TEST_CASE(bogus_attribute_lengths_are_bad_messages)
{
  struct
  {
    const char* what;
    bytes attributes;
  } cases[] = {
      {"rta_len below its header", [] {
         bytes a;
         append(a, rtattr{3, IFLA_MTU});
         append(a, std::uint32_t(1500));
         return a;
       }()},
      {"rta_len past the message", [] {
         bytes a;
         append(a, rtattr{64, IFLA_IFNAME});
         a.insert(a.end(), {'e', 't', 'h', 0});
         return a;
       }()},
      {"a lone half header", bytes{8, 0}},
      {"MTU of 2 bytes", attribute(IFLA_MTU, bytes{0xdc, 0x05})},
      {"MTU of 8 bytes", attribute(IFLA_MTU, bytes(8, 1))},
  };
  for (const auto& c : cases)
  {
    auto state = fresh_state();
    auto ec = parse(message(RTM_NEWLINK, link_body(2, 0, {c.attributes})), state);
    BOOST_TEST(is_bad_message(ec), c.what << ": " << ec.message());
    BOOST_TEST(state.links.empty(), c.what);
  }

  auto state = fresh_state();
  auto ec = parse(message(RTM_NEWADDR, address_body(AF_INET, 24, 2, {attribute(IFA_LOCAL, bytes{10, 0, 0})})),
      state);
  BOOST_TEST(is_bad_message(ec), "3-byte IFA_LOCAL: " << ec.message());
}

BOOST_AUTO_TEST_CASE(short_headers_and_impossible_values_are_bad_messages)
{
  auto state = fresh_state();
  BOOST_TEST(is_bad_message(parse(message(RTM_NEWLINK, bytes(8, 0)), state)), "short ifinfomsg");
  BOOST_TEST(is_bad_message(parse(message(RTM_NEWADDR, bytes(4, 0)), state)), "short ifaddrmsg");
  BOOST_TEST(is_bad_message(parse(message(RTM_NEWLINK, link_body(0, 0, {})), state)), "ifindex 0");
  BOOST_TEST(is_bad_message(parse(message(RTM_NEWLINK, link_body(-3, 0, {})), state)), "ifindex -3");
  BOOST_TEST(is_bad_message(parse(message(RTM_NEWADDR, address_body(AF_INET, 33, 2,
                                                           {attribute(IFA_LOCAL, ipv4("10.0.0.1"))})),
                 state)),
      "prefix 33");
  BOOST_TEST(state.links.empty());
  BOOST_TEST(state.addresses.empty());
}

// Every cut of a valid datagram is either a whole-message prefix (parsed
// fine) or a bad message: never a crash, never a read past the cut.
BOOST_AUTO_TEST_CASE(every_truncation_is_safe)
{
  auto first = link_message(1, "lo", 65536, IFF_UP);
  auto second = address_message(1, "127.0.0.1", 8);
  auto datagram = join({first, second, done_message()});
  for (std::size_t cut = 0; cut <= datagram.size(); ++cut)
  {
    auto state = fresh_state();
    auto ec = parse(bytes(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(cut)), state);
    bool boundary = cut == 0 || cut == first.size() || cut == first.size() + second.size() ||
                    cut == datagram.size();
    if (boundary)
      BOOST_TEST(!ec, "cut " << cut << ": " << ec.message());
    else
      BOOST_TEST(is_bad_message(ec), "cut " << cut << ": " << ec.message());
  }
}

BOOST_AUTO_TEST_CASE(flag_accessors_follow_the_iff_bits)
{
  network_interface nic;
  BOOST_TEST(!nic.up());
  nic.flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING;
  BOOST_TEST(nic.up());
  BOOST_TEST(nic.broadcast());
  BOOST_TEST(nic.multicast());
  BOOST_TEST(nic.running());
  BOOST_TEST(!nic.loopback());
  BOOST_TEST(!nic.point_to_point());
  nic.flags = IFF_LOOPBACK | IFF_POINTOPOINT;
  BOOST_TEST(nic.loopback());
  BOOST_TEST(nic.point_to_point());
  BOOST_TEST(!nic.up());
  BOOST_TEST(network_interface::flag_lower_up == 0x10000u);
}

BOOST_AUTO_TEST_SUITE_END()

#else

#include "skip_suite.hpp"

ASIO_IPV4_SKIPPED_SUITE(network_interface_test,
    "the rtnetlink parser checked with Linux's <linux/rtnetlink.h>, which this system lacks")

#endif // __has_include(<linux/rtnetlink.h>)
