//
// src/header.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/ip4/header.hpp>

#include <asio_ipv4/detail/platform.hpp>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <cstring>
#include <ios>
#include <ostream>

namespace asio_ipv4 {
namespace ip4 {
namespace {

// Byte offsets of the fixed fields (RFC 791, 3.1).
constexpr std::size_t version_ihl_at = 0;
constexpr std::size_t tos_at = 1;
constexpr std::size_t total_length_at = 2;
constexpr std::size_t id_at = 4;
constexpr std::size_t fragment_at = 6;
constexpr std::size_t ttl_at = 8;
constexpr std::size_t protocol_at = 9;
constexpr std::size_t checksum_at = 10;
constexpr std::size_t source_at = 12;
constexpr std::size_t destination_at = 16;

constexpr unsigned fragment_flags_shift = 13;
constexpr std::uint8_t max_flags = 7;

std::uint16_t get16(const std::uint8_t* p) noexcept
{
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void put16(std::uint8_t* p, std::uint16_t v) noexcept
{
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

boost::asio::ip::address_v4 get_address(const std::uint8_t* p) noexcept
{
  return boost::asio::ip::address_v4(boost::asio::ip::address_v4::bytes_type{{p[0], p[1], p[2], p[3]}});
}

void put_address(std::uint8_t* p, const boost::asio::ip::address_v4& a) noexcept
{
  const auto bytes = a.to_bytes();
  std::copy(bytes.begin(), bytes.end(), p);
}

// Checks everything parse_header rejects; on success returns the header
// length in bytes.
std::size_t validate(const std::uint8_t* p, std::size_t size, boost::system::error_code& ec) noexcept
{
  if (size < header::min_length)
  {
    ec = error::header_too_short;
    return 0;
  }
  if ((p[version_ihl_at] >> 4) != 4)
  {
    ec = error::bad_version;
    return 0;
  }
  const std::size_t length = std::size_t(p[version_ihl_at] & 0x0f) * 4;
  if (length < header::min_length || length > size)
  {
    ec = error::bad_header_length;
    return 0;
  }
  if (get16(p + total_length_at) < length)
  {
    ec = error::bad_total_length;
    return 0;
  }
  ec = {};
  return length;
}

// Checks everything marshal refuses; on success returns the length to write.
std::size_t validate(const header& h, std::size_t room, boost::system::error_code& ec) noexcept
{
  const std::size_t padded = (h.options.size() + 3) & ~std::size_t(3);
  const std::size_t length = header::min_length + padded;
  if (h.version != 4)
    ec = error::bad_version;
  else if (h.options.size() > header::max_options_length)
    ec = error::options_too_long;
  else if (h.header_length != 0 && h.header_length != length)
    ec = error::bad_header_length;
  else if (h.flags > max_flags || h.fragment_offset > header::max_fragment_offset)
    ec = error::field_out_of_range;
  else if (h.total_length != 0 && h.total_length < length)
    ec = error::bad_total_length;
  else if (room < length)
    ec = error::header_too_short;
  else
  {
    ec = {};
    return length;
  }
  return 0;
}

std::uint16_t get16_host(const std::uint8_t* p) noexcept
{
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

void put16_host(std::uint8_t* p, std::uint16_t v) noexcept
{
  std::memcpy(p, &v, 2);
}

void throw_if(const boost::system::error_code& ec, const char* what)
{
  if (ec)
    boost::throw_exception(boost::system::system_error(ec, what));
}

} // namespace

std::size_t header::marshal(boost::asio::mutable_buffer buffer, boost::system::error_code& ec) const noexcept
{
  const std::size_t length = validate(*this, buffer.size(), ec);
  if (ec)
    return 0;

  auto* p = static_cast<std::uint8_t*>(buffer.data());
  p[version_ihl_at] = static_cast<std::uint8_t>((version << 4) | (length / 4));
  p[tos_at] = tos;
  put16(p + total_length_at, total_length);
  put16(p + id_at, id);
  put16(p + fragment_at, static_cast<std::uint16_t>((flags << fragment_flags_shift) | fragment_offset));
  p[ttl_at] = ttl;
  p[protocol_at] = protocol;
  put16(p + checksum_at, 0);
  put_address(p + source_at, source);
  put_address(p + destination_at, destination);
  std::uint8_t* end = std::copy(options.begin(), options.end(), p + min_length);
  std::fill(end, p + length, std::uint8_t(0)); // End of Option List padding
  put16(p + checksum_at, ip4::checksum(boost::asio::const_buffer(p, length)));
  return length;
}

std::size_t header::marshal(boost::asio::mutable_buffer buffer) const
{
  boost::system::error_code ec;
  const std::size_t length = marshal(buffer, ec);
  throw_if(ec, "asio_ipv4::ip4::header::marshal");
  return length;
}

std::size_t header::marshal(boost::asio::mutable_buffer buffer, const raw_convention& convention,
    boost::system::error_code& ec) const noexcept
{
  const std::size_t length = marshal(buffer, ec);
  if (ec || !convention.send_host_order)
    return length;
  auto* p = static_cast<std::uint8_t*>(buffer.data());
  put16_host(p + total_length_at, get16(p + total_length_at));
  put16_host(p + fragment_at, get16(p + fragment_at));
  return length;
}

std::size_t header::marshal(boost::asio::mutable_buffer buffer, const raw_convention& convention) const
{
  boost::system::error_code ec;
  const std::size_t length = marshal(buffer, convention, ec);
  throw_if(ec, "asio_ipv4::ip4::header::marshal");
  return length;
}

raw_convention raw_convention::host() noexcept
{
  return {detail::os::raw_send_host_order, detail::os::raw_receive_host_order,
      detail::os::raw_receive_length_excludes_header};
}

bool operator==(const header& a, const header& b) noexcept
{
  return a.version == b.version && a.header_length == b.header_length && a.tos == b.tos
      && a.total_length == b.total_length && a.id == b.id && a.flags == b.flags
      && a.fragment_offset == b.fragment_offset && a.ttl == b.ttl && a.protocol == b.protocol
      && a.checksum == b.checksum && a.source == b.source && a.destination == b.destination
      && a.options == b.options;
}

std::ostream& operator<<(std::ostream& os, const header& h)
{
  const auto flags = os.flags();
  os << "{version " << unsigned(h.version) << ", header_length " << unsigned(h.header_length)
     << ", tos " << unsigned(h.tos) << ", total_length " << h.total_length << ", id " << h.id
     << ", flags " << unsigned(h.flags) << ", fragment_offset " << h.fragment_offset << ", ttl "
     << unsigned(h.ttl) << ", protocol " << unsigned(h.protocol) << ", checksum 0x" << std::hex
     << h.checksum << std::dec << ", source " << h.source.to_string() << ", destination "
     << h.destination.to_string() << ", options [" << std::hex;
  for (std::size_t i = 0; i < h.options.size(); ++i)
    os << (i ? " " : "") << unsigned(h.options[i]);
  os << "]}";
  os.flags(flags);
  return os;
}

void parse_header(boost::asio::const_buffer packet, header& out, boost::system::error_code& ec)
{
  const auto* p = static_cast<const std::uint8_t*>(packet.data());
  const std::size_t length = validate(p, packet.size(), ec);
  if (ec)
    return;

  // Options first: the only step that can throw (bad_alloc) leaves out as it was.
  out.options.assign(p + header::min_length, p + length);
  out.version = 4;
  out.header_length = static_cast<std::uint8_t>(length);
  out.tos = p[tos_at];
  out.total_length = get16(p + total_length_at);
  out.id = get16(p + id_at);
  const std::uint16_t fragment = get16(p + fragment_at);
  out.flags = static_cast<std::uint8_t>(fragment >> fragment_flags_shift);
  out.fragment_offset = static_cast<std::uint16_t>(fragment & header::max_fragment_offset);
  out.ttl = p[ttl_at];
  out.protocol = p[protocol_at];
  out.checksum = get16(p + checksum_at);
  out.source = get_address(p + source_at);
  out.destination = get_address(p + destination_at);
}

void parse_header(boost::asio::const_buffer packet, const raw_convention& convention, header& out,
    boost::system::error_code& ec)
{
  if (!convention.receive_host_order && !convention.receive_length_excludes_header)
    return parse_header(packet, out, ec);
  // The fixed part rewritten in wire order; the options read in place.
  const auto* p = static_cast<const std::uint8_t*>(packet.data());
  if (packet.size() < header::min_length)
  {
    ec = error::header_too_short;
    return;
  }
  std::uint8_t wire[header::max_length];
  const std::size_t length = std::min<std::size_t>(packet.size(), header::max_length);
  std::memcpy(wire, p, length);
  std::uint16_t total = convention.receive_host_order ? get16_host(p + total_length_at) : get16(p + total_length_at);
  if (convention.receive_length_excludes_header)
    total = static_cast<std::uint16_t>(total + std::size_t(p[version_ihl_at] & 0x0f) * 4);
  put16(wire + total_length_at, total);
  if (convention.receive_host_order)
    put16(wire + fragment_at, get16_host(p + fragment_at));
  parse_header(boost::asio::const_buffer(wire, length), out, ec);
}

void parse_header(boost::asio::const_buffer packet, const raw_convention& convention, header& out)
{
  boost::system::error_code ec;
  parse_header(packet, convention, out, ec);
  throw_if(ec, "asio_ipv4::ip4::parse_header");
}

void parse_header(boost::asio::const_buffer packet, header& out)
{
  boost::system::error_code ec;
  parse_header(packet, out, ec);
  throw_if(ec, "asio_ipv4::ip4::parse_header");
}

header parse_header(boost::asio::const_buffer packet, boost::system::error_code& ec)
{
  header h;
  parse_header(packet, h, ec);
  return h;
}

header parse_header(boost::asio::const_buffer packet)
{
  header h;
  parse_header(packet, h);
  return h;
}

boost::asio::const_buffer payload(boost::asio::const_buffer packet, const header& h) noexcept
{
  const std::size_t end = std::min<std::size_t>(h.total_length, packet.size());
  const std::size_t begin = std::min<std::size_t>(h.header_length, end);
  return boost::asio::const_buffer(static_cast<const std::uint8_t*>(packet.data()) + begin, end - begin);
}

std::uint16_t checksum(boost::asio::const_buffer data) noexcept
{
  const auto* p = static_cast<const std::uint8_t*>(data.data());
  const std::size_t size = data.size();
  // 64 bits hold the carries of any buffer that fits in memory; they are
  // folded back in at the end (RFC 1071, "deferred carries").
  std::uint64_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < size; i += 2)
    sum += get16(p + i);
  if (i < size)
    sum += std::uint32_t(p[i]) << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

} // namespace ip4
} // namespace asio_ipv4
