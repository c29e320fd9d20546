//
// src/error.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/error.hpp>

#include <string>

namespace asio_ipv4 {
namespace {

class category_impl final : public boost::system::error_category
{
public:
  const char* name() const noexcept override { return "asio_ipv4"; }

  std::string message(int ev) const override
  {
    switch (static_cast<error>(ev))
    {
    case error::control_truncated:
      return "control messages truncated";
    case error::malformed_control:
      return "malformed control message buffer";
    case error::header_too_short:
      return "IPv4 header too short";
    case error::bad_version:
      return "IP version is not 4";
    case error::bad_header_length:
      return "bad IPv4 header length";
    case error::bad_total_length:
      return "IPv4 total length shorter than its header";
    case error::options_too_long:
      return "more than 40 bytes of IPv4 options";
    case error::field_out_of_range:
      return "IPv4 header field out of range";
    case error::message_too_long:
      return "message too long";
    }
    return "unknown asio_ipv4 error";
  }
};

} // namespace

const boost::system::error_category& get_error_category() noexcept
{
  static const category_impl instance;
  return instance;
}

} // namespace asio_ipv4
