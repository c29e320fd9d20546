//
// test/netns/interfaces_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// ip4::interfaces() inside a lab host with varied interfaces, against what
// iproute2 reports for the same namespace.
//
// Oracle: `ip -j addr show` run in the host, flattened to lines by
// tools/ip_links.py; if_nametoindex for the lookups.

#include "prelude.hpp"

#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <net/if.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using boost::asio::ip::make_network_v4;
using boost::asio::ip::network_v4;

namespace {

// One interface as ip_links.py printed it.
struct ip_view
{
  unsigned index = 0;
  std::string name;
  unsigned mtu = 0;
  std::set<std::string> flags;
  std::vector<network_v4> addresses;
};

std::vector<ip_view> ip_says(const t::host& where)
{
  std::vector<ip_view> links;
  std::istringstream lines(where.output("python3 -B " + t::shell_quote(t::tool_path("ip_links.py"))));
  for (std::string line; std::getline(lines, line);)
  {
    auto f = t::parse_fields(line);
    if (f[""] == "link")
    {
      ip_view view;
      view.index = static_cast<unsigned>(std::stoul(f["index"]));
      view.name = f["name"];
      view.mtu = static_cast<unsigned>(std::stoul(f["mtu"]));
      std::istringstream names(f["flags"]);
      for (std::string flag; std::getline(names, flag, ',');)
        view.flags.insert(flag);
      links.push_back(view);
    }
    else if (f[""] == "addr")
    {
      BOOST_TEST_REQUIRE(!links.empty(), line);
      BOOST_TEST_REQUIRE(static_cast<unsigned>(std::stoul(f["index"])) == links.back().index, line);
      links.back().addresses.push_back(make_network_v4(f["address"] + "/" + f["prefix"]));
    }
  }
  return links;
}

std::string to_string(const std::vector<network_v4>& addresses)
{
  std::string text;
  for (const auto& a : addresses)
    text += (text.empty() ? "" : " ") + a.to_string();
  return "[" + text + "]";
}

// The host of the comparison: lo; veth0 up with two addresses of one subnet
// (the second labelled veth0:1) and one of another; veth1 down with an
// address; veth2 up without IPv4; a dummy (or, where the kernel lacks the
// dummy driver, an ifb) with MTU 9000; a tun with a point-to-point address
// and no carrier.
struct varied_host
{
  t::host h{"h"};
  t::host peer{"peer"};
  std::string mtu_device;

  varied_host()
  {
    t::connect(h, peer, 1);
    h.add_address("veth0", "10.0.1.5/24 label veth0:1");
    h.add_address("veth0", "172.16.0.1/12");
    t::connect(h, peer, 2);
    h.set_up("veth1", false);
    t::link_options no_ipv4;
    no_ipv4.addresses = false;
    t::connect(h, peer, 3, no_ipv4);
    mtu_device = h.try_run("ip link add dummy0 type dummy").ok() ? "dummy0" : "ifb0";
    if (mtu_device == "ifb0")
      h.run("ip link add ifb0 type ifb");
    h.set_mtu(mtu_device, 9000);
    h.set_up(mtu_device);
    h.add_address(mtu_device, "192.168.50.1/24");
    h.run("ip tuntap add mode tun name tun0");
    h.add_address("tun0", "10.0.9.1 peer 10.0.9.2/32");
    h.set_up("tun0");
  }
};

const ip4::network_interface* find(const std::vector<ip4::network_interface>& all, const std::string& name)
{
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& nic) { return nic.name == name; });
  return it == all.end() ? nullptr : &*it;
}

} // namespace

BOOST_AUTO_TEST_SUITE(interfaces_test)

BOOST_AUTO_TEST_CASE(interfaces_match_ip_addr_show, *t::needs_root())
{
  varied_host lab;
  auto ours = lab.h.enter([] { return ip4::interfaces(); });
  auto theirs = ip_says(lab.h);

  BOOST_TEST_REQUIRE(ours.size() == theirs.size(), lab.h.output("ip addr show"));
  for (std::size_t i = 0; i < ours.size(); ++i)
  {
    const auto& nic = ours[i];
    const auto& ip = theirs[i];
    BOOST_TEST_CONTEXT("interface #" << i << " (ip: " << ip.name << ", ours: " << nic.name << ")")
    {
      BOOST_TEST(nic.index == ip.index);
      BOOST_TEST(nic.name == ip.name);
      BOOST_TEST(nic.mtu == ip.mtu);
      BOOST_TEST(to_string(nic.addresses) == to_string(ip.addresses));
      auto has = [&](const char* flag) { return ip.flags.count(flag) == 1; };
      BOOST_TEST(nic.up() == has("UP"));
      BOOST_TEST(nic.loopback() == has("LOOPBACK"));
      BOOST_TEST(nic.multicast() == has("MULTICAST"));
      BOOST_TEST(nic.broadcast() == has("BROADCAST"));
      BOOST_TEST(nic.point_to_point() == has("POINTOPOINT"));
      BOOST_TEST(((nic.flags & ip4::network_interface::flag_lower_up) != 0) == has("LOWER_UP"));
      BOOST_TEST(((nic.flags & ip4::network_interface::flag_noarp) != 0) == has("NOARP"));
      // ip hides IFF_RUNNING; it prints NO-CARRIER for UP without RUNNING.
      BOOST_TEST(nic.running() == (has("UP") && !has("NO-CARRIER")));
    }
  }
}

// The cases the comparison above covers, stated outright.
BOOST_AUTO_TEST_CASE(each_kind_of_interface_reads_right, *t::needs_root())
{
  varied_host lab;
  auto all = lab.h.enter([] { return ip4::interfaces(); });

  const auto* veth0 = find(all, "veth0");
  BOOST_TEST_REQUIRE(veth0);
  // The kernel keeps primaries first: 10.0.1.5 is a secondary of 10.0.1.0/24.
  BOOST_TEST(to_string(veth0->addresses) == "[10.0.1.1/24 172.16.0.1/12 10.0.1.5/24]");
  BOOST_TEST(!find(all, "veth0:1"), "an alias label is not an interface");
  BOOST_TEST(veth0->up());
  BOOST_TEST(veth0->running());
  BOOST_TEST(veth0->multicast());
  BOOST_TEST(veth0->broadcast());

  const auto* veth1 = find(all, "veth1");
  BOOST_TEST_REQUIRE(veth1);
  BOOST_TEST(!veth1->up());
  BOOST_TEST(!veth1->running());
  BOOST_TEST(to_string(veth1->addresses) == "[10.0.2.1/24]");

  const auto* veth2 = find(all, "veth2");
  BOOST_TEST_REQUIRE(veth2, "an interface without IPv4 is listed");
  BOOST_TEST(veth2->addresses.empty());

  const auto* mtu9000 = find(all, lab.mtu_device);
  BOOST_TEST_REQUIRE(mtu9000);
  BOOST_TEST(mtu9000->mtu == 9000u);

  const auto* tun = find(all, "tun0");
  BOOST_TEST_REQUIRE(tun);
  BOOST_TEST(tun->point_to_point());
  BOOST_TEST(tun->up());
  BOOST_TEST(!tun->running(), "no process holds the tun: no carrier");
  BOOST_TEST(to_string(tun->addresses) == "[10.0.9.1/32]", "IFA_LOCAL, not the peer");

  const auto* lo = find(all, "lo");
  BOOST_TEST_REQUIRE(lo);
  BOOST_TEST(lo->loopback());
  BOOST_TEST(to_string(lo->addresses) == "[127.0.0.1/8]");
}

// Oracle: if_nametoindex inside the host.
BOOST_AUTO_TEST_CASE(lookup_by_name_and_index, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.enter([&] {
    auto by_name = ip4::interface_by_name(lab.a_if.name);
    BOOST_TEST(by_name.index == if_nametoindex(lab.a_if.name.c_str()));
    BOOST_TEST(by_name.index == lab.a_if.index);
    BOOST_TEST(to_string(by_name.addresses) == to_string({lab.a_if.network}));

    auto by_index = ip4::interface_by_index(lab.a_if.index);
    BOOST_TEST(by_index.name == lab.a_if.name);

    boost::system::error_code ec;
    auto lo = ip4::interface_by_name("lo", ec);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(lo.loopback());

    ip4::interface_by_name("veth9", ec);
    BOOST_TEST(ec == boost::asio::error::no_such_device, ec.message());
    ip4::interface_by_index(999, ec);
    BOOST_TEST(ec == boost::asio::error::no_such_device, ec.message());
    BOOST_CHECK_EXCEPTION(ip4::interface_by_name("veth0:1"), boost::system::system_error,
        [](const auto& e) { return e.code() == boost::asio::error::no_such_device; });
    BOOST_CHECK_EXCEPTION(ip4::interface_by_index(0), boost::system::system_error,
        [](const auto& e) { return e.code() == boost::asio::error::no_such_device; });
  });

  // b's interfaces are b's: a's veth is not visible there under its index
  // with a's address.
  auto from_b = lab.b.enter([] { return ip4::interfaces(); });
  for (const auto& nic : from_b)
    for (const auto& address : nic.addresses)
      BOOST_TEST(address != lab.a_if.network, nic.name);
}

// Addresses come and go while interfaces() runs: every call succeeds and
// sees the stable part. Oracle: the addresses the test itself configured.
BOOST_AUTO_TEST_CASE(interfaces_under_concurrent_changes, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto churn = lab.a.spawn({"sh", "-c",
      "i=0; while [ $i -lt 100000 ]; do ip addr add 10.0.1.9/24 dev " + lab.a_if.name +
          "; ip addr del 10.0.1.9/24 dev " + lab.a_if.name + "; i=$((i+1)); done"});
  for (int i = 0; i < 300; ++i)
  {
    boost::system::error_code ec;
    auto all = lab.a.enter([&] { return ip4::interfaces(ec); });
    BOOST_TEST_REQUIRE(!ec, "call " << i << ": " << ec.message());
    const auto* veth = find(all, lab.a_if.name);
    BOOST_TEST_REQUIRE(veth, "call " << i);
    BOOST_TEST_REQUIRE(!veth->addresses.empty(), "call " << i);
    BOOST_TEST_REQUIRE(veth->addresses.front() == lab.a_if.network, "call " << i);
  }
}

BOOST_AUTO_TEST_SUITE_END()
