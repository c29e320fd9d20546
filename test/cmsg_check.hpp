//
// test/cmsg_check.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Checks of decode_control shared by the codec tests on hand-built buffers
// (logic/cmsg_codec_test) and on buffers the kernel produced
// (loopback/cmsg_codec_kernel_test): every decoded buffer sits at the very
// end of a readable page, followed by an inaccessible one, so a read past
// the end faults, with or without ASan.

#ifndef ASIO_IPV4_TEST_CMSG_CHECK_HPP
#define ASIO_IPV4_TEST_CMSG_CHECK_HPP

#include "guarded_copy.hpp"
#include "test_util.hpp"

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>

#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace asio_ipv4 {
namespace test {

using cmsg_bytes = std::vector<unsigned char>;

inline sockaddr_in sockaddr_of(const char* text, std::uint16_t port, sa_family_t family = AF_INET)
{
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof(sin));
  sin.sin_family = family;
  sin.sin_port = htons(port);
  sin.sin_addr = in_addr_of(text);
  return sin;
}

// A control_message as the library prints it: the fields that are set (the
// format is checked byte for byte in logic/ostream_test.cpp).
inline std::string describe(const control_message& m)
{
  std::ostringstream s;
  s << m;
  return s.str();
}

// A asio_ipv4::control_message with every field set.
inline asio_ipv4::control_message every_field(const char* destination, const char* local, unsigned interface_index,
    std::uint8_t ttl, std::uint8_t tos, const boost::asio::ip::udp::endpoint& original_destination, const asio_ipv4::extended_error& error,
    std::uint16_t segment_size)
{
  asio_ipv4::control_message m;
  m.destination = addr(destination);
  m.local = addr(local);
  m.interface_index = interface_index;
  m.ttl = ttl;
  m.tos = tos;
  m.original_destination = original_destination;
  m.error = error;
  m.segment_size = segment_size;
  return m;
}

// Every field set to a value no test expects, to see that decoding clears it.
inline asio_ipv4::control_message junk()
{
  asio_ipv4::control_message m = every_field("1.1.1.1", "2.2.2.2", 99, 99, 99,
      boost::asio::ip::udp::endpoint(addr("3.3.3.3"), 99), asio_ipv4::extended_error{99, 9, 9, 9, 99, 99, addr("4.4.4.4")}, 99);
  m.dropped = 99;
  m.software_time = asio_ipv4::kernel_time{asio_ipv4::kernel_time::monotonic, std::chrono::nanoseconds(99)};
  m.hardware_time = asio_ipv4::kernel_time{asio_ipv4::kernel_time::hardware, std::chrono::nanoseconds(99)};
  m.timestamp_id = 99;
  return m;
}

using asio_ipv4::test::guarded_copy;

// Decodes a guarded copy of `b` into a junk-filled asio_ipv4::control_message and
// compares the result and every field.
inline void check_decode(const cmsg_bytes& b, bool truncated, const boost::system::error_code& expected_ec, const control_message& expected)
{
  guarded_copy copy(b);
  asio_ipv4::control_message m = junk();
  const boost::system::error_code ec = asio_ipv4::detail::decode_control(copy.data(), copy.size(), truncated, m);
  BOOST_TEST(ec == expected_ec, got_expected(ec, expected_ec));
  // operator== compares every field; the printer only shows them.
  BOOST_TEST(m == expected, "decoded " << describe(m) << ", expected " << describe(expected));
}

inline void check_decode(const cmsg_bytes& b, const control_message& expected)
{
  check_decode(b, false, boost::system::error_code(), expected);
}

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_CMSG_CHECK_HPP
