// Classic BPF programs written the way users write them: with the kernel's
// own struct sock_filter of <linux/filter.h> (a std::vector, or the C array
// `tcpdump -dd` prints), handed to bpf_filter and reuse_port_steering. The
// API promises bpf_filter(std::vector<sock_filter>) with the kernel's
// instruction type; since the platform seam only asio_ipv4::sock_filter
// compiled. This file must compile as user code does: <linux/filter.h>
// first, the library after, no cast anywhere.
//
// Oracles: the kernel's SO_GET_FILTER (the attached program, byte for byte),
// its filtering (which datagrams a plain recv still finds), and which socket
// of a SO_REUSEPORT group a datagram reached (plain recv on each socket).

#include <linux/filter.h>

#include <asio_ipv4.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

namespace net = boost::asio;
using net::ip::udp;
using asio_ipv4::test::addr;
using asio_ipv4::test::got_expected;

// What users compile: the kernel's type, by its own name.
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, std::vector<sock_filter>>);
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, const std::vector<sock_filter>&>);
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, const sock_filter (&)[3]>);
static_assert(std::is_constructible_v<asio_ipv4::reuse_port_steering, std::vector<sock_filter>>);
static_assert(std::is_constructible_v<asio_ipv4::reuse_port_steering, const sock_filter (&)[2]>);
// The library's own type still works, also as an array.
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, std::vector<asio_ipv4::sock_filter>>);
static_assert(std::is_constructible_v<asio_ipv4::bpf_filter, const asio_ipv4::sock_filter (&)[2]>);
// The two layouts are the same (src/linux/host_checks.cpp checks it as well).
static_assert(sizeof(sock_filter) == sizeof(asio_ipv4::sock_filter)
    && offsetof(sock_filter, code) == offsetof(asio_ipv4::sock_filter, code)
    && offsetof(sock_filter, jt) == offsetof(asio_ipv4::sock_filter, jt)
    && offsetof(sock_filter, jf) == offsetof(asio_ipv4::sock_filter, jf)
    && offsetof(sock_filter, k) == offsetof(asio_ipv4::sock_filter, k));
// Anything else is no program: not an instruction, or one of other widths.
struct wide_instruction
{
  std::uint32_t code;
  std::uint8_t jt, jf;
  std::uint16_t k;
};
static_assert(!std::is_constructible_v<asio_ipv4::bpf_filter, std::vector<int>>);
static_assert(!std::is_constructible_v<asio_ipv4::bpf_filter, std::vector<wide_instruction>>);
static_assert(!std::is_constructible_v<asio_ipv4::bpf_filter, const int (&)[4]>);
static_assert(!std::is_convertible_v<std::vector<sock_filter>, asio_ipv4::bpf_filter>, "explicit");

// `tcpdump -dd` style: keep UDP datagrams whose UDP length is 16 (8 bytes of
// payload), as on a UDP socket offset 0 is the UDP header.
struct sock_filter eight_byte_payloads[] = {
    {0x28, 0, 0, 0x00000004},
    {0x15, 0, 1, 0x00000010},
    {0x06, 0, 0, 0x0000ffff},
    {0x06, 0, 0, 0x00000000},
};

// The same program with the macros, in a vector of the kernel's type.
std::vector<sock_filter> eight_byte_program()
{
  return {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
}

std::vector<unsigned char> bytes(const void* data, std::size_t size)
{
  const auto* b = static_cast<const unsigned char*>(data);
  return std::vector<unsigned char>(b, b + size);
}

// The program the kernel holds (SO_GET_FILTER: with len in instructions).
std::vector<sock_filter> attached_program(int fd)
{
  socklen_t count = 0;
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, nullptr, &count) == 0, std::strerror(errno));
  std::vector<sock_filter> program(count);
  BOOST_TEST_REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, program.data(), &count) == 0, std::strerror(errno));
  program.resize(count);
  return program;
}

// The lengths of the datagrams `s` receives: once `expected` of them came
// (5 s at most), 100 ms more are allowed for any that should not come.
std::vector<std::size_t> received_lengths(udp::socket& s, std::size_t expected)
{
  std::vector<std::size_t> lengths;
  std::array<char, 64> buffer;
  s.non_blocking(true);
  auto drain = [&] {
    boost::system::error_code ec;
    for (std::size_t n; (n = s.receive(net::buffer(buffer), 0, ec)), !ec;)
      lengths.push_back(n);
    BOOST_TEST(ec == net::error::would_block, got_expected(ec, net::error::would_block));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (drain(), lengths.size() < expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  drain();
  return lengths;
}

// Sends payloads of 7, 8, 9 and 8 bytes to `to`.
void send_lengths(net::io_context& io, const udp::endpoint& to)
{
  udp::socket sender(io, udp::endpoint(addr("127.0.0.1"), 0));
  const std::string payload = "123456789";
  for (std::size_t n : {7u, 8u, 9u, 8u})
    sender.send_to(net::buffer(payload.data(), n), to);
}

} // namespace

BOOST_AUTO_TEST_SUITE(bpf_program_test)

// Oracle: SO_GET_FILTER gives back exactly the instructions written, and
// the kernel then drops the 7- and 9-byte datagrams.
BOOST_AUTO_TEST_CASE(bpf_filter_from_a_tcpdump_array)
{
  net::io_context io;
  udp::socket s(io, udp::endpoint(addr("127.0.0.1"), 0));
  s.set_option(asio_ipv4::bpf_filter(eight_byte_payloads));
  const auto attached = attached_program(s.native_handle());
  BOOST_TEST_REQUIRE(attached.size() == 4u);
  BOOST_TEST(bytes(attached.data(), sizeof(eight_byte_payloads))
          == bytes(eight_byte_payloads, sizeof(eight_byte_payloads)),
      boost::test_tools::per_element());
  send_lengths(io, s.local_endpoint());
  BOOST_TEST(received_lengths(s, 2) == (std::vector<std::size_t>{8, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bpf_filter_from_a_vector_of_the_kernels_type)
{
  net::io_context io;
  udp::socket s(io, udp::endpoint(addr("127.0.0.1"), 0));
  const std::vector<sock_filter> program = eight_byte_program();
  asio_ipv4::bpf_filter option(program);
  BOOST_TEST(option.valid());
  BOOST_TEST(option.program().size() == program.size());
  s.set_option(option);
  const auto attached = attached_program(s.native_handle());
  BOOST_TEST(bytes(attached.data(), attached.size() * sizeof(sock_filter))
          == bytes(program.data(), program.size() * sizeof(sock_filter)),
      boost::test_tools::per_element());
  send_lengths(io, s.local_endpoint());
  BOOST_TEST(received_lengths(s, 2) == (std::vector<std::size_t>{8, 8}), boost::test_tools::per_element());

  // A temporary vector works too; an empty one is refused before the kernel.
  s.set_option(asio_ipv4::bpf_filter(eight_byte_program()));
  boost::system::error_code ec;
  s.set_option(asio_ipv4::bpf_filter(std::vector<sock_filter>{}), ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  s.set_option(asio_ipv4::bpf_filter(std::vector<sock_filter>(BPF_MAXINSNS + 1, sock_filter BPF_STMT(BPF_RET | BPF_K, 0))), ec);
  BOOST_TEST(ec == net::error::invalid_argument, got_expected(ec, net::error::invalid_argument));
  BOOST_TEST(attached_program(s.native_handle()).size() == 4u, "the attached program is unchanged");
}

// Oracle: which socket of the group a plain recv finds the datagrams on.
// A program returning a constant sends everything to that socket (sockets
// are numbered in the order they were bound).
BOOST_AUTO_TEST_CASE(reuse_port_steering_from_the_kernels_type)
{
  net::io_context io;
  udp::socket first(io, udp::v4()), second(io, udp::v4());
  for (udp::socket* s : {&first, &second})
    s->set_option(asio_ipv4::reuse_port(true));
  first.bind(udp::endpoint(addr("127.0.0.1"), 0));
  second.bind(first.local_endpoint());

  for (unsigned index : {1u, 0u})
  {
    BOOST_TEST_CONTEXT("program returning " << index)
    {
      const std::vector<sock_filter> to_index{BPF_STMT(BPF_RET | BPF_K, index)};
      first.set_option(asio_ipv4::reuse_port_steering(to_index));
      // Several source ports: the hash alone would spread them.
      for (int i = 0; i < 8; ++i)
      {
        udp::socket sender(io, udp::endpoint(addr("127.0.0.1"), 0));
        sender.send_to(net::buffer("12345678", 8), first.local_endpoint());
      }
      // The socket that should get them first, then the other one.
      udp::socket& chosen = index == 0 ? first : second;
      udp::socket& other = index == 0 ? second : first;
      const auto got_chosen = received_lengths(chosen, 8).size();
      const auto got_other = received_lengths(other, 0).size();
      BOOST_TEST(got_chosen == 8u);
      BOOST_TEST(got_other == 0u);
    }
  }

  // The tcpdump-style array form: return the payload's first byte (offset
  // 0 is the UDP payload for a reuse_port program).
  struct sock_filter first_byte[] = {
      {0x30, 0, 0, 0x00000000}, // ldb [0]
      {0x16, 0, 0, 0x00000000}, // ret a
  };
  first.set_option(asio_ipv4::reuse_port_steering(first_byte));
  udp::socket sender(io, udp::endpoint(addr("127.0.0.1"), 0));
  const unsigned char to_first[] = {0, 'x'}, to_second[] = {1, 'y', 'y'};
  sender.send_to(net::buffer(to_second), first.local_endpoint());
  sender.send_to(net::buffer(to_first), first.local_endpoint());
  sender.send_to(net::buffer(to_second), first.local_endpoint());
  BOOST_TEST(received_lengths(second, 2) == (std::vector<std::size_t>{3, 3}), boost::test_tools::per_element());
  BOOST_TEST(received_lengths(first, 1) == (std::vector<std::size_t>{2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
