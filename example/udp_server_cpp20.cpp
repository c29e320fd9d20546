//
// example/udp_server_cpp20.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A "who am I" UDP server for a host with several addresses, written with
// C++20 coroutines. It binds to 0.0.0.0, so it is reachable on every address
// of the host, and answers each request from the very address the request
// was sent to. Clients can then check the source of the reply, which a
// connected UDP socket does (it drops datagrams from any other address).
//
// Why this takes control messages: a socket bound to 0.0.0.0 has no source
// address of its own. For each reply the kernel picks one by routing: the
// preferred address of the outgoing interface. A request that reached a
// secondary address (or another interface) would be answered from the wrong
// address. With ip4::receive_packet_info the receive reports, in
// control_message::local, the address a reply should come from; putting it
// into the reply's control_message (IP_PKTINFO on send) makes the kernel use
// it for that one datagram.
//
// Usage:
//   udp_server_cpp20 <port>
//
// Try it with `echo hi | socat - UDP4-DATAGRAM:<address>:<port>` from another
// host, once for each address of this one. The reply says what the server
// saw; the server prints one line per request:
//
//   request from 10.0.1.1:41234 to 10.0.1.3 on eth0, answered from 10.0.1.3
//
// Stop it with Ctrl-C (SIGINT) or SIGTERM.

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::udp;

// Completion token: co_await yields (error_code, std::size_t) instead of
// throwing, so that expected conditions are plain values.
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// The name of an interface, from its index (rtnetlink, through
// asio_ipv4::ip4::interface_by_index; the result also carries the
// interface's addresses, MTU and flags).
std::string interface_name(unsigned index)
{
  boost::system::error_code ec;
  auto nic = ip4::interface_by_index(index, ec);
  return ec ? "#" + std::to_string(index) : nic.name;
}

// Answers requests until the socket is closed.
net::awaitable<void> serve(asio_ipv4::cmsg_socket<udp::socket>& socket)
{
  std::array<char, 1500> request;
  for (;;)
  {
    // 1. Receive a request with its control messages. `received` is cleared
    //    by the receive; afterwards a field is set when the kernel reported it.
    udp::endpoint client;
    asio_ipv4::control_message received;
    auto [ec, n] = co_await socket.async_receive_from(net::buffer(request), client, received, use_tuple);
    if (ec == net::error::operation_aborted)
      co_return; // the socket was closed: shutting down
    if (ec && ec != net::error::message_size) // a cut request still gets an answer
    {
      std::cerr << "receive: " << ec.message() << std::endl;
      co_return;
    }

    // 2. Build the reply's control message. Start from a fresh one: sending
    //    `received` back would also copy the request's TTL and TOS into the
    //    reply. Use `local`, not `destination`: for a request sent to a
    //    broadcast address, destination is that broadcast address, which can
    //    never be a source, while local is the interface's own address.
    //    (Setting interface_index as well would pin the reply to the arrival
    //    interface and bypass the routing table; only do that for on-link
    //    peers.)
    asio_ipv4::control_message reply_control;
    reply_control.local = received.local;

    std::ostringstream seen;
    seen << "you are " << client;
    if (received.destination)
      seen << ", you sent to " << *received.destination;
    if (received.interface_index)
      seen << " via " << interface_name(*received.interface_index);
    if (received.local)
      seen << ", I answer from " << *received.local;
    seen << "\n";
    const std::string reply = seen.str();

    // 3. Send the reply with its control message: for this datagram only,
    //    the kernel uses reply_control.local as the source address.
    auto [send_ec, sent] = co_await socket.async_send_to(net::buffer(reply), client, reply_control, use_tuple);
    if (send_ec)
    {
      std::cerr << "reply to " << client << ": " << send_ec.message() << std::endl;
      continue;
    }
    (void)sent;

    std::cout << "request from " << client;
    if (received.destination)
      std::cout << " to " << *received.destination;
    if (received.interface_index)
      std::cout << " on " << interface_name(*received.interface_index);
    if (received.local)
      std::cout << ", answered from " << *received.local;
    std::cout << std::endl; // flushed: readers through a pipe see it at once
  }
}

int main(int argc, char* argv[])
{
  if (argc != 2)
  {
    std::cerr << "Usage: " << argv[0] << " <port>\n"
              << "Example:\n"
              << "    " << argv[0] << " 5000\n";
    return EXIT_FAILURE;
  }
  char* end = nullptr;
  unsigned long port = std::strtoul(argv[1], &end, 10);
  if (*end != '\0' || port == 0 || port > 65535)
  {
    std::cerr << "not a port: " << argv[1] << "\n";
    return EXIT_FAILURE;
  }

  try
  {
    net::io_context ctx;

    // Bound to 0.0.0.0: every address of the host reaches this socket.
    asio_ipv4::cmsg_socket<udp::socket> socket(ctx, udp::endpoint(udp::v4(), static_cast<unsigned short>(port)));
    // IP_PKTINFO: each receive reports destination, local and interface_index.
    socket.next_layer().set_option(ip4::receive_packet_info(true));

    // Ctrl-C or SIGTERM closes the socket; the pending receive then
    // completes with operation_aborted and serve() returns.
    net::signal_set signals(ctx, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec)
        socket.next_layer().close();
    });

    std::cout << "listening on " << socket.next_layer().local_endpoint() << std::endl;

    // When serve() ends (or throws), stop waiting for signals so that run()
    // returns; an exception is rethrown out of run().
    net::co_spawn(ctx, serve(socket), [&](std::exception_ptr e) {
      signals.cancel();
      if (e)
        std::rethrow_exception(e);
    });
    ctx.run();
  }
  catch (const std::exception& e)
  {
    std::cerr << "error: " << e.what() << std::endl;
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
