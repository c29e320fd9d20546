//
// test/lab/topology.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "detail.hpp"
#include "topology.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace asio_ipv4 {
namespace test {

namespace {

using namespace detail;
using boost::asio::ip::address_v4;
using boost::asio::ip::network_v4;

// The kernel activates a device's queue asynchronously (linkwatch) after it
// goes up; a packet sent before that is dropped. Wait for IFF_RUNNING.
void wait_running(const host& where, const std::string& ifname)
{
  bool running = eventually([&] {
    return where.enter([&] {
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      ifreq request{};
      std::strncpy(request.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
      bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0 &&
                (request.ifr_flags & IFF_RUNNING);
      if (fd >= 0)
        ::close(fd);
      return up;
    });
  }, 5s, 2ms);
  if (!running)
    throw lab_error(ifname + " in " + where.role() + " is not RUNNING after 5 s:\n" +
                    where.output("ip addr show"));
}

// One above the highest interface index of a host.
unsigned next_free_index(const host& where)
{
  return where.enter([] {
    unsigned highest = 0;
    if (struct if_nameindex* all = ::if_nameindex())
    {
      for (struct if_nameindex* i = all; i->if_index != 0; ++i)
        highest = std::max(highest, i->if_index);
      ::if_freenameindex(all);
    }
    return highest + 1;
  });
}

link_end make_end(const host& where, const std::string& ifname, unsigned subnet, unsigned host_part,
    bool addressed)
{
  link_end end;
  end.name = ifname;
  end.index = where.if_index(ifname);
  if (addressed)
  {
    end.address = address_v4({10, 0, static_cast<unsigned char>(subnet),
        static_cast<unsigned char>(host_part)});
    end.network = network_v4(end.address, 24);
    where.add_address(ifname, end.network.to_string());
  }
  return end;
}

void route_multicast(const host& where, const link_end& out)
{
  where.add_route("224.0.0.0/4 dev " + out.name);
}

// Routes along a chain of hosts joined by `links` (links[i] joins hops i and
// i+1): the ends route by default towards each other, and every router knows
// the subnets on both sides.
void route_chain(const std::vector<const host*>& hops, const std::vector<link>& links)
{
  const std::size_t last = hops.size() - 1;
  hops.front()->add_route("default via " + links.front().right.address.to_string());
  route_multicast(*hops.front(), links.front().left);
  hops.back()->add_route("default via " + links.back().left.address.to_string());
  route_multicast(*hops.back(), links.back().right);
  for (std::size_t hop = 1; hop < last; ++hop)
  {
    hops[hop]->sysctl("net.ipv4.ip_forward", "1");
    for (std::size_t i = 0; i + 1 < hop; ++i)   // subnets on the left, not attached
      hops[hop]->add_route(links[i].left.network.canonical().to_string() + " via " +
                           links[hop - 1].left.address.to_string());
    for (std::size_t i = hop + 1; i < links.size(); ++i)   // on the right, not attached
      hops[hop]->add_route(links[i].left.network.canonical().to_string() + " via " +
                           links[hop].right.address.to_string());
  }
}

} // namespace

link connect(host& left, host& right, unsigned subnet, const link_options& options)
{
  if (options.addresses && (subnet < 1 || subnet > 254))
    throw lab_error("connect: subnet must be 1..254, not " + std::to_string(subnet));
  std::string left_name = left.next_interface_name();
  std::string right_name = right.next_interface_name();
  std::string mtu = std::to_string(options.mtu);
  // Ends whose ifindex equals their peer's get their operstate (IFF_RUNNING)
  // from the kernel's linkwatch up to a second late: give them different ones.
  unsigned left_index = next_free_index(left);
  unsigned right_index = next_free_index(right);
  if (right_index == left_index)
    ++right_index;
  run_checked({ip_command(), "link", "add", left_name, "index", std::to_string(left_index), "mtu",
      mtu, "netns", left.name(), "type", "veth", "peer", "name", right_name, "index",
      std::to_string(right_index), "mtu", mtu, "netns", right.name()});
  link result{make_end(left, left_name, subnet, 1, options.addresses),
      make_end(right, right_name, subnet, 2, options.addresses)};
  if (options.up)
  {
    left.set_up(left_name);
    right.set_up(right_name);
    wait_running(left, left_name);
    wait_running(right, right_name);
  }
  return result;
}

two_hosts_lab two_hosts()
{
  two_hosts_lab lab{host("a"), host("b"), {}, {}};
  link ab = connect(lab.a, lab.b, 1);
  lab.a_if = ab.left;
  lab.b_if = ab.right;
  route_multicast(lab.a, lab.a_if);
  route_multicast(lab.b, lab.b_if);
  return lab;
}

routed_lab routed()
{
  routed_lab lab{host("a"), host("r"), host("b"), {}, {}, {}, {}};
  std::vector<link> links{connect(lab.a, lab.r, 1), connect(lab.r, lab.b, 2)};
  route_chain({&lab.a, &lab.r, &lab.b}, links);
  lab.a_if = links[0].left;
  lab.r_a_if = links[0].right;
  lab.r_b_if = links[1].left;
  lab.b_if = links[1].right;
  return lab;
}

void routed_lab::set_r_b_mtu(unsigned mtu) const
{
  r.set_mtu(r_b_if.name, mtu);
  b.set_mtu(b_if.name, mtu);
}

dual_homed_lab dual_homed()
{
  dual_homed_lab lab{host("a"), host("b"), host("c"), {}, {}, {}, {}};
  link ab = connect(lab.a, lab.b, 1);
  link ac = connect(lab.a, lab.c, 2);
  lab.a_b_if = ab.left;
  lab.b_if = ab.right;
  lab.a_c_if = ac.left;
  lab.c_if = ac.right;
  route_multicast(lab.a, lab.a_b_if);
  route_multicast(lab.b, lab.b_if);
  route_multicast(lab.c, lab.c_if);
  return lab;
}

chain_lab chain(unsigned routers)
{
  if (routers < 1 || routers > 253)
    throw lab_error("chain: 1..253 routers, not " + std::to_string(routers));
  chain_lab lab{host("a"), {}, host("b"), {}};
  lab.routers.reserve(routers);
  for (unsigned i = 1; i <= routers; ++i)
    lab.routers.emplace_back("r" + std::to_string(i));
  std::vector<host*> hops{&lab.a};
  for (auto& router : lab.routers)
    hops.push_back(&router);
  hops.push_back(&lab.b);
  for (std::size_t i = 0; i + 1 < hops.size(); ++i)
    lab.links.push_back(connect(*hops[i], *hops[i + 1], static_cast<unsigned>(i + 1)));
  route_chain(std::vector<const host*>(hops.begin(), hops.end()), lab.links);
  return lab;
}

} // namespace test
} // namespace asio_ipv4
