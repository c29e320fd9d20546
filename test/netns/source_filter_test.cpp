//
// test/netns/source_filter_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Source filtering (RFC 3678) in namespace hosts: source-specific joins
// (include mode), block_source / unblock_source (exclude mode), the
// full-state set_source_filter / get_source_filter, and the invalid inputs
// that must leave a real membership untouched.
//
// The lab: two_hosts, where b answers on three addresses of the link, so
// three sources on one LAN send to one SSM group: s1 = 10.0.1.2 (b_if's own),
// s2 = 10.0.1.3 and s3 = 10.0.1.4 (added to b_if). The socket under test
// lives in a, bound to 0.0.0.0:5000; its filters are on a_if.
//
// Oracles: /proc/net/mcfilter and /proc/net/igmp read inside a (the kernel's
// per-interface source lists and memberships), udp_send.py in b bound to
// each source (which datagrams reach the socket), and the kernel's errors.

#include "prelude.hpp"

#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/source_filter.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace source_filter_test {  // (named: the file shares a unity build batch)

const address_v4 group = make_address_v4("232.1.1.1");
const address_v4 s1 = make_address_v4("10.0.1.2");
const address_v4 s2 = make_address_v4("10.0.1.3");
const address_v4 s3 = make_address_v4("10.0.1.4");

std::string text_of(const std::vector<address_v4>& addresses)
{
  std::vector<std::string> words;
  for (const auto& a : addresses)
    words.push_back(a.to_string());
  std::sort(words.begin(), words.end());
  std::string text;
  for (const auto& w : words)
    text += (text.empty() ? "" : " ") + w;
  return text;
}

std::string text_of(const ip4::source_filter& filter)
{
  return (filter.mode == ip4::filter_mode::include ? "include {" : "exclude {") + text_of(filter.sources) + "}";
}

ip4::source_filter filter(ip4::filter_mode mode, std::vector<address_v4> sources)
{
  return ip4::source_filter{mode, std::move(sources)};
}

// `n` unicast sources 10.0.9.1, 10.0.9.2, ...
std::vector<address_v4> many_sources(std::size_t n)
{
  std::vector<address_v4> sources;
  for (std::size_t i = 1; i <= n; ++i)
    sources.push_back(address_v4(0x0a000900u + static_cast<unsigned>(i)));
  return sources;
}

// The lab described at the top, with the socket under test in a.
struct sources_lab
{
  t::two_hosts_lab lab = t::two_hosts();
  net::io_context io;
  udp::socket socket{io};
  unsigned index = lab.a_if.index;

  sources_lab()
  {
    for (const auto& source : {s2, s3})
      lab.b.add_address(lab.b_if.name, source.to_string() + "/24");
    lab.a.enter([&] {
      socket.open(udp::v4());
      socket.bind(udp::endpoint(address_v4::any(), port));
    });
  }

  // /proc/net/mcfilter rows of `group` in a: "source:INC:EXC" words, each
  // also checked to be on a_if.
  std::string mcfilter() const
  {
    std::vector<std::string> rows;
    for (const auto& row : t::mcfilter_entries(lab.a))
      if (row.group == group)
        rows.push_back(row.source.to_string() + ":" + std::to_string(row.include_count) + ":" +
                       std::to_string(row.exclude_count) +
                       (row.interface_index == index ? "" : "@" + std::to_string(row.interface_index)));
    std::sort(rows.begin(), rows.end());
    std::string text;
    for (const auto& r : rows)
      text += (text.empty() ? "" : " ") + r;
    return text;
  }

  // Whether /proc/net/igmp of a lists `g` on a_if.
  bool member(const address_v4& g = group) const
  {
    auto rows = t::igmp_memberships(lab.a);
    return std::any_of(rows.begin(), rows.end(),
        [&](const t::igmp_membership& m) { return m.group == g && m.interface_index == index; });
  }

  // Everything a refused option could have changed in a: the source lists
  // and the memberships ("ifindex:group:users").
  std::string state() const
  {
    std::string text = mcfilter() + " |";
    for (const auto& m : t::igmp_memberships(lab.a))
      text += " " + std::to_string(m.interface_index) + ":" + m.group.to_string() + ":" + std::to_string(m.users);
    return text;
  }

  // Each of s1, s2, s3 sends one datagram naming itself to group:port
  // (udp_send.py in b, bound to that source). Returns the sources the socket
  // heard: after `expected` datagrams came, anything else gets 300 ms more.
  std::string heard(std::size_t expected)
  {
    std::vector<t::process> senders;
    for (const auto& source : {s1, s2, s3})
      senders.push_back(lab.b.python("udp_send.py", {"--src", source.to_string(), "--dst", group.to_string(),
                                                        "--port", std::to_string(port), "--payload",
                                                        source.to_string()}));
    for (auto& sender : senders)
      BOOST_TEST_REQUIRE(sender.wait(10s).value_or(-2) == 0, sender.describe());

    std::vector<address_v4> got;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;)
    {
      auto wait = got.size() < expected
          ? std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
          : std::chrono::milliseconds(300);
      pollfd watched{socket.native_handle(), POLLIN, 0};
      if (wait.count() <= 0 || ::poll(&watched, 1, static_cast<int>(wait.count())) != 1)
        break;
      std::array<char, 64> buffer;
      got.push_back(make_address_v4(std::string(buffer.data(), socket.receive(net::buffer(buffer)))));
    }
    return text_of(got);
  }
};

std::string igmp_max_msf_here()
{
  std::ifstream file("/proc/sys/net/ipv4/igmp_max_msf");
  std::string value;
  file >> value;
  return value;
}

} // namespace

BOOST_AUTO_TEST_SUITE(source_filter_test)

// ---- include mode: source_group_join / source_group_leave ---------------------

// Oracles: /proc/net/mcfilter (INC counts) and /proc/net/igmp of a, and
// which of the three sources' datagrams reach the socket.
BOOST_AUTO_TEST_CASE(source_specific_join_receives_only_that_source, *t::needs_root())
{
  sources_lab l;
  l.socket.set_option(ip4::source_group_join(group, s1, l.index));
  BOOST_TEST(l.member());
  BOOST_TEST(l.mcfilter() == "10.0.1.2:1:0");
  BOOST_TEST(l.heard(1) == "10.0.1.2");
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) == "include {10.0.1.2}");

  l.socket.set_option(ip4::source_group_join(group, s3, l.index));
  BOOST_TEST(l.mcfilter() == "10.0.1.2:1:0 10.0.1.4:1:0");
  BOOST_TEST(l.heard(2) == "10.0.1.2 10.0.1.4");

  l.socket.set_option(ip4::source_group_leave(group, s1, l.index));
  l.socket.set_option(ip4::source_group_leave(group, s3, l.index));
  BOOST_TEST(l.mcfilter() == "");
  BOOST_TEST_CONTEXT(l.lab.a.read_file("/proc/net/igmp"))
  BOOST_TEST(t::eventually([&] { return !l.member(); }));
}

// ---- exclude mode: block_source / unblock_source ------------------------------

// Oracles: /proc/net/mcfilter (EXC counts) of a, and which sources'
// datagrams reach the socket.
BOOST_AUTO_TEST_CASE(block_source_excludes_one_source, *t::needs_root())
{
  sources_lab l;
  l.socket.set_option(ip4::join_group(group, l.index));
  l.socket.set_option(ip4::block_source(group, s2, l.index));
  BOOST_TEST(l.mcfilter() == "10.0.1.3:0:1");
  BOOST_TEST(l.heard(2) == "10.0.1.2 10.0.1.4");
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) == "exclude {10.0.1.3}");

  l.socket.set_option(ip4::unblock_source(group, s2, l.index));
  BOOST_TEST(l.mcfilter() == "");
  BOOST_TEST(l.heard(3) == "10.0.1.2 10.0.1.3 10.0.1.4");
}

// ---- full-state filters --------------------------------------------------------

// Oracles: /proc/net/mcfilter of a and the datagrams that arrive, for what
// get_source_filter reads back after each set.
BOOST_AUTO_TEST_CASE(full_state_filter_replaces_mode_and_sources, *t::needs_root())
{
  sources_lab l;
  l.socket.set_option(ip4::join_group(group, l.index));

  ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::include, {s1}));
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) == "include {10.0.1.2}");
  BOOST_TEST(l.mcfilter() == "10.0.1.2:1:0");
  BOOST_TEST(l.heard(1) == "10.0.1.2");

  ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::exclude, {s2}));
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) == "exclude {10.0.1.3}");
  BOOST_TEST(l.mcfilter() == "10.0.1.3:0:1");
  BOOST_TEST(l.heard(2) == "10.0.1.2 10.0.1.4");
}

// Oracles: /proc/net/mcfilter of a, the sysctl written into a, and
// get_source_filter (its answer cross-checked by mcfilter above).
// The limit is net.ipv4.igmp_max_msf of the socket's namespace, whichever
// thread calls: the kernel refuses (ENOBUFS, read as invalid_argument)
// before changing anything.
BOOST_AUTO_TEST_CASE(filter_over_the_limit_is_refused_and_changes_nothing, *t::needs_root())
{
  sources_lab l;
  l.lab.a.sysctl("net.ipv4.igmp_max_msf", "4");
  BOOST_TEST_REQUIRE(std::stoi(igmp_max_msf_here()) > 5, "this test needs a larger limit outside the lab");
  l.socket.set_option(ip4::join_group(group, l.index));
  ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::include, {s1}));
  const std::string before = text_of(ip4::get_source_filter(l.socket, l.index, group)) + " " + l.mcfilter();
  BOOST_TEST(before == "include {10.0.1.2} 10.0.1.2:1:0");

  const auto five = filter(ip4::filter_mode::include, many_sources(5));
  boost::system::error_code ec;
  l.lab.a.enter([&] { ip4::set_source_filter(l.socket, l.index, group, five, ec); });
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) + " " + l.mcfilter() == before);

  ip4::set_source_filter(l.socket, l.index, group, five, ec);   // this thread: the root namespace
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) + " " + l.mcfilter() == before);

  l.lab.a.enter([&] {
    ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::exclude, many_sources(4)), ec);
  });
  BOOST_TEST(error_text(ec) == "success");
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) ==
             "exclude {10.0.9.1 10.0.9.2 10.0.9.3 10.0.9.4}");
  BOOST_TEST(l.mcfilter() == "10.0.9.1:0:1 10.0.9.2:0:1 10.0.9.3:0:1 10.0.9.4:0:1");

  // A raised limit is honoured: more than the kernel's default of 10.
  l.lab.a.sysctl("net.ipv4.igmp_max_msf", "12");
  l.lab.a.enter([&] {
    ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::include, many_sources(12)), ec);
  });
  BOOST_TEST(error_text(ec) == "success");
  BOOST_TEST(ip4::get_source_filter(l.socket, l.index, group).sources.size() == 12u);
  BOOST_TEST(t::mcfilter_entries(l.lab.a).size() == 12u);

  // The socket's namespace decides, not the calling thread's: from the root
  // namespace (a smaller limit than a's 12 here) 11 sources are accepted.
  BOOST_TEST_REQUIRE(std::stoi(igmp_max_msf_here()) < 11, "this test needs the default limit outside the lab");
  ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::include, many_sources(11)), ec);
  BOOST_TEST(error_text(ec) == "success");
  BOOST_TEST(t::mcfilter_entries(l.lab.a).size() == 11u);
}

// A limit raised to the most the kernel accepts must not make a read of a
// one-source filter reserve room for millions of sources (at 128 bytes a
// slot, gigabytes). Oracle: the process's peak resident size (getrusage).
BOOST_AUTO_TEST_CASE(reading_a_filter_under_a_huge_limit_stays_small, *t::needs_root())
{
  sources_lab l;
  l.lab.a.sysctl("net.ipv4.igmp_max_msf", "33554431");
  l.socket.set_option(ip4::join_group(group, l.index));
  boost::system::error_code ec;
  l.lab.a.enter([&] {
    ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::exclude, {s1}), ec);
  });
  BOOST_TEST_REQUIRE(error_text(ec) == "success");
  const auto peak_kib = [] {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
  };
  const long before = peak_kib();
  ip4::source_filter got;
  l.lab.a.enter([&] { got = ip4::get_source_filter(l.socket, l.index, group, ec); });
  const long grown_kib = peak_kib() - before;
  BOOST_TEST(error_text(ec) == "success");
  BOOST_TEST(text_of(got) == "exclude {10.0.1.2}");
  BOOST_TEST(grown_kib < 16 * 1024, "peak resident size grew by " << grown_kib << " KiB");

  // More sources than the first guess holds: the read grows to the count
  // the kernel reports.
  l.lab.a.enter([&] {
    ip4::set_source_filter(l.socket, l.index, group, filter(ip4::filter_mode::exclude, many_sources(100)), ec);
  });
  BOOST_TEST_REQUIRE(error_text(ec) == "success");
  l.lab.a.enter([&] { got = ip4::get_source_filter(l.socket, l.index, group, ec); });
  BOOST_TEST(error_text(ec) == "success");
  BOOST_TEST(text_of(got) == text_of(filter(ip4::filter_mode::exclude, many_sources(100))));
  BOOST_TEST(t::mcfilter_entries(l.lab.a).size() == 100u);
}

// Oracles: the kernel's errors without a membership (EINVAL on set,
// EADDRNOTAVAIL on get), /proc/net/igmp and /proc/net/mcfilter.
BOOST_AUTO_TEST_CASE(filters_need_a_multicast_group_and_a_membership, *t::needs_root())
{
  sources_lab l;
  const auto one = filter(ip4::filter_mode::include, {s1});
  boost::system::error_code ec;
  ip4::set_source_filter(l.socket, l.index, make_address_v4("10.0.0.1"), one, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));
  ip4::get_source_filter(l.socket, l.index, make_address_v4("10.0.0.1"), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));

  ip4::get_source_filter(l.socket, l.index, group, ec);
  BOOST_TEST(error_text(ec) == error_text(make_error_code(boost::system::errc::address_not_available)));
  ip4::set_source_filter(l.socket, l.index, group, one, ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));   // Linux does not join implicitly
  BOOST_TEST(!l.member());
  BOOST_TEST(l.mcfilter() == "");
}

// ---- invalid input on a real membership -----------------------------------------

// Each refused option is one the kernel would have acted on (added a
// multicast source to the exclude list, joined with source 0.0.0.0, ...):
// /proc/net/mcfilter, /proc/net/igmp and the datagrams that arrive show that
// it never did.
BOOST_AUTO_TEST_CASE(invalid_sources_leave_the_membership_unchanged, *t::needs_root())
{
  sources_lab l;
  l.socket.set_option(ip4::join_group(group, l.index));
  l.socket.set_option(ip4::block_source(group, s2, l.index));
  const std::string before = l.state();
  BOOST_TEST(l.mcfilter() == "10.0.1.3:0:1");

  udp::socket fresh(l.io);
  l.lab.a.enter([&] { fresh.open(udp::v4()); });
  const address_v4 other_group = make_address_v4("232.1.1.2");
  auto refused = [&](udp::socket& socket, const auto& option) {
    boost::system::error_code ec;
    socket.set_option(option, ec);
    return error_text(ec);
  };
  const std::string invalid_argument = error_text(net::error::invalid_argument);
  BOOST_TEST(refused(l.socket, ip4::block_source(group, make_address_v4("224.0.0.5"), l.index)) == invalid_argument);
  BOOST_TEST(refused(l.socket, ip4::unblock_source(group, address_v4::broadcast(), l.index)) == invalid_argument);
  BOOST_TEST(refused(l.socket, ip4::block_source(make_address_v4("10.0.0.1"), s1, l.index)) == invalid_argument);
  BOOST_TEST(refused(fresh, ip4::source_group_join(other_group, address_v4::any(), l.index)) == invalid_argument);
  boost::system::error_code ec;
  ip4::set_source_filter(l.socket, l.index, group,
      filter(ip4::filter_mode::exclude, {s2, make_address_v4("224.0.0.5")}), ec);
  BOOST_TEST(error_text(ec) == error_text(net::error::invalid_argument));

  BOOST_TEST(l.state() == before);
  BOOST_TEST(text_of(ip4::get_source_filter(l.socket, l.index, group)) == "exclude {10.0.1.3}");
  BOOST_TEST(l.heard(2) == "10.0.1.2 10.0.1.4");
}

BOOST_AUTO_TEST_SUITE_END()
