//
// test/lab/process.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "detail.hpp"
#include "host.hpp"
#include "process.hpp"
#include "programs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

namespace asio_ipv4 {
namespace test {

namespace detail {

std::string errno_text(int error)
{
  return std::string(std::strerror(error)) + " (errno " + std::to_string(error) + ")";
}

void close_fd(int& fd) noexcept
{
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

int milliseconds_until(clock_type::time_point deadline)
{
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_type::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 1 << 30));
}

const std::string& ip_command()
{
  static const std::string path = program_path("ip");
  return path;
}

std::string join_command(const std::vector<std::string>& argv)
{
  std::string text;
  for (const auto& arg : argv)
  {
    if (!text.empty())
      text += ' ';
    bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
      return std::isalnum(c) || std::strchr("-_./=:,@%+", c);
    });
    text += plain ? arg : shell_quote(arg);
  }
  return text;
}

void check(const command_result& result, const std::string& what)
{
  if (!result.ok())
    throw lab_error(what + " failed (status " + std::to_string(result.status) + ")\nstdout:\n" +
                    result.out + "stderr:\n" + result.err);
}

void run_checked(const std::vector<std::string>& argv)
{
  check(run_command(argv), join_command(argv));
}

} // namespace detail

std::string shell_quote(std::string_view text)
{
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

namespace {

using namespace detail;

// Reads what is there (waiting until `deadline`) into `buffer`. Returns false
// at timeout; sets `eof` at end of file.
bool fill(int fd, std::string& buffer, bool& eof, clock_type::time_point deadline)
{
  for (;;)
  {
    pollfd watched{fd, POLLIN, 0};
    int ready = ::poll(&watched, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0)
      throw lab_error("poll: " + errno_text(errno));
    if (ready == 0)
    {
      if (clock_type::now() < deadline)
        continue;
      return false;
    }
    char chunk[65536];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0)
    {
      eof = true;
      return true;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

int decode_status(int raw)
{
  if (WIFEXITED(raw))
    return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw))
    return 128 + WTERMSIG(raw);
  return -1;
}

// A write to a tool that has exited must not kill the test program.
void ignore_sigpipe()
{
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction pipe_action{};
    if (::sigaction(SIGPIPE, nullptr, &pipe_action) == 0 && pipe_action.sa_handler == SIG_DFL)
      ::signal(SIGPIPE, SIG_IGN);
  });
}

} // namespace

command_result run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  process child(argv);
  child.close_stdin();
  command_result result;
  while (!child.eof_ && fill(child.stdout_fd_, child.buffer_, child.eof_, deadline))
  {
  }
  result.out = std::move(child.buffer_);
  child.buffer_.clear();
  auto status = child.eof_ ? child.wait(std::chrono::milliseconds(milliseconds_until(deadline)))
                           : std::nullopt;
  if (!status)
    child.kill();
  result.status = status.value_or(-1);
  result.err = child.error_output();
  return result;
}

process::process(std::vector<std::string> argv)
{
  start(argv);
}

process::process(const host& where, std::vector<std::string> argv)
{
  if (!argv.empty())
    argv.front() = program_path(argv.front());
  argv.insert(argv.begin(), {ip_command(), "netns", "exec", where.name()});
  start(argv);
}

void process::start(const std::vector<std::string>& argv)
{
  ignore_sigpipe();
  command_ = join_command(argv);
  if (argv.empty())
    throw lab_error("process: empty command");
  const std::string program = program_path(argv.front());
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    throw lab_error("pipe2: " + errno_text(errno));
  if (::pipe2(out, O_CLOEXEC) != 0)
  {
    ::close(in[0]);
    ::close(in[1]);
    throw lab_error("pipe2: " + errno_text(errno));
  }
  // A large pipe, so a chatty tool does not block while the test is busy.
  ::fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
  int err = ::open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (err < 0)
  {
    char pattern[] = "/tmp/a4t-stderr-XXXXXX";
    err = ::mkostemp(pattern, O_CLOEXEC);
    if (err >= 0)
      ::unlink(pattern);
  }
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err;

  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const char* file = program.c_str();
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child == 0)
  {
    // Only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    if (err >= 0)
      ::dup2(err, 2);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(file, args.data());
    const char message[] = "exec failed\n";
    ssize_t ignored = ::write(2, message, sizeof message - 1);
    (void)ignored;
    ::_exit(127);
  }
  int fork_error = errno;
  ::close(in[0]);
  ::close(out[1]);
  if (child < 0)
  {
    release();
    throw lab_error("fork: " + errno_text(fork_error));
  }
  ::setpgid(child, child);
  pid_ = child;
}

process::process(process&& other) noexcept
    : command_(std::move(other.command_)),
      pid_(std::exchange(other.pid_, -1)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)),
      status_(other.status_),
      buffer_(std::move(other.buffer_)),
      lines_(std::move(other.lines_)),
      eof_(other.eof_)
{
}

process& process::operator=(process&& other) noexcept
{
  if (this != &other)
  {
    kill();
    release();
    command_ = std::move(other.command_);
    pid_ = std::exchange(other.pid_, -1);
    stdin_fd_ = std::exchange(other.stdin_fd_, -1);
    stdout_fd_ = std::exchange(other.stdout_fd_, -1);
    stderr_fd_ = std::exchange(other.stderr_fd_, -1);
    status_ = other.status_;
    buffer_ = std::move(other.buffer_);
    lines_ = std::move(other.lines_);
    eof_ = other.eof_;
  }
  return *this;
}

process::~process()
{
  kill();
  release();
}

void process::release() noexcept
{
  close_fd(stdin_fd_);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

bool process::reap(int options)
{
  if (pid_ <= 0 || status_)
    return true;
  int raw = 0;
  pid_t got;
  do
    got = ::waitpid(pid_, &raw, options);
  while (got < 0 && errno == EINTR);
  if (got == pid_)
  {
    status_ = decode_status(raw);
    return true;
  }
  if (got < 0)   // ECHILD: reaped elsewhere; nothing left to wait for
  {
    status_ = -1;
    return true;
  }
  return false;
}

void process::kill()
{
  if (pid_ <= 0 || status_)
    return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  reap(0);
}

std::optional<std::string> process::read_line(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  for (;;)
  {
    auto newline = buffer_.find('\n');
    if (newline != std::string::npos)
    {
      lines_.push_back(buffer_.substr(0, newline));
      buffer_.erase(0, newline + 1);
      return lines_.back();
    }
    if (eof_ || stdout_fd_ < 0)
    {
      if (buffer_.empty())
        return std::nullopt;
      lines_.push_back(std::move(buffer_));
      buffer_.clear();
      return lines_.back();
    }
    if (!fill(stdout_fd_, buffer_, eof_, deadline))
      return std::nullopt;
  }
}

std::string process::wait_line(std::string_view text, std::chrono::milliseconds timeout)
{
  std::string wanted(text);
  try
  {
    return wait_line([&](std::string_view line) { return line.find(wanted) != line.npos; }, timeout);
  }
  catch (const lab_error& e)
  {
    throw lab_error("no line containing '" + wanted + "': " + e.what());
  }
}

std::string process::wait_line(const std::function<bool(std::string_view)>& predicate,
    std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  for (;;)
  {
    auto line = read_line(std::chrono::milliseconds(milliseconds_until(deadline)));
    if (line && predicate(*line))
      return *line;
    if (!line)
      throw lab_error(std::string(eof_ ? "output ended" : "timed out after " +
                                         std::to_string(timeout.count()) + " ms") +
                      " waiting for a line\n" + describe());
  }
}

std::vector<std::string> process::read_all(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  std::vector<std::string> got;
  while (auto line = read_line(std::chrono::milliseconds(milliseconds_until(deadline))))
    got.push_back(*line);
  return got;
}

void process::write(std::string_view text)
{
  while (!text.empty())
  {
    if (stdin_fd_ < 0)
      throw lab_error("write to closed stdin of " + command_);
    ssize_t n = ::write(stdin_fd_, text.data(), text.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw lab_error("write to " + command_ + ": " + errno_text(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void process::close_stdin()
{
  close_fd(stdin_fd_);
}

std::optional<int> process::wait(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (!reap(WNOHANG))
  {
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::string process::error_output() const
{
  std::string text;
  if (stderr_fd_ < 0)
    return text;
  char chunk[4096];
  for (off_t offset = 0;;)
  {
    ssize_t n = ::pread(stderr_fd_, chunk, sizeof chunk, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    text.append(chunk, static_cast<std::size_t>(n));
    offset += n;
  }
  return text;
}

std::string process::describe() const
{
  std::string text = "command: " + command_ + "\nstatus: " +
                     (status_ ? std::to_string(*status_) : std::string("running")) +
                     "\nstdout lines read:";
  std::size_t first = lines_.size() > 40 ? lines_.size() - 40 : 0;
  if (first > 0)
    text += "\n  ... " + std::to_string(first) + " earlier lines";
  for (std::size_t i = first; i < lines_.size(); ++i)
    text += "\n  " + lines_[i];
  if (!buffer_.empty())
    text += "\n  (unfinished) " + buffer_;
  std::string err = error_output();
  if (err.size() > 4000)
    err = "..." + err.substr(err.size() - 4000);
  return text + "\nstderr:\n" + err;
}

std::string tools_directory()
{
  std::string dir = source_directory() + "/test/lab/tools";
  if (::access((dir + "/sniff.py").c_str(), R_OK) != 0)
    throw lab_error("no Python tools in " + dir + ": set ASIO_IPV4_TEST_DIR to the source test/ directory");
  return dir;
}

std::string tool_path(std::string_view script)
{
  std::string path = tools_directory() + "/" + std::string(script);
  if (::access(path.c_str(), R_OK) != 0)
    throw lab_error("no tool " + path);
  return path;
}

} // namespace test
} // namespace asio_ipv4
