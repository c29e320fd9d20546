//
// test/lab/lab.hpp
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
//
// One header per concern; this one includes them all:
//   common.hpp      lab_error, error_text, eventually
//   programs.hpp    the registry of external programs (tools/programs.txt)
//   privileges.hpp  needs_root: skip, or fail in CI, without namespaces
//   process.hpp     run_command, process (background commands), tool_path
//   host.hpp        host: one network namespace
//   topology.hpp    connect, two_hosts, routed, dual_homed, chain
//   oracles.hpp     sniffer, udp_recv.py lines, /proc/net/igmp and mcfilter
//   queued.hpp      what a socket has queued: drain, collect, joined

#ifndef ASIO_IPV4_TEST_LAB_LAB_HPP
#define ASIO_IPV4_TEST_LAB_LAB_HPP

#include "common.hpp"
#include "host.hpp"
#include "oracles.hpp"
#include "privileges.hpp"
#include "process.hpp"
#include "programs.hpp"
#include "queued.hpp"
#include "topology.hpp"

#endif // ASIO_IPV4_TEST_LAB_LAB_HPP
