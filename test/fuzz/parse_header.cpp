//
// test/fuzz/parse_header.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Any input either fails to parse with an asio_ipv4::error, or parses into
// a header that marshals back to the same bytes (apart from a fresh, valid
// checksum) and parses again into the same header. Aborts otherwise.

#include <asio_ipv4/ip4/header.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace ip4 = asio_ipv4::ip4;

namespace {

void require(bool ok)
{
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const boost::asio::const_buffer input(data, size);
  boost::system::error_code ec;
  const ip4::header h = ip4::parse_header(input, ec);

  // The reusing form agrees, and leaves its output alone on error.
  static ip4::header reused;
  const ip4::header before = reused;
  boost::system::error_code reused_ec;
  ip4::parse_header(input, reused, reused_ec);
  require(reused_ec == ec);
  require(ec ? reused == before : reused == h);

  if (ec)
  {
    require(ec.category() == asio_ipv4::get_error_category());
    require(h == ip4::header());
    return 0;
  }

  require(h.version == 4);
  require(h.header_length >= ip4::header::min_length && h.header_length <= ip4::header::max_length);
  require(h.header_length % 4 == 0 && h.header_length <= size);
  require(h.options.size() == h.header_length - ip4::header::min_length);
  require(h.total_length >= h.header_length);
  require(h.flags <= 7 && h.fragment_offset <= ip4::header::max_fragment_offset);

  const boost::asio::const_buffer p = ip4::payload(input, h);
  require(p.size() <= size - h.header_length);
  require(p.size() == 0 || p.data() == data + h.header_length);

  std::array<std::uint8_t, ip4::header::max_length> out;
  require(h.marshal(boost::asio::buffer(out.data(), h.header_length - 1u), ec) == 0);
  require(ec == asio_ipv4::error::header_too_short);
  const std::size_t n = h.marshal(boost::asio::buffer(out), ec);
  require(!ec && n == h.header_length);
  require(std::memcmp(out.data(), data, 10) == 0);
  require(std::memcmp(out.data() + 12, data + 12, n - 12) == 0);
  require(ip4::checksum(boost::asio::buffer(out.data(), n)) == 0);

  const ip4::header again = ip4::parse_header(boost::asio::buffer(out.data(), n), ec);
  require(!ec);
  ip4::header expected = h;
  expected.checksum = static_cast<std::uint16_t>((out[10] << 8) | out[11]);
  require(again == expected);
  return 0;
}
