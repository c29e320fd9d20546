//
// test/logic/header_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Oracles: header bytes written by hand from RFC 791 section 3.1; flag bit
// positions from glibc's <netinet/ip.h> (IP_RF, IP_DF, IP_MF, IP_OFFMASK);
// checksums from RFC 1071 section 3, the classic 0xb861 textbook header and
// an independent Python computation (noted where used); and a naive
// reference checksum (test_util.hpp) that folds after every word, for what
// marshal writes (marshal itself uses ip4::checksum).

#include "test_util.hpp"

#include <asio_ipv4/ip4/header.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#if __has_include(<netinet/ip.h>)
# include <netinet/ip.h>
#else
// Systems without <netinet/ip.h> (Windows): the flag bits of RFC 791
// section 3.1, as glibc spells them.
# define IP_RF 0x8000
# define IP_DF 0x4000
# define IP_MF 0x2000
# define IP_OFFMASK 0x1fff
#endif

#include <algorithm>
#include <cstdint>
#include <memory>
#include <sstream>
#include <vector>

namespace ip4 = asio_ipv4::ip4;
using asio_ipv4::error;
using boost::asio::ip::make_address_v4;
using boost::system::error_code;
using bytes = std::vector<std::uint8_t>;
using asio_ipv4::test::reference_checksum;

namespace {

// A heap block of exactly b.size() bytes, so that ASan reports any read past
// the end of the input.
struct exact
{
  explicit exact(const bytes& b)
    : data(new std::uint8_t[b.size()]),
      size(b.size())
  {
    std::copy(b.begin(), b.end(), data.get());
  }

  boost::asio::const_buffer buffer() const { return boost::asio::const_buffer(data.get(), size); }

  std::unique_ptr<std::uint8_t[]> data;
  std::size_t size;
};

ip4::header parse(const bytes& b, error_code& ec)
{
  exact copy(b);
  return ip4::parse_header(copy.buffer(), ec);
}

error_code parse_error(const bytes& b)
{
  error_code ec;
  parse(b, ec);
  return ec;
}

std::uint16_t checksum_of(const bytes& b)
{
  exact copy(b);
  return ip4::checksum(copy.buffer());
}

// Marshals into a buffer of exactly `room` bytes; returns what was written.
bytes marshal(const ip4::header& h, std::size_t room, error_code& ec)
{
  bytes out(room, 0xaa);
  const std::size_t n = h.marshal(boost::asio::buffer(out), ec);
  out.resize(n);
  return out;
}

error_code marshal_error(const ip4::header& h, std::size_t room = ip4::header::max_length)
{
  bytes out(room, 0xaa);
  error_code ec;
  const std::size_t n = h.marshal(boost::asio::buffer(out), ec);
  BOOST_TEST(n == 0u);
  BOOST_TEST(std::count(out.begin(), out.end(), 0xaa) == static_cast<long>(room)); // untouched
  return ec;
}

// The classic textbook header: UDP, 115 bytes, DF, TTL 64,
// 192.168.0.1 -> 192.168.0.199, checksum 0xb861.
const bytes classic = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

// Builds the fields of a hand vector; header_length follows the options.
ip4::header fields(std::uint8_t tos, std::uint16_t total_length, std::uint16_t id, std::uint8_t flags,
    std::uint16_t fragment_offset, std::uint8_t ttl, std::uint8_t protocol, std::uint16_t checksum,
    const char* source, const char* destination, bytes options = {})
{
  ip4::header h;
  h.header_length = static_cast<std::uint8_t>(20 + options.size());
  h.tos = tos;
  h.total_length = total_length;
  h.id = id;
  h.flags = flags;
  h.fragment_offset = fragment_offset;
  h.ttl = ttl;
  h.protocol = protocol;
  h.checksum = checksum;
  h.source = make_address_v4(source);
  h.destination = make_address_v4(destination);
  h.options = std::move(options);
  return h;
}

constexpr std::uint8_t df = ip4::header::dont_fragment;
constexpr std::uint8_t mf = ip4::header::more_fragments;

ip4::header classic_fields()
{
  return fields(0, 115, 0, df, 0, 64, 17, 0xb861, "192.168.0.1", "192.168.0.199");
}

// Record Route (RFC 791, type 7) with room for three addresses, then one
// End of Option List byte: IHL 9. ICMP, 44 bytes, id 1, DF, TTL 1,
// 192.0.2.1 -> 198.51.100.7. Checksum 0x7e85 (Python).
const bytes record_route = {0x49, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x01, 0x01, 0x7e, 0x85,
                            0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
                            0x07, 0x0f, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                            0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

const bytes record_route_options = {0x07, 0x0f, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

// A middle fragment: TCP, 1500 bytes, id 0xabcd, MF, offset 185 (1480
// bytes), TTL 64, 10.0.0.1 -> 10.0.0.2. Checksum 0x9493 (Python).
const bytes fragment = {0x45, 0x00, 0x05, 0xdc, 0xab, 0xcd, 0x20, 0xb9, 0x40, 0x06,
                        0x94, 0x93, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02};

// A NOP then End of Option List: IHL 6, TOS 0xb8 (DSCP EF), UDP, 28 bytes,
// id 0x1234, TTL 255, 127.0.0.1 -> 224.0.0.251. Checksum 0x46e8 (Python).
const bytes nop_eol = {0x46, 0xb8, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00, 0xff, 0x11, 0x46, 0xe8,
                       0x7f, 0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0xfb, 0x01, 0x00, 0x00, 0x00};

// Only the reserved ("evil") flag: ICMP, 20 bytes, TTL 64,
// 192.0.2.1 -> 192.0.2.2. Checksum 0x76e5 (Python).
const bytes evil = {0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x80, 0x00, 0x40, 0x01,
                    0x76, 0xe5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02};

// IHL 15 and every other bit set; its checksum would be 0xb000 (Python).
bytes all_ones()
{
  bytes b(60, 0xff);
  b[0] = 0x4f;
  return b;
}

struct hand_vector
{
  const char* name;
  bytes wire;
  ip4::header expected;
  bool checksum_valid;
};

const std::vector<hand_vector>& hand_vectors()
{
  static const std::vector<hand_vector> all = {
      {"classic", classic, classic_fields(), true},
      {"record_route", record_route,
       fields(0, 44, 1, df, 0, 1, 1, 0x7e85, "192.0.2.1", "198.51.100.7", record_route_options), true},
      {"fragment", fragment, fields(0, 1500, 0xabcd, mf, 185, 64, 6, 0x9493, "10.0.0.1", "10.0.0.2"), true},
      {"nop_eol", nop_eol,
       fields(0xb8, 28, 0x1234, 0, 0, 255, 17, 0x46e8, "127.0.0.1", "224.0.0.251", {0x01, 0x00, 0x00, 0x00}),
       true},
      {"evil", evil,
       fields(0, 20, 0, ip4::header::reserved_flag, 0, 64, 1, 0x76e5, "192.0.2.1", "192.0.2.2"), true},
      {"all_ones", all_ones(),
       fields(0xff, 0xffff, 0xffff, 7, 8191, 255, 255, 0xffff, "255.255.255.255", "255.255.255.255",
           bytes(40, 0xff)),
       false},
  };
  return all;
}

bytes with_byte(bytes b, std::size_t at, std::uint8_t value)
{
  b.at(at) = value;
  return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(header_test)

BOOST_AUTO_TEST_CASE(parse_hand_vectors)
{
  // Each buffer is exactly as long as its IHL says (exact() puts it at the
  // end of a heap block): parse reads nothing after it.
  for (const hand_vector& v : hand_vectors())
  {
    BOOST_TEST_CONTEXT(v.name)
    {
      error_code ec;
      const ip4::header h = parse(v.wire, ec);
      BOOST_TEST(ec == error_code());
      BOOST_TEST(h == v.expected);
      BOOST_TEST(h.options == v.expected.options, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_flags_one_by_one)
{
  // glibc's constants say where the bits live; the hand vector agrees.
  BOOST_TEST(((fragment[6] << 8) | fragment[7]) == (IP_MF | 185));
  const struct
  {
    unsigned wire;
    std::uint8_t flags;
  } cases[] = {{0, 0},
               {IP_MF, ip4::header::more_fragments},
               {IP_DF, ip4::header::dont_fragment},
               {IP_RF, ip4::header::reserved_flag},
               {IP_RF | IP_DF | IP_MF, 7}};
  for (const auto& c : cases)
  {
    const unsigned word = c.wire | 0x0123;
    error_code ec;
    const ip4::header h = parse(with_byte(with_byte(classic, 6, word >> 8), 7, word & 0xff), ec);
    BOOST_TEST(ec == error_code());
    BOOST_TEST(h.flags == c.flags);
    BOOST_TEST(h.fragment_offset == 0x0123);
  }
}

BOOST_AUTO_TEST_CASE(parse_total_length_beyond_buffer)
{
  // A truncated receive or the quote in an ICMP error.
  error_code ec;
  BOOST_TEST(parse(fragment, ec).total_length == 1500);
  BOOST_TEST(ec == error_code());
}

BOOST_AUTO_TEST_CASE(parse_total_length_equal_to_header)
{
  BOOST_TEST(parse_error(with_byte(with_byte(classic, 2, 0), 3, 20)) == error_code());
  BOOST_TEST(parse_error(with_byte(with_byte(record_route, 2, 0), 3, 36)) == error_code());
}

BOOST_AUTO_TEST_CASE(malformed_too_short)
{
  BOOST_TEST(parse_error({}) == error_code(error::header_too_short));
  BOOST_TEST(parse_error({0x45}) == error_code(error::header_too_short));
  BOOST_TEST(parse_error(bytes(classic.begin(), classic.end() - 1)) == error_code(error::header_too_short));
  // Size is checked first, whatever the first byte says.
  BOOST_TEST(parse_error(bytes(19, 0x60)) == error_code(error::header_too_short));
}

BOOST_AUTO_TEST_CASE(malformed_version)
{
  for (unsigned v : {0u, 1u, 5u, 6u, 15u})
  {
    BOOST_TEST_CONTEXT("version " << v)
    {
      BOOST_TEST(parse_error(with_byte(classic, 0, static_cast<std::uint8_t>(v << 4 | 5)))
          == error_code(error::bad_version));
    }
  }
  // An IPv6 header: 0x60 and a 40-byte fixed header.
  bytes v6(40, 0);
  v6[0] = 0x60;
  BOOST_TEST(parse_error(v6) == error_code(error::bad_version));
  // Version is checked before the IHL.
  BOOST_TEST(parse_error(with_byte(classic, 0, 0x64)) == error_code(error::bad_version));
}

BOOST_AUTO_TEST_CASE(malformed_header_length)
{
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl)
  {
    BOOST_TEST_CONTEXT("IHL " << unsigned(ihl))
    {
      BOOST_TEST(parse_error(with_byte(classic, 0, 0x40 | ihl)) == error_code(error::bad_header_length));
    }
  }
  // IHL beyond the buffer, by a word and by a byte.
  BOOST_TEST(parse_error(with_byte(classic, 0, 0x46)) == error_code(error::bad_header_length));
  bytes short_by_one = all_ones();
  short_by_one.pop_back();
  BOOST_TEST(parse_error(short_by_one) == error_code(error::bad_header_length));
  BOOST_TEST(parse_error(bytes(record_route.begin(), record_route.end() - 4))
      == error_code(error::bad_header_length));
}

BOOST_AUTO_TEST_CASE(malformed_total_length)
{
  BOOST_TEST(parse_error(with_byte(with_byte(classic, 2, 0), 3, 0)) == error_code(error::bad_total_length));
  BOOST_TEST(parse_error(with_byte(with_byte(classic, 2, 0), 3, 19)) == error_code(error::bad_total_length));
  // 35 < 36, the length of the record route header.
  BOOST_TEST(parse_error(with_byte(with_byte(record_route, 2, 0), 3, 35))
      == error_code(error::bad_total_length));
}

BOOST_AUTO_TEST_CASE(malformed_throws_and_keeps_output)
{
  const bytes bad = with_byte(classic, 0, 0x65);
  exact copy(bad);
  try
  {
    ip4::parse_header(copy.buffer());
    BOOST_ERROR("parse_header did not throw");
  }
  catch (const boost::system::system_error& e)
  {
    BOOST_TEST(e.code() == error_code(error::bad_version));
  }

  // The reusing forms leave the output as it was.
  ip4::header h = classic_fields();
  h.options = {1, 2, 3, 4};
  const ip4::header before = h;
  error_code ec;
  ip4::parse_header(copy.buffer(), h, ec);
  BOOST_TEST(ec == error_code(error::bad_version));
  BOOST_TEST(h == before);
  BOOST_CHECK_THROW(ip4::parse_header(copy.buffer(), h), boost::system::system_error);
  BOOST_TEST(h == before);

  // The returning form gives a default header.
  BOOST_TEST(ip4::parse_header(copy.buffer(), ec) == ip4::header());
  BOOST_TEST(ec == error_code(error::bad_version));
}

BOOST_AUTO_TEST_CASE(errors_have_the_library_category)
{
  const error_code ec = parse_error({});
  BOOST_TEST(ec.category().name() == std::string("asio_ipv4"));
  BOOST_TEST(!ec.message().empty());
}

BOOST_AUTO_TEST_CASE(reused_header_replaces_options)
{
  ip4::header h;
  exact rr(record_route);
  ip4::parse_header(rr.buffer(), h);
  BOOST_TEST(h.options.size() == 16u);
  const std::uint8_t* storage = h.options.data();

  exact opt(nop_eol);
  ip4::parse_header(opt.buffer(), h);
  BOOST_TEST(h.options == (bytes{0x01, 0x00, 0x00, 0x00}), boost::test_tools::per_element());
  BOOST_TEST(static_cast<const void*>(h.options.data()) == static_cast<const void*>(storage)); // no reallocation

  exact plain(classic);
  ip4::parse_header(plain.buffer(), h);
  BOOST_TEST(h.options.empty());
  BOOST_TEST(h == classic_fields());
}

BOOST_AUTO_TEST_CASE(checksum_known_values)
{
  BOOST_TEST(checksum_of(with_byte(with_byte(classic, 10, 0), 11, 0)) == 0xb861);
  for (const hand_vector& v : hand_vectors()) // a filled-in header verifies to 0
    BOOST_TEST((checksum_of(v.wire) == 0) == v.checksum_valid, v.name);
  BOOST_TEST(checksum_of(with_byte(with_byte(all_ones(), 10, 0), 11, 0)) == 0xb000);
  // RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is 0xddf2.
  BOOST_TEST(checksum_of({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}) == 0x220d);
  BOOST_TEST(checksum_of(bytes(20, 0)) == 0xffff);
  BOOST_TEST(checksum_of({}) == 0xffff);
  BOOST_TEST(checksum_of({0xff, 0xff, 0xff, 0xff}) == 0x0000); // end-around carry
}

BOOST_AUTO_TEST_CASE(checksum_odd_length)
{
  BOOST_TEST(checksum_of({0x01}) == 0xfeff);
  BOOST_TEST(checksum_of({0x12, 0x34, 0x56}) == 0x97cb);
  // Same as with the zero byte appended.
  BOOST_TEST(checksum_of({0x12, 0x34, 0x56}) == checksum_of({0x12, 0x34, 0x56, 0x00}));
  // From an odd address too.
  const bytes b = {0x00, 0x12, 0x34, 0x56};
  BOOST_TEST(ip4::checksum(boost::asio::buffer(b.data() + 1, 3)) == 0x97cb);
}

BOOST_AUTO_TEST_CASE(checksum_matches_reference)
{
  std::uint32_t seed = 12345;
  for (std::size_t size : {2u, 3u, 20u, 21u, 60u, 1499u, 1500u, 65535u, 1u << 20})
  {
    bytes b(size);
    for (auto& x : b)
    {
      seed = seed * 1103515245 + 12345;
      x = static_cast<std::uint8_t>(seed >> 16);
    }
    BOOST_TEST_CONTEXT("size " << size)
    {
      BOOST_TEST(checksum_of(b) == reference_checksum(b));
    }
  }
  // Many carries: a megabyte of 0xff words sums to 0xffff.
  BOOST_TEST(checksum_of(bytes(1u << 20, 0xff)) == 0);
}

BOOST_AUTO_TEST_CASE(marshal_ignores_checksum_field)
{
  ip4::header h = classic_fields();
  h.checksum = 0x1234;
  bytes out(20);
  BOOST_TEST(h.marshal(boost::asio::buffer(out)) == 20u);
  BOOST_TEST(out == classic, boost::test_tools::per_element());
  BOOST_TEST(h.checksum == 0x1234); // marshal is const
}

BOOST_AUTO_TEST_CASE(marshal_hand_vectors)
{
  // The fields written by hand marshal to the bytes written by hand,
  // checksum included, with or without header_length.
  for (const hand_vector& v : hand_vectors())
  {
    if (!v.checksum_valid)
      continue;
    BOOST_TEST_CONTEXT(v.name)
    {
      error_code ec;
      ip4::header h = v.expected;
      h.checksum = 0; // ignored
      BOOST_TEST(marshal(h, v.wire.size(), ec) == v.wire, boost::test_tools::per_element());
      BOOST_TEST(ec == error_code());
      h.header_length = 0;
      BOOST_TEST(marshal(h, v.wire.size(), ec) == v.wire, boost::test_tools::per_element());
      BOOST_TEST(ec == error_code());
    }
  }
}

BOOST_AUTO_TEST_CASE(marshal_pads_options)
{
  ip4::header h;
  h.total_length = 0; // left for the kernel (raw(7), IP_HDRINCL)
  h.options = {0x01};
  error_code ec;
  bytes out = marshal(h, 60, ec);
  BOOST_TEST(ec == error_code());
  BOOST_TEST(out.size() == 24u);
  BOOST_TEST(out[0] == 0x46);
  BOOST_TEST(bytes(out.begin() + 20, out.end()) == (bytes{0x01, 0x00, 0x00, 0x00}),
      boost::test_tools::per_element());
  BOOST_TEST(reference_checksum(out) == 0);   // not ip4::checksum: marshal uses it

  // Record route's 15 bytes take one byte of padding.
  h.options = bytes(record_route_options.begin(), record_route_options.end() - 1);
  out = marshal(h, 60, ec);
  BOOST_TEST(out.size() == 36u);
  BOOST_TEST(out[0] == 0x49);
  BOOST_TEST(bytes(out.begin() + 20, out.end()) == record_route_options, boost::test_tools::per_element());

  // header_length may be given, as the padded length.
  h.header_length = 36;
  BOOST_TEST(marshal(h, 36, ec).size() == 36u);
  BOOST_TEST(ec == error_code());

  // Forty bytes: IHL 15.
  h.header_length = 0;
  h.options.assign(40, 0x01);
  out = marshal(h, 60, ec);
  BOOST_TEST(out.size() == 60u);
  BOOST_TEST(out[0] == 0x4f);
}

BOOST_AUTO_TEST_CASE(marshal_leaves_the_rest_of_the_buffer)
{
  bytes out(64, 0xaa);
  const std::size_t n = classic_fields().marshal(boost::asio::buffer(out));
  BOOST_TEST(n == 20u);
  BOOST_TEST(std::count(out.begin() + 20, out.end(), 0xaa) == 44);
}

BOOST_AUTO_TEST_CASE(marshal_refusals)
{
  const ip4::header good = classic_fields();
  ip4::header h = good;

  h.version = 6;
  BOOST_TEST(marshal_error(h) == error_code(error::bad_version));
  h.version = 0;
  BOOST_TEST(marshal_error(h) == error_code(error::bad_version));

  h = good;
  h.header_length = 0;
  h.options.assign(41, 0x01);
  BOOST_TEST(marshal_error(h, 100) == error_code(error::options_too_long));

  h = good;
  h.header_length = 24; // no options
  BOOST_TEST(marshal_error(h) == error_code(error::bad_header_length));
  h.header_length = 21;
  BOOST_TEST(marshal_error(h) == error_code(error::bad_header_length));
  h.header_length = 19;
  BOOST_TEST(marshal_error(h) == error_code(error::bad_header_length));
  h.header_length = 20;
  h.options = {0x94, 0x04, 0x00, 0x00}; // options but the old length
  BOOST_TEST(marshal_error(h) == error_code(error::bad_header_length));
  h.header_length = 28; // more than the options need
  BOOST_TEST(marshal_error(h) == error_code(error::bad_header_length));

  h = good;
  h.flags = 8;
  BOOST_TEST(marshal_error(h) == error_code(error::field_out_of_range));
  h.flags = 0xff;
  BOOST_TEST(marshal_error(h) == error_code(error::field_out_of_range));
  h = good;
  h.fragment_offset = 8192;
  BOOST_TEST(marshal_error(h) == error_code(error::field_out_of_range));
  h.fragment_offset = 0xffff;
  BOOST_TEST(marshal_error(h) == error_code(error::field_out_of_range));

  h = good;
  h.total_length = 19;
  BOOST_TEST(marshal_error(h) == error_code(error::bad_total_length));
  h.total_length = 23;
  h.header_length = 0;
  h.options = {0x01};
  BOOST_TEST(marshal_error(h) == error_code(error::bad_total_length));

  h = good;
  BOOST_TEST(marshal_error(h, 19) == error_code(error::header_too_short));
  BOOST_TEST(marshal_error(h, 0) == error_code(error::header_too_short));
  h.header_length = 0;
  h.total_length = 0;
  h.options = {0x01};
  BOOST_TEST(marshal_error(h, 23) == error_code(error::header_too_short));

  bytes out(60);
  h.version = 5;
  try
  {
    h.marshal(boost::asio::buffer(out));
    BOOST_ERROR("marshal did not throw");
  }
  catch (const boost::system::system_error& e)
  {
    BOOST_TEST(e.code() == error_code(error::bad_version));
  }
}

BOOST_AUTO_TEST_CASE(round_trip)
{
  const std::uint16_t offsets[] = {0, 1, 185, 8191};
  const std::uint8_t small[] = {0, 1, 0x7f, 0xb8, 0xff};
  std::size_t n = 0;
  ip4::header parsed; // reused, as a receive loop would
  for (std::size_t option_bytes = 0; option_bytes <= 40; ++option_bytes)
  {
    for (std::uint8_t flags = 0; flags <= 7; ++flags)
    {
      for (std::uint16_t offset : offsets)
      {
        ++n;
        ip4::header h;
        h.tos = small[n % 5];
        h.ttl = small[(n / 5) % 5];
        h.protocol = small[(n / 25) % 5];
        h.id = static_cast<std::uint16_t>(n * 40503u);
        h.flags = flags;
        h.fragment_offset = offset;
        h.source = boost::asio::ip::address_v4(static_cast<std::uint32_t>(n * 2654435761u));
        h.destination = boost::asio::ip::address_v4(static_cast<std::uint32_t>(~n * 40503u));
        for (std::size_t i = 0; i < option_bytes; ++i)
          h.options.push_back(static_cast<std::uint8_t>(i + 1)); // no zero: padding stays visible
        const std::size_t length = 20 + (option_bytes + 3) / 4 * 4;
        h.total_length = static_cast<std::uint16_t>(length + n % 3 * 700);

        BOOST_TEST_CONTEXT("case " << n << ": " << h)
        {
          error_code ec;
          const bytes wire = marshal(h, 60, ec);
          BOOST_REQUIRE(ec == error_code());
          BOOST_TEST(wire.size() == length);
          BOOST_TEST(reference_checksum(wire) == 0);

          exact copy(wire);
          ip4::parse_header(copy.buffer(), parsed, ec);
          BOOST_REQUIRE(ec == error_code());

          ip4::header expected = h;
          expected.header_length = static_cast<std::uint8_t>(length);
          expected.checksum = static_cast<std::uint16_t>((wire[10] << 8) | wire[11]);
          expected.options.resize(length - 20, 0); // the padding
          BOOST_TEST(parsed == expected);
          BOOST_TEST(marshal(parsed, length, ec) == wire, boost::test_tools::per_element());
        }
      }
    }
  }
  BOOST_TEST(n == 41u * 8 * 4);
}

BOOST_AUTO_TEST_CASE(payload_of_a_packet)
{
  bytes packet = classic;
  for (std::uint8_t i = 0; i < 95; ++i)
    packet.push_back(i);
  const ip4::header h = ip4::parse_header(boost::asio::buffer(packet));

  auto p = ip4::payload(boost::asio::buffer(packet), h);
  BOOST_TEST(p.size() == 95u);
  BOOST_TEST(static_cast<const void*>(p.data()) == static_cast<const void*>(packet.data() + 20));

  // Ethernet padding after the datagram is not payload.
  packet.resize(packet.size() + 10, 0);
  BOOST_TEST(ip4::payload(boost::asio::buffer(packet), h).size() == 95u);

  // A truncated packet gives what is there.
  BOOST_TEST(ip4::payload(boost::asio::buffer(packet.data(), 50), h).size() == 30u);
  BOOST_TEST(ip4::payload(boost::asio::buffer(packet.data(), 20), h).size() == 0u);
  BOOST_TEST(ip4::payload(boost::asio::buffer(packet.data(), 10), h).size() == 0u);

  // Options are not payload.
  const ip4::header rr = ip4::parse_header(boost::asio::buffer(record_route));
  bytes icmp = record_route;
  icmp.resize(44, 0x08);
  p = ip4::payload(boost::asio::buffer(icmp), rr);
  BOOST_TEST(p.size() == 8u);
  BOOST_TEST(static_cast<const void*>(p.data()) == static_cast<const void*>(icmp.data() + 36));
}

BOOST_AUTO_TEST_CASE(default_header)
{
  const ip4::header h;
  BOOST_TEST(h.version == 4);
  BOOST_TEST(h.header_length == 0);
  BOOST_TEST(h.ttl == 64);
  BOOST_TEST(h.source == boost::asio::ip::address_v4::any());
  error_code ec;
  const bytes out = marshal(h, 20, ec);
  BOOST_TEST(ec == error_code());
  BOOST_TEST(out.size() == 20u);
}

BOOST_AUTO_TEST_CASE(printing)
{
  std::ostringstream os;
  os << classic_fields();
  const std::string s = os.str();
  BOOST_TEST_INFO("printed: " << s);
  BOOST_TEST(s.find("checksum 0xb861") != std::string::npos);
  BOOST_TEST(s.find("source 192.168.0.1,") != std::string::npos);
  BOOST_TEST(s.find("total_length 115,") != std::string::npos);
  BOOST_TEST(os.flags() == std::ostringstream().flags()); // stream format restored
}

BOOST_AUTO_TEST_SUITE_END()
