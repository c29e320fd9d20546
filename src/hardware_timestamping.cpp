//
// src/hardware_timestamping.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The platform-neutral half of the hardware timestamping helpers: the
// throwing forms, and the error_code forms where the system has no such
// interface (everything but Linux, whose forms are in
// src/linux/hardware_timestamping.cpp).

#include <asio_ipv4/detail/platform.hpp>
#include <asio_ipv4/ip4/hardware_timestamping.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace asio_ipv4 {
namespace ip4 {
namespace {

void throw_on_error(const boost::system::error_code& ec, const char* what)
{
  if (ec)
    boost::throw_exception(boost::system::system_error(ec, what));
}

} // namespace

#if !defined(ASIO_IPV4_PLATFORM_LINUX)

timestamping_capabilities get_timestamping_capabilities(std::string_view, boost::system::error_code& ec)
{
  ec = boost::asio::error::operation_not_supported;
  return {};
}

hardware_timestamping_config get_hardware_timestamping(std::string_view, boost::system::error_code& ec)
{
  ec = boost::asio::error::operation_not_supported;
  return {};
}

void set_hardware_timestamping(std::string_view, hardware_timestamping_config&, boost::system::error_code& ec)
{
  ec = boost::asio::error::operation_not_supported;
}

#endif

timestamping_capabilities get_timestamping_capabilities(std::string_view interface_name)
{
  boost::system::error_code ec;
  auto result = get_timestamping_capabilities(interface_name, ec);
  throw_on_error(ec, "asio_ipv4::ip4::get_timestamping_capabilities");
  return result;
}

hardware_timestamping_config get_hardware_timestamping(std::string_view interface_name)
{
  boost::system::error_code ec;
  auto result = get_hardware_timestamping(interface_name, ec);
  throw_on_error(ec, "asio_ipv4::ip4::get_hardware_timestamping");
  return result;
}

void set_hardware_timestamping(std::string_view interface_name, hardware_timestamping_config& config)
{
  boost::system::error_code ec;
  set_hardware_timestamping(interface_name, config, ec);
  throw_on_error(ec, "asio_ipv4::ip4::set_hardware_timestamping");
}

} // namespace ip4
} // namespace asio_ipv4
