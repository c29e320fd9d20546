// A UDP round trip through Asio, each receive raced by a timer; the payload
// is an IPv4 header marshalled and parsed back by asio_ipv4::ip4::header.
//
//   udp_roundtrip              two sockets of this program on 127.0.0.1
//   udp_roundtrip ADDR PORT    to a UDP echo peer, which must send it back
//
// The second form checks where the program's sockets live: run inside a
// network namespace with the peer in that namespace, a socket of another
// namespace would reach no peer and time out.
// Exit status 0 when the bytes came back unchanged, else 1.
#include <asio_ipv4/ip4/header.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Receives one datagram on `socket` within `timeout`; false on timeout or error.
bool receive_with_timeout(asio::io_context& io, udp::socket& socket,
    asio::mutable_buffer buffer, udp::endpoint& from, std::size_t& size,
    std::chrono::milliseconds timeout)
{
  asio::steady_timer timer(io, timeout);
  boost::system::error_code receive_ec = asio::error::would_block;
  socket.async_receive_from(buffer, from,
      [&](boost::system::error_code ec, std::size_t n) {
        receive_ec = ec;
        size = n;
        timer.cancel();
      });
  timer.async_wait([&](boost::system::error_code ec) {
    if (!ec)
      socket.cancel();
  });
  io.restart();
  io.run();
  if (receive_ec)
    std::cerr << "receive: " << (receive_ec == asio::error::operation_aborted
        ? std::string("timed out") : receive_ec.message()) << "\n";
  return !receive_ec;
}

} // namespace

int main(int argc, char* argv[])
{
  if (argc != 1 && argc != 3)
  {
    std::cerr << "usage: udp_roundtrip [ADDR PORT]\n";
    return 2;
  }
  try
  {
    asio_ipv4::ip4::header sent;
    sent.tos = 0xb8;
    sent.total_length = 20;
    sent.id = 0x1234;
    sent.flags = asio_ipv4::ip4::header::dont_fragment;
    sent.ttl = 7;
    sent.protocol = 17;
    sent.source = asio::ip::make_address_v4("192.0.2.1");
    sent.destination = asio::ip::make_address_v4("198.51.100.2");
    std::array<unsigned char, asio_ipv4::ip4::header::max_length> out{};
    std::size_t out_size = sent.marshal(asio::buffer(out));

    asio::io_context io;
    udp::socket sender(io, udp::endpoint(asio::ip::address_v4::loopback(), 0));
    udp::endpoint target;
    udp::socket receiver(io);
    if (argc == 3)
      target = udp::endpoint(asio::ip::make_address_v4(argv[1]),
          static_cast<unsigned short>(std::atoi(argv[2])));
    else
    {
      receiver.open(udp::v4());
      receiver.bind(udp::endpoint(asio::ip::address_v4::loopback(), 0));
      target = receiver.local_endpoint();
    }
    udp::socket& reader = argc == 3 ? sender : receiver;

    sender.send_to(asio::buffer(out, out_size), target);
    std::array<unsigned char, 128> in{};
    udp::endpoint from;
    std::size_t in_size = 0;
    if (!receive_with_timeout(io, reader, asio::buffer(in), from, in_size,
          std::chrono::seconds(5)))
      return 1;
    udp::endpoint expected_from = argc == 3 ? target : sender.local_endpoint();
    if (from != expected_from)
    {
      std::cerr << "datagram from " << from << ", expected " << expected_from << "\n";
      return 1;
    }
    asio_ipv4::ip4::header got =
        asio_ipv4::ip4::parse_header(asio::buffer(in, in_size));
    if (in_size != out_size || got.tos != sent.tos || got.id != sent.id
        || got.flags != sent.flags || got.ttl != sent.ttl || got.protocol != sent.protocol
        || got.source != sent.source || got.destination != sent.destination)
    {
      std::cerr << "sent " << sent << " (" << out_size << " bytes), got " << got
                << " (" << in_size << " bytes)\n";
      return 1;
    }
    std::cout << "udp_roundtrip: " << in_size << " bytes " << sender.local_endpoint()
              << " -> " << target << " -> back, header " << got << "\n";
    return 0;
  }
  catch (const std::exception& e)
  {
    std::cerr << "udp_roundtrip: " << e.what() << "\n";
    return 1;
  }
}
