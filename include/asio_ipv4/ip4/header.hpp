//
// asio_ipv4/ip4/header.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_HEADER_HPP
#define ASIO_IPV4_IP4_HEADER_HPP

#include <asio_ipv4/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <vector>

namespace asio_ipv4 {
namespace ip4 {

/// How a platform's raw sockets take (IP_HDRINCL) and hand back an IPv4
/// header, where they differ from the wire.
///
/// Linux, OpenBSD and FreeBSD 11 and later take and give the header as it
/// goes on the wire. macOS (and NetBSD, DragonFly, QNX) take @c ip_len and
/// @c ip_off in host byte order on an IP_HDRINCL send, and hand received
/// headers over with both in host order and @c ip_len less the header's own
/// length; FreeBSD before 11 takes them in host order too, and before 10 gave
/// them back as macOS does (10 kept the header in @c ip_len). Go's
/// x/net/ipv4 makes the same distinctions. The kernels recompute the
/// checksum of a header sent this way.
///
/// Pass a convention to @ref header::marshal and @ref parse_header when the
/// bytes go to or come from a raw socket; @ref host is this platform's.
struct raw_convention
{
  /// An IP_HDRINCL send takes the total length and fragment word in host order.
  bool send_host_order = false;
  /// A received header has its total length and fragment word in host order.
  bool receive_host_order = false;
  /// A received header's total length does not count the header itself.
  bool receive_length_excludes_header = false;

  /// The wire format: Linux, OpenBSD, FreeBSD 11 and later, Windows.
  static constexpr raw_convention wire() noexcept { return {false, false, false}; }

  /// macOS, NetBSD, DragonFly and QNX.
  static constexpr raw_convention darwin() noexcept { return {true, true, true}; }

  /// FreeBSD 10.
  static constexpr raw_convention freebsd_10() noexcept { return {true, true, false}; }

  /// FreeBSD before 10.
  static constexpr raw_convention freebsd_9() noexcept { return {true, true, true}; }

  /// The convention of the platform this program was built for.
  static raw_convention host() noexcept;
};

/// An IPv4 header (RFC 791, section 3.1), field by field.
///
/// Fields hold host-order numbers. @c flags holds the three flag bits of the
/// fragment word shifted down (bit 0 = MF, bit 1 = DF, bit 2 = the reserved
/// bit); @c fragment_offset is the 13-bit offset in 8-byte units;
/// @c header_length is in bytes (IHL * 4); @c options holds the option bytes
/// that follow the fixed 20 bytes, padding included.
///
/// Read a header with @ref parse_header and write one with @ref marshal.
/// The payload begins @c header_length bytes into the packet (see
/// @ref payload).
///
/// A default-constructed header is a valid option-less header with version
/// 4, TTL 64 (the Linux default, net.ipv4.ip_default_ttl) and every other
/// field zero.
///
/// @par Example
/// Sending a UDP datagram through an IPPROTO_RAW socket (IP_HDRINCL):
/// @code
/// namespace ip4 = asio_ipv4::ip4;
/// ip4::header h;
/// h.protocol = IPPROTO_UDP;
/// h.total_length = static_cast<std::uint16_t>(20 + udp.size());
/// h.source = boost::asio::ip::make_address_v4("192.0.2.1");
/// h.destination = boost::asio::ip::make_address_v4("192.0.2.2");
/// std::array<std::uint8_t, 60> bytes;
/// std::size_t n = h.marshal(boost::asio::buffer(bytes));
/// socket.send_to(std::array<boost::asio::const_buffer, 2>{
///     boost::asio::buffer(bytes.data(), n), boost::asio::buffer(udp)},
///   ip4::raw::endpoint(h.destination, 0));
/// @endcode
struct header
{
  /// The MF (More Fragments) flag in @c flags.
  static constexpr std::uint8_t more_fragments = 1;

  /// The DF (Don't Fragment) flag in @c flags.
  static constexpr std::uint8_t dont_fragment = 2;

  /// The reserved flag in @c flags (RFC 791 says it must be zero; RFC 3514
  /// calls it the "evil bit").
  static constexpr std::uint8_t reserved_flag = 4;

  /// The length of a header without options.
  static constexpr std::size_t min_length = 20;

  /// The longest header (IHL 15).
  static constexpr std::size_t max_length = 60;

  /// The most option bytes a header can carry.
  static constexpr std::size_t max_options_length = max_length - min_length;

  /// The largest fragment offset (13 bits, in 8-byte units).
  static constexpr std::uint16_t max_fragment_offset = 0x1fff;

  /// Version: 4.
  std::uint8_t version = 4;

  /// Header length in bytes (IHL * 4): 20..60. For @ref marshal, 0 means
  /// "compute it from the options".
  std::uint8_t header_length = 0;

  /// Type of service: DSCP (high six bits) and ECN (low two bits).
  std::uint8_t tos = 0;

  /// Total length of the datagram in bytes, header included.
  std::uint16_t total_length = 0;

  /// Identification.
  std::uint16_t id = 0;

  /// A bitmask of @c more_fragments, @c dont_fragment and @c reserved_flag.
  std::uint8_t flags = 0;

  /// Fragment offset in 8-byte units: 0..8191.
  std::uint16_t fragment_offset = 0;

  /// Time to live.
  std::uint8_t ttl = 64;

  /// IP protocol number of the payload (IPPROTO_ICMP, IPPROTO_UDP...).
  std::uint8_t protocol = 0;

  /// Header checksum as it is on the wire, read as a big-endian number (see
  /// @ref checksum). @ref marshal ignores it and writes a fresh one.
  std::uint16_t checksum = 0;

  /// Source address.
  boost::asio::ip::address_v4 source;

  /// Destination address.
  boost::asio::ip::address_v4 destination;

  /// The option bytes: 0..40 of them.
  std::vector<std::uint8_t> options;

  /// Writes the header in wire format with a freshly computed checksum.
  ///
  /// Options whose length is not a multiple of 4 are padded with zero bytes
  /// (End of Option List). @c header_length must be 0, and is then computed,
  /// or equal the length written: 20 plus the padded option length.
  /// @c total_length is written as given; 0 is accepted because Linux fills
  /// it in on an IP_HDRINCL socket (raw(7)), any other value must be at least
  /// the header length.
  ///
  /// @param buffer Where the header goes; at least the header's length.
  ///
  /// @param ec Set to indicate what error occurred, if any:
  /// @li @c error::bad_version: @c version is not 4.
  /// @li @c error::options_too_long: more than 40 option bytes.
  /// @li @c error::bad_header_length: @c header_length is neither 0 nor the
  ///   length written.
  /// @li @c error::field_out_of_range: @c flags above 7 or
  ///   @c fragment_offset above 8191.
  /// @li @c error::bad_total_length: @c total_length is neither 0 nor at
  ///   least the header length.
  /// @li @c error::header_too_short: @c buffer is too small for the header.
  ///
  /// @returns The number of bytes written (the header length), or 0 on error,
  /// in which case @c buffer is untouched.
  std::size_t marshal(boost::asio::mutable_buffer buffer,
      boost::system::error_code& ec) const noexcept;

  /// Writes the header in wire format with a freshly computed checksum.
  ///
  /// Same as the @c error_code form, but throws
  /// @c boost::system::system_error on failure.
  ///
  /// @returns The number of bytes written (the header length).
  std::size_t marshal(boost::asio::mutable_buffer buffer) const;

  /// Writes the header as a raw socket of the given convention takes it
  /// with IP_HDRINCL: as the other form, then with @c total_length and the
  /// fragment word in host order where @c convention says so (the checksum
  /// is the wire header's).
  std::size_t marshal(boost::asio::mutable_buffer buffer, const raw_convention& convention,
      boost::system::error_code& ec) const noexcept;

  /// Throwing form of the above.
  std::size_t marshal(boost::asio::mutable_buffer buffer, const raw_convention& convention) const;

  /// Field-by-field equality, @c checksum included.
  friend bool operator==(const header& a, const header& b) noexcept;

  /// Field-by-field inequality.
  friend bool operator!=(const header& a, const header& b) noexcept { return !(a == b); }
};

/// Prints a header's fields, for logs and test failures.
std::ostream& operator<<(std::ostream& os, const header& h);

/// Reads an IPv4 header from the start of a packet into an existing header.
///
/// Expects wire format: every field in network byte order and
/// @c total_length covering the header, as Linux raw sockets deliver and take
/// it. (Some BSD raw sockets hand @c ip_len and @c ip_off over in host order,
/// and some subtract the header from @c ip_len: use the form taking a
/// @ref raw_convention for those.)
///
/// Reading never goes past the header length, and the checksum is read, not
/// verified: <tt>checksum(boost::asio::buffer(packet, h.header_length)) == 0</tt>
/// verifies it. @c total_length may exceed the buffer (a truncated receive, the
/// start of a datagram quoted in an ICMP error).
///
/// Reusing @c out avoids allocation in steady state: its @c options keep
/// their capacity and are replaced (cleared when the new header has none).
///
/// @param packet The bytes, starting with the header.
///
/// @param out Receives the header. Unchanged on error.
///
/// @param ec Set to indicate what error occurred, if any:
/// @li @c error::header_too_short: fewer than 20 bytes.
/// @li @c error::bad_version: the version is not 4.
/// @li @c error::bad_header_length: IHL below 5, or running past the buffer.
/// @li @c error::bad_total_length: the total length is shorter than the
///   header.
///
/// @par Example
/// @code
/// asio_ipv4::ip4::header h;        // reused across receives
/// boost::system::error_code ec;
/// std::size_t n = socket.receive(boost::asio::buffer(packet));
/// asio_ipv4::ip4::parse_header(boost::asio::buffer(packet, n), h, ec);
/// if (!ec)
///   handle(h, asio_ipv4::ip4::payload(boost::asio::buffer(packet, n), h));
/// @endcode
void parse_header(boost::asio::const_buffer packet, header& out,
    boost::system::error_code& ec);

/// Reads an IPv4 header from the start of a packet into an existing header.
///
/// Same as the @c error_code form, but throws @c boost::system::system_error
/// on failure.
void parse_header(boost::asio::const_buffer packet, header& out);

/// Reads an IPv4 header from the start of a packet.
///
/// Same as the form taking @c header&; on error the returned header is
/// default-constructed.
header parse_header(boost::asio::const_buffer packet, boost::system::error_code& ec);

/// Reads an IPv4 header from the start of a packet.
///
/// Same as the @c error_code form, but throws @c boost::system::system_error
/// on failure.
header parse_header(boost::asio::const_buffer packet);

/// Reads an IPv4 header as a raw socket of the given convention hands it
/// over: @c total_length and the fragment word are taken in host order, and
/// the header's length added to @c total_length, where @c convention says
/// so; then as the wire form. The checksum is read as it is.
void parse_header(boost::asio::const_buffer packet, const raw_convention& convention, header& out,
    boost::system::error_code& ec);

/// Throwing form of the above.
void parse_header(boost::asio::const_buffer packet, const raw_convention& convention, header& out);

/// The payload of a packet whose header is @c h.
///
/// @returns The bytes from @c h.header_length up to @c h.total_length, cut to
/// what @c packet holds (empty when it holds no more than the header).
boost::asio::const_buffer payload(boost::asio::const_buffer packet, const header& h) noexcept;

/// The Internet checksum (RFC 1071) of @c data.
///
/// Computes the one's complement of the one's complement sum of the 16-bit
/// big-endian words of @c data; an odd length is padded with a zero byte.
/// The result is the number whose big-endian bytes go on the wire (0xb861
/// for the header <tt>45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8
/// 00 c7</tt>), the representation @c header::checksum uses too. Data that
/// holds its own correct checksum sums to 0.
///
/// @par Example
/// @code
/// std::uint16_t c = asio_ipv4::ip4::checksum(boost::asio::buffer(icmp));
/// icmp[2] = static_cast<std::uint8_t>(c >> 8);
/// icmp[3] = static_cast<std::uint8_t>(c);
/// @endcode
std::uint16_t checksum(boost::asio::const_buffer data) noexcept;

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_HEADER_HPP
