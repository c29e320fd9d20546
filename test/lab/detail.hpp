//
// test/lab/detail.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Helpers shared by the lab's source files; not for tests.

#ifndef ASIO_IPV4_TEST_LAB_DETAIL_HPP
#define ASIO_IPV4_TEST_LAB_DETAIL_HPP

#include "process.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace asio_ipv4 {
namespace test {
namespace detail {

using clock_type = std::chrono::steady_clock;

/// strerror and the number: "No such file or directory (errno 2)".
std::string errno_text(int error);

/// Closes fd when open and sets it to -1.
void close_fd(int& fd) noexcept;

/// Milliseconds left until `deadline` (0 when past).
int milliseconds_until(clock_type::time_point deadline);

/// argv as a readable shell line (quoted where needed).
std::string join_command(const std::vector<std::string>& argv);

/// Throws lab_error with the output when `result` is not a success.
void check(const command_result& result, const std::string& what);

/// run_command(argv), then check().
void run_checked(const std::vector<std::string>& argv);

/// program_path("ip"), resolved once.
const std::string& ip_command();

} // namespace detail
} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_DETAIL_HPP
