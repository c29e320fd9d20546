//
// cli/interfaces.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// `asio-ipv4 interfaces [--json]`: one line per link, as `ip link` lists
// them, with the IPv4 addresses of each.

#include "cli/common.hpp"
#include "cli/core/json.hpp"

#include <asio_ipv4/ip4/network_interface.hpp>

#include <string>

namespace asio_ipv4::cli {

namespace {

std::string flag_words(const ip4::network_interface& nic)
{
  std::string out;
  auto word = [&](bool on, const char* name) {
    if (on)
      out += (out.empty() ? "" : ",") + std::string(name);
  };
  word(nic.up(), "UP");
  word(nic.running(), "RUNNING");
  word(nic.loopback(), "LOOPBACK");
  word(nic.broadcast(), "BROADCAST");
  word(nic.point_to_point(), "POINTOPOINT");
  word(nic.multicast(), "MULTICAST");
  return out;
}

} // namespace

int run_interfaces(const interfaces_command& c)
{
  boost::system::error_code ec;
  const auto all = ip4::interfaces(ec);
  if (ec)
    throw runtime_failure("interfaces: cannot list interfaces: " + ec.message());
  for (const auto& nic : all)
  {
    if (c.json)
    {
      json_array addresses;
      for (const auto& a : nic.addresses)
        addresses.add(a.to_string());
      print_line(json_object()
                     .add("index", nic.index)
                     .add("name", nic.name)
                     .add("mtu", nic.mtu)
                     .add("up", nic.up())
                     .add("loopback", nic.loopback())
                     .add("multicast", nic.multicast())
                     .add("addresses", addresses)
                     .str());
      continue;
    }
    std::string line = std::to_string(nic.index) + ": " + nic.name + " mtu " + std::to_string(nic.mtu) + " <"
        + flag_words(nic) + ">";
    for (const auto& a : nic.addresses)
      line += " " + a.to_string();
    print_line(line);
  }
  return 0;
}

} // namespace asio_ipv4::cli
