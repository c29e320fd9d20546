//
// test/net/lab.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "net/lab.hpp"

#include <boost/test/tree/fixture.hpp>
#include <boost/test/tree/test_unit.hpp>
#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

namespace asio_ipv4 {
namespace test {
namespace {

using clock_type = std::chrono::steady_clock;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::network_v4;

const char netns_directory[] = "/var/run/netns";
const char name_prefix[] = "a4t";

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

bool executable(const std::string& path)
{
  return ::access(path.c_str(), X_OK) == 0;
}

const std::string& ip_command()
{
  static const std::string path = program_path("ip");
  return path;
}

bool equals_any(const char* value, std::initializer_list<const char*> words)
{
  if (!value)
    return false;
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
      [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return lower == w; });
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

// ---------------------------------------------------------------------------
// The registry of this process's namespaces: deleted at exit and on
// SIGINT/SIGTERM/SIGHUP even when no destructor gets to run (a test aborted
// by a signal that Boost.Test turned into a longjmp, a ctest timeout).
// ---------------------------------------------------------------------------

constexpr std::size_t registry_slots = 256;
constexpr std::size_t name_capacity = 48;
char registry_names[registry_slots][name_capacity];
std::atomic<bool> registry_used[registry_slots];

// Async-signal-safe: umount2 and unlink, as `ip netns delete` does.
void delete_namespace_file(const char* name) noexcept
{
  char path[sizeof(netns_directory) + name_capacity + 1];
  std::size_t n = 0;
  for (const char* p = netns_directory; *p; ++p)
    path[n++] = *p;
  path[n++] = '/';
  for (const char* p = name; *p && n + 1 < sizeof(path); ++p)
    path[n++] = *p;
  path[n] = '\0';
  ::umount2(path, MNT_DETACH);
  ::unlink(path);
}

void delete_registered() noexcept
{
  for (std::size_t i = 0; i < registry_slots; ++i)
    if (registry_used[i].exchange(false))
      delete_namespace_file(registry_names[i]);
}

void on_fatal_signal(int signal_number)
{
  delete_registered();
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void register_namespace(const std::string& name)
{
  if (name.size() >= name_capacity)
    return;
  for (std::size_t i = 0; i < registry_slots; ++i)
  {
    if (!registry_used[i].load())
    {
      std::memcpy(registry_names[i], name.c_str(), name.size() + 1);
      bool expected = false;
      if (registry_used[i].compare_exchange_strong(expected, true))
        return;
    }
  }
}

void unregister_namespace(const std::string& name)
{
  for (std::size_t i = 0; i < registry_slots; ++i)
    if (registry_used[i].load() && name == registry_names[i])
      registry_used[i].store(false);
}

// "a4t<pid>x<n>" -> pid, or 0 when the name is not one of ours.
pid_t lab_namespace_owner(const std::string& name)
{
  if (name.compare(0, std::strlen(name_prefix), name_prefix) != 0)
    return 0;
  std::size_t i = std::strlen(name_prefix);
  std::size_t digits = name.find_first_not_of("0123456789", i);
  if (digits == i || digits == std::string::npos || name[digits] != 'x' ||
      name.find_first_not_of("0123456789", digits + 1) != std::string::npos ||
      digits + 1 == name.size())
    return 0;
  return static_cast<pid_t>(std::stol(name.substr(i, digits - i)));
}

// Once per process: remove namespaces of dead earlier runs, and make sure
// ours go away however this process ends.
void prepare_lab()
{
  static std::once_flag once;
  std::call_once(once, [] {
    remove_stale_namespaces();
    std::atexit(delete_registered);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP})
    {
      struct sigaction current{};
      if (::sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
        ::signal(signal_number, on_fatal_signal);
    }
    // A write to a tool that has exited must not kill the test program.
    struct sigaction pipe_action{};
    if (::sigaction(SIGPIPE, nullptr, &pipe_action) == 0 && pipe_action.sa_handler == SIG_DFL)
      ::signal(SIGPIPE, SIG_IGN);
  });
}

std::string read_whole_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw lab_error("cannot open " + path + ": " + errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string text)
{
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start])))
    ++start;
  return text.substr(start);
}

unsigned long to_number(const std::string& text, const std::string& what, int base = 10)
{
  try
  {
    std::size_t used = 0;
    unsigned long value = std::stoul(text, &used, base);
    if (used != text.size())
      throw std::invalid_argument(text);
    return value;
  }
  catch (const std::logic_error&)
  {
    throw lab_error("bad number for " + what + ": '" + text + "'");
  }
}

address_v4 to_address(const std::string& text, const std::string& what)
{
  boost::system::error_code ec;
  address_v4 address = make_address_v4(text, ec);
  if (ec)
    throw lab_error("bad IPv4 address for " + what + ": '" + text + "'");
  return address;
}

} // namespace

// ---------------------------------------------------------------------------
// Privileges
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Commands and processes
// ---------------------------------------------------------------------------

std::string shell_quote(std::string_view text)
{
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string error_text(const boost::system::error_code& ec)
{
  return ec ? ec.message() : "success";
}

namespace {

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
  prepare_lab();
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
  auto has_tools = [](const std::string& dir) { return executable(dir + "/sniff.py"); };
  if (const char* env = std::getenv("ASIO_IPV4_TEST_DIR"))
  {
    std::string dir = std::string(env) + "/net/tools";
    if (has_tools(dir))
      return dir;
  }
  std::string here = __FILE__;
  here = here.substr(0, here.find_last_of('/') + 1) + "tools";
  if (has_tools(here))
    return here;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0)
  {
    std::string dir(exe, static_cast<std::size_t>(n));
    dir = dir.substr(0, dir.find_last_of('/'));
    for (const char* relative : {"/../test/net/tools", "/../../test/net/tools", "/tools"})
      if (has_tools(dir + relative))
        return dir + relative;
  }
  throw lab_error("cannot find test/net/tools: set ASIO_IPV4_TEST_DIR to the source test/ directory");
}

std::string tool_path(std::string_view script)
{
  std::string path = tools_directory() + "/" + std::string(script);
  if (::access(path.c_str(), R_OK) != 0)
    throw lab_error("no tool " + path);
  return path;
}

// ---------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------

host::host(std::string role) : role_(std::move(role))
{
  static std::atomic<unsigned> counter{0};
  prepare_lab();
  name_ = name_prefix + std::to_string(::getpid()) + "x" + std::to_string(counter++);
  run_checked({ip_command(), "netns", "add", name_});
  register_namespace(name_);
  try
  {
    run_checked({ip_command(), "-n", name_, "link", "set", "lo", "up"});
    sysctl("net.ipv4.icmp_ratelimit", "0");
  }
  catch (...)
  {
    delete_namespace_file(name_.c_str());
    unregister_namespace(name_);
    throw;
  }
}

host::host(host&& other) noexcept
    : role_(std::move(other.role_)), name_(std::move(other.name_)), interfaces_(other.interfaces_)
{
  other.name_.clear();
}

host::~host()
{
  if (name_.empty())
    return;
  delete_namespace_file(name_.c_str());
  unregister_namespace(name_);
}

std::string host::netns_path() const
{
  return std::string(netns_directory) + "/" + name_;
}

host::namespace_switch::namespace_switch(const host& target)
{
  saved_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_ < 0)
    throw lab_error("open /proc/thread-self/ns/net: " + errno_text(errno));
  int fd = ::open(target.netns_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0)
  {
    int error = errno;
    if (fd >= 0)
      ::close(fd);
    close_fd(saved_);
    throw lab_error("entering " + target.name() + " (" + target.role() + "): " + errno_text(error));
  }
  ::close(fd);
}

host::namespace_switch::~namespace_switch()
{
  if (::setns(saved_, CLONE_NEWNET) != 0)
  {
    // A thread stuck in a test namespace would make every later check lie.
    std::fprintf(stderr, "lab: cannot switch back to the original namespace: %s\n",
        std::strerror(errno));
    std::abort();
  }
  ::close(saved_);
}

command_result host::try_run(const std::string& command, std::chrono::milliseconds timeout) const
{
  require_programs(command);
  return run_command({ip_command(), "netns", "exec", name_, program_path("sh"), "-c", command}, timeout);
}

void host::run(const std::string& command) const
{
  check(try_run(command), "in host " + role_ + " (" + name_ + "): " + command);
}

std::string host::output(const std::string& command) const
{
  auto result = try_run(command);
  check(result, "in host " + role_ + " (" + name_ + "): " + command);
  return result.out;
}

unsigned host::if_index(const std::string& ifname) const
{
  unsigned index = enter([&] { return ::if_nametoindex(ifname.c_str()); });
  if (index == 0)
    throw lab_error("no interface " + ifname + " in host " + role_ + " (" + name_ + ")");
  return index;
}

namespace {

std::string sysctl_path(const std::string& key)
{
  std::string path = key;
  if (path.find('/') == std::string::npos)
    std::replace(path.begin(), path.end(), '.', '/');
  return "/proc/sys/" + path;
}

} // namespace

void host::sysctl(const std::string& key, const std::string& value) const
{
  std::string path = sysctl_path(key);
  enter([&] {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      throw lab_error("sysctl " + key + " in " + role_ + ": " + errno_text(errno));
    ssize_t n = ::write(fd, value.data(), value.size());
    int error = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(value.size()))
      throw lab_error("sysctl " + key + "=" + value + " in " + role_ + ": " + errno_text(error));
  });
}

std::string host::sysctl(const std::string& key) const
{
  return trim(read_file(sysctl_path(key)));
}

std::string host::read_file(const std::string& path) const
{
  if (path.compare(0, 10, "/proc/net/") == 0)
    return enter([&] { return read_whole_file("/proc/thread-self/net/" + path.substr(10)); });
  if (path.compare(0, 6, "/proc/") == 0)
    return enter([&] { return read_whole_file(path); });
  return output("cat " + shell_quote(path));
}

void host::add_address(const std::string& ifname, const std::string& spec) const
{
  std::vector<std::string> argv{ip_command(), "-n", name_, "addr", "add"};
  std::istringstream words(spec);
  for (std::string word; words >> word;)
    argv.push_back(word);
  argv.insert(argv.end(), {"dev", ifname});
  run_checked(argv);
}

void host::add_route(const std::string& spec) const
{
  run("ip route add " + spec);
}

void host::set_mtu(const std::string& ifname, unsigned mtu) const
{
  run_checked({ip_command(), "-n", name_, "link", "set", ifname, "mtu", std::to_string(mtu)});
}

void host::set_up(const std::string& ifname, bool up) const
{
  run_checked({ip_command(), "-n", name_, "link", "set", ifname, up ? "up" : "down"});
}

process host::spawn(std::vector<std::string> argv) const
{
  return process(*this, std::move(argv));
}

// Debian's python3 (its registered path) starts several times faster than a
// version-manager shim found first on PATH (pyenv's costs about half a
// second a start); ASIO_IPV4_PYTHON overrides it.
static std::string python_interpreter()
{
  if (const char* chosen = std::getenv("ASIO_IPV4_PYTHON"); chosen && *chosen)
    return chosen;
  return program_path("python3");
}

process host::python(std::string_view script, std::vector<std::string> args) const
{
  static const std::string interpreter = python_interpreter();
  args.insert(args.begin(), {interpreter, "-u", "-B", tool_path(script)});
  return spawn(std::move(args));
}

std::string host::next_interface_name()
{
  return "veth" + std::to_string(interfaces_++);
}

std::vector<std::string> lab_namespaces()
{
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(netns_directory))
  {
    while (dirent* entry = ::readdir(dir))
      if (std::strncmp(entry->d_name, name_prefix, std::strlen(name_prefix)) == 0)
        names.emplace_back(entry->d_name);
    ::closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> remove_stale_namespaces()
{
  std::vector<std::string> removed;
  for (const auto& name : lab_namespaces())
  {
    pid_t owner = lab_namespace_owner(name);
    if (owner > 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH)
    {
      delete_namespace_file(name.c_str());
      removed.push_back(name);
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------
// Links and topologies
// ---------------------------------------------------------------------------

namespace {

// The kernel activates a device's queue asynchronously (linkwatch) after it
// goes up; a packet sent before that is dropped. Wait for IFF_RUNNING.
void wait_running(const host& where, const std::string& ifname)
{
  bool running = eventually([&] {
    return where.enter([&] {
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      ifreq request{};
      std::strncpy(request.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
      bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0 &&
                (request.ifr_flags & IFF_RUNNING);
      if (fd >= 0)
        ::close(fd);
      return up;
    });
  }, 5s, 2ms);
  if (!running)
    throw lab_error(ifname + " in " + where.role() + " is not RUNNING after 5 s:\n" +
                    where.output("ip addr show"));
}

// One above the highest interface index of a host.
unsigned next_free_index(const host& where)
{
  return where.enter([] {
    unsigned highest = 0;
    if (struct if_nameindex* all = ::if_nameindex())
    {
      for (struct if_nameindex* i = all; i->if_index != 0; ++i)
        highest = std::max(highest, i->if_index);
      ::if_freenameindex(all);
    }
    return highest + 1;
  });
}

link_end make_end(const host& where, const std::string& ifname, unsigned subnet, unsigned host_part,
    bool addressed)
{
  link_end end;
  end.name = ifname;
  end.index = where.if_index(ifname);
  if (addressed)
  {
    end.address = address_v4({10, 0, static_cast<unsigned char>(subnet),
        static_cast<unsigned char>(host_part)});
    end.network = network_v4(end.address, 24);
    where.add_address(ifname, end.network.to_string());
  }
  return end;
}

void route_multicast(const host& where, const link_end& out)
{
  where.add_route("224.0.0.0/4 dev " + out.name);
}

// Routes along a chain of hosts joined by `links` (links[i] joins hops i and
// i+1): the ends route by default towards each other, and every router knows
// the subnets on both sides.
void route_chain(const std::vector<const host*>& hops, const std::vector<link>& links)
{
  const std::size_t last = hops.size() - 1;
  hops.front()->add_route("default via " + links.front().right.address.to_string());
  route_multicast(*hops.front(), links.front().left);
  hops.back()->add_route("default via " + links.back().left.address.to_string());
  route_multicast(*hops.back(), links.back().right);
  for (std::size_t hop = 1; hop < last; ++hop)
  {
    hops[hop]->sysctl("net.ipv4.ip_forward", "1");
    for (std::size_t i = 0; i + 1 < hop; ++i)   // subnets on the left, not attached
      hops[hop]->add_route(links[i].left.network.canonical().to_string() + " via " +
                           links[hop - 1].left.address.to_string());
    for (std::size_t i = hop + 1; i < links.size(); ++i)   // on the right, not attached
      hops[hop]->add_route(links[i].left.network.canonical().to_string() + " via " +
                           links[hop].right.address.to_string());
  }
}

} // namespace

link connect(host& left, host& right, unsigned subnet, const link_options& options)
{
  if (options.addresses && (subnet < 1 || subnet > 254))
    throw lab_error("connect: subnet must be 1..254, not " + std::to_string(subnet));
  std::string left_name = left.next_interface_name();
  std::string right_name = right.next_interface_name();
  std::string mtu = std::to_string(options.mtu);
  // Ends whose ifindex equals their peer's get their operstate (IFF_RUNNING)
  // from the kernel's linkwatch up to a second late: give them different ones.
  unsigned left_index = next_free_index(left);
  unsigned right_index = next_free_index(right);
  if (right_index == left_index)
    ++right_index;
  run_checked({ip_command(), "link", "add", left_name, "index", std::to_string(left_index), "mtu",
      mtu, "netns", left.name(), "type", "veth", "peer", "name", right_name, "index",
      std::to_string(right_index), "mtu", mtu, "netns", right.name()});
  link result{make_end(left, left_name, subnet, 1, options.addresses),
      make_end(right, right_name, subnet, 2, options.addresses)};
  if (options.up)
  {
    left.set_up(left_name);
    right.set_up(right_name);
    wait_running(left, left_name);
    wait_running(right, right_name);
  }
  return result;
}

two_hosts_lab two_hosts()
{
  two_hosts_lab lab{host("a"), host("b"), {}, {}};
  link ab = connect(lab.a, lab.b, 1);
  lab.a_if = ab.left;
  lab.b_if = ab.right;
  route_multicast(lab.a, lab.a_if);
  route_multicast(lab.b, lab.b_if);
  return lab;
}

routed_lab routed()
{
  routed_lab lab{host("a"), host("r"), host("b"), {}, {}, {}, {}};
  std::vector<link> links{connect(lab.a, lab.r, 1), connect(lab.r, lab.b, 2)};
  route_chain({&lab.a, &lab.r, &lab.b}, links);
  lab.a_if = links[0].left;
  lab.r_a_if = links[0].right;
  lab.r_b_if = links[1].left;
  lab.b_if = links[1].right;
  return lab;
}

void routed_lab::set_r_b_mtu(unsigned mtu) const
{
  r.set_mtu(r_b_if.name, mtu);
  b.set_mtu(b_if.name, mtu);
}

dual_homed_lab dual_homed()
{
  dual_homed_lab lab{host("a"), host("b"), host("c"), {}, {}, {}, {}};
  link ab = connect(lab.a, lab.b, 1);
  link ac = connect(lab.a, lab.c, 2);
  lab.a_b_if = ab.left;
  lab.b_if = ab.right;
  lab.a_c_if = ac.left;
  lab.c_if = ac.right;
  route_multicast(lab.a, lab.a_b_if);
  route_multicast(lab.b, lab.b_if);
  route_multicast(lab.c, lab.c_if);
  return lab;
}

chain_lab chain(unsigned routers)
{
  if (routers < 1 || routers > 253)
    throw lab_error("chain: 1..253 routers, not " + std::to_string(routers));
  chain_lab lab{host("a"), {}, host("b"), {}};
  lab.routers.reserve(routers);
  for (unsigned i = 1; i <= routers; ++i)
    lab.routers.emplace_back("r" + std::to_string(i));
  std::vector<host*> hops{&lab.a};
  for (auto& router : lab.routers)
    hops.push_back(&router);
  hops.push_back(&lab.b);
  for (std::size_t i = 0; i + 1 < hops.size(); ++i)
    lab.links.push_back(connect(*hops[i], *hops[i + 1], static_cast<unsigned>(i + 1)));
  route_chain(std::vector<const host*>(hops.begin(), hops.end()), lab.links);
  return lab;
}

// ---------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------

std::map<std::string, std::string> parse_fields(std::string_view line)
{
  std::map<std::string, std::string> fields;
  std::istringstream words{std::string(line)};
  std::string word;
  if (words >> word)
    fields[""] = word;
  while (words >> word)
  {
    auto equals = word.find('=');
    if (equals == std::string::npos)
      fields[word] = "";
    else
      fields[word.substr(0, equals)] = word.substr(equals + 1);
  }
  return fields;
}

std::vector<std::uint8_t> from_hex(std::string_view hex)
{
  std::vector<std::uint8_t> bytes;
  if (hex == "-")
    return bytes;
  if (hex.size() % 2 != 0)
    throw lab_error("odd-length hex: " + std::string(hex));
  for (std::size_t i = 0; i < hex.size(); i += 2)
    bytes.push_back(static_cast<std::uint8_t>(to_number(std::string(hex.substr(i, 2)), "hex", 16)));
  return bytes;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes)
{
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (auto byte : bytes)
  {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

namespace {

const std::string& required(const std::map<std::string, std::string>& fields, const std::string& key,
    const std::string& line)
{
  auto found = fields.find(key);
  if (found == fields.end())
    throw lab_error("no " + key + "= in tool line: " + line);
  return found->second;
}

template <class T>
std::optional<T> optional_number(const std::map<std::string, std::string>& fields, const std::string& key)
{
  auto found = fields.find(key);
  if (found == fields.end() || found->second == "-")
    return std::nullopt;
  return static_cast<T>(to_number(found->second, key));
}

} // namespace

packet_record parse_packet_line(const std::string& line)
{
  packet_record packet;
  packet.line = line;
  packet.fields = parse_fields(line);
  const auto& f = packet.fields;
  auto number = [&](const std::string& key) {
    return static_cast<unsigned>(to_number(required(f, key, line), key));
  };
  if (f.count("dir"))
  {
    packet.outgoing = f.at("dir") == "out";
    packet.packet_type = f.count("pkttype") ? f.at("pkttype") : "";
  }
  packet.source = to_address(required(f, "src", line), "src");
  packet.destination = to_address(required(f, "dst", line), "dst");
  packet.tos = number("tos");
  packet.ttl = number("ttl");
  packet.id = number("id");
  packet.flags = static_cast<unsigned>(to_number(required(f, "flags", line), "flags", 2));
  packet.fragment_offset = number("frag");
  packet.protocol = number("proto");
  packet.header_length = number("ihl") * 4;
  packet.total_length = number("len");
  packet.options = from_hex(required(f, "opts", line));
  packet.source_port = optional_number<std::uint16_t>(f, "sport");
  packet.destination_port = optional_number<std::uint16_t>(f, "dport");
  packet.udp_length = optional_number<std::uint16_t>(f, "ulen");
  packet.icmp_type = optional_number<std::uint8_t>(f, "type");
  packet.icmp_code = optional_number<std::uint8_t>(f, "code");
  packet.payload_length = number("plen");
  packet.payload = from_hex(required(f, "payload", line));
  return packet;
}

sniffer::sniffer(const host& where, const std::string& ifname, const sniff_filter& filter)
    : tool_([&] {
        std::vector<std::string> args{"--iface", ifname, "--count", std::to_string(filter.count),
            "--timeout", std::to_string(filter.lifetime.count())};
        auto add = [&](const char* option, const auto& value) {
          if (value)
          {
            args.push_back(option);
            std::ostringstream text;
            text << *value;
            args.push_back(text.str());
          }
        };
        add("--proto", filter.protocol);
        add("--src", filter.source);
        add("--dst", filter.destination);
        add("--port", filter.port);
        add("--sport", filter.source_port);
        add("--dport", filter.destination_port);
        if (filter.outgoing)
          args.insert(args.end(), {"--direction", *filter.outgoing ? "out" : "in"});
        return where.python("sniff.py", args);
      }())
{
  tool_.wait_line([](std::string_view line) { return line.rfind("ready", 0) == 0; });
}

bool sniffer::take(const std::string& line)
{
  if (line.rfind("pkt ", 0) != 0)
    return false;
  packets_.push_back(parse_packet_line(line));
  return true;
}

std::optional<packet_record> sniffer::next(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (auto line = tool_.read_line(std::chrono::milliseconds(milliseconds_until(deadline))))
    if (take(*line))
      return packets_.back();
  return std::nullopt;
}

const std::vector<packet_record>& sniffer::wait_for(std::size_t n, std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (packets_.size() < n && next(std::chrono::milliseconds(milliseconds_until(deadline))))
  {
  }
  return packets_;
}

std::vector<packet_record> sniffer::packets(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (next(std::chrono::milliseconds(milliseconds_until(deadline))))
  {
  }
  return stop();
}

std::vector<packet_record> sniffer::stop()
{
  if (!tool_.finished_output())
  {
    try
    {
      tool_.write_line("stop");
    }
    catch (const lab_error&)
    {
      // The tool has already exited; its output is still readable.
    }
    for (const auto& line : tool_.read_all(5s))
      take(line);
  }
  if (!tool_.wait(2s))
    tool_.kill();
  return packets_;
}

datagram_record parse_datagram_line(const std::string& line)
{
  datagram_record datagram;
  datagram.line = line;
  datagram.fields = parse_fields(line);
  const auto& f = datagram.fields;
  auto optional_address = [&](const std::string& key) -> std::optional<address_v4> {
    auto found = f.find(key);
    if (found == f.end() || found->second == "-")
      return std::nullopt;
    return to_address(found->second, key);
  };
  datagram.source = to_address(required(f, "src", line), "src");
  datagram.source_port = static_cast<std::uint16_t>(to_number(required(f, "sport", line), "sport"));
  datagram.destination = optional_address("dst");
  datagram.local = optional_address("local");
  datagram.interface_index = optional_number<unsigned>(f, "ifindex");
  datagram.tos = optional_number<unsigned>(f, "tos");
  datagram.ttl = optional_number<unsigned>(f, "ttl");
  if (f.count("origdst") && f.at("origdst") != "-")
    datagram.original_destination = f.at("origdst");
  datagram.truncated = f.count("trunc") && f.at("trunc") == "1";
  datagram.payload = from_hex(required(f, "payload", line));
  return datagram;
}

std::optional<datagram_record> next_datagram(process& receiver, std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (auto line = receiver.read_line(std::chrono::milliseconds(milliseconds_until(deadline))))
    if (line->rfind("dgram ", 0) == 0)
      return parse_datagram_line(*line);
  return std::nullopt;
}

std::vector<igmp_membership> parse_proc_net_igmp(std::string_view text)
{
  // "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter", then per
  // device "3\tveth0     :     2      V3" followed by indented group rows
  // "\t\t\t\t030201EF     1 0:00000000\t\t0" (the group's network-order
  // bytes printed as a host-order integer).
  std::vector<igmp_membership> rows;
  std::istringstream lines{std::string(text)};
  unsigned index = 0;
  std::string name;
  for (std::string line; std::getline(lines, line);)
  {
    if (line.empty() || line.rfind("Idx", 0) == 0)
      continue;
    std::istringstream words(line);
    if (!std::isspace(static_cast<unsigned char>(line[0])))
    {
      std::string index_text;
      words >> index_text >> name;
      index = static_cast<unsigned>(to_number(index_text, "igmp index"));
      if (!name.empty() && name.back() == ':')
        name.pop_back();
      continue;
    }
    std::string group_text, users_text;
    if (!(words >> group_text >> users_text))
      continue;
    auto raw = static_cast<std::uint32_t>(to_number(group_text, "igmp group", 16));
    address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &raw, 4);
    rows.push_back({index, name, address_v4(bytes),
        static_cast<unsigned>(to_number(users_text, "igmp users"))});
  }
  return rows;
}

std::vector<igmp_membership> igmp_memberships(const host& where)
{
  return parse_proc_net_igmp(where.read_file("/proc/net/igmp"));
}

std::vector<mcfilter_entry> parse_proc_net_mcfilter(std::string_view text)
{
  // "Idx Device        MCA        SRC    INC    EXC", then rows
  // "  3     v0 0xef010204 0x0a000109      1      0" (host-order hex; the
  // device name is cut to 6 characters by the kernel).
  std::vector<mcfilter_entry> rows;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);)
  {
    std::istringstream words(line);
    std::string index, name, group, source, include, exclude;
    if (!(words >> index >> name >> group >> source >> include >> exclude) || index == "Idx")
      continue;
    auto address = [](std::string hex) {
      if (hex.rfind("0x", 0) == 0)
        hex.erase(0, 2);
      return address_v4(static_cast<address_v4::uint_type>(to_number(hex, "mcfilter address", 16)));
    };
    rows.push_back({static_cast<unsigned>(to_number(index, "mcfilter index")), name, address(group),
        address(source), static_cast<unsigned>(to_number(include, "mcfilter INC")),
        static_cast<unsigned>(to_number(exclude, "mcfilter EXC"))});
  }
  return rows;
}

std::vector<mcfilter_entry> mcfilter_entries(const host& where)
{
  return parse_proc_net_mcfilter(where.read_file("/proc/net/mcfilter"));
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
    std::chrono::milliseconds interval)
{
  auto deadline = clock_type::now() + timeout;
  for (;;)
  {
    if (condition())
      return true;
    if (clock_type::now() >= deadline)
      return false;
    std::this_thread::sleep_for(interval);
  }
}

} // namespace test
} // namespace asio_ipv4
