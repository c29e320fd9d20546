//
// cli/core/ssmping_protocol.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The ssmping protocol (draft-ietf-mboned-ssmping, the protocol of Debian's
// ssmping/ssmpingd/asmping), as pure functions over bytes: no sockets, no
// clock. The command files send and receive; this file decides what goes in
// a datagram and what one means.
//
// A message is one type byte followed by options. An option is a 16-bit
// type, a 16-bit length (both big-endian) and that many value bytes:
//
//   +--------+--------+--------+--------+--------+---------
//   |  type  | option type     | option length   | value ...
//   +--------+--------+--------+--------+--------+---------
//
// A client sends a request ('Q') to the server's UDP port 4321 carrying its
// client id, a sequence number, its send time and the group it joined. The
// server answers twice with the same bytes, type changed to 'A' (reply),
// plus the options the client asked for: once unicast to the client's
// address and port, once to the group at the client's port. It sends both
// with TTL 64, so the client reads the hop count off the TTL it receives.

#ifndef ASIO_IPV4_CLI_CORE_SSMPING_PROTOCOL_HPP
#define ASIO_IPV4_CLI_CORE_SSMPING_PROTOCOL_HPP

#include <boost/asio/ip/address_v4.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4::cli::ssmping {

using bytes = std::vector<std::uint8_t>;

/// Message types: the first byte of every datagram.
enum class message_type : std::uint8_t
{
  request = 'Q',   ///< client to server
  reply = 'A'      ///< server to client, unicast and multicast
};

/// Option types (the draft's registry, as ssmping 0.9.1 numbers them).
enum class option_type : std::uint16_t
{
  client_id = 1,            ///< 4 bytes: the client's identifier (its process id)
  sequence = 2,             ///< 4 bytes: the request's sequence number
  client_timestamp = 3,     ///< 8 bytes: send time, seconds and microseconds
  group = 4,                ///< 1 byte address family (1 = IPv4, 2 = IPv6) + address
  request_server_info = 5,  ///< empty: asks the server to add its server_info
  server_info = 6,          ///< text: the server's name and version
  reply_size = 7,           ///< 2 bytes: pad the reply to this many bytes
  pad = 8                   ///< zero bytes added for reply_size
};

/// The UDP port servers listen on.
constexpr std::uint16_t server_port = 4321;

/// The TTL servers send replies with.
constexpr std::uint8_t server_ttl = 64;

/// The group replies go to when the request names none.
inline boost::asio::ip::address_v4 default_group()
{
  return boost::asio::ip::address_v4({232, 43, 211, 234});
}

/// Address family numbers of the group option (IANA address families).
constexpr std::uint8_t family_ipv4 = 1;
constexpr std::uint8_t family_ipv6 = 2;

/// One option as it was on the wire.
struct option
{
  std::uint16_t type = 0;
  bytes value;

  friend bool operator==(const option& a, const option& b) { return a.type == b.type && a.value == b.value; }
};

/// A message split into its type byte and options.
struct message
{
  std::uint8_t type = 0;
  std::vector<option> options;

  /// The first option of this type, or nullptr.
  const option* find(option_type t) const;
};

/// Why a datagram is not a well-formed message.
enum class parse_error
{
  empty,              ///< no type byte
  truncated_option,   ///< an option header or value runs past the end
};

/// Splits a datagram into type and options; nullopt (with `error` set when
/// given) when an option runs past the end.
std::optional<message> parse(const std::uint8_t* data, std::size_t size, parse_error* error = nullptr);
std::optional<message> parse(const bytes& datagram, parse_error* error = nullptr);

/// The bytes of a message: type, then each option's header and value.
bytes encode(const message& m);

/// The send time a client puts in its requests: seconds and microseconds
/// since 1970, each as a 32-bit big-endian number.
struct timestamp
{
  std::uint32_t seconds = 0;
  std::uint32_t microseconds = 0;

  friend bool operator==(const timestamp& a, const timestamp& b)
  {
    return a.seconds == b.seconds && a.microseconds == b.microseconds;
  }
};

/// What a client asks in one request.
struct request
{
  std::uint32_t client_id = 0;
  std::uint32_t sequence = 0;
  timestamp sent;
  boost::asio::ip::address_v4 group = default_group();
  bool want_server_info = false;
  std::optional<std::uint16_t> reply_size;
};

/// The request's bytes, options in Debian ssmping's order: client id,
/// sequence, timestamp, [server info request], [reply size], group.
bytes encode_request(const request& r);

/// What a client reads from a reply.
struct reply
{
  std::uint32_t client_id = 0;
  std::uint32_t sequence = 0;
  timestamp sent;                         ///< the request's timestamp, echoed
  std::optional<std::string> server_info;
  std::optional<boost::asio::ip::address_v4> group;
};

/// A reply's contents; nullopt when the datagram is not a reply, is
/// malformed, or lacks the client id, sequence or timestamp.
std::optional<reply> decode_reply(const std::uint8_t* data, std::size_t size);

/// What a server sends for one request.
struct answer
{
  bytes datagram;   ///< the reply, for both the unicast and the multicast copy
  /// Where the multicast copy goes (the request's group, or the default
  /// group); nullopt when the request named a group the server must not
  /// send to (not IPv4 multicast, or not ending in .234).
  std::optional<boost::asio::ip::address_v4> group;
};

/// The server's decision: nullopt when the datagram is not a request (a
/// reply looping back, noise). A request with malformed options is still
/// answered, as Debian's ssmpingd does, as long as its group is acceptable.
/// `server_info` is the text a request_server_info asks for. The reply never
/// grows beyond `max_size` bytes (a requested reply_size above it is not
/// padded).
std::optional<answer> answer_request(const std::uint8_t* data, std::size_t size, std::string_view server_info,
    std::size_t max_size = 65507);

/// The hop count a client reports for a reply received with `ttl`: replies
/// leave the server with TTL 64, so 64 - ttl; a TTL above 64 means a server
/// that sends with 128 (Windows) or 255, counted from that.
int hops_from_ttl(std::uint8_t ttl);

} // namespace asio_ipv4::cli::ssmping

#endif
