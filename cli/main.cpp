//
// cli/main.cpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// asio-ipv4: multicast and IPv4 diagnostics built on asio_ipv4 (see
// doc/cli.md and the man page asio-ipv4(1)). Exit status: 0 success, 1 a
// failure at run time (or no reply), 2 bad input.

#include "cli/common.hpp"
#include "cli/core/arguments.hpp"

#include <boost/system/system_error.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <variant>
#include <vector>

namespace cli = asio_ipv4::cli;

namespace {

template <class... F>
struct overloaded : F...
{
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

void print_error(const std::string& what)
{
  std::fprintf(stderr, "asio-ipv4: %s\n", what.c_str());
}

} // namespace

int main(int argc, char* argv[])
{
  try
  {
    const cli::command command = cli::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    return std::visit(overloaded{
                          [](const cli::help_command& h) {
                            std::fputs(cli::usage(h.topic).c_str(), stdout);
                            return 0;
                          },
                          [](const cli::version_command&) {
                            cli::print_line(cli::version_text());
                            return 0;
                          },
                          [](const cli::interfaces_command& c) { return cli::run_interfaces(c); },
                          [](const cli::listen_command& c) { return cli::run_listen(c); },
                          [](const cli::send_command& c) { return cli::run_send(c); },
                          [](const cli::ssmping_command& c) { return cli::run_ssmping(c); },
                          [](const cli::ssmpingd_command& c) { return cli::run_ssmpingd(c); },
                      },
        command);
  }
  catch (const cli::usage_error& e)
  {
    print_error(e.what());
    return 2;
  }
  catch (const cli::runtime_failure& e)
  {
    print_error(e.what());
    return 1;
  }
  catch (const std::exception& e)
  {
    print_error(std::string("error: ") + e.what());
    return 1;
  }
}
