//
// test/netns/sharded_examples_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// example/sharded_server_cpp20 run on a namespace host: one shard per CPU,
// all bound to one port with reuse_port. Where the program is found:
// example_program.hpp.
//
// Oracles: udp_echo_peer.py in the other host (Python's socket module, no
// asio_ipv4): every request answered exactly once, with the same bytes,
// from the address and port it was sent to, whatever the source port; the
// CPU its sends ran on (pinned with sched_setaffinity, read back from
// /proc/thread-self/stat). The per-shard counts come from the program's own
// report on SIGTERM, checked against what the peer sent.

#include "example_program.hpp"
#include "prelude.hpp"

#include <boost/test/unit_test.hpp>

#include <sched.h>
#include <signal.h>

#include <map>
#include <numeric>
#include <regex>
#include <string>
#include <vector>

namespace {

constexpr std::uint16_t server_port = 5030;

// The CPUs this process may use (the server's shards are pinned to 0..N-1).
std::vector<int> allowed_cpus()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  BOOST_TEST_REQUIRE(::sched_getaffinity(0, sizeof(set), &set) == 0);
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      cpus.push_back(c);
  return cpus;
}

// One line of the report: "shard <i> on CPU <c>: <r> received, <a> answered".
struct shard_report
{
  int cpu = -1;
  long received = 0;
  long answered = 0;
};

// Stops the server with SIGTERM and reads its report, by shard index.
std::map<int, shard_report> stop_and_report(t::process& server)
{
  BOOST_TEST_REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  server.read_all(10s);
  BOOST_TEST_REQUIRE(server.wait(5s).value_or(-2) == 0, server.describe());
  std::map<int, shard_report> shards;
  const std::regex line(R"(shard (\d+) on CPU (\d+|any): (\d+) received, (\d+) answered)");
  for (const auto& l : server.lines())
  {
    std::smatch m;
    if (std::regex_match(l, m, line))
      shards[std::stoi(m[1])] = {m[2] == "any" ? -1 : std::stoi(m[2]), std::stol(m[3]), std::stol(m[4])};
  }
  return shards;
}

// Runs udp_echo_peer.py in `from`; returns the fields of its "done" line
// and, through `cpu`, the CPU its sends ran on.
std::map<std::string, std::string> peer(const t::host& from, std::vector<std::string> args, int* cpu = nullptr)
{
  auto tool = from.python("udp_echo_peer.py", std::move(args));
  auto sent = t::parse_fields(tool.wait_line("sent", 30s));
  auto done = t::parse_fields(tool.wait_line("done", 30s));
  BOOST_TEST(tool.wait(5s).value_or(-2) == 0, tool.describe());
  if (cpu)
    *cpu = std::stoi(sent.at("cpu"));
  return done;
}

void check_all_answered_once(const std::map<std::string, std::string>& done, const std::string& count)
{
  BOOST_TEST(done.at("sent") == count);
  BOOST_TEST(done.at("unique") == count);
  BOOST_TEST(done.at("duplicates") == "0");
  BOOST_TEST(done.at("missing") == "0");
  BOOST_TEST(done.at("wrong_source") == "0");
  BOOST_TEST(done.at("wrong_payload") == "0");
}

t::process start_server(const t::host& where, std::vector<std::string> extra)
{
  std::vector<std::string> argv{t::require_example("sharded_server_cpp20"), std::to_string(server_port)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto server = where.spawn(argv);
  server.wait_line("listening");
  return server;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sharded_examples_test)

// Hash steering: 400 requests from 64 source ports to b's secondary
// address. Every one is echoed once from that address (the peer), every
// shard took part, and the shards' counts add up to what the peer sent.
BOOST_AUTO_TEST_CASE(every_shard_answers_its_flows_once,
    *t::needs_root() * t::needs_example("sharded_server_cpp20"))
{
  auto lab = t::two_hosts();
  lab.b.add_address(lab.b_if.name, "10.0.1.3/24");
  const auto shards = allowed_cpus().size();
  auto server = start_server(lab.b, {"--shards", std::to_string(shards)});
  BOOST_TEST(server.lines().back()
      == "listening on 0.0.0.0:" + std::to_string(server_port) + " with " + std::to_string(shards)
          + " shards, steering by hash");

  auto done = peer(lab.a, {"--dst", "10.0.1.3", "--port", std::to_string(server_port), "--count", "400",
                              "--flows", "64"});
  check_all_answered_once(done, "400");

  auto report = stop_and_report(server);
  BOOST_TEST_REQUIRE(report.size() == shards, server.describe());
  long received = 0;
  for (const auto& [index, s] : report)
  {
    BOOST_TEST_CONTEXT("shard " << index)
    {
      BOOST_TEST(s.received > 0, "64 flows and a shard got none\n" << server.describe());
      BOOST_TEST(s.answered == s.received);
    }
    received += s.received;
  }
  BOOST_TEST(received == 400);
}

// CPU steering: the peer pinned to CPU c sends a flow of its own count;
// the shard with index c (pinned to CPU c) gets all of it. veth hands a
// datagram to the receiving host on the CPU that sent it, and the steering
// program returns that CPU.
BOOST_AUTO_TEST_CASE(cpu_steering_sends_a_flow_to_the_shard_it_names,
    *t::needs_root() * t::needs_example("sharded_server_cpp20"))
{
  const auto cpus = allowed_cpus();
  BOOST_TEST_REQUIRE(cpus.size() >= 1u);
  auto lab = t::two_hosts();
  auto server = start_server(lab.b, {"--shards", std::to_string(cpus.size()), "--steer", "cpu"});

  // A different count per CPU: 20, 30, ... so the report tells them apart.
  std::map<int, long> sent_from;
  for (std::size_t k = 0; k < cpus.size(); ++k)
  {
    const long count = 20 + 10 * static_cast<long>(k);
    int ran_on = -1;
    auto done = peer(lab.a,
        {"--dst", lab.b_if.address.to_string(), "--port", std::to_string(server_port), "--count",
            std::to_string(count), "--flows", "8", "--cpu", std::to_string(cpus[k])},
        &ran_on);
    BOOST_TEST_REQUIRE(ran_on == cpus[k], "the peer was pinned to CPU " << cpus[k] << " and ran on " << ran_on);
    check_all_answered_once(done, std::to_string(count));
    sent_from[cpus[k]] = count;
  }

  auto report = stop_and_report(server);
  BOOST_TEST_REQUIRE(report.size() == cpus.size(), server.describe());
  for (std::size_t index = 0; index < cpus.size(); ++index)
  {
    BOOST_TEST_CONTEXT("shard " << index)
    {
      // The program returns the CPU number modulo the shard count.
      long expected = 0;
      for (const auto& [cpu, count] : sent_from)
        if (static_cast<std::size_t>(cpu) % cpus.size() == index)
          expected += count;
      BOOST_TEST(report[static_cast<int>(index)].received == expected, server.describe());
      BOOST_TEST(report[static_cast<int>(index)].answered == expected);
    }
  }
}

// Oracle: the exit status and stderr of the program.
BOOST_AUTO_TEST_CASE(sharded_server_rejects_bad_arguments, *t::needs_example("sharded_server_cpp20"))
{
  const auto program = t::require_example("sharded_server_cpp20");
  auto none = t::run_command({program});
  BOOST_TEST(none.status == 1);
  BOOST_TEST(none.err.find("Usage: ") != std::string::npos, none.err);
  auto bad_port = t::run_command({program, "70000"});
  BOOST_TEST(bad_port.status == 1);
  BOOST_TEST(bad_port.err.find("not a port: 70000") != std::string::npos, bad_port.err);
  auto bad_steer = t::run_command({program, "5000", "--steer", "random"});
  BOOST_TEST(bad_steer.status == 1);
  BOOST_TEST(bad_steer.err.find("Usage: ") != std::string::npos, bad_steer.err);
  auto zero = t::run_command({program, "5000", "--shards", "0"});
  BOOST_TEST(zero.status == 1);
  BOOST_TEST(zero.err.find("not a number of shards: 0") != std::string::npos, zero.err);
}

BOOST_AUTO_TEST_SUITE_END()
