//
// test/lab/prelude.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What every namespace-lab test starts with, in one place: the lab, the
// names the tests use for Asio and the library, the port of tests that need
// only one, and sockets opened inside a host. Include it first in a test's
// .cpp file (never from a header): it puts aliases in the global namespace.
//
//   #include "prelude.hpp"
//
//   BOOST_AUTO_TEST_CASE(x, *t::needs_root())
//   {
//     auto lab = t::two_hosts();
//     net::io_context io;
//     udp::socket socket = t::udp_socket_in(lab.a, io, {address_v4::any(), port});

#ifndef ASIO_IPV4_TEST_LAB_PRELUDE_HPP
#define ASIO_IPV4_TEST_LAB_PRELUDE_HPP

#include "lab.hpp"

#include <asio_ipv4.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdint>

namespace asio_ipv4 {
namespace test {

/// The UDP port of a test that needs one port only.
constexpr std::uint16_t port = 5000;

/// A UDP socket opened inside `where` and bound to `local` (any address,
/// any port by default), with SO_REUSEADDR first when asked. The socket
/// stays in that host for its whole life.
inline boost::asio::ip::udp::socket udp_socket_in(const host& where, boost::asio::io_context& io,
    const boost::asio::ip::udp::endpoint& local = {boost::asio::ip::address_v4::any(), 0},
    bool reuse_address = false)
{
  return where.enter([&] {
    boost::asio::ip::udp::socket socket(io, boost::asio::ip::udp::v4());
    if (reuse_address)
      socket.set_option(boost::asio::ip::udp::socket::reuse_address(true));
    socket.bind(local);
    return socket;
  });
}

/// A cmsg_socket over a UDP socket opened inside `where`, bound to `local`.
inline cmsg_socket<boost::asio::ip::udp::socket> cmsg_udp_in(const host& where,
    boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& local)
{
  return where.enter([&] { return cmsg_socket<boost::asio::ip::udp::socket>(io, local); });
}

} // namespace test
} // namespace asio_ipv4

namespace t = asio_ipv4::test;
namespace ip4 = asio_ipv4::ip4;
namespace net = boost::asio;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::udp;
using asio_ipv4::test::error_text;
using asio_ipv4::test::port;
using namespace std::chrono_literals;

#endif // ASIO_IPV4_TEST_LAB_PRELUDE_HPP
