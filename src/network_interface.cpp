//
// src/network_interface.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The platform-neutral half of ip4::interfaces(): the throwing form and the
// finders. Each platform lists interfaces in src/<platform>/.

#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>

namespace asio_ipv4 {
namespace ip4 {

std::vector<network_interface> interfaces()
{
  boost::system::error_code ec;
  auto result = interfaces(ec);
  if (ec)
    boost::throw_exception(boost::system::system_error(ec, "asio_ipv4::ip4::interfaces"));
  return result;
}

namespace {

template <class Match>
network_interface find_interface(Match match, boost::system::error_code& ec)
{
  auto all = interfaces(ec);
  if (ec)
    return {};
  auto found = std::find_if(all.begin(), all.end(), match);
  if (found == all.end())
  {
    ec = boost::asio::error::no_such_device;
    return {};
  }
  return std::move(*found);
}

network_interface throw_on_error(network_interface nic, const boost::system::error_code& ec,
    const char* what)
{
  if (ec)
    boost::throw_exception(boost::system::system_error(ec, what));
  return nic;
}

} // namespace

network_interface interface_by_name(std::string_view name, boost::system::error_code& ec)
{
  return find_interface([&](const network_interface& nic) { return nic.name == name; }, ec);
}

network_interface interface_by_name(std::string_view name)
{
  boost::system::error_code ec;
  auto nic = interface_by_name(name, ec);
  return throw_on_error(std::move(nic), ec, "asio_ipv4::ip4::interface_by_name");
}

network_interface interface_by_index(unsigned index, boost::system::error_code& ec)
{
  return find_interface([&](const network_interface& nic) { return nic.index == index; }, ec);
}

network_interface interface_by_index(unsigned index)
{
  boost::system::error_code ec;
  auto nic = interface_by_index(index, ec);
  return throw_on_error(std::move(nic), ec, "asio_ipv4::ip4::interface_by_index");
}

} // namespace ip4
} // namespace asio_ipv4
