//
// example/demo.cpp
// ~~~~~~~~~~~~~~~~
//
// A tour of asio_ipv4 on this host's loopback interface, in one program:
//
//   1. the network interfaces, as the kernel reports them (rtnetlink);
//   2. a source-specific multicast (SSM) receiver joined by interface index,
//      with per-datagram control messages: destination group, arrival
//      interface, TTL and TOS;
//   3. two senders of the same group: only the joined source gets through;
//   4. per-datagram TTL and TOS on a send, and an invalid option refused
//      before the kernel sees it.
//
// Usage: demo
//

#include <asio_ipv4.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using udp = net::ip::udp;

namespace {

void list_interfaces()
{
  std::cout << "Interfaces (asio_ipv4::ip4::interfaces):\n";
  for (const ip4::network_interface& nic : ip4::interfaces())
  {
    std::cout << "  " << std::setw(3) << nic.index << "  " << std::left << std::setw(10) << nic.name
              << std::right << " mtu " << std::setw(5) << nic.mtu << (nic.up() ? "  up  " : "  down")
              << (nic.loopback() ? " loopback" : "") << (nic.multicast() ? " multicast" : "");
    for (const auto& a : nic.addresses)
      std::cout << ' ' << a;
    std::cout << '\n';
  }
}

// Receives datagrams and prints what the control messages say about each.
class receiver
{
public:
  receiver(net::io_context& ctx, unsigned short port) : socket_(ctx, udp::endpoint(udp::v4(), port))
  {
    // Ask the kernel for the control messages we want to see.
    socket_.next_layer().set_option(ip4::receive_packet_info(true)); // destination, interface
    socket_.next_layer().set_option(ip4::receive_ttl(true));
    socket_.next_layer().set_option(ip4::receive_tos(true));
  }

  asio_ipv4::cmsg_socket<udp::socket>& socket() { return socket_; }

  void start()
  {
    socket_.async_receive_from(net::buffer(data_), sender_, control_,
        [this](boost::system::error_code ec, std::size_t n) {
          if (ec == net::error::operation_aborted)
            return;
          if (ec)
          {
            std::cout << "  receive failed: " << ec.message() << '\n';
            return;
          }
          print(n);
          start();
        });
  }

private:
  void print(std::size_t n)
  {
    std::cout << "  received \"" << std::string(data_.data(), n) << "\" from " << sender_;
    if (control_.destination)
      std::cout << " to " << *control_.destination;
    if (control_.interface_index)
      std::cout << " on " << ip4::interface_by_index(*control_.interface_index).name;
    if (control_.ttl)
      std::cout << ", ttl " << int(*control_.ttl);
    if (control_.tos)
      std::cout << ", tos 0x" << std::hex << int(*control_.tos) << std::dec << " (dscp "
                << int(*control_.tos >> 2) << ')';
    std::cout << '\n';
  }

  asio_ipv4::cmsg_socket<udp::socket> socket_;
  std::array<char, 1500> data_{};
  udp::endpoint sender_;
  asio_ipv4::control_message control_;
};

} // namespace

int main()
{
  try
  {
    list_interfaces();

    net::io_context ctx;
    const auto group = net::ip::make_address_v4("232.1.2.3"); // SSM range 232/8
    const auto wanted = net::ip::make_address_v4("127.0.0.1");
    const auto other = net::ip::make_address_v4("127.0.0.2");
    const unsigned short port = 40123;
    const unsigned lo = ip4::interface_by_name("lo").index;

    // 2. The receiver joins (group, 127.0.0.1) on lo, by index.
    receiver rx(ctx, port);
    rx.socket().next_layer().set_option(ip4::source_group_join(group, wanted, lo));
    rx.start();
    std::cout << "\nSSM receiver joined (" << group << ", source " << wanted << ") on interface " << lo
              << "; filter: " << (ip4::get_source_filter(rx.socket().next_layer(), lo, group).mode
                                          == ip4::filter_mode::include ? "include" : "exclude")
              << "\n";

    // 3. Two senders: one from the joined source, one from another address.
    auto make_sender = [&](const net::ip::address_v4& from) {
      asio_ipv4::cmsg_socket<udp::socket> s(ctx, udp::endpoint(from, 0));
      s.next_layer().set_option(ip4::multicast_interface(lo)); // leave by lo
      s.next_layer().set_option(ip4::multicast_ttl(4));
      s.next_layer().set_option(ip4::tos::from_dscp(10));       // AF11
      return s;
    };
    auto good = make_sender(wanted);
    auto bad = make_sender(other);
    const udp::endpoint to(group, port);
    const asio_ipv4::control_message defaults;
    good.send_to(net::buffer(std::string("from the joined source")), to, defaults);
    bad.send_to(net::buffer(std::string("from another source (filtered)")), to, defaults);

    // 4. One datagram with its own TTL and TOS; the socket keeps its settings.
    asio_ipv4::control_message per_packet;
    per_packet.ttl = 9;
    per_packet.tos = ip4::tos::from_dscp(46).value(); // EF
    good.send_to(net::buffer(std::string("with per-packet ttl and tos")), to, per_packet);
    good.send_to(net::buffer(std::string("with the socket's settings again")), to, defaults);

    // Invalid values never reach the kernel.
    boost::system::error_code ec;
    good.next_layer().set_option(ip4::ttl(0), ec);
    std::cout << "set_option(ttl(0)): " << ec.message() << '\n';
    good.next_layer().set_option(ip4::join_group(net::ip::make_address_v4("10.1.2.3")), ec);
    std::cout << "set_option(join_group(10.1.2.3)): " << ec.message() << '\n';

    // Run for a moment, then stop the receiver.
    net::steady_timer stop(ctx, std::chrono::milliseconds(300));
    stop.async_wait([&](boost::system::error_code) { rx.socket().next_layer().cancel(); });
    ctx.run();
    return EXIT_SUCCESS;
  }
  catch (const std::exception& e)
  {
    std::cerr << "demo: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
}
