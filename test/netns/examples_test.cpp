//
// test/netns/examples_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The example programs, run inside namespace hosts: what they print and how
// they behave on the wire. Where the programs are found, and what happens
// when one is not built: example_program.hpp.
//
// Oracles: udp_send.py and udp_client.py (Python, independent of the
// library), /proc/net/igmp and /proc/net/mcfilter read inside the host, and
// the lab's interface names and addresses.

#include "example_program.hpp"
#include "prelude.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace examples_test {  // (named: the file shares a unity build batch)

// Runs udp_send.py in `from`; returns the fields of its "sent" lines.
std::vector<std::map<std::string, std::string>> python_send(const t::host& from, std::vector<std::string> args)
{
  auto tool = from.python("udp_send.py", std::move(args));
  tool.read_all(10s);
  BOOST_TEST_REQUIRE(tool.wait(5s).value_or(-2) == 0, "udp_send.py failed\n" << tool.describe());
  std::vector<std::map<std::string, std::string>> sent;
  for (const auto& line : tool.lines())
    if (line.rfind("sent ", 0) == 0)
      sent.push_back(t::parse_fields(line));
  return sent;
}

bool starts_with(std::string_view line, std::string_view prefix)
{
  return line.substr(0, prefix.size()) == prefix;
}

} // namespace

BOOST_AUTO_TEST_SUITE(examples_test)

// Oracles: udp_send.py's IP_MULTICAST_TTL and IP_TOS and its source port,
// the lab's name for b's interface, /proc/net/igmp for the join.
BOOST_AUTO_TEST_CASE(multicast_receiver_prints_what_arrived,
    *t::needs_root() * t::needs_example("multicast_receiver"))
{
  auto lab = t::two_hosts();
  const auto group = make_address_v4("239.1.2.3");
  auto receiver = lab.b.spawn({t::require_example("multicast_receiver"), group.to_string(), "5010", lab.b_if.name});
  BOOST_TEST(receiver.wait_line("joined") == "joined 239.1.2.3 on " + lab.b_if.name + ", port 5010");
  auto groups = t::igmp_memberships(lab.b);
  BOOST_TEST(std::any_of(groups.begin(), groups.end(),
                 [&](const t::igmp_membership& m) {
                   return m.group == group && m.interface_index == lab.b_if.index;
                 }),
      "no membership of " << group << " on " << lab.b_if.name << ":\n" << lab.b.read_file("/proc/net/igmp"));

  // TOS 0xb9: DSCP 46 (EF) with ECN ECT(1).
  auto sent = python_send(lab.a, {"--dst", group.to_string(), "--port", "5010", "--mcast-ttl", "3", "--tos",
                                     "0xb9", "--payload", "hello {i}", "--count", "2"});
  BOOST_TEST_REQUIRE(sent.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i)
  {
    auto line = receiver.wait_line("from ");
    std::string want = "from 10.0.1.1:" + sent[i].at("sport") + " to 239.1.2.3 on " + lab.b_if.name +
                       ": TTL 3, TOS 0xb9 (DSCP 46, ECN ECT(1)), 7 bytes \"hello " + std::to_string(i) + "\"";
    BOOST_TEST(line == want);
  }
}

// Oracles: udp_send.py bound to each of a's two addresses, /proc/net/mcfilter
// for the include-mode source filter.
BOOST_AUTO_TEST_CASE(multicast_receiver_source_specific,
    *t::needs_root() * t::needs_example("multicast_receiver"))
{
  auto lab = t::two_hosts();
  lab.a.add_address(lab.a_if.name, "10.0.1.5/24");
  auto receiver = lab.b.spawn({t::require_example("multicast_receiver"), "232.1.1.1", "5011", lab.b_if.name,
      "--source", lab.a_if.address.to_string()});
  BOOST_TEST(receiver.wait_line("joined") ==
             "joined 232.1.1.1 from source 10.0.1.1 on " + lab.b_if.name + ", port 5011");
  auto filters = t::mcfilter_entries(lab.b);
  BOOST_TEST_REQUIRE(filters.size() == 1u, lab.b.read_file("/proc/net/mcfilter"));
  BOOST_TEST(filters[0].group == make_address_v4("232.1.1.1"));
  BOOST_TEST(filters[0].source == lab.a_if.address);
  BOOST_TEST(filters[0].include_count == 1u);

  // From the other address first: when "for you" is printed, "not for you"
  // would have been printed before it had it passed the filter.
  python_send(lab.a, {"--dst", "232.1.1.1", "--port", "5011", "--src", "10.0.1.5", "--payload", "not for you"});
  python_send(lab.a, {"--dst", "232.1.1.1", "--port", "5011", "--src", lab.a_if.address.to_string(),
                         "--payload", "for you"});
  auto line = receiver.wait_line("from ");
  BOOST_TEST(starts_with(line, "from 10.0.1.1:"), line);
  BOOST_TEST(line.find("\"for you\"") != std::string::npos, line);
}

// Oracle: the exit status and stderr of the program.
BOOST_AUTO_TEST_CASE(multicast_receiver_rejects_bad_arguments, *t::needs_example("multicast_receiver"))
{
  const auto program = t::require_example("multicast_receiver");
  auto none = t::run_command({program});
  BOOST_TEST(none.status == 1);
  BOOST_TEST(none.err.find("Usage: ") != std::string::npos, none.err);
  auto unicast = t::run_command({program, "10.0.0.1", "5000"});
  BOOST_TEST(unicast.status == 1);
  BOOST_TEST(unicast.err.find("not an IPv4 multicast group: 10.0.0.1") != std::string::npos, unicast.err);
  auto no_interface = t::run_command({program, "239.1.2.3", "5000", "no-such-if0"});
  BOOST_TEST(no_interface.status == 1);
  BOOST_TEST(no_interface.err.find("no such interface: no-such-if0") != std::string::npos, no_interface.err);
}

// Oracle: udp_client.py in a, an unconnected Python socket that prints the
// source address of the reply; the lab's addresses.
BOOST_AUTO_TEST_CASE(udp_server_answers_from_the_address_reached,
    *t::needs_root() * t::needs_example("udp_server_cpp20"))
{
  auto lab = t::two_hosts();
  lab.b.add_address(lab.b_if.name, "10.0.1.3/24");
  auto server = lab.b.spawn({t::require_example("udp_server_cpp20"), "5012"});
  BOOST_TEST(server.wait_line("listening") == "listening on 0.0.0.0:5012");

  struct request
  {
    std::string to;
    std::string answered_from;
    std::vector<std::string> options;
  };
  const request requests[] = {{"10.0.1.2", "10.0.1.2", {}}, {"10.0.1.3", "10.0.1.3", {}},
      // A broadcast request is answered from the interface's own address.
      {"10.0.1.255", "10.0.1.2", {"--broadcast"}}};
  for (const auto& r : requests)
  {
    BOOST_TEST_CONTEXT("request to " << r.to)
    {
      std::vector<std::string> args{"--dst", r.to, "--port", "5012", "--payload", "who am i"};
      args.insert(args.end(), r.options.begin(), r.options.end());
      auto client = lab.a.python("udp_client.py", args);
      auto sent = t::parse_fields(client.wait_line("sent"));
      auto reply = t::parse_fields(client.wait_line("reply"));
      BOOST_TEST(reply.at("src") == r.answered_from);
      BOOST_TEST(reply.at("sport") == "5012");
      std::string client_endpoint = "10.0.1.1:" + sent.at("sport");
      std::string text = "you are " + client_endpoint + ", you sent to " + r.to + " via " + lab.b_if.name +
                         ", I answer from " + r.answered_from + "\n";
      auto payload = t::from_hex(reply.at("payload"));
      BOOST_TEST(std::string(payload.begin(), payload.end()) == text);
      BOOST_TEST(server.wait_line("request") == "request from " + client_endpoint + " to " + r.to + " on " +
                                                    lab.b_if.name + ", answered from " + r.answered_from);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
