//
// test/lab/privileges.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "privileges.hpp"
#include "programs.hpp"

#include <boost/test/tree/fixture.hpp>
#include <boost/test/tree/test_unit.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <initializer_list>

namespace asio_ipv4 {
namespace test {

namespace {

bool equals_any(const char* value, std::initializer_list<const char*> words)
{
  if (!value)
    return false;
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
      [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return lower == w; });
}

} // namespace

bool skipping_forbidden(const char* ci, const char* require_privileged)
{
  if (equals_any(require_privileged, {"0", "false", "no", "off"}))
    return false;
  if (equals_any(require_privileged, {"1", "true", "yes", "on"}))
    return true;
  return equals_any(ci, {"1", "true", "yes", "on"});
}

privilege_decision decide_privileges(const privilege_facts& facts)
{
  std::string missing;
  auto add = [&](const char* what) { missing += missing.empty() ? what : std::string("; ") + what; };
  if (!facts.root)
    add("not running as root");
  if (!facts.cap_net_admin)
    add("no CAP_NET_ADMIN");
  if (!facts.ip_tool)
    add("iproute2's `ip` not found");
  if (missing.empty())
    return {privilege_verdict::run, {}};
  if (facts.skipping_forbidden)
    return {privilege_verdict::fail,
        "needs root for network namespaces, and CI=true or ASIO_IPV4_REQUIRE_PRIVILEGED=1 "
        "forbids skipping: failed (" + missing + ")"};
  return {privilege_verdict::skip, "needs root for network namespaces: skipped (" + missing + ")"};
}

privilege_facts current_privilege_facts()
{
  privilege_facts facts;
  facts.root = ::geteuid() == 0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
  {
    if (line.compare(0, 7, "CapEff:") == 0)
    {
      unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
      facts.cap_net_admin = (caps >> 12) & 1;   // CAP_NET_ADMIN
    }
  }
  facts.ip_tool = find_program("ip").has_value();
  facts.skipping_forbidden =
      skipping_forbidden(std::getenv("CI"), std::getenv("ASIO_IPV4_REQUIRE_PRIVILEGED"));
  return facts;
}

const privilege_decision& current_privilege_decision()
{
  static const privilege_decision decision = decide_privileges(current_privilege_facts());
  return decision;
}

void needs_root::apply(boost::unit_test::test_unit& unit)
{
  // Skip: a precondition (Boost.Test reports the unit as skipped with our
  // message). Fail: a fixture whose setup fails, so the unit is reported as
  // failed instead of run.
  unit.add_precondition([](boost::unit_test::test_unit_id) {
    const auto& decision = current_privilege_decision();
    boost::test_tools::assertion_result result(decision.verdict != privilege_verdict::skip);
    if (!result)
      result.message() << decision.message;
    return result;
  });
  boost::unit_test::decorator::fixture_t fail_in_ci(boost::unit_test::test_unit_fixture_ptr(
      new boost::unit_test::function_based_fixture([] {
        const auto& decision = current_privilege_decision();
        if (decision.verdict == privilege_verdict::fail)
          BOOST_FAIL(decision.message);
      }, {})));
  static_cast<boost::unit_test::decorator::base&>(fail_in_ci).apply(unit);
}

boost::unit_test::decorator::base_ptr needs_root::clone() const
{
  return boost::unit_test::decorator::base_ptr(new needs_root());
}

} // namespace test
} // namespace asio_ipv4
