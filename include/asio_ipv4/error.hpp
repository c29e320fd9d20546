//
// asio_ipv4/error.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_ERROR_HPP
#define ASIO_IPV4_ERROR_HPP

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace asio_ipv4 {

/// Conditions specific to asio_ipv4.
///
/// Values of this enumeration convert implicitly to @c boost::system::error_code
/// in the category returned by @ref get_error_category. Errors that the
/// operating system reports keep their system category; these are the
/// conditions the library detects itself.
enum class error
{
  /// The control messages of a received datagram did not fit the control
  /// buffer (MSG_CTRUNC). Those that fit were decoded.
  control_truncated = 1,

  /// A control-message buffer is malformed: a length runs past the buffer or
  /// a known message carries fewer bytes than its type needs.
  malformed_control,

  /// An IPv4 header is shorter than 20 bytes, or a buffer is too small to
  /// hold the header being written.
  header_too_short,

  /// The version field of an IPv4 header is not 4.
  bad_version,

  /// The header length (IHL) is below 5 words or runs past the buffer.
  bad_header_length,

  /// The total length field is shorter than the header itself.
  bad_total_length,

  /// More than 40 bytes of IPv4 options.
  options_too_long,

  /// A header field holds a value that does not fit its wire field
  /// (for example a fragment offset above 8191).
  field_out_of_range,

  /// A message or the buffer it needs is larger than the kernel accepts.
  message_too_long
};

/// The error category of @ref asio_ipv4::error.
const boost::system::error_category& get_error_category() noexcept;

/// Makes an error_code from an @ref asio_ipv4::error value.
inline boost::system::error_code make_error_code(error e) noexcept
{
  return boost::system::error_code(static_cast<int>(e), get_error_category());
}

} // namespace asio_ipv4

namespace boost {
namespace system {

template <>
struct is_error_code_enum<asio_ipv4::error> : std::true_type
{
};

} // namespace system
} // namespace boost

#endif // ASIO_IPV4_ERROR_HPP
