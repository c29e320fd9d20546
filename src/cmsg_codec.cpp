//
// src/cmsg_codec.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/detail/cmsg_codec.hpp>

#include <asio_ipv4/detail/address.hpp>
#include <asio_ipv4/error.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/error.hpp>

#include <climits>
#include <cstring>

namespace asio_ipv4 {
namespace detail {
namespace {

// CMSG_LEN(0): where a message's data starts, relative to its header.
constexpr std::size_t header_space = CMSG_LEN(0);

constexpr std::size_t align(std::size_t n) noexcept
{
  return CMSG_ALIGN(n);
}

// Copies a value of type T out of a message's data; false when the message
// carries fewer bytes than T needs.
template <class T>
bool read_value(const unsigned char* data, std::size_t len, T& out) noexcept
{
  if (len < sizeof(T))
    return false;
  std::memcpy(&out, data, sizeof(T));
  return true;
}

// Decodes one message; false when its data is too short for its type.
bool decode_one(int level, int type, const unsigned char* data, std::size_t len,
    control_message& out) noexcept
{
  if (level == IPPROTO_IP)
  {
    switch (type)
    {
    case IP_PKTINFO:
    {
      in_pktinfo info;
      if (!read_value(data, len, info))
        return false;
      out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
      out.local = to_address_v4(info.ipi_spec_dst);
      out.destination = to_address_v4(info.ipi_addr);
      return true;
    }
    case IP_TTL:
    {
      int ttl;
      if (!read_value(data, len, ttl))
        return false;
      out.ttl = static_cast<std::uint8_t>(ttl);
      return true;
    }
    case IP_TOS:
    {
      std::uint8_t tos;
      if (!read_value(data, len, tos))
        return false;
      out.tos = tos;
      return true;
    }
    case IP_ORIGDSTADDR:
    {
      sockaddr_in sin;
      if (!read_value(data, len, sin))
        return false;
      out.original_destination =
          boost::asio::ip::udp::endpoint(to_address_v4(sin.sin_addr), ntohs(sin.sin_port));
      return true;
    }
    case IP_RECVERR:
    {
      sock_extended_err ee;
      if (!read_value(data, len, ee))
        return false;
      extended_error e;
      e.error = ee.ee_errno;
      e.origin = ee.ee_origin;
      e.type = ee.ee_type;
      e.code = ee.ee_code;
      e.info = ee.ee_info;
      e.data = ee.ee_data;
      // SO_EE_OFFENDER: a sockaddr right after the struct, AF_INET when a
      // remote node reported the error, AF_UNSPEC for local errors.
      sockaddr_in offender;
      if (read_value(data + sizeof(ee), len - sizeof(ee), offender) && offender.sin_family == AF_INET)
        e.offender = to_address_v4(offender.sin_addr);
      out.error = e;
      return true;
    }
    default:
      return true;
    }
  }
  if (level == SOL_UDP && type == UDP_GRO)
  {
    int segment;
    if (!read_value(data, len, segment))
      return false;
    out.segment_size = static_cast<std::uint16_t>(segment);
    return true;
  }
  return true; // a message we do not decode
}

template <class T>
void write_message(unsigned char* at, int level, int type, const T& value) noexcept
{
  cmsghdr h;
  std::memset(&h, 0, sizeof(h));
  h.cmsg_level = level;
  h.cmsg_type = type;
  h.cmsg_len = CMSG_LEN(sizeof(T));
  std::memcpy(at, &h, sizeof(h));
  std::memcpy(at + header_space, &value, sizeof(T));
  // Zero the padding so the buffer's bytes are fully defined.
  std::memset(at + header_space + sizeof(T), 0, CMSG_SPACE(sizeof(T)) - CMSG_LEN(sizeof(T)));
}

} // namespace

boost::system::error_code decode_control(
    const void* data, std::size_t size, bool truncated, control_message& out) noexcept
{
  out.clear();
  const unsigned char* bytes = static_cast<const unsigned char*>(data);
  std::size_t offset = 0;
  while (size - offset >= sizeof(cmsghdr))
  {
    cmsghdr h;
    std::memcpy(&h, bytes + offset, sizeof(h));
    std::size_t len = h.cmsg_len;
    if (len < header_space || len > size - offset)
    {
      // The kernel shortens the message it could not fit and flags MSG_CTRUNC.
      if (truncated)
        break;
      return error::malformed_control;
    }
    if (!decode_one(h.cmsg_level, h.cmsg_type, bytes + offset + header_space, len - header_space, out)
        && !truncated)
      return error::malformed_control;
    std::size_t step = align(len);
    if (step > size - offset)
      break; // the last message's padding may be missing
    offset += step;
  }
  if (truncated)
    return error::control_truncated;
  return {};
}

std::size_t encode_control(const control_message& in, void* data, std::size_t capacity,
    boost::system::error_code& ec) noexcept
{
  ec = {};
  std::size_t needed = 0;
  const bool pktinfo = in.local || in.interface_index;
  if (pktinfo)
  {
    if (in.interface_index && *in.interface_index > static_cast<unsigned>(INT_MAX))
    {
      ec = boost::asio::error::invalid_argument;
      return 0;
    }
    needed += CMSG_SPACE(sizeof(in_pktinfo));
  }
  if (in.ttl)
  {
    if (*in.ttl == 0)
    {
      ec = boost::asio::error::invalid_argument;
      return 0;
    }
    needed += CMSG_SPACE(sizeof(int));
  }
  if (in.tos)
    needed += CMSG_SPACE(sizeof(int));
  if (in.segment_size)
    needed += CMSG_SPACE(sizeof(std::uint16_t));
  if (needed > capacity)
  {
    ec = error::message_too_long;
    return 0;
  }

  unsigned char* at = static_cast<unsigned char*>(data);
  if (pktinfo)
  {
    in_pktinfo info;
    std::memset(&info, 0, sizeof(info));
    info.ipi_ifindex = in.interface_index ? static_cast<int>(*in.interface_index) : 0;
    if (in.local)
      info.ipi_spec_dst = to_in_addr(*in.local);
    write_message(at, IPPROTO_IP, IP_PKTINFO, info);
    at += CMSG_SPACE(sizeof(info));
  }
  if (in.ttl)
  {
    write_message(at, IPPROTO_IP, IP_TTL, static_cast<int>(*in.ttl));
    at += CMSG_SPACE(sizeof(int));
  }
  if (in.tos)
  {
    write_message(at, IPPROTO_IP, IP_TOS, static_cast<int>(*in.tos));
    at += CMSG_SPACE(sizeof(int));
  }
  if (in.segment_size)
  {
    write_message(at, SOL_UDP, UDP_SEGMENT, static_cast<std::uint16_t>(*in.segment_size));
    at += CMSG_SPACE(sizeof(std::uint16_t));
  }
  return needed;
}

} // namespace detail
} // namespace asio_ipv4
