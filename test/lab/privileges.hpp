//
// test/lab/privileges.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Privileges: skip (or, in CI, fail) tests that need namespaces.

#ifndef ASIO_IPV4_TEST_LAB_PRIVILEGES_HPP
#define ASIO_IPV4_TEST_LAB_PRIVILEGES_HPP

#include "common.hpp"

#include <boost/test/tree/decorator.hpp>

#include <string>

namespace asio_ipv4 {
namespace test {

/// What the privilege decision looks at.
struct privilege_facts
{
  bool root = false;                 ///< effective uid is 0
  bool cap_net_admin = false;        ///< CAP_NET_ADMIN in the effective set
  bool ip_tool = false;              ///< iproute2's `ip` was found
  bool skipping_forbidden = false;   ///< the environment says CI: never skip
};

enum class privilege_verdict { run, skip, fail };

struct privilege_decision
{
  privilege_verdict verdict;
  std::string message;   ///< why (empty for run)
};

/// Whether the environment forbids skipping, from the values of CI and
/// ASIO_IPV4_REQUIRE_PRIVILEGED (nullptr = unset). CI=true/1/yes forbids it;
/// ASIO_IPV4_REQUIRE_PRIVILEGED=1/true/yes forbids it, and =0/false/no
/// allows skipping even under CI.
bool skipping_forbidden(const char* ci, const char* require_privileged);

/// The pure decision: run when root with CAP_NET_ADMIN and `ip`; otherwise
/// skip, or fail when skipping is forbidden. The message names what is
/// missing and starts with "needs root for network namespaces".
privilege_decision decide_privileges(const privilege_facts& facts);

/// The facts of this process (geteuid, /proc/self/status CapEff, PATH, env).
privilege_facts current_privilege_facts();

/// decide_privileges(current_privilege_facts()), computed once.
const privilege_decision& current_privilege_decision();

/// Boost.Test decorator for tests (or suites) that need namespaces:
/// `BOOST_AUTO_TEST_CASE(name, *asio_ipv4::test::needs_root())`.
/// Without privileges the test is reported SKIPPED with the reason; when the
/// environment forbids skipping it FAILS with the reason instead.
class needs_root : public boost::unit_test::decorator::base
{
public:
  void apply(boost::unit_test::test_unit& unit) override;
  boost::unit_test::decorator::base_ptr clone() const override;
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_PRIVILEGES_HPP
