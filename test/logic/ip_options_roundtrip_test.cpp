//
// test/logic/ip_options_roundtrip_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The ip4::options builders carried in an ip4::header: header::marshal writes
// them after the fixed 20 bytes, padded with End of Option List to a multiple
// of 4, and parse_header gives them back byte for byte.
//
// Oracles: RFC 791 section 3.1 written out field by field below (the option
// type octet as copied flag / class / number, length, pointer, route data,
// timestamp overflow/flag octet), RFC 2113 for Router Alert, and an option
// walker in this file that follows RFC 791's two option formats (a single
// octet, or type-length-data) without the library's help.

#include "test_util.hpp"

#include <asio_ipv4/ip4/header.hpp>
#include <asio_ipv4/ip4/ip_options.hpp>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ip4 = asio_ipv4::ip4;
namespace tt = boost::test_tools;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address_v4;
using boost::system::error_code;
using bytes = std::vector<std::uint8_t>;

namespace {

bytes bytes_of(const ip4::options& o)
{
  const auto* p = static_cast<const std::uint8_t*>(o.value().data());
  return bytes(p, p + o.value().size());
}

// The option type octet of RFC 791: 1 bit "copied" flag, 2 bits option
// class, 5 bits option number.
struct option_type
{
  unsigned copied;
  unsigned option_class;
  unsigned number;
};

option_type split_type(std::uint8_t type)
{
  return {unsigned(type >> 7), unsigned((type >> 5) & 3), unsigned(type & 31)};
}

bool operator==(const option_type& a, const option_type& b)
{
  return a.copied == b.copied && a.option_class == b.option_class && a.number == b.number;
}

std::ostream& operator<<(std::ostream& os, const option_type& t)
{
  return os << "{copied " << t.copied << ", class " << t.option_class << ", number " << t.number << "}";
}

// One option as RFC 791 lays it out.
struct option
{
  std::uint8_t type = 0;
  bytes data;            // after the type and length octets (empty for EOL and NOP)
};

// Walks an option area by RFC 791's rules: type 0 (End of Option List) ends
// it, type 1 (No Operation) is one octet, every other type is followed by a
// length octet that counts the type and length octets too. The EOL octet is
// reported; the padding after it must be zero.
std::vector<option> walk(const bytes& area)
{
  std::vector<option> out;
  std::size_t i = 0;
  while (i < area.size())
  {
    const std::uint8_t type = area[i];
    if (type == 0 || type == 1)
    {
      out.push_back({type, {}});
      ++i;
      if (type == 0)
        break;
      continue;
    }
    BOOST_TEST_REQUIRE(i + 1 < area.size(), "option type " << unsigned(type) << " at " << i << " has no length");
    const std::size_t length = area[i + 1];
    BOOST_TEST_REQUIRE(length >= 2u, "option at " << i << ": length " << length);
    BOOST_TEST_REQUIRE(i + length <= area.size(),
        "option at " << i << ": length " << length << " runs past the " << area.size() << "-byte area");
    out.push_back({type, bytes(area.begin() + long(i) + 2, area.begin() + long(i + length))});
    i += length;
  }
  for (; i < area.size(); ++i)
    BOOST_TEST(area[i] == 0u,
        "padding byte " << i << " after End of Option List: expected 0, got " << unsigned(area[i]));
  return out;
}

address_v4 address_at(const bytes& b, std::size_t at)
{
  return address_v4(address_v4::bytes_type{{b.at(at), b.at(at + 1), b.at(at + 2), b.at(at + 3)}});
}

// A header with every fixed field set to something recognisable.
ip4::header sample_header(const ip4::options& o)
{
  ip4::header h;
  h.tos = 0xb8;
  h.id = 0x4d2;
  h.flags = ip4::header::dont_fragment;
  h.ttl = 9;
  h.protocol = 17;
  h.source = make_address_v4("192.0.2.10");
  h.destination = make_address_v4("198.51.100.20");
  h.options = bytes_of(o);
  h.total_length = static_cast<std::uint16_t>(20 + (h.options.size() + 3) / 4 * 4 + 8);
  return h;
}

std::size_t padded(std::size_t n) { return (n + 3) / 4 * 4; }

// The round trip every case makes: marshal the builder's bytes in a header,
// check the wire bytes, parse them back and marshal again. Returns the option
// area as parsed (padding included).
bytes round_trip(const ip4::options& o)
{
  const bytes built = bytes_of(o);
  BOOST_TEST_REQUIRE(o.valid(), "builder gave invalid options");
  const ip4::header h = sample_header(o);

  bytes wire(ip4::header::max_length + 4, 0xaa);
  error_code ec;
  const std::size_t n = h.marshal(boost::asio::buffer(wire), ec);
  BOOST_TEST_REQUIRE(!ec, "marshal: " << ec.message());
  wire.resize(n);

  const std::size_t area = padded(built.size());
  BOOST_TEST(n == 20 + area, "header length: expected " << 20 + area << ", got " << n);
  BOOST_TEST(unsigned(wire[0]) == 0x40u + (20 + area) / 4);
  BOOST_TEST(asio_ipv4::test::reference_checksum(wire) == 0u);   // RFC 1071, not ip4::checksum

  // After the fixed header: the builder's bytes, then End of Option List (0)
  // up to the next multiple of 4.
  bytes expected_area = built;
  expected_area.resize(area, 0x00);
  BOOST_TEST(bytes(wire.begin() + 20, wire.end()) == expected_area, tt::per_element());

  const ip4::header parsed = ip4::parse_header(boost::asio::buffer(wire), ec);
  BOOST_TEST_REQUIRE(!ec, "parse_header: " << ec.message());
  ip4::header expected = h;
  expected.header_length = static_cast<std::uint8_t>(n);
  expected.checksum = static_cast<std::uint16_t>((wire[10] << 8) | wire[11]);
  expected.options = expected_area;
  BOOST_TEST(parsed == expected, "parsed " << parsed << "\nexpected " << expected);

  bytes again(n);
  BOOST_TEST(parsed.marshal(boost::asio::buffer(again)) == n);
  BOOST_TEST(again == wire, tt::per_element());
  return parsed.options;
}

const std::vector<address_v4> three_hops = {
    make_address_v4("10.0.1.2"), make_address_v4("10.0.2.2"), make_address_v4("10.0.3.2")};

std::vector<address_v4> hops(std::size_t n)
{
  std::vector<address_v4> out;
  for (std::size_t i = 1; i <= n; ++i)
    out.push_back(address_v4(address_v4::bytes_type{{10, 0, static_cast<unsigned char>(i), 2}}));
  return out;
}

// RFC 791 checks of a source route (loose: type 131, strict: type 137).
void check_source_route(const ip4::options& o, std::uint8_t type, const std::vector<address_v4>& route)
{
  const bytes area = round_trip(o);
  const auto options = walk(area);
  BOOST_TEST_REQUIRE(options.size() >= 1u);
  const option& sr = options[0];
  BOOST_TEST(unsigned(sr.type) == unsigned(type));
  // Both are copied into every fragment, class 0 (control); numbers 3 and 9.
  BOOST_TEST(split_type(sr.type) == (option_type{1, 0, type == 131 ? 3u : 9u}));
  // Length octet: type + length + pointer + 4 per address.
  BOOST_TEST(area[1] == 3u + 4 * route.size());
  BOOST_TEST(sr.data.size() == 1 + 4 * route.size());
  // Pointer: "the octet which begins the next source address to be
  // processed", counted from 1 at the type octet; 4 is the smallest legal
  // value. So the address the pointer selects is the first hop: the first
  // hop comes first.
  const std::size_t pointer = area[2];
  BOOST_TEST(pointer == 4u);
  BOOST_TEST(address_at(area, pointer - 1) == route.front(),
      "pointer " << pointer << " selects " << address_at(area, pointer - 1) << ", first hop " << route.front());
  // Route data: the hops in the order given, four octets each, big-endian.
  for (std::size_t i = 0; i < route.size(); ++i)
    BOOST_TEST(address_at(area, 3 + 4 * i) == route[i],
        "hop " << i << ": expected " << route[i] << ", got " << address_at(area, 3 + 4 * i));
  // Nothing but End of Option List padding follows.
  BOOST_TEST(options.size() == (area.size() > 3 + 4 * route.size() ? 2u : 1u));
}

} // namespace

BOOST_AUTO_TEST_SUITE(ip_options_roundtrip_test)

BOOST_AUTO_TEST_CASE(record_route_every_size)
{
  for (std::size_t slots = 1; slots <= 9; ++slots)
  {
    BOOST_TEST_CONTEXT("record_route(" << slots << ")")
    {
      const bytes area = round_trip(ip4::options::record_route(slots));
      const auto options = walk(area);
      BOOST_TEST_REQUIRE(options.size() >= 1u);
      // Type 7: not copied, class 0, number 7.
      BOOST_TEST(unsigned(options[0].type) == 7u);
      BOOST_TEST(split_type(options[0].type) == (option_type{0, 0, 7}));
      BOOST_TEST(area[1] == 3u + 4 * slots);
      BOOST_TEST(area[2] == 4u); // pointer: the first (empty) slot
      for (std::size_t i = 3; i < area.size(); ++i)
        BOOST_TEST(area[i] == 0u,
            "byte " << i << " (empty slots and padding): expected 0, got " << unsigned(area[i]));
      // 3 + 4n is odd: always one EOL octet of padding.
      BOOST_TEST(area.size() == 4 + 4 * slots);
      BOOST_TEST(unsigned(options.back().type) == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(timestamp_every_size)
{
  for (std::size_t slots = 1; slots <= 9; ++slots)
  {
    BOOST_TEST_CONTEXT("timestamp(" << slots << ")")
    {
      const bytes area = round_trip(ip4::options::timestamp(slots));
      const auto options = walk(area);
      BOOST_TEST_REQUIRE(options.size() == 1u); // 4 + 4n: no padding
      // Type 68: not copied, class 2 (debugging and measurement), number 4.
      BOOST_TEST(unsigned(options[0].type) == 68u);
      BOOST_TEST(split_type(options[0].type) == (option_type{0, 2, 4}));
      BOOST_TEST(area[1] == 4u + 4 * slots);
      BOOST_TEST(area[2] == 5u); // pointer: the first timestamp slot
      BOOST_TEST((area[3] >> 4) == 0u);  // overflow count
      BOOST_TEST((area[3] & 15) == 0u);  // flag 0: timestamps only
      BOOST_TEST(area.size() == 4 + 4 * slots);
    }
  }
}

BOOST_AUTO_TEST_CASE(loose_source_route_first_hop_first)
{
  check_source_route(ip4::options::loose_source_route(three_hops), 131, three_hops);
  check_source_route(ip4::options::loose_source_route({three_hops[1]}), 131, {three_hops[1]});
  check_source_route(ip4::options::loose_source_route(hops(9)), 131, hops(9));
}

BOOST_AUTO_TEST_CASE(strict_source_route_first_hop_first)
{
  check_source_route(ip4::options::strict_source_route(three_hops), 137, three_hops);
  check_source_route(ip4::options::strict_source_route({three_hops[2]}), 137, {three_hops[2]});
  check_source_route(ip4::options::strict_source_route(hops(9)), 137, hops(9));
}

BOOST_AUTO_TEST_CASE(router_alert_rfc2113)
{
  const bytes area = round_trip(ip4::options::router_alert());
  const auto options = walk(area);
  BOOST_TEST_REQUIRE(options.size() == 1u);
  // Type 148: copied, class 0, number 20; length 4; value 0 "every router
  // examines the packet".
  BOOST_TEST(split_type(options[0].type) == (option_type{1, 0, 20}));
  BOOST_TEST(area == (bytes{0x94, 0x04, 0x00, 0x00}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(concatenations_keep_order_and_pad_once)
{
  struct row
  {
    const char* name;
    ip4::options options;
    std::vector<std::uint8_t> types;   // in order, EOL excluded
    std::size_t size;                  // before padding
  };
  const row rows[] = {
      {"router_alert + timestamp(2)", ip4::options::router_alert() + ip4::options::timestamp(2), {148, 68}, 16},
      {"router_alert + record_route(2)", ip4::options::router_alert() + ip4::options::record_route(2),
          {148, 7}, 15},
      {"record_route(2) + router_alert", ip4::options::record_route(2) + ip4::options::router_alert(),
          {7, 148}, 15},
      {"loose_source_route(3) + record_route(3)",
          ip4::options::loose_source_route(three_hops) + ip4::options::record_route(3), {131, 7}, 30},
      {"router_alert + timestamp(8)", ip4::options::router_alert() + ip4::options::timestamp(8), {148, 68}, 40},
      {"router_alert + router_alert + strict_source_route(1)",
          ip4::options::router_alert() + ip4::options::router_alert()
              + ip4::options::strict_source_route({three_hops[0]}),
          {148, 148, 137}, 15},
  };
  for (const row& r : rows)
  {
    BOOST_TEST_CONTEXT(r.name)
    {
      BOOST_TEST(r.options.value().size() == r.size);
      const bytes area = round_trip(r.options);
      BOOST_TEST(area.size() == padded(r.size));
      const auto options = walk(area);
      std::vector<std::uint8_t> types;
      for (const option& o : options)
        if (o.type != 0)
          types.push_back(o.type);
      BOOST_TEST(types == r.types, tt::per_element());
      // An EOL octet exactly when the list does not end on a 4-byte boundary.
      const bool has_eol = !options.empty() && options.back().type == 0;
      BOOST_TEST(has_eol == (r.size % 4 != 0));
    }
  }
}

BOOST_AUTO_TEST_CASE(concatenation_matches_separate_builders)
{
  // a + b is a's bytes followed by b's, whatever the builders.
  const ip4::options parts[] = {ip4::options::router_alert(), ip4::options::record_route(2),
      ip4::options::timestamp(1), ip4::options::loose_source_route({three_hops[0], three_hops[1]})};
  for (const auto& a : parts)
  {
    for (const auto& b : parts)
    {
      bytes expected = bytes_of(a);
      const bytes tail = bytes_of(b);
      expected.insert(expected.end(), tail.begin(), tail.end());
      const ip4::options sum = a + b;
      BOOST_TEST(bytes_of(sum) == expected, tt::per_element());
      bytes area = round_trip(sum);
      area.resize(expected.size());
      BOOST_TEST(area == expected, tt::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(over_forty_bytes_never_reaches_a_header)
{
  // A 39-byte route plus a 4-byte alert is 43 bytes: the sum is invalid and
  // has no bytes; the same bytes put in a header directly are refused.
  const ip4::options sum = ip4::options::loose_source_route(hops(9)) + ip4::options::router_alert();
  BOOST_TEST(!sum.valid());
  BOOST_TEST(sum.value().size() == 0u);

  ip4::header h = sample_header(ip4::options::loose_source_route(hops(9)));
  const bytes alert = bytes_of(ip4::options::router_alert());
  h.options.insert(h.options.end(), alert.begin(), alert.end());
  h.total_length = 0;
  bytes wire(64);
  error_code ec;
  BOOST_TEST(h.marshal(boost::asio::buffer(wire), ec) == 0u);
  BOOST_TEST(ec == error_code(asio_ipv4::error::options_too_long), "expected options_too_long, got " << ec.message());
}

BOOST_AUTO_TEST_SUITE_END()
