//
// src/cmsg_codec.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The control-message codec, driven by a cmsg_layout: every field is read
// and written byte by byte at the offsets the layout gives, so the same code
// serves every platform and never depends on the host's CMSG_* macros.

#include <asio_ipv4/detail/cmsg_codec.hpp>

#include <asio_ipv4/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>

namespace asio_ipv4 {
namespace detail {
namespace {

using boost::asio::ip::address_v4;

// Native-order integers at any alignment.
template <class T>
T load(const unsigned char* p) noexcept
{
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <class T>
void store(unsigned char* p, T v) noexcept
{
  std::memcpy(p, &v, sizeof(T));
}

std::uint64_t load_length(const unsigned char* p, std::size_t width) noexcept
{
  if (width == 8)
    return load<std::uint64_t>(p);
  return load<std::uint32_t>(p);
}

// An in_addr: four bytes in network order.
address_v4 load_address(const unsigned char* p) noexcept
{
  return address_v4(address_v4::bytes_type{{p[0], p[1], p[2], p[3]}});
}

void store_address(unsigned char* p, const address_v4& a) noexcept
{
  const auto b = a.to_bytes();
  std::memcpy(p, b.data(), 4);
}

const cmsg_entry* find_entry(const cmsg_layout& layout, int level, int type) noexcept
{
  for (const cmsg_entry& e : layout.receive)
  {
    if (!e.present())
      break;
    if (e.level == level && e.type == type)
      return &e;
  }
  return nullptr;
}

// What one buffer's messages say together: FreeBSD's SCM_TIME_INFO says
// the card took the stamp that came before it.
struct decode_state
{
  bool stamp_from_card = false;
};

// Seconds and a sub-second part in units of `unit` nanoseconds (1000 for
// microseconds, 1 for nanoseconds), as nanoseconds; false when the
// sub-second part is out of its range or the result does not fit.
bool to_nanoseconds(std::int64_t seconds, std::int64_t fraction, std::int64_t unit, std::int64_t& out) noexcept
{
  constexpr std::int64_t giga = 1000000000;
  constexpr std::int64_t max_seconds = INT64_MAX / giga - 1; // leaves room for the fraction
  if (fraction < 0 || fraction >= giga / unit || seconds > max_seconds || seconds < -max_seconds)
    return false;
  out = seconds * giga + fraction * unit;
  return true;
}

// A software stamp: a realtime one is kept when the buffer also carries a
// stamp on another clock (macOS SO_TIMESTAMP with SO_TIMESTAMP_MONOTONIC,
// FreeBSD SO_BINTIME with SO_TS_CLOCK).
void set_software_time(control_message& out, kernel_time::clock_type clock, std::int64_t ns) noexcept
{
  if (out.software_time && out.software_time->clock == kernel_time::realtime && clock != kernel_time::realtime)
    return;
  out.software_time = kernel_time{clock, std::chrono::nanoseconds(ns)};
}

// A timeval or timespec of `width`-byte fields (4 or 8) at p, its fraction
// `fraction_width` bytes wide, counted in `unit` nanoseconds.
bool load_time(const unsigned char* p, std::size_t width, std::size_t fraction_width, std::int64_t unit,
    std::int64_t& ns) noexcept
{
  const std::int64_t seconds = width == 8 ? load<std::int64_t>(p) : load<std::int32_t>(p);
  const std::int64_t fraction = fraction_width == 8 ? load<std::int64_t>(p + width) : load<std::int32_t>(p + width);
  return to_nanoseconds(seconds, fraction, unit, ns);
}

// struct scm_timestamping: ts[0] software, ts[2] raw hardware, each absent
// when zero.
bool load_timestamping(const unsigned char* p, std::size_t width, control_message& out) noexcept
{
  for (std::size_t i : {std::size_t(0), std::size_t(2)})
  {
    std::int64_t ns;
    if (!load_time(p + i * 2 * width, width, width, 1, ns))
      return false;
    if (ns == 0)
      continue;
    if (i == 0)
      set_software_time(out, kernel_time::realtime, ns);
    else
      out.hardware_time = kernel_time{kernel_time::hardware, std::chrono::nanoseconds(ns)};
  }
  return true;
}

// A struct sockaddr_in of the layout's kind, if it is one for AF_INET.
bool load_sockaddr_in(const cmsg_layout& layout, cmsg_kind kind, const unsigned char* p,
    boost::asio::ip::udp::endpoint& out) noexcept
{
  const unsigned family = kind == cmsg_kind::sockaddr_in_len8 ? p[1] : load<std::uint16_t>(p);
  if (family != layout.af_inet)
    return false;
  out = boost::asio::ip::udp::endpoint(load_address(p + 4), static_cast<std::uint16_t>((p[2] << 8) | p[3]));
  return true;
}

// The timestamp kinds, out of line: decode_one stays small for the
// messages every receive carries.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
bool decode_time(cmsg_kind kind, const unsigned char* data, control_message& out, decode_state& state) noexcept
{
  switch (kind)
  {
  case cmsg_kind::timeval_64:
  case cmsg_kind::timeval_64_32:
  case cmsg_kind::timeval_32:
  case cmsg_kind::timespec_64:
  case cmsg_kind::timespec_32:
  case cmsg_kind::timespec_64_monotonic:
  {
    const bool narrow = kind == cmsg_kind::timeval_32 || kind == cmsg_kind::timespec_32;
    const bool micro = kind == cmsg_kind::timeval_64 || kind == cmsg_kind::timeval_64_32 || kind == cmsg_kind::timeval_32;
    std::int64_t ns;
    if (!load_time(data, narrow ? 4 : 8, narrow || kind == cmsg_kind::timeval_64_32 ? 4 : 8, micro ? 1000 : 1, ns))
      return false;
    set_software_time(out, kind == cmsg_kind::timespec_64_monotonic ? kernel_time::monotonic : kernel_time::realtime, ns);
    return true;
  }
  case cmsg_kind::timestamping_64:
    return load_timestamping(data, 8, out);
  case cmsg_kind::timestamping_32:
    return load_timestamping(data, 4, out);
  case cmsg_kind::bintime:
  {
    // 2^-64 s fractions to nanoseconds as FreeBSD's bintime2timespec does:
    // the upper 32 bits times 10^9, shifted down (at most 1 ns short).
    const std::uint64_t frac = load<std::uint64_t>(data + 8);
    const auto nanoseconds = static_cast<std::int64_t>(((frac >> 32) * 1000000000u) >> 32);
    std::int64_t ns;
    if (!to_nanoseconds(load<std::int64_t>(data), nanoseconds, 1, ns))
      return false;
    set_software_time(out, kernel_time::realtime, ns);
    return true;
  }
  case cmsg_kind::ticks_u64:
  {
    const std::uint64_t ticks = load<std::uint64_t>(data);
    if (ticks > static_cast<std::uint64_t>(INT64_MAX))
      return false;
    set_software_time(out, kernel_time::performance_counter, static_cast<std::int64_t>(ticks));
    return true;
  }
  case cmsg_kind::time_info:
    if (load<std::uint32_t>(data) & 1u) // ST_INFO_HW
      state.stamp_from_card = true;
    return true;
  default:
    break;
  }
  return true;
}

// Decodes one known message; false when its data is too short or holds a
// value its field cannot.
bool decode_one(const cmsg_layout& layout, cmsg_kind kind, const unsigned char* data, std::size_t len,
    control_message& out, decode_state& state) noexcept
{
  if (len < cmsg_data_size(kind))
    return false;
  switch (kind)
  {
  case cmsg_kind::pktinfo_index_first:
    out.interface_index = load<std::uint32_t>(data);
    out.local = load_address(data + 4);
    out.destination = load_address(data + 8);
    return true;
  case cmsg_kind::pktinfo_darwin:
    out.interface_index = load<std::uint32_t>(data);
    out.destination = load_address(data + 8);
    return true;
  case cmsg_kind::pktinfo_address_first:
    out.destination = load_address(data);
    out.interface_index = load<std::uint32_t>(data + 4);
    return true;
  case cmsg_kind::in_addr:
    out.destination = load_address(data);
    return true;
  case cmsg_kind::sockaddr_dl:
    if (data[1] != layout.af_link)
      return false;
    out.interface_index = load<std::uint16_t>(data + 2);
    return true;
  case cmsg_kind::ttl_int:
  {
    const auto ttl = load<std::int32_t>(data);
    if (ttl < 0 || ttl > 255)
      return false;
    out.ttl = static_cast<std::uint8_t>(ttl);
    return true;
  }
  case cmsg_kind::ttl_byte:
    out.ttl = data[0];
    return true;
  case cmsg_kind::tos_int:
  {
    const auto tos = load<std::int32_t>(data);
    if (tos < 0 || tos > 255)
      return false;
    out.tos = static_cast<std::uint8_t>(tos);
    return true;
  }
  case cmsg_kind::tos_byte:
    out.tos = data[0];
    return true;
  case cmsg_kind::ecn_int:
    return true; // checked for length only: no field holds the ECN bits alone
  case cmsg_kind::sockaddr_in_family16:
  case cmsg_kind::sockaddr_in_len8:
  {
    boost::asio::ip::udp::endpoint ep;
    if (!load_sockaddr_in(layout, kind, data, ep))
      return false;
    out.original_destination = ep;
    return true;
  }
  case cmsg_kind::extended_error:
  {
    // struct sock_extended_err: u32 ee_errno; u8 ee_origin, ee_type,
    // ee_code, ee_pad; u32 ee_info; u32 ee_data. SO_EE_OFFENDER: a
    // sockaddr_in right after it, AF_INET when a remote node reported the
    // error (AF_UNSPEC for local errors).
    extended_error e;
    e.error = load<std::uint32_t>(data);
    e.origin = data[4];
    e.type = data[5];
    e.code = data[6];
    e.info = load<std::uint32_t>(data + 8);
    e.data = load<std::uint32_t>(data + 12);
    boost::asio::ip::udp::endpoint offender;
    if (len >= 32 && load_sockaddr_in(layout, cmsg_kind::sockaddr_in_family16, data + 16, offender))
      e.offender = offender.address().to_v4();
    out.error = e;
    return true;
  }
  case cmsg_kind::segment_u32:
  {
    const auto segment = load<std::uint32_t>(data);
    if (segment > 0xffff)
      return false;
    out.segment_size = static_cast<std::uint16_t>(segment);
    return true;
  }
  case cmsg_kind::segment_u16:
    out.segment_size = load<std::uint16_t>(data);
    return true;
  case cmsg_kind::dropped_u32:
    out.dropped = load<std::uint32_t>(data);
    return true;
  case cmsg_kind::timeval_64:
  case cmsg_kind::timeval_64_32:
  case cmsg_kind::timeval_32:
  case cmsg_kind::timespec_64:
  case cmsg_kind::timespec_32:
  case cmsg_kind::timespec_64_monotonic:
  case cmsg_kind::timestamping_64:
  case cmsg_kind::timestamping_32:
  case cmsg_kind::bintime:
  case cmsg_kind::ticks_u64:
  case cmsg_kind::time_info:
    return decode_time(kind, data, out, state);
  case cmsg_kind::timestamp_id_u32:
    return true; // a send-side message
  case cmsg_kind::none:
    break;
  }
  return true;
}

// Writes one message: header, `size` data bytes from `data`, zero padding.
void write_message(const cmsg_layout& layout, unsigned char* at, const cmsg_entry& e, const unsigned char* data,
    std::size_t size) noexcept
{
  std::memset(at, 0, layout.space(size));
  const std::uint64_t len = layout.length(size);
  if (layout.length_size == 8)
    store<std::uint64_t>(at, len);
  else
    store<std::uint32_t>(at, static_cast<std::uint32_t>(len));
  store<std::int32_t>(at + layout.length_size, e.level);
  store<std::int32_t>(at + layout.length_size + 4, e.type);
  std::memcpy(at + layout.data_offset(), data, size);
}

// The data of the source/interface message, or an error.
std::size_t source_data(const cmsg_entry& e, const control_message& in, unsigned char (&data)[12],
    boost::system::error_code& ec) noexcept
{
  std::memset(data, 0, sizeof(data));
  const std::uint32_t index = in.interface_index ? *in.interface_index : 0;
  switch (e.kind)
  {
  case cmsg_kind::pktinfo_index_first:
    if (index > static_cast<std::uint32_t>(INT_MAX)) // ipi_ifindex is an int
      ec = boost::asio::error::invalid_argument;
    break;
  case cmsg_kind::pktinfo_darwin:
    if (in.interface_index && in.local) // xnu would drop the source address
      ec = boost::asio::error::operation_not_supported;
    break;
  case cmsg_kind::in_addr:
    if (in.interface_index) // IP_SENDSRCADDR names no interface
      ec = boost::asio::error::operation_not_supported;
    break;
  default:
    break;
  }
  if (ec)
    return 0;
  switch (e.kind)
  {
  case cmsg_kind::pktinfo_index_first:
  case cmsg_kind::pktinfo_darwin:
    store<std::uint32_t>(data, index);
    if (in.local)
      store_address(data + 4, *in.local);
    return 12;
  case cmsg_kind::pktinfo_address_first:
    if (in.local)
      store_address(data, *in.local);
    store<std::uint32_t>(data + 4, index);
    return 8;
  case cmsg_kind::in_addr:
    store_address(data, *in.local);
    return 4;
  default:
    return 0;
  }
}

// The data of a one-value message (TTL, TOS, segment size, timestamp id).
std::size_t value_data(cmsg_kind kind, std::uint32_t value, unsigned char (&data)[12]) noexcept
{
  switch (kind)
  {
  case cmsg_kind::ttl_int:
  case cmsg_kind::tos_int:
  case cmsg_kind::ecn_int:
    store<std::int32_t>(data, static_cast<std::int32_t>(value));
    return 4;
  case cmsg_kind::segment_u32:
  case cmsg_kind::timestamp_id_u32:
    store<std::uint32_t>(data, value);
    return 4;
  case cmsg_kind::ttl_byte:
  case cmsg_kind::tos_byte:
    data[0] = static_cast<unsigned char>(value);
    return 1;
  case cmsg_kind::segment_u16:
    store<std::uint16_t>(data, static_cast<std::uint16_t>(value));
    return 2;
  default:
    return 0;
  }
}

} // namespace

boost::system::error_code decode_control(const cmsg_layout& layout, const void* data, std::size_t size,
    bool truncated, control_message& out) noexcept
{
  out.clear();
  const unsigned char* bytes = static_cast<const unsigned char*>(data);
  const std::size_t start = layout.data_offset();
  std::size_t offset = 0;
  decode_state state;
  // FreeBSD's SCM_TIME_INFO says the card took the stamp: it moves to
  // hardware_time once every message was read.
  auto finish = [&](boost::system::error_code ec) noexcept {
    if (state.stamp_from_card && out.software_time)
    {
      out.hardware_time = out.software_time;
      out.software_time.reset();
    }
    return ec;
  };
  while (size - offset >= layout.header_size)
  {
    const unsigned char* at = bytes + offset;
    const std::uint64_t len = load_length(at, layout.length_size);
    if (len < start || len > size - offset)
    {
      // The kernel shortens the message it could not fit and flags MSG_CTRUNC.
      if (truncated)
        break;
      return finish(error::malformed_control);
    }
    const int level = load<std::int32_t>(at + layout.length_size);
    const int type = load<std::int32_t>(at + layout.length_size + 4);
    if (const cmsg_entry* e = find_entry(layout, level, type))
      if (!decode_one(layout, e->kind, at + start, static_cast<std::size_t>(len) - start, out, state) && !truncated)
        return finish(error::malformed_control);
    const std::size_t step = layout.align(static_cast<std::size_t>(len));
    if (step > size - offset)
      break; // the last message's padding may be missing
    offset += step;
  }
  if (truncated)
    return finish(error::control_truncated);
  return finish({});
}

std::size_t encode_control(const cmsg_layout& layout, const control_message& in, void* data,
    std::size_t capacity, boost::system::error_code& ec) noexcept
{
  ec = {};
  struct part
  {
    const cmsg_entry* entry;
    unsigned char data[12];
    std::size_t size;
  };
  part parts[5];
  std::size_t count = 0, needed = 0;
  auto add = [&](const cmsg_entry& e, std::size_t size) {
    parts[count].entry = &e;
    parts[count].size = size;
    needed += layout.space(size);
    ++count;
  };

  // Values no platform takes first, then what this one cannot send.
  if (in.ttl && *in.ttl == 0)
  {
    ec = boost::asio::error::invalid_argument;
    return 0;
  }
  if (in.local || in.interface_index)
  {
    if (!layout.send_source.present())
      ec = boost::asio::error::operation_not_supported;
    else if (std::size_t n = source_data(layout.send_source, in, parts[count].data, ec))
      add(layout.send_source, n);
  }
  if (!ec && in.ttl)
  {
    if (!layout.send_ttl.present())
      ec = boost::asio::error::operation_not_supported;
    else
      add(layout.send_ttl, value_data(layout.send_ttl.kind, *in.ttl, parts[count].data));
  }
  if (!ec && in.tos)
  {
    const cmsg_kind kind = layout.send_tos.kind;
    if (!layout.send_tos.present() || (kind == cmsg_kind::ecn_int && (*in.tos & 0xfc) != 0))
      ec = boost::asio::error::operation_not_supported;
    else
      add(layout.send_tos, value_data(kind, kind == cmsg_kind::ecn_int ? *in.tos & 3u : *in.tos, parts[count].data));
  }
  if (!ec && in.segment_size)
  {
    if (!layout.send_segment.present())
      ec = boost::asio::error::operation_not_supported;
    else
      add(layout.send_segment, value_data(layout.send_segment.kind, *in.segment_size, parts[count].data));
  }
  if (!ec && in.timestamp_id)
  {
    if (!layout.send_timestamp_id.present())
      ec = boost::asio::error::operation_not_supported;
    else
      add(layout.send_timestamp_id, value_data(layout.send_timestamp_id.kind, *in.timestamp_id, parts[count].data));
  }
  if (!ec && needed > capacity)
    ec = error::message_too_long;
  if (ec)
    return 0;

  unsigned char* at = static_cast<unsigned char*>(data);
  for (std::size_t i = 0; i < count; ++i)
  {
    write_message(layout, at, *parts[i].entry, parts[i].data, parts[i].size);
    at += layout.space(parts[i].size);
  }
  return needed;
}

} // namespace detail
} // namespace asio_ipv4
