// A UDP round trip through Asio, each receive raced by a timer. The payload
// is a name from the library (ip4::to_string of an ICMP type), so library
// code is linked in too.
//
//   udp_roundtrip              two sockets of this program on 127.0.0.1
//   udp_roundtrip ADDR PORT    to a UDP echo peer, which must send it back
//
// The second form checks where the program's sockets live: run inside a
// network namespace with the peer in that namespace, a socket of another
// namespace would reach no peer and time out.
// Exit status 0 when the bytes came back unchanged from the right sender.
#include <asio_ipv4/ip4/icmp_type.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

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
    const std::string_view sent =
        asio_ipv4::ip4::to_string(asio_ipv4::ip4::icmp_type::time_exceeded);

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

    sender.send_to(asio::buffer(sent.data(), sent.size()), target);
    std::array<char, 128> in{};
    udp::endpoint from;
    std::size_t in_size = 0;
    if (!receive_with_timeout(io, reader, asio::buffer(in), from, in_size,
          std::chrono::seconds(5)))
      return 1;
    const udp::endpoint expected_from = argc == 3 ? target : sender.local_endpoint();
    const std::string_view got(in.data(), in_size);
    if (from != expected_from || got != sent)
    {
      std::cerr << "sent \"" << sent << "\" to " << target << ", got \"" << got << "\" from "
                << from << " (expected from " << expected_from << ")\n";
      return 1;
    }
    std::cout << "udp_roundtrip: \"" << got << "\" " << sender.local_endpoint() << " -> "
              << target << " -> back\n";
    return 0;
  }
  catch (const std::exception& e)
  {
    std::cerr << "udp_roundtrip: " << e.what() << "\n";
    return 1;
  }
}
