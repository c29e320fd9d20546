//
// cli/core/payload.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The payload of `asio-ipv4 send`, which `asio-ipv4 listen` recognises
// (doc/cli.md documents it for other programs). All numbers big-endian:
//
//   offset  size  field
//        0     4  magic "AIP4" (0x41 0x49 0x50 0x34)
//        4     1  version, 1
//        5     3  zero
//        8     4  stream: a random number per run of `send`
//       12     8  sequence number, 0 for the first datagram
//       20     8  send time, nanoseconds since 1970-01-01 UTC
//       28   ...  zero bytes up to --size
//
// A datagram shorter than 28 bytes or with another magic or version is not
// ours: listen prints it without a sequence number.

#ifndef ASIO_IPV4_CLI_CORE_PAYLOAD_HPP
#define ASIO_IPV4_CLI_CORE_PAYLOAD_HPP

#include <cstddef>
#include <cstdint>
#include <optional>

namespace asio_ipv4::cli {

/// The fields of a payload header.
struct payload_header
{
  std::uint32_t stream = 0;
  std::uint64_t sequence = 0;
  std::uint64_t send_time_ns = 0;

  friend bool operator==(const payload_header& a, const payload_header& b)
  {
    return a.stream == b.stream && a.sequence == b.sequence && a.send_time_ns == b.send_time_ns;
  }
};

/// Bytes of the header; the smallest --size.
constexpr std::size_t payload_header_size = 28;

/// Writes the header into the first 28 bytes of `out` (which must hold
/// them) and zeroes the rest up to `size`.
void write_payload(const payload_header& h, std::uint8_t* out, std::size_t size);

/// Reads a header, or nullopt when the bytes are not one of ours.
std::optional<payload_header> read_payload(const std::uint8_t* data, std::size_t size);

} // namespace asio_ipv4::cli

#endif
