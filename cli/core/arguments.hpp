//
// cli/core/arguments.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The command line of `asio-ipv4`, parsed and checked without touching the
// system: every subcommand's options as a struct, and one usage_error with a
// one-line message for anything the user got wrong. What needs the system
// (does an interface exist, is an address local) is checked by the command
// itself, with the same kind of error.

#ifndef ASIO_IPV4_CLI_CORE_ARGUMENTS_HPP
#define ASIO_IPV4_CLI_CORE_ARGUMENTS_HPP

#include <boost/asio/ip/address_v4.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace asio_ipv4::cli {

/// Bad input: the tool prints "asio-ipv4: <what>" on one line and exits
/// with status 2.
class usage_error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// An interface as the user named it: a name ("eth0") or an index ("2").
struct interface_name
{
  std::string text;
};

/// `asio-ipv4 --help`, `asio-ipv4 help`, `asio-ipv4 <command> --help`.
struct help_command
{
  std::string topic;   ///< empty: the general usage
};

/// `asio-ipv4 --version`.
struct version_command
{
};

/// `asio-ipv4 interfaces [--json]`.
struct interfaces_command
{
  bool json = false;
};

/// `asio-ipv4 listen GROUP:PORT [--source ADDR]... [--exclude ADDR]...
/// [--interface NAME|INDEX] [--count N] [--timeout SECONDS] [--timestamps] [--json]`.
struct listen_command
{
  boost::asio::ip::address_v4 group;
  std::uint16_t port = 0;
  std::vector<boost::asio::ip::address_v4> sources;    ///< include mode (SSM)
  std::vector<boost::asio::ip::address_v4> excludes;   ///< exclude mode
  std::optional<interface_name> interface;
  std::uint64_t count = 0;      ///< 0: no limit
  double timeout = 0;           ///< seconds; 0: no limit
  bool timestamps = false;      ///< kernel arrival stamps, one-way delay, jitter
  bool json = false;
};

/// `asio-ipv4 send GROUP|ADDR:PORT [--ttl N] [--tos N] [--interface NAME|INDEX]
/// [--source ADDR] [--count N] [--rate PPS] [--size BYTES] [--timestamps] [--json]`.
struct send_command
{
  boost::asio::ip::address_v4 destination;
  std::uint16_t port = 0;
  std::optional<std::uint8_t> ttl;
  std::optional<std::uint8_t> tos;
  std::optional<interface_name> interface;
  std::optional<boost::asio::ip::address_v4> source;
  std::uint64_t count = 0;      ///< 0: until interrupted
  double rate = 1;              ///< datagrams per second
  std::size_t size = 64;        ///< UDP payload bytes, at least the payload header
  bool timestamps = false;      ///< kernel send stamps from the error queue
  bool json = false;
};

/// `asio-ipv4 ssmping SERVER [--group G] [--count N] [--interval SECONDS] [--json]`.
struct ssmping_command
{
  boost::asio::ip::address_v4 server;
  boost::asio::ip::address_v4 group;   ///< 232.43.211.234 unless --group
  std::uint64_t count = 0;             ///< 0: until interrupted
  double interval = 1;                 ///< seconds between requests
  bool json = false;
};

/// `asio-ipv4 ssmpingd [--port 4321]`.
struct ssmpingd_command
{
  std::uint16_t port = 4321;
};

using command = std::variant<help_command, version_command, interfaces_command, listen_command,
    send_command, ssmping_command, ssmpingd_command>;

/// Parses the arguments after the program name. Throws usage_error.
command parse_command_line(const std::vector<std::string>& args);

/// The usage text of one subcommand, or of the whole tool for "".
/// Throws usage_error for an unknown topic.
std::string usage(std::string_view topic);

// The pieces, exposed for their own tests.

/// "A.B.C.D" in dotted-quad form, nothing else (no "10.1", no spaces).
std::optional<boost::asio::ip::address_v4> parse_address(std::string_view text);

/// "A.B.C.D:PORT" with a port of 1..65535.
std::optional<std::pair<boost::asio::ip::address_v4, std::uint16_t>> parse_address_port(std::string_view text);

/// A decimal unsigned integer, or hexadecimal with "0x", within [low, high].
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t low, std::uint64_t high);

/// A finite decimal number ("0.25", "3") within [low, high].
std::optional<double> parse_seconds(std::string_view text, double low, double high);

/// True for 232.0.0.0/8, the source-specific range of RFC 4607.
bool source_specific(const boost::asio::ip::address_v4& group);

} // namespace asio_ipv4::cli

#endif
