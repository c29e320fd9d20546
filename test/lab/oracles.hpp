//
// test/lab/oracles.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Oracles that do not depend on the library: the Python tools' output
// (tools/: sniff.py, udp_recv.py, ...) and the /proc/net parsers.

#ifndef ASIO_IPV4_TEST_LAB_ORACLES_HPP
#define ASIO_IPV4_TEST_LAB_ORACLES_HPP

#include "host.hpp"
#include "process.hpp"

#include <boost/asio/ip/address_v4.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// The key=value fields of a tool line ("pkt dir=in src=..."): the first
/// word is stored under the key "" (empty).
std::map<std::string, std::string> parse_fields(std::string_view line);

std::vector<std::uint8_t> from_hex(std::string_view hex);   ///< "-" or "" -> empty
std::string to_hex(const std::vector<std::uint8_t>& bytes);

/// What sniff.py should report.
struct sniff_filter
{
  std::optional<int> protocol;                       ///< IP protocol number
  std::optional<boost::asio::ip::address_v4> source;
  std::optional<boost::asio::ip::address_v4> destination;
  std::optional<std::uint16_t> port;                 ///< UDP/TCP port, either side
  std::optional<std::uint16_t> source_port;
  std::optional<std::uint16_t> destination_port;
  std::optional<bool> outgoing;                      ///< only one direction
  unsigned count = 0;                                ///< the tool ends after this many (0: no limit)
  std::chrono::seconds lifetime = 60s;               ///< the tool's own deadline
};

/// One IPv4 packet as sniff.py (or raw_recv.py) printed it.
struct packet_record
{
  bool outgoing = false;           ///< sent by this interface (PACKET_OUTGOING)
  std::string packet_type;         ///< host, broadcast, multicast, otherhost, outgoing
  boost::asio::ip::address_v4 source;
  boost::asio::ip::address_v4 destination;
  unsigned tos = 0;
  unsigned ttl = 0;
  unsigned id = 0;
  unsigned flags = 0;              ///< 3 bits: 4 reserved, 2 DF, 1 MF
  unsigned fragment_offset = 0;    ///< in 8-byte units
  unsigned protocol = 0;
  unsigned header_length = 0;      ///< bytes (IHL * 4)
  unsigned total_length = 0;
  std::vector<std::uint8_t> options;
  std::optional<std::uint16_t> source_port;        ///< UDP/TCP, first fragment only
  std::optional<std::uint16_t> destination_port;
  std::optional<std::uint16_t> udp_length;
  std::optional<std::uint8_t> icmp_type;           ///< ICMP, first fragment only
  std::optional<std::uint8_t> icmp_code;
  std::size_t payload_length = 0;  ///< after the UDP/ICMP/TCP header (else after IP)
  std::vector<std::uint8_t> payload;   ///< its first bytes (the tool's --max-payload)
  std::map<std::string, std::string> fields;   ///< everything the tool printed
  std::string line;                ///< the line itself

  bool dont_fragment() const { return flags & 2; }
  bool more_fragments() const { return flags & 1; }
  std::string payload_text() const { return std::string(payload.begin(), payload.end()); }
};

/// Parses a "pkt ..." or "raw ..." line; throws lab_error when malformed.
packet_record parse_packet_line(const std::string& line);

/// sniff.py on one interface of a host. The constructor returns once the
/// socket is bound ("ready"), so packets sent afterwards are seen.
class sniffer
{
public:
  sniffer(const host& where, const std::string& ifname, const sniff_filter& filter = {});

  /// The next packet, or nullopt at timeout or when the tool ended.
  std::optional<packet_record> next(std::chrono::milliseconds timeout);

  /// Collects until `n` packets were collected in all (or timeout); returns all.
  const std::vector<packet_record>& wait_for(std::size_t n, std::chrono::milliseconds timeout);

  /// Collects until the tool ends by itself (filter.count reached, lifetime)
  /// or `timeout` passes, then stops it; returns every packet.
  std::vector<packet_record> packets(std::chrono::milliseconds timeout);

  /// Tells the tool to stop (it still reports what the kernel had queued)
  /// and returns every packet.
  std::vector<packet_record> stop();

  const std::vector<packet_record>& collected() const { return packets_; }

  /// The tool's lines and stderr, for failure messages.
  std::string describe() const { return tool_.describe(); }

private:
  bool take(const std::string& line);

  process tool_;
  std::vector<packet_record> packets_;
};

/// One datagram as udp_recv.py printed it.
struct datagram_record
{
  boost::asio::ip::address_v4 source;
  std::uint16_t source_port = 0;
  std::optional<boost::asio::ip::address_v4> destination;   ///< IP_PKTINFO ipi_addr
  std::optional<boost::asio::ip::address_v4> local;         ///< IP_PKTINFO ipi_spec_dst
  std::optional<unsigned> interface_index;
  std::optional<unsigned> tos;
  std::optional<unsigned> ttl;
  std::optional<std::string> original_destination;          ///< "a.b.c.d:port"
  bool truncated = false;
  std::vector<std::uint8_t> payload;
  std::map<std::string, std::string> fields;
  std::string line;

  std::string payload_text() const { return std::string(payload.begin(), payload.end()); }
};

/// Parses a "dgram ..." line; throws lab_error when malformed.
datagram_record parse_datagram_line(const std::string& line);

/// Reads lines of a udp_recv.py process until a datagram comes (nullopt at
/// timeout or end of output).
std::optional<datagram_record> next_datagram(process& receiver, std::chrono::milliseconds timeout);

/// One row of /proc/net/igmp: a group joined on an interface.
struct igmp_membership
{
  unsigned interface_index = 0;
  std::string interface_name;
  boost::asio::ip::address_v4 group;
  unsigned users = 0;
};
std::vector<igmp_membership> parse_proc_net_igmp(std::string_view text);
std::vector<igmp_membership> igmp_memberships(const host& where);

/// One row of /proc/net/mcfilter: a source filter entry.
struct mcfilter_entry
{
  unsigned interface_index = 0;
  std::string interface_name;
  boost::asio::ip::address_v4 group;
  boost::asio::ip::address_v4 source;
  unsigned include_count = 0;
  unsigned exclude_count = 0;
};
std::vector<mcfilter_entry> parse_proc_net_mcfilter(std::string_view text);
std::vector<mcfilter_entry> mcfilter_entries(const host& where);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_ORACLES_HPP
