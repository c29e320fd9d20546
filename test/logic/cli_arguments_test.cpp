//
// test/logic/cli_arguments_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The command line of asio-ipv4 (cli/core/arguments.hpp): what each
// subcommand accepts, and the one-line message of each kind of bad input.
//
// Oracles: the subcommand synopses of issue 10 (names and flags are the
// interface), RFC 4607 for the source-specific range 232.0.0.0/8, and
// addresses built with glibc's inet_pton (test_util.hpp).

#include "cli/core/arguments.hpp"
#include "test_util.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace cli = asio_ipv4::cli;
using asio_ipv4::test::addr;

namespace {

cli::command parse(std::vector<std::string> args)
{
  return cli::parse_command_line(args);
}

// The message of the usage_error the arguments raise ("" if none).
std::string error_of(std::vector<std::string> args)
{
  try
  {
    cli::parse_command_line(args);
  }
  catch (const cli::usage_error& e)
  {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_arguments_test)

BOOST_AUTO_TEST_CASE(listen_any_source_with_every_flag)
{
  auto c = std::get<cli::listen_command>(
      parse({"listen", "239.1.2.3:5000", "--interface", "eth0", "--count", "10", "--timeout=2.5", "--json"}));
  BOOST_TEST(c.group == addr("239.1.2.3"));
  BOOST_TEST(c.port == 5000);
  BOOST_TEST(c.sources.empty());
  BOOST_TEST(c.excludes.empty());
  BOOST_TEST_REQUIRE(c.interface.has_value());
  BOOST_TEST(c.interface->text == "eth0");
  BOOST_TEST(c.count == 10u);
  BOOST_TEST(c.timeout == 2.5);
  BOOST_TEST(c.json);
}

BOOST_AUTO_TEST_CASE(listen_defaults)
{
  auto c = std::get<cli::listen_command>(parse({"listen", "224.0.0.251:5353"}));
  BOOST_TEST(!c.interface.has_value());
  BOOST_TEST(c.count == 0u);
  BOOST_TEST(c.timeout == 0.0);
  BOOST_TEST(!c.json);
}

BOOST_AUTO_TEST_CASE(listen_include_and_exclude_modes)
{
  auto ssm = std::get<cli::listen_command>(
      parse({"listen", "232.1.1.1:5001", "--source", "10.0.1.1", "--source", "10.0.1.11"}));
  BOOST_TEST_REQUIRE(ssm.sources.size() == 2u);
  BOOST_TEST(ssm.sources[0] == addr("10.0.1.1"));
  BOOST_TEST(ssm.sources[1] == addr("10.0.1.11"));
  auto ex = std::get<cli::listen_command>(
      parse({"listen", "239.1.1.2:5002", "--exclude", "10.0.1.11", "--exclude=10.0.1.12", "--interface", "3"}));
  BOOST_TEST_REQUIRE(ex.excludes.size() == 2u);
  BOOST_TEST(ex.excludes[1] == addr("10.0.1.12"));
  BOOST_TEST(ex.interface->text == "3");
}

BOOST_AUTO_TEST_CASE(listen_bad_input)
{
  BOOST_TEST(error_of({"listen", "10.0.0.1:5000"}) == "listen: 10.0.0.1 is not a multicast group (224.0.0.0/4)");
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:5000", "--source", "10.0.0.1"}), "--source on the any-source group"));
  BOOST_TEST(contains(error_of({"listen", "232.1.2.3:5000"}), "source-specific group"));
  BOOST_TEST(contains(error_of({"listen", "232.1.2.3:5000", "--source", "10.0.0.1", "--exclude", "10.0.0.2"}),
      "cannot be mixed"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:5000", "--exclude", "239.9.9.9"}), "not a unicast address"));
  BOOST_TEST(error_of({"listen", "239.1.2.3:5000", "--bogus"})
      == "listen: unknown option '--bogus' (try 'asio-ipv4 listen --help')");
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:5000", "-c", "3"}), "unknown option '-c'"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3"}), "is not GROUP:PORT"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:0"}), "is not GROUP:PORT"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:65536"}), "is not GROUP:PORT"));
  BOOST_TEST(contains(error_of({"listen"}), "missing GROUP:PORT"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "239.1.2.4:1"}), "unexpected argument '239.1.2.4:1'"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "--count"}), "--count needs a value"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "--count", "-1"}), "--count must be"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "--timeout", "1e3"}), "--timeout must be"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "--json=yes"}), "--json takes no value"));
  BOOST_TEST(contains(error_of({"listen", "239.1.2.3:1", "--count", "1", "--count", "2"}), "--count given twice"));
}

BOOST_AUTO_TEST_CASE(send_every_flag)
{
  auto c = std::get<cli::send_command>(parse({"send", "239.1.2.3:5000", "--ttl", "3", "--tos", "0xb8", "--interface",
      "veth0", "--source", "10.0.1.1", "--count", "100", "--rate", "250.5", "--size", "1200", "--json"}));
  BOOST_TEST(c.destination == addr("239.1.2.3"));
  BOOST_TEST(c.port == 5000);
  BOOST_TEST(c.ttl.value_or(0) == 3);
  BOOST_TEST(c.tos.value_or(0) == 0xb8);
  BOOST_TEST(c.interface->text == "veth0");
  BOOST_TEST(c.source.value_or(addr("0.0.0.0")) == addr("10.0.1.1"));
  BOOST_TEST(c.count == 100u);
  BOOST_TEST(c.rate == 250.5);
  BOOST_TEST(c.size == 1200u);
  BOOST_TEST(c.json);
  auto d = std::get<cli::send_command>(parse({"send", "10.0.1.2:9"}));
  BOOST_TEST(!d.ttl.has_value());
  BOOST_TEST(!d.tos.has_value());
  BOOST_TEST(d.rate == 1.0);
  BOOST_TEST(d.size == 64u);
  BOOST_TEST(d.count == 0u);
}

BOOST_AUTO_TEST_CASE(send_bad_input)
{
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--ttl", "0"}), "--ttl must be a whole number from 1 to 255"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--ttl", "256"}), "--ttl must be"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--tos", "0x100"}), "--tos must be"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--size", "27"}), "--size must be"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--size", "65508"}), "--size must be"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--rate", "0"}), "--rate must be"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--source", "239.1.1.1"}), "not a unicast address"));
  BOOST_TEST(contains(error_of({"send", "0.0.0.0:5000"}), "not a destination"));
  BOOST_TEST(contains(error_of({"send", "239.1.2.3:5000", "--exclude", "10.0.0.1"}), "unknown option '--exclude'"));
}

BOOST_AUTO_TEST_CASE(ssmping_and_ssmpingd)
{
  auto c = std::get<cli::ssmping_command>(parse({"ssmping", "10.0.1.2"}));
  BOOST_TEST(c.server == addr("10.0.1.2"));
  BOOST_TEST(c.group == addr("232.43.211.234"));
  BOOST_TEST(c.count == 0u);
  BOOST_TEST(c.interval == 1.0);
  auto g = std::get<cli::ssmping_command>(
      parse({"ssmping", "10.0.1.2", "--group", "239.1.1.234", "--count", "3", "--interval", "0.2", "--json"}));
  BOOST_TEST(g.group == addr("239.1.1.234"));
  BOOST_TEST(g.count == 3u);
  BOOST_TEST(g.interval == 0.2);
  BOOST_TEST(g.json);
  BOOST_TEST(std::get<cli::ssmpingd_command>(parse({"ssmpingd"})).port == 4321);
  BOOST_TEST(std::get<cli::ssmpingd_command>(parse({"ssmpingd", "--port", "5321"})).port == 5321);

  BOOST_TEST(contains(error_of({"ssmping", "232.43.211.234"}), "not a unicast address"));
  BOOST_TEST(contains(error_of({"ssmping", "10.0.1.2", "--group", "10.0.0.234"}), "not a multicast group"));
  BOOST_TEST(contains(error_of({"ssmping", "10.0.1.2", "--group", "232.1.1.1"}), "does not end in .234"));
  BOOST_TEST(contains(error_of({"ssmping", "10.0.1.2", "--interval", "0"}), "--interval must be"));
  BOOST_TEST(contains(error_of({"ssmping", "host.example"}), "not an IPv4 address"));
  BOOST_TEST(contains(error_of({"ssmpingd", "--port", "0"}), "--port must be"));
  BOOST_TEST(contains(error_of({"ssmpingd", "4321"}), "unexpected argument '4321'"));
}

BOOST_AUTO_TEST_CASE(commands_help_and_version)
{
  BOOST_TEST(std::get<cli::interfaces_command>(parse({"interfaces", "--json"})).json);
  BOOST_TEST(!std::get<cli::interfaces_command>(parse({"interfaces"})).json);
  BOOST_TEST(std::get<cli::help_command>(parse({"--help"})).topic.empty());
  BOOST_TEST(std::get<cli::help_command>(parse({"help", "send"})).topic == "send");
  BOOST_TEST(std::get<cli::help_command>(parse({"listen", "--help"})).topic == "listen");
  BOOST_TEST(std::holds_alternative<cli::version_command>(parse({"--version"})));
  BOOST_TEST(contains(cli::usage(""), "ssmpingd [--port 4321]"));
  BOOST_TEST(contains(cli::usage("listen"), "--exclude ADDR"));
  BOOST_TEST(error_of({}) == "missing command (try 'asio-ipv4 --help')");
  BOOST_TEST(error_of({"frob"}) == "unknown command 'frob' (try 'asio-ipv4 --help')");
  BOOST_TEST(error_of({"--frob"}) == "unknown option '--frob' (try 'asio-ipv4 --help')");
  BOOST_TEST(contains(error_of({"help", "frob"}), "unknown command 'frob'"));
  BOOST_TEST(contains(error_of({"interfaces", "eth0"}), "unexpected argument 'eth0'"));
}

BOOST_AUTO_TEST_CASE(address_and_number_pieces)
{
  BOOST_TEST(cli::parse_address("10.0.1.2").value_or(addr("0.0.0.0")) == addr("10.0.1.2"));
  BOOST_TEST(cli::parse_address("255.255.255.255").has_value());
  for (const char* bad : {"", "10.0.1", "10.0.1.2.3", "10.0.1.256", "10.0.1.-1", " 10.0.1.2", "10.0.1.2 ", "010.0.1.2",
           "10..1.2", "a.b.c.d", "1000.0.0.1"})
    BOOST_TEST(!cli::parse_address(bad).has_value(), "'" << bad << "' accepted");
  auto ep = cli::parse_address_port("239.1.2.3:65535");
  BOOST_TEST_REQUIRE(ep.has_value());
  BOOST_TEST(ep->second == 65535);
  BOOST_TEST(!cli::parse_address_port("239.1.2.3:0x10").has_value());
  BOOST_TEST(!cli::parse_address_port("239.1.2.3:").has_value());
  BOOST_TEST(cli::parse_unsigned("0x1f", 0, 255).value_or(0) == 31u);
  BOOST_TEST(cli::parse_unsigned("255", 0, 255).value_or(0) == 255u);
  BOOST_TEST(!cli::parse_unsigned("256", 0, 255).has_value());
  BOOST_TEST(!cli::parse_unsigned("+1", 0, 255).has_value());
  BOOST_TEST(!cli::parse_unsigned("1 ", 0, 255).has_value());
  BOOST_TEST(!cli::parse_unsigned("18446744073709551616", 0, UINT64_MAX).has_value());
  BOOST_TEST(cli::parse_seconds("0.25", 0, 10).value_or(-1) == 0.25);
  BOOST_TEST(cli::parse_seconds(".5", 0, 10).value_or(-1) == 0.5);
  for (const char* bad : {"", ".", "1.2.3", "nan", "inf", "1e2", "-1", "11"})
    BOOST_TEST(!cli::parse_seconds(bad, 0, 10).has_value(), "'" << bad << "' accepted");
  BOOST_TEST(cli::source_specific(addr("232.0.0.1")));
  BOOST_TEST(cli::source_specific(addr("232.255.255.255")));
  BOOST_TEST(!cli::source_specific(addr("233.0.0.1")));
  BOOST_TEST(!cli::source_specific(addr("231.255.255.255")));
}

BOOST_AUTO_TEST_SUITE_END()
