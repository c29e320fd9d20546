//
// test/netns/raw_examples_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The raw socket examples run as programs across namespace routers:
// example/ping_cpp20 (raw ICMP socket) and example/traceroute_cpp20 (UDP
// probes and the error queue). Their output is checked against the lab's
// topology and against sniff.py on the links.
//
// Where the programs are found, and what happens when one is not built:
// example_program.hpp.

#include "example_program.hpp"
#include "prelude.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Runs a program inside `where` to its end; returns its status and output.
struct run_result
{
  int status = -1;
  std::vector<std::string> lines;
  std::string description;
};

run_result run_in(const t::host& where, std::vector<std::string> argv, std::chrono::seconds timeout)
{
  std::string argv_text;
  for (const auto& a : argv)
    argv_text += (argv_text.empty() ? "" : " ") + a;
  t::process program = where.spawn(std::move(argv));
  program.read_all(timeout);
  run_result r;
  r.status = program.wait(5s).value_or(-1);
  r.lines = program.lines();
  r.description = program.describe();
  std::string output;
  for (const auto& line : r.lines)
    output += "\n  " + line;
  BOOST_TEST_MESSAGE(argv_text << " in " << where.role() << ", status " << r.status << ":" << output);
  return r;
}

// One "N  address  rtt ms ..." line of the traceroute example.
struct hop_line
{
  unsigned hop = 0;
  std::vector<std::string> addresses;   // in order; "*" for a timeout
};

std::vector<hop_line> hops_of(const std::vector<std::string>& lines)
{
  static const std::regex hop_start(R"(^\s*(\d+)\s+(.*)$)");
  static const std::regex token(R"((\d+\.\d+\.\d+\.\d+)|(\*)|(\d+\.\d+ ms))");
  std::vector<hop_line> out;
  for (const auto& line : lines)
  {
    std::smatch m;
    if (!std::regex_match(line, m, hop_start))
      continue;
    hop_line h;
    h.hop = static_cast<unsigned>(std::stoul(m[1]));
    const std::string rest = m[2];
    for (std::sregex_iterator it(rest.begin(), rest.end(), token), end; it != end; ++it)
    {
      if ((*it)[1].matched)
        h.addresses.push_back((*it)[1]);
      else if ((*it)[2].matched)
        h.addresses.push_back("*");
    }
    out.push_back(h);
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(raw_examples_test)

// Oracles: the lab's topology (b replies with TTL 64, r takes one off) and
// sniff.py on b's link, which counts the echo requests and replies the
// program's output claims.
BOOST_AUTO_TEST_CASE(ping_across_a_router, *t::needs_root()
    * t::needs_example("ping_cpp20"))
{
  const std::string ping = t::require_example("ping_cpp20");
  auto lab = t::routed();
  t::sniff_filter filter;
  filter.protocol = 1;
  filter.count = 6;
  t::sniffer wire(lab.b, lab.b_if.name, filter);

  const auto b = lab.b_if.address.to_string();
  auto r = run_in(lab.a, {ping, b, "3"}, 20s);
  BOOST_TEST(r.status == 0, "expected status 0, got " << r.status << "\n" << r.description);

  const std::regex reply("^64 bytes from " + std::regex_replace(b, std::regex(R"(\.)"), R"(\.)")
      + R"(: icmp_seq=(\d+) ttl=(\d+) time=\d+\.\d+ ms$)");
  std::vector<unsigned> sequences;
  for (const auto& line : r.lines)
  {
    std::smatch m;
    if (std::regex_match(line, m, reply))
    {
      sequences.push_back(static_cast<unsigned>(std::stoul(m[1])));
      BOOST_TEST(m[2] == "63", "ttl: expected 63 (64 less one router), got " << m[2] << " in: " << line);
    }
  }
  BOOST_TEST(sequences == (std::vector<unsigned>{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(std::count(r.lines.begin(), r.lines.end(), "3 packets transmitted, 3 received, 0% packet loss") == 1,
      r.description);

  auto packets = wire.packets(5s);
  unsigned requests = 0, replies = 0;
  for (const auto& p : packets)
  {
    if (p.icmp_type == 8 && p.source == lab.a_if.address && !p.outgoing)
      ++requests;
    if (p.icmp_type == 0 && p.destination == lab.a_if.address && p.outgoing)
      ++replies;
  }
  BOOST_TEST(requests == 3u, "echo requests on b's link: expected 3, got " << requests << "\n" << wire.describe());
  BOOST_TEST(replies == 3u, "echo replies on b's link: expected 3, got " << replies << "\n" << wire.describe());
}

// Oracle: the lab's topology (r answers from the address facing a).
BOOST_AUTO_TEST_CASE(ping_with_ttl_1_reports_time_exceeded, *t::needs_root()
    * t::needs_example("ping_cpp20"))
{
  const std::string ping = t::require_example("ping_cpp20");
  auto lab = t::routed();
  auto r = run_in(lab.a, {ping, lab.b_if.address.to_string(), "1", "1"}, 20s);
  BOOST_TEST(r.status == 1, "no reply: expected status 1, got " << r.status << "\n" << r.description);
  const std::string expected = "From " + lab.r_a_if.address.to_string() + ": icmp_seq=1 Time to live exceeded";
  BOOST_TEST(std::count(r.lines.begin(), r.lines.end(), expected) == 1, "expected \"" << expected << "\"\n"
      << r.description);
}

// Oracles: sniff.py on a's link (which address each router's "time
// exceeded" comes from) and the chain's addressing (lab.hpp: routers[i]
// answers from links[i].right; b is links[3].right).
BOOST_AUTO_TEST_CASE(traceroute_across_three_routers, *t::needs_root()
    * t::needs_example("traceroute_cpp20"))
{
  const std::string traceroute = t::require_example("traceroute_cpp20");
  auto lab = t::chain(3);
  t::sniff_filter filter;
  filter.protocol = 1;
  filter.outgoing = false;
  t::sniffer wire(lab.a, lab.a_if().name, filter);

  auto r = run_in(lab.a, {traceroute, lab.b_if().address.to_string(), "8", "2"}, 40s);
  BOOST_TEST(r.status == 0, "expected status 0, got " << r.status << "\n" << r.description);

  const std::vector<std::string> expected = {lab.links[0].right.address.to_string(),
      lab.links[1].right.address.to_string(), lab.links[2].right.address.to_string(),
      lab.b_if().address.to_string()};
  const auto hops = hops_of(r.lines);
  BOOST_TEST_REQUIRE(hops.size() == expected.size(), r.description);
  for (std::size_t i = 0; i < hops.size(); ++i)
  {
    BOOST_TEST(hops[i].hop == i + 1);
    BOOST_TEST(hops[i].addresses == std::vector<std::string>{expected[i]}, boost::test_tools::per_element());
  }

  // On the wire: each router's "time exceeded" (type 11) came from the
  // address facing a, b's "port unreachable" (type 3 code 3) from b.
  auto packets = wire.stop();
  std::set<std::string> time_exceeded, unreachable;
  for (const auto& p : packets)
  {
    if (p.icmp_type == 11)
      time_exceeded.insert(p.source.to_string());
    if (p.icmp_type == 3 && p.icmp_code == 3)
      unreachable.insert(p.source.to_string());
  }
  BOOST_TEST(time_exceeded == std::set<std::string>(expected.begin(), expected.end() - 1),
      boost::test_tools::per_element());
  BOOST_TEST(unreachable == std::set<std::string>{expected.back()}, boost::test_tools::per_element());
}

// A router that drops the probes without a word: "*" from there on, and the
// trace ends at max-hops with status 1.
// Oracle: the blackhole route put in r3 (lab.routers[2]).
BOOST_AUTO_TEST_CASE(traceroute_prints_stars_where_nothing_answers, *t::needs_root()
    * t::needs_example("traceroute_cpp20"))
{
  const std::string traceroute = t::require_example("traceroute_cpp20");
  auto lab = t::chain(3);
  lab.routers[2].run("ip route add blackhole " + lab.b_if().address.to_string() + "/32");

  auto r = run_in(lab.a, {traceroute, lab.b_if().address.to_string(), "4", "1"}, 40s);
  BOOST_TEST(r.status == 1, "expected status 1, got " << r.status << "\n" << r.description);
  const auto hops = hops_of(r.lines);
  BOOST_TEST_REQUIRE(hops.size() == 4u, r.description);
  BOOST_TEST(hops[0].addresses == std::vector<std::string>{lab.links[0].right.address.to_string()},
      boost::test_tools::per_element());
  BOOST_TEST(hops[1].addresses == std::vector<std::string>{lab.links[1].right.address.to_string()},
      boost::test_tools::per_element());
  BOOST_TEST(hops[2].addresses == std::vector<std::string>{"*"}, boost::test_tools::per_element());
  BOOST_TEST(hops[3].addresses == std::vector<std::string>{"*"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
