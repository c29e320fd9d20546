//
// cli/core/payload.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/payload.hpp"

#include <cstring>

namespace asio_ipv4::cli {

namespace {

constexpr std::uint8_t magic[4] = {'A', 'I', 'P', '4'};
constexpr std::uint8_t version = 1;

void put(std::uint8_t* out, std::uint64_t v, int n)
{
  for (int i = n - 1; i >= 0; --i, v >>= 8)
    out[i] = static_cast<std::uint8_t>(v);
}

std::uint64_t get(const std::uint8_t* in, int n)
{
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | in[i];
  return v;
}

} // namespace

void write_payload(const payload_header& h, std::uint8_t* out, std::size_t size)
{
  std::memset(out, 0, size);
  std::memcpy(out, magic, 4);
  out[4] = version;
  put(out + 8, h.stream, 4);
  put(out + 12, h.sequence, 8);
  put(out + 20, h.send_time_ns, 8);
}

std::optional<payload_header> read_payload(const std::uint8_t* data, std::size_t size)
{
  if (size < payload_header_size || std::memcmp(data, magic, 4) != 0 || data[4] != version)
    return std::nullopt;
  payload_header h;
  h.stream = static_cast<std::uint32_t>(get(data + 8, 4));
  h.sequence = get(data + 12, 8);
  h.send_time_ns = get(data + 20, 8);
  return h;
}

} // namespace asio_ipv4::cli
