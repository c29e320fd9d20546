//
// test/net/lab.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The namespace lab: "hosts" made of Linux network namespaces, joined by veth
// pairs, for tests that check what the kernel really does with our sockets.
//
// A test states its needs, builds a topology, and uses oracles that do not
// depend on the library (the Python tools in tools/, /proc files read inside
// a host, `ip` output):
//
//   BOOST_AUTO_TEST_CASE(ttl_reaches_the_wire, *asio_ipv4::test::needs_root())
//   {
//     auto lab = asio_ipv4::test::routed();           // a -- r -- b
//     asio_ipv4::test::sniff_filter filter;
//     filter.destination_port = 5000;
//     filter.count = 1;
//     asio_ipv4::test::sniffer sniff(lab.b, lab.b_if.name, filter);
//     boost::asio::io_context io;
//     boost::asio::ip::udp::socket socket(io);
//     lab.a.enter([&] { socket.open(boost::asio::ip::udp::v4()); });  // socket lives in a
//     ...send to {lab.b_if.address, 5000}...
//     auto packets = sniff.packets(std::chrono::seconds(5));
//   }
//
// Everything is removed again: a host deletes its namespace when destroyed
// (veth ends inside go with it), a process is killed and reaped when
// destroyed, and namespaces left by a crashed run are deleted when the next
// run creates its first host. Namespace names are `a4t<pid>x<n>`.

#ifndef ASIO_IPV4_TEST_NET_LAB_HPP
#define ASIO_IPV4_TEST_NET_LAB_HPP

#include "lab_error.hpp"
#include "programs.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/system/error_code.hpp>
#include <boost/test/tree/decorator.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4 {
namespace test {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Privileges: skip (or, in CI, fail) tests that need namespaces.
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Commands and background processes
// ---------------------------------------------------------------------------

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

/// The directory of the Python tools: $ASIO_IPV4_TEST_DIR/net/tools, else
/// found next to this source file or the executable.
std::string tools_directory();

/// Full path of a tool script (throws lab_error when it does not exist).
std::string tool_path(std::string_view script);

// ---------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Links and topologies
// ---------------------------------------------------------------------------

/// One end of a veth link, as its host sees it.
struct link_end
{
  std::string name;                          ///< interface name in its host
  unsigned index = 0;                        ///< kernel ifindex in its host
  boost::asio::ip::address_v4 address;       ///< its IPv4 address (unspecified if none)
  boost::asio::ip::network_v4 network;       ///< address/prefix, e.g. 10.0.1.1/24
};

/// A veth pair: `left` in the first host given to connect(), `right` in the second.
struct link
{
  link_end left;
  link_end right;
};

struct link_options
{
  unsigned mtu = 1500;      ///< both ends
  bool addresses = true;    ///< assign 10.0.<subnet>.1/24 and .2/24
  bool up = true;           ///< bring both ends up
};

/// Joins two hosts with a veth pair. Addresses are deterministic: subnet k
/// (1..254) is 10.0.k.0/24, the left end gets .1 and the right end .2.
link connect(host& left, host& right, unsigned subnet, const link_options& options = {});

/// a <-veth-> b on 10.0.1.0/24, MTU 1500. Both hosts route 224.0.0.0/4 out
/// of their veth, so multicast needs no IP_MULTICAST_IF.
struct two_hosts_lab
{
  host a;
  host b;
  link_end a_if;   ///< 10.0.1.1 in a
  link_end b_if;   ///< 10.0.1.2 in b
};
two_hosts_lab two_hosts();

/// a -- r -- b: chain(1) with named members. a--r on 10.0.1.0/24 (a .1,
/// r .2), r--b on 10.0.2.0/24 (r .1, b .2); r forwards (ip_forward=1), a and
/// b route by default (and 224.0.0.0/4) through r. A unicast packet crossing
/// r loses one TTL; ICMP errors from r come from r_a_if.address. r does not
/// route multicast.
struct routed_lab
{
  host a;
  host r;
  host b;
  link_end a_if;     ///< 10.0.1.1 in a
  link_end r_a_if;   ///< 10.0.1.2 in r
  link_end r_b_if;   ///< 10.0.2.1 in r
  link_end b_if;     ///< 10.0.2.2 in b

  /// Sets the MTU of the r -- b link (both ends): packets from a larger than
  /// this make r answer "fragmentation needed" (PMTU tests).
  void set_r_b_mtu(unsigned mtu) const;
};
routed_lab routed();

/// a dual-homed host: b -- a -- c. a--b on 10.0.1.0/24 (a .1, b .2), a--c on
/// 10.0.2.0/24 (a .1, c .2). a's 224.0.0.0/4 route goes out of a_b_if, so by
/// default multicast leaves towards b; IP_MULTICAST_IF (a_c_if) steers it to
/// c. b and c route 224.0.0.0/4 out of their only link.
struct dual_homed_lab
{
  host a;
  host b;
  host c;
  link_end a_b_if;   ///< 10.0.1.1 in a
  link_end b_if;     ///< 10.0.1.2 in b
  link_end a_c_if;   ///< 10.0.2.1 in a
  link_end c_if;     ///< 10.0.2.2 in c
};
dual_homed_lab dual_homed();

/// a -- r1 -- ... -- rn -- b, for traceroute-like tests. links[i] joins
/// hop i and hop i+1 (a is hop 0, b hop n+1) on 10.0.<i+1>.0/24, .1 on its
/// left (towards a) and .2 on its right. So a is 10.0.1.1, b is
/// 10.0.<n+1>.2, and routers[i] answers a packet from a whose TTL runs out
/// there from links[i].right.address. Every router forwards and has routes
/// both ways; a and b route by default (and 224.0.0.0/4) towards each other.
struct chain_lab
{
  host a;
  std::vector<host> routers;   ///< r1..rn
  host b;
  std::vector<link> links;     ///< n+1 links, links[0] = a--r1, links[n] = rn--b

  const link_end& a_if() const { return links.front().left; }
  const link_end& b_if() const { return links.back().right; }
};
chain_lab chain(unsigned routers);

// ---------------------------------------------------------------------------
// Oracles: tool output, /proc parsers
// ---------------------------------------------------------------------------

/// The key=value fields of a tool line ("pkt dir=in src=..."): the first
/// word is stored under the key "" (empty).
std::map<std::string, std::string> parse_fields(std::string_view line);

std::vector<std::uint8_t> from_hex(std::string_view hex);   ///< "-" or "" -> empty
std::string to_hex(const std::vector<std::uint8_t>& bytes);

/// What sniff.py should report.
struct sniff_filter
{
  std::optional<int> protocol;                       ///< IP protocol number
  std::optional<boost::asio::ip::address_v4> source;
  std::optional<boost::asio::ip::address_v4> destination;
  std::optional<std::uint16_t> port;                 ///< UDP/TCP port, either side
  std::optional<std::uint16_t> source_port;
  std::optional<std::uint16_t> destination_port;
  std::optional<bool> outgoing;                      ///< only one direction
  unsigned count = 0;                                ///< the tool ends after this many (0: no limit)
  std::chrono::seconds lifetime = 60s;               ///< the tool's own deadline
};

/// One IPv4 packet as sniff.py (or raw_recv.py) printed it.
struct packet_record
{
  bool outgoing = false;           ///< sent by this interface (PACKET_OUTGOING)
  std::string packet_type;         ///< host, broadcast, multicast, otherhost, outgoing
  boost::asio::ip::address_v4 source;
  boost::asio::ip::address_v4 destination;
  unsigned tos = 0;
  unsigned ttl = 0;
  unsigned id = 0;
  unsigned flags = 0;              ///< 3 bits: 4 reserved, 2 DF, 1 MF
  unsigned fragment_offset = 0;    ///< in 8-byte units
  unsigned protocol = 0;
  unsigned header_length = 0;      ///< bytes (IHL * 4)
  unsigned total_length = 0;
  std::vector<std::uint8_t> options;
  std::optional<std::uint16_t> source_port;        ///< UDP/TCP, first fragment only
  std::optional<std::uint16_t> destination_port;
  std::optional<std::uint16_t> udp_length;
  std::optional<std::uint8_t> icmp_type;           ///< ICMP, first fragment only
  std::optional<std::uint8_t> icmp_code;
  std::size_t payload_length = 0;  ///< after the UDP/ICMP/TCP header (else after IP)
  std::vector<std::uint8_t> payload;   ///< its first bytes (the tool's --max-payload)
  std::map<std::string, std::string> fields;   ///< everything the tool printed
  std::string line;                ///< the line itself

  bool dont_fragment() const { return flags & 2; }
  bool more_fragments() const { return flags & 1; }
  std::string payload_text() const { return std::string(payload.begin(), payload.end()); }
};

/// Parses a "pkt ..." or "raw ..." line; throws lab_error when malformed.
packet_record parse_packet_line(const std::string& line);

/// sniff.py on one interface of a host. The constructor returns once the
/// socket is bound ("ready"), so packets sent afterwards are seen.
class sniffer
{
public:
  sniffer(const host& where, const std::string& ifname, const sniff_filter& filter = {});

  /// The next packet, or nullopt at timeout or when the tool ended.
  std::optional<packet_record> next(std::chrono::milliseconds timeout);

  /// Collects until `n` packets were collected in all (or timeout); returns all.
  const std::vector<packet_record>& wait_for(std::size_t n, std::chrono::milliseconds timeout);

  /// Collects until the tool ends by itself (filter.count reached, lifetime)
  /// or `timeout` passes, then stops it; returns every packet.
  std::vector<packet_record> packets(std::chrono::milliseconds timeout);

  /// Tells the tool to stop (it still reports what the kernel had queued)
  /// and returns every packet.
  std::vector<packet_record> stop();

  const std::vector<packet_record>& collected() const { return packets_; }

  /// The tool's lines and stderr, for failure messages.
  std::string describe() const { return tool_.describe(); }

private:
  bool take(const std::string& line);

  process tool_;
  std::vector<packet_record> packets_;
};

/// One datagram as udp_recv.py printed it.
struct datagram_record
{
  boost::asio::ip::address_v4 source;
  std::uint16_t source_port = 0;
  std::optional<boost::asio::ip::address_v4> destination;   ///< IP_PKTINFO ipi_addr
  std::optional<boost::asio::ip::address_v4> local;         ///< IP_PKTINFO ipi_spec_dst
  std::optional<unsigned> interface_index;
  std::optional<unsigned> tos;
  std::optional<unsigned> ttl;
  std::optional<std::string> original_destination;          ///< "a.b.c.d:port"
  bool truncated = false;
  std::vector<std::uint8_t> payload;
  std::map<std::string, std::string> fields;
  std::string line;

  std::string payload_text() const { return std::string(payload.begin(), payload.end()); }
};

/// Parses a "dgram ..." line; throws lab_error when malformed.
datagram_record parse_datagram_line(const std::string& line);

/// Reads lines of a udp_recv.py process until a datagram comes (nullopt at
/// timeout or end of output).
std::optional<datagram_record> next_datagram(process& receiver, std::chrono::milliseconds timeout);

/// One row of /proc/net/igmp: a group joined on an interface.
struct igmp_membership
{
  unsigned interface_index = 0;
  std::string interface_name;
  boost::asio::ip::address_v4 group;
  unsigned users = 0;
};
std::vector<igmp_membership> parse_proc_net_igmp(std::string_view text);
std::vector<igmp_membership> igmp_memberships(const host& where);

/// One row of /proc/net/mcfilter: a source filter entry.
struct mcfilter_entry
{
  unsigned interface_index = 0;
  std::string interface_name;
  boost::asio::ip::address_v4 group;
  boost::asio::ip::address_v4 source;
  unsigned include_count = 0;
  unsigned exclude_count = 0;
};
std::vector<mcfilter_entry> parse_proc_net_mcfilter(std::string_view text);
std::vector<mcfilter_entry> mcfilter_entries(const host& where);

/// Polls `condition` every `interval` until it holds or `timeout` passes;
/// returns its last value.
bool eventually(const std::function<bool()>& condition,
    std::chrono::milliseconds timeout = 5s, std::chrono::milliseconds interval = 20ms);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_NET_LAB_HPP
