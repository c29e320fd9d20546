//
// test/lab/host.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Hosts: network namespaces with loopback up, removed again however the
// test program ends. Namespace names are `a4t<pid>x<n>`.

#ifndef ASIO_IPV4_TEST_LAB_HOST_HPP
#define ASIO_IPV4_TEST_LAB_HOST_HPP

#include "common.hpp"
#include "process.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// One network namespace with loopback up: a "host" of the lab.
///
/// Created with `ip netns add a4t<pid>x<n>`; the destructor deletes it (the
/// veth ends inside go with it; a process still running inside keeps the
/// namespace alive until it exits). New hosts also get
/// net.ipv4.icmp_ratelimit=0, so ICMP errors (port unreachable, time
/// exceeded, fragmentation needed) are never rate limited in tests.
class host
{
public:
  /// `role` is a readable tag for messages ("a", "r1").
  explicit host(std::string role = "host");
  host(host&& other) noexcept;
  host& operator=(host&&) = delete;
  host(const host&) = delete;
  host& operator=(const host&) = delete;
  ~host();

  /// The namespace name (for `ip netns exec`).
  const std::string& name() const { return name_; }
  const std::string& role() const { return role_; }

  /// Runs a shell command inside the host; throws lab_error with its output
  /// when it exits non-zero.
  void run(const std::string& command) const;

  /// Runs a shell command inside the host and returns its stdout; throws
  /// like run().
  std::string output(const std::string& command) const;

  /// Runs a shell command inside the host and returns whatever happened.
  command_result try_run(const std::string& command,
      std::chrono::milliseconds timeout = 30s) const;

  /// Runs f() with the calling thread switched into this host (setns(2))
  /// and switches back afterwards, also when f throws. Sockets created by f
  /// stay in this host for their whole life, wherever they are used later.
  /// Only the calling thread moves: do not block on other threads' work
  /// inside f.
  template <class F>
  decltype(auto) enter(F&& f) const
  {
    namespace_switch inside(*this);
    return std::forward<F>(f)();
  }

  /// The kernel index of an interface of this host (throws when missing).
  unsigned if_index(const std::string& ifname) const;

  /// Writes /proc/sys/<key with '.' as '/'> inside the host
  /// ("net.ipv4.ip_forward", "1").
  void sysctl(const std::string& key, const std::string& value) const;

  /// Reads a sysctl of this host (trailing newline removed).
  std::string sysctl(const std::string& key) const;

  /// Reads a file as this host sees it. /proc/net/... is read through
  /// /proc/thread-self/net while entered (per-namespace, and right even on
  /// a thread other than main); other /proc paths while entered; anything
  /// else (/sys/class/net/...) with `cat` under `ip netns exec`.
  std::string read_file(const std::string& path) const;

  /// `ip addr add <spec> dev <ifname>`: "10.0.1.1/24", or with ip's extra
  /// words: "10.0.1.5/24 label veth0:1", "10.0.9.1 peer 10.0.9.2/32".
  void add_address(const std::string& ifname, const std::string& spec) const;

  /// `ip route add <spec>` ("default via 10.0.1.1", "224.0.0.0/4 dev veth0").
  void add_route(const std::string& spec) const;

  /// `ip link set <ifname> mtu <mtu>`.
  void set_mtu(const std::string& ifname, unsigned mtu) const;

  /// `ip link set <ifname> up|down`.
  void set_up(const std::string& ifname, bool up = true) const;

  /// Starts a background command inside the host.
  process spawn(std::vector<std::string> argv) const;

  /// Starts tools/<script> with python3 (-u -B) inside the host.
  process python(std::string_view script, std::vector<std::string> args) const;

  /// A fresh interface name for this host: veth0, veth1, ...
  std::string next_interface_name();

  /// The namespace file, /var/run/netns/<name>.
  std::string netns_path() const;

private:
  class namespace_switch
  {
  public:
    explicit namespace_switch(const host& target);
    ~namespace_switch();
    namespace_switch(const namespace_switch&) = delete;
    namespace_switch& operator=(const namespace_switch&) = delete;

  private:
    int saved_ = -1;
  };

  std::string role_;
  std::string name_;
  unsigned interfaces_ = 0;
};

/// The lab's namespaces present now (the entries of /var/run/netns that
/// `ip netns list` shows) whose names start with "a4t".
std::vector<std::string> lab_namespaces();

/// Deletes the lab namespaces whose owner (the <pid> of a4t<pid>x<n>) is no
/// longer running, and returns their names. The first host of a run does
/// this by itself.
std::vector<std::string> remove_stale_namespaces();

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_LAB_HOST_HPP
