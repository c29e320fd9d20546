//
// test/lab/process.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Commands and background processes. Every program goes through
// program_path() (programs.hpp): argv[0] is a registered program or a path.

#ifndef ASIO_IPV4_TEST_LAB_PROCESS_HPP
#define ASIO_IPV4_TEST_LAB_PROCESS_HPP

#include "common.hpp"
#include "programs.hpp"

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// The result of a finished command.
struct command_result
{
  int status = -1;        ///< exit code; 128+N when killed by signal N; -1 timed out
  std::string out;        ///< stdout
  std::string err;        ///< stderr
  bool ok() const { return status == 0; }
};

/// Runs argv to completion in the caller's namespace. argv[0] is a program of
/// tools/programs.txt (program_path()) or a path.
/// A command still running after `timeout` is killed (status -1).
command_result run_command(const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = 30s);

/// `text` quoted for sh (single quotes).
std::string shell_quote(std::string_view text);

/// An error code as text ("success" when there is none), so that a failed
/// comparison of two codes shows both sides.
std::string error_text(const boost::system::error_code& ec);

class host;

/// A background command with a line-oriented stdout.
///
/// The command runs in its own process group with stdin and stdout on pipes
/// and stderr in an unlinked temporary file (so it never blocks on either);
/// it gets SIGKILL if this process dies. The destructor kills the group and
/// reaps the child. Lines are read with a timeout (poll); every line read is
/// kept in lines() for failure messages.
class process
{
public:
  /// Starts argv in the caller's network namespace.
  explicit process(std::vector<std::string> argv);

  /// Starts argv inside `where` (`ip netns exec <name> argv...`).
  process(const host& where, std::vector<std::string> argv);

  process(process&& other) noexcept;
  process& operator=(process&& other) noexcept;
  process(const process&) = delete;
  process& operator=(const process&) = delete;
  ~process();

  pid_t pid() const { return pid_; }

  /// The next stdout line (without '\n'), or nullopt at timeout or end of file.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Reads lines until one contains `text` and returns it. Throws lab_error
  /// (with describe()) on timeout or end of file.
  std::string wait_line(std::string_view text, std::chrono::milliseconds timeout = 10s);

  /// Reads lines until `predicate` accepts one and returns it; throws like
  /// the text form.
  std::string wait_line(const std::function<bool(std::string_view)>& predicate,
      std::chrono::milliseconds timeout = 10s);

  /// Reads lines until end of file or timeout; returns those read by this call.
  std::vector<std::string> read_all(std::chrono::milliseconds timeout);

  /// Every stdout line read so far.
  const std::vector<std::string>& lines() const { return lines_; }

  /// True once stdout reached end of file.
  bool finished_output() const { return eof_; }

  /// Writes to stdin (throws lab_error when the child closed it).
  void write(std::string_view text);
  void write_line(std::string_view line) { write(std::string(line) + "\n"); }
  void close_stdin();

  /// Waits for exit: the status (as in command_result), or nullopt when it
  /// is still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  /// SIGKILL to the process group, then reap. Idempotent.
  void kill();

  /// Everything the command wrote to stderr so far.
  std::string error_output() const;

  /// The command, its status, the lines read and stderr: for failure messages.
  std::string describe() const;

private:
  friend command_result run_command(const std::vector<std::string>&, std::chrono::milliseconds);
  void start(const std::vector<std::string>& argv);
  void release() noexcept;
  bool reap(int options);

  std::string command_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::optional<int> status_;
  std::string buffer_;
  std::vector<std::string> lines_;
  bool eof_ = false;
};

/// The directory of the Python oracles: test/lab/tools of the source tree
/// (source_directory()).
std::string tools_directory();

/// Full path of a tool script (throws lab_error when it does not exist).
std::string tool_path(std::string_view script);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_PROCESS_HPP
