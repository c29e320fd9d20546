//
// test/netns/example_program.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Finding the example programs that the examples tests run. They are looked
// for in $ASIO_IPV4_EXAMPLE_DIR, next to the test program's build tree
// (CMake: build/example/<name> beside build/test/), and anywhere under the
// b2 bin/ tree that holds the test program (the newest build wins).
//
// A test whose program is not built is skipped with a message, like a
// missing privilege, and fails where skipping is forbidden (CI=true or
// ASIO_IPV4_REQUIRE_PRIVILEGED=1, see privileges.hpp):
//
//   BOOST_AUTO_TEST_CASE(ping_runs, *needs_example("ping_cpp20"))
//   {
//     const std::string ping = require_example("ping_cpp20");
//     ...

#ifndef ASIO_IPV4_TEST_NET_EXAMPLE_PROGRAM_HPP
#define ASIO_IPV4_TEST_NET_EXAMPLE_PROGRAM_HPP

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

namespace asio_ipv4::test {

/// Where the example program `name` was built, or nothing.
std::optional<std::string> find_example(const std::string& name);

/// Precondition decorator: skip when `name` is not built, unless skipping is
/// forbidden; then the test runs and require_example() fails it.
boost::unit_test::decorator::precondition needs_example(const std::string& name);

/// The path of the example program `name`; a fatal test failure when it is
/// not built.
std::string require_example(const std::string& name);

} // namespace asio_ipv4::test

#endif
