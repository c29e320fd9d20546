//
// cli/ssmpingd.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// `asio-ipv4 ssmpingd [--port 4321]`: the ssmping server. Every request is
// answered twice with TTL 64: unicast to the client, then to the group at
// the client's port, both from the address the request was sent to (given
// per datagram as IP_PKTINFO's source, as Debian's ssmpingd does; Linux then
// sends the multicast copy out of the interface that owns that address).

#include "cli/common.hpp"
#include "cli/core/ssmping_protocol.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdio>
#include <vector>

namespace asio_ipv4::cli {

namespace {

using net::ip::udp;

class server
{
public:
  server(net::io_context& io, const ssmpingd_command& c)
    : command_(c), socket_(io), stopper_(io, [this] {
        boost::system::error_code ignored;
        socket_.next_layer().close(ignored);
      })
  {
  }

  void open()
  {
    auto& s = socket_.next_layer();
    boost::system::error_code ec;
    s.open(udp::v4());
    s.bind(udp::endpoint(udp::v4(), command_.port), ec);
    if (ec)
      throw runtime_failure("ssmpingd: cannot bind port " + std::to_string(command_.port) + ": " + ec.message());
    s.set_option(ip4::receive_packet_info(true));
    s.set_option(ip4::ttl(ssmping::server_ttl));
    s.set_option(ip4::multicast_ttl(ssmping::server_ttl));
    print_line("ssmpingd listening on 0.0.0.0:" + std::to_string(command_.port));
  }

  void start() { net::co_spawn(socket_.get_executor(), serve(), net::detached); }

  int finish()
  {
    print_line("--- ssmpingd: " + std::to_string(answered_) + " requests answered");
    if (!failure_.empty())
      throw runtime_failure(failure_);
    return 0;
  }

private:
  net::awaitable<void> serve()
  {
    std::vector<std::uint8_t> buffer(65536);
    const std::string info = version_text() + " [asm][size]";
    for (;;)
    {
      udp::endpoint client;
      control_message received;
      auto [ec, n] = co_await socket_.async_receive_from(net::buffer(buffer), client, received, use_tuple);
      if (stopper_.stopped())
        co_return;
      if (ec == net::error::connection_refused || ec == net::error::message_size)
        continue;
      if (ec)
      {
        failure_ = "ssmpingd: receive: " + ec.message();
        stopper_.stop();
        co_return;
      }
      auto answer = ssmping::answer_request(buffer.data(), n, info);
      if (!answer)
        continue;   // not a request: our own multicast reply looping back, or noise
      const std::string who = client.address().to_string() + ":" + std::to_string(client.port());
      // A fresh control message: only the source address goes back.
      control_message reply;
      reply.local = received.local;
      auto [uec, un] = co_await socket_.async_send_to(net::buffer(answer->datagram), client, reply, use_tuple);
      if (stopper_.stopped())
        co_return;
      if (uec)
        std::fprintf(stderr, "asio-ipv4: ssmpingd: unicast reply to %s: %s\n", who.c_str(), uec.message().c_str());
      if (!answer->group)
      {
        print_line("request from " + who + " names a group servers do not answer; unicast reply only");
        continue;
      }
      auto [mec, mn] = co_await socket_.async_send_to(
          net::buffer(answer->datagram), udp::endpoint(*answer->group, client.port()), reply, use_tuple);
      if (stopper_.stopped())
        co_return;
      if (mec)
        std::fprintf(stderr, "asio-ipv4: ssmpingd: multicast reply to %s: %s\n", answer->group->to_string().c_str(),
            mec.message().c_str());
      ++answered_;
      print_line("received request from " + who + (received.local ? " to " + received.local->to_string() : "")
          + ", answered unicast and to " + answer->group->to_string());
    }
  }


  const ssmpingd_command& command_;
  cmsg_socket<udp::socket> socket_;
  stopper stopper_;
  std::uint64_t answered_ = 0;
  std::string failure_;
};

} // namespace

int run_ssmpingd(const ssmpingd_command& c)
{
  return run_to_completion<server>(c);
}

} // namespace asio_ipv4::cli
