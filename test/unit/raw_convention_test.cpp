// ip4::raw_convention: a header marshalled for, and parsed from, each
// platform's raw sockets. Oracle: the classic textbook header (45 00 00 73
// 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7: total length 0x73, DF,
// checksum 0xb861) with its length and fragment words written by hand in
// the byte order each convention describes (little-endian: the test runs
// where macOS, FreeBSD and QNX run, on x86_64 or arm64). Self-contained.

#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4/header.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

namespace {

namespace ip4 = asio_ipv4::ip4;
using bytes = std::vector<std::uint8_t>;

const bytes wire{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
    0x00, 0xc7};

ip4::header textbook()
{
  ip4::header h;
  h.total_length = 0x73;
  h.flags = ip4::header::dont_fragment;
  h.ttl = 0x40;
  h.protocol = 0x11;
  h.source = boost::asio::ip::make_address_v4("192.168.0.1");
  h.destination = boost::asio::ip::make_address_v4("192.168.0.199");
  return h;
}

// The textbook header with bytes 2-3 and 6-7 as given.
bytes with_words(std::uint8_t l0, std::uint8_t l1, std::uint8_t f0, std::uint8_t f1)
{
  bytes b = wire;
  b[2] = l0;
  b[3] = l1;
  b[6] = f0;
  b[7] = f1;
  return b;
}

std::vector<int> ints(const bytes& b) { return std::vector<int>(b.begin(), b.end()); }

bytes marshal(const ip4::raw_convention& c)
{
  bytes out(60, 0xee);
  boost::system::error_code ec;
  const std::size_t n = textbook().marshal(boost::asio::buffer(out), c, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  out.resize(n);
  return out;
}

ip4::header parse(const bytes& b, const ip4::raw_convention& c)
{
  ip4::header h;
  boost::system::error_code ec;
  ip4::parse_header(boost::asio::buffer(b), c, h, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  return h;
}

} // namespace

BOOST_AUTO_TEST_SUITE(raw_convention_test)

BOOST_AUTO_TEST_CASE(wire_is_the_plain_form)
{
  BOOST_TEST(ints(marshal(ip4::raw_convention::wire())) == ints(wire), boost::test_tools::per_element());
  ip4::header expected = textbook();
  expected.header_length = 20;
  expected.checksum = 0xb861;
  BOOST_TEST(parse(wire, ip4::raw_convention::wire()) == expected);
}

BOOST_AUTO_TEST_CASE(send_in_host_order)
{
  // ip_len 0x0073 and ip_off 0x4000 little-endian; the checksum stays the
  // wire header's.
  const bytes expected = with_words(0x73, 0x00, 0x00, 0x40);
  for (auto c : {ip4::raw_convention::darwin(), ip4::raw_convention::freebsd_10(), ip4::raw_convention::freebsd_9()})
    BOOST_TEST(ints(marshal(c)) == ints(expected), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(receive_darwin)
{
  // macOS hands over ip_len = 0x73 - 20 = 0x5f and ip_off in host order.
  ip4::header expected = textbook();
  expected.header_length = 20;
  expected.checksum = 0xb861;
  BOOST_TEST(parse(with_words(0x5f, 0x00, 0x00, 0x40), ip4::raw_convention::darwin()) == expected);
  BOOST_TEST(parse(with_words(0x5f, 0x00, 0x00, 0x40), ip4::raw_convention::freebsd_9()) == expected);
  // FreeBSD 10 keeps the header in ip_len.
  BOOST_TEST(parse(with_words(0x73, 0x00, 0x00, 0x40), ip4::raw_convention::freebsd_10()) == expected);
  // Read as wire, the same bytes are wrong: the convention matters.
  ip4::header h;
  boost::system::error_code ec;
  ip4::parse_header(boost::asio::buffer(with_words(0x5f, 0x00, 0x00, 0x40)), h, ec);
  BOOST_TEST((ec || !(h == expected)));
}

BOOST_AUTO_TEST_CASE(receive_with_options_and_fragments)
{
  // IHL 6 (one word of options), MF and offset 0x123: the header length
  // added back is 24, the fragment word 0x3123 in host order.
  bytes b = with_words(0x00, 0x01, 0x23, 0x31); // ip_len 0x100 - 24 excluded
  b[0] = 0x46;
  b.insert(b.end(), {0x94, 0x04, 0x00, 0x00}); // router alert
  const ip4::header h = parse(b, ip4::raw_convention::darwin());
  BOOST_TEST(h.total_length == 0x100 + 24);
  BOOST_TEST(h.flags == ip4::header::more_fragments);
  BOOST_TEST(h.fragment_offset == 0x1123);
  BOOST_TEST(h.options == bytes({0x94, 0x04, 0x00, 0x00}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(malformed_input)
{
  // Too short, and an IHL past the buffer: the same errors as the wire form.
  for (auto c : {ip4::raw_convention::wire(), ip4::raw_convention::darwin()})
  {
    ip4::header h;
    boost::system::error_code ec;
    ip4::parse_header(boost::asio::buffer(wire.data(), 19), c, h, ec);
    BOOST_TEST((ec == asio_ipv4::error::header_too_short), ec.message());
    bytes b = wire;
    b[0] = 0x4f;
    ip4::parse_header(boost::asio::buffer(b), c, h, ec);
    BOOST_TEST((ec == asio_ipv4::error::bad_header_length), ec.message());
  }
}

BOOST_AUTO_TEST_CASE(host_is_linux_wire)
{
  const ip4::raw_convention h = ip4::raw_convention::host();
  BOOST_TEST(!h.send_host_order);
  BOOST_TEST(!h.receive_host_order);
  BOOST_TEST(!h.receive_length_excludes_header);
}

BOOST_AUTO_TEST_SUITE_END()
