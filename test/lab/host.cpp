//
// test/lab/host.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "detail.hpp"
#include "host.hpp"
#include "programs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
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

namespace asio_ipv4 {
namespace test {

namespace {

using namespace detail;

const char netns_directory[] = "/var/run/netns";
const char name_prefix[] = "a4t";

// ---------------------------------------------------------------------------
// The namespaces of this process: deleted at exit and on
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
void prepare_namespaces()
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

} // namespace

host::host(std::string role) : role_(std::move(role))
{
  static std::atomic<unsigned> counter{0};
  prepare_namespaces();
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

} // namespace test
} // namespace asio_ipv4
