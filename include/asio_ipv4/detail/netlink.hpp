//
// asio_ipv4/detail/netlink.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The rtnetlink codec behind ip4::interfaces(): building dump requests and
// reading the kernel's answers, as pure functions over byte buffers (no
// socket), so that tests can feed them hand-made and hostile datagrams.
// Implemented in src/network_interface.cpp.

#ifndef ASIO_IPV4_DETAIL_NETLINK_HPP
#define ASIO_IPV4_DETAIL_NETLINK_HPP

#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace asio_ipv4 {
namespace detail {
namespace netlink {

/// One RTM_NEWLINK message: ifinfomsg plus IFLA_IFNAME and IFLA_MTU.
struct link_record
{
  unsigned index = 0;
  std::string name;
  unsigned mtu = 0;
  unsigned flags = 0;
};

/// One AF_INET RTM_NEWADDR message: the interface index and
/// IFA_LOCAL (else IFA_ADDRESS) with ifa_prefixlen.
struct address_record
{
  unsigned index = 0;
  boost::asio::ip::network_v4 network;
};

/// What the datagrams of a dump said so far.
struct dump_state
{
  /// Messages whose nlmsg_seq differs are not ours and are skipped.
  std::uint32_t sequence = 0;
  /// Messages whose nlmsg_pid differs are skipped; 0 accepts any.
  std::uint32_t port_id = 0;
  std::vector<link_record> links;
  std::vector<address_record> addresses;
  /// NLMSG_DONE arrived.
  bool done = false;
  /// A message carried NLM_F_DUMP_INTR (or NLMSG_OVERRUN came): the dump is
  /// inconsistent and must be repeated.
  bool interrupted = false;
};

/// Builds a dump request (NLM_F_REQUEST | NLM_F_DUMP) of `type`
/// (RTM_GETLINK with an ifinfomsg, RTM_GETADDR with an ifaddrmsg) for
/// address `family` (AF_UNSPEC, AF_INET).
std::vector<unsigned char> dump_request(std::uint16_t type, std::uint8_t family,
    std::uint32_t sequence);

/// Reads the messages of one received datagram into `state`.
///
/// Every length is checked before it is used: a message or attribute
/// length that runs past its container, a header shorter than its type
/// needs, an attribute of the wrong size, a prefix length above 32 or
/// trailing bytes set `ec` to @c errc::bad_message. An NLMSG_ERROR with a
/// non-zero code sets `ec` to that errno (a zero code, an ACK, is skipped);
/// NLMSG_DONE sets state.done and stops, with `ec` set if it carries a
/// negative error. Messages after an error are not read.
void parse_datagram(boost::asio::const_buffer datagram, dump_state& state,
    boost::system::error_code& ec);

/// Parses the payload of one RTM_NEWLINK message (after the nlmsghdr).
link_record parse_link(boost::asio::const_buffer payload, boost::system::error_code& ec);

/// Parses the payload of one RTM_NEWADDR message (after the nlmsghdr).
/// Returns false, without error, for an address of another family or one
/// without IFA_LOCAL and IFA_ADDRESS.
bool parse_address(boost::asio::const_buffer payload, address_record& record,
    boost::system::error_code& ec);

/// Joins links and addresses by interface index: the links in dump order,
/// each with its addresses in dump order. Addresses of an index that is
/// not among the links are dropped.
std::vector<ip4::network_interface> assemble(const dump_state& state);

} // namespace netlink
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_NETLINK_HPP
