//
// cli/core/ssmping_protocol.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/ssmping_protocol.hpp"

namespace asio_ipv4::cli::ssmping {

namespace {

std::uint16_t get16(const std::uint8_t* p)
{
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t get32(const std::uint8_t* p)
{
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

void put16(bytes& out, std::uint16_t v)
{
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put32(bytes& out, std::uint32_t v)
{
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}

void put_option(bytes& out, option_type type, const bytes& value)
{
  put16(out, static_cast<std::uint16_t>(type));
  put16(out, static_cast<std::uint16_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

bytes be32(std::uint32_t v)
{
  bytes out;
  put32(out, v);
  return out;
}

// The IPv4 group of a group option, if it is one.
std::optional<boost::asio::ip::address_v4> ipv4_group(const option& o)
{
  if (o.value.size() != 5 || o.value[0] != family_ipv4)
    return std::nullopt;
  return boost::asio::ip::address_v4({o.value[1], o.value[2], o.value[3], o.value[4]});
}

// Servers send only to IPv4 multicast groups ending in .234, so that a
// request cannot aim a server's replies at an arbitrary group.
bool acceptable_group(const boost::asio::ip::address_v4& g)
{
  return g.is_multicast() && g.to_bytes()[3] == 234;
}

} // namespace

const option* message::find(option_type t) const
{
  for (const auto& o : options)
    if (o.type == static_cast<std::uint16_t>(t))
      return &o;
  return nullptr;
}

std::optional<message> parse(const std::uint8_t* data, std::size_t size, parse_error* error)
{
  auto fail = [&](parse_error e) -> std::optional<message> {
    if (error)
      *error = e;
    return std::nullopt;
  };
  if (size == 0)
    return fail(parse_error::empty);
  message m;
  m.type = data[0];
  std::size_t at = 1;
  while (at < size)
  {
    if (size - at < 4)
      return fail(parse_error::truncated_option);
    option o;
    o.type = get16(data + at);
    const std::size_t length = get16(data + at + 2);
    at += 4;
    if (size - at < length)
      return fail(parse_error::truncated_option);
    o.value.assign(data + at, data + at + length);
    at += length;
    m.options.push_back(std::move(o));
  }
  return m;
}

std::optional<message> parse(const bytes& datagram, parse_error* error)
{
  return parse(datagram.data(), datagram.size(), error);
}

bytes encode(const message& m)
{
  bytes out{m.type};
  for (const auto& o : m.options)
  {
    put16(out, o.type);
    put16(out, static_cast<std::uint16_t>(o.value.size()));
    out.insert(out.end(), o.value.begin(), o.value.end());
  }
  return out;
}

bytes encode_request(const request& r)
{
  bytes out{static_cast<std::uint8_t>(message_type::request)};
  put_option(out, option_type::client_id, be32(r.client_id));
  put_option(out, option_type::sequence, be32(r.sequence));
  bytes stamp = be32(r.sent.seconds);
  put32(stamp, r.sent.microseconds);
  put_option(out, option_type::client_timestamp, stamp);
  if (r.want_server_info)
    put_option(out, option_type::request_server_info, {});
  if (r.reply_size)
  {
    bytes size;
    put16(size, *r.reply_size);
    put_option(out, option_type::reply_size, size);
  }
  const auto g = r.group.to_bytes();
  put_option(out, option_type::group, {family_ipv4, g[0], g[1], g[2], g[3]});
  return out;
}

std::optional<reply> decode_reply(const std::uint8_t* data, std::size_t size)
{
  auto m = parse(data, size);
  if (!m || m->type != static_cast<std::uint8_t>(message_type::reply))
    return std::nullopt;
  const option* id = m->find(option_type::client_id);
  const option* seq = m->find(option_type::sequence);
  const option* stamp = m->find(option_type::client_timestamp);
  if (!id || id->value.size() != 4 || !seq || seq->value.size() != 4 || !stamp || stamp->value.size() != 8)
    return std::nullopt;
  reply r;
  r.client_id = get32(id->value.data());
  r.sequence = get32(seq->value.data());
  r.sent.seconds = get32(stamp->value.data());
  r.sent.microseconds = get32(stamp->value.data() + 4);
  if (const option* info = m->find(option_type::server_info))
    r.server_info = std::string(info->value.begin(), info->value.end());
  if (const option* g = m->find(option_type::group))
    r.group = ipv4_group(*g);
  return r;
}

std::optional<answer> answer_request(const std::uint8_t* data, std::size_t size, std::string_view server_info,
    std::size_t max_size)
{
  if (size == 0 || data[0] != static_cast<std::uint8_t>(message_type::request))
    return std::nullopt;
  answer a;
  a.datagram.assign(data, data + size);
  a.datagram[0] = static_cast<std::uint8_t>(message_type::reply);
  a.group = default_group();
  auto m = parse(data, size);
  if (!m)
    return a;   // echoed as it came, to the default group
  if (const option* g = m->find(option_type::group))
  {
    auto group = ipv4_group(*g);
    a.group = group && acceptable_group(*group) ? group : std::nullopt;
  }
  if (m->find(option_type::request_server_info) && a.datagram.size() + 4 + server_info.size() <= max_size)
    put_option(a.datagram, option_type::server_info, bytes(server_info.begin(), server_info.end()));
  if (const option* rs = m->find(option_type::reply_size); rs && rs->value.size() == 2)
  {
    const std::size_t wanted = get16(rs->value.data());
    if (wanted <= max_size && a.datagram.size() + 4 <= wanted)
      put_option(a.datagram, option_type::pad, bytes(wanted - a.datagram.size() - 4, 0));
  }
  return a;
}

int hops_from_ttl(std::uint8_t ttl)
{
  if (ttl <= 64)
    return 64 - ttl;
  if (ttl <= 128)
    return 128 - ttl;
  return 255 - ttl;
}

} // namespace asio_ipv4::cli::ssmping
