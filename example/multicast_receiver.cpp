//
// example/multicast_receiver.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Joins an IPv4 multicast group and prints, for every datagram, what the
// kernel knows about it besides its payload: the group it was sent to, the
// interface it arrived on, the TTL left in its header and its TOS byte
// (DSCP and ECN). An ordinary receive_from only tells the sender; here the
// extra facts come from control messages, read with asio_ipv4::cmsg_socket.
//
// Usage:
//   multicast_receiver <group> <port> [interface-name] [--source <address>]
//
//   multicast_receiver 239.1.2.3 5000 eth0
//       any-source multicast (ASM): everything sent to 239.1.2.3:5000
//   multicast_receiver 232.1.1.1 5000 eth0 --source 10.0.0.5
//       source-specific multicast (SSM): only what 10.0.0.5 sends
//
// Without an interface name the kernel picks the interface of its route
// towards the group (often the default route). Output, one line per datagram:
//
//   from 10.0.1.1:41234 to 239.1.2.3 on eth0: TTL 3, TOS 0xb8 (DSCP 46, ECN Not-ECT), 7 bytes "hello 0"
//
// Stop it with Ctrl-C (SIGINT) or SIGTERM.
//
// To try it, send to the group from another terminal or another host, for
// example with `echo hello | socat - UDP4-DATAGRAM:239.1.2.3:5000,ip-multicast-ttl=3`
// (a sender on the same host loops its datagrams back to local receivers).

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <csignal>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace net = boost::asio;
namespace ip4 = asio_ipv4::ip4;
using net::ip::udp;

namespace {

// What the command line asks for.
struct settings
{
  net::ip::address_v4 group;
  unsigned short port = 0;
  unsigned interface_index = 0; // 0: let the routing table choose
  std::optional<net::ip::address_v4> source; // set: source-specific join
};

// The name of an interface, from its index (rtnetlink, through
// asio_ipv4::ip4::interface_by_index; the result also carries the
// interface's addresses, MTU and flags).
std::string interface_name(unsigned index)
{
  boost::system::error_code ec;
  auto nic = ip4::interface_by_index(index, ec);
  return ec ? "#" + std::to_string(index) : nic.name;
}

// The TOS byte is two fields: DSCP (the upper six bits, the traffic class)
// and ECN (the lower two, congestion signalling, RFC 3168).
std::string describe_tos(std::uint8_t byte)
{
  static const char* const ecn_names[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};
  ip4::tos tos(byte);
  std::ostringstream os;
  os << "TOS 0x" << std::hex << std::setw(2) << std::setfill('0') << unsigned(byte) << std::dec << " (DSCP "
     << unsigned(tos.dscp()) << ", ECN " << ecn_names[tos.ecn()] << ")";
  return os.str();
}

// The payload as text, for a quick look: unprintable bytes become '.'.
std::string printable(const char* data, std::size_t size)
{
  const std::size_t shown = size < 60 ? size : 60;
  std::string text(data, shown);
  for (char& c : text)
    if (c < 0x20 || c > 0x7e)
      c = '.';
  return "\"" + text + (shown < size ? "...\"" : "\"");
}

// Receives datagrams one at a time, with a completion handler that starts
// the next receive: the classic Asio callback loop.
class receiver
{
public:
  receiver(net::io_context& ctx, const settings& s) : socket_(ctx), signals_(ctx, SIGINT, SIGTERM)
  {
    udp::socket& socket = socket_.next_layer();
    socket.open(udp::v4());

    // Several receivers on this host may share the group and port.
    socket.set_option(net::socket_base::reuse_address(true));

    // Bind to the group, not to 0.0.0.0: the socket then ignores unicast to
    // this port, and datagrams for other groups that other programs on this
    // host joined (Linux delivers a group's datagrams to every socket bound
    // to the port unless ip4::multicast_all(false) is set).
    socket.bind(udp::endpoint(s.group, s.port));

    // Ask for the control messages we want to print. Each option makes the
    // kernel attach one control message to every datagram:
    //   receive_packet_info -> destination, local, interface_index (IP_PKTINFO)
    //   receive_ttl         -> ttl (IP_RECVTTL)
    //   receive_tos         -> tos (IP_RECVTOS)
    socket.set_option(ip4::receive_packet_info(true));
    socket.set_option(ip4::receive_ttl(true));
    socket.set_option(ip4::receive_tos(true));

    // Join on the interface named by its index: unlike an address, an index
    // is unambiguous and exists even on an interface without IPv4 address.
    if (s.source)
      socket.set_option(ip4::source_group_join(s.group, *s.source, s.interface_index));
    else
      socket.set_option(ip4::join_group(s.group, s.interface_index));

    // std::endl flushes: a program reading our output through a pipe sees
    // each line at once.
    std::cout << "joined " << s.group;
    if (s.source)
      std::cout << " from source " << *s.source;
    std::cout << " on "
              << (s.interface_index ? interface_name(s.interface_index) : std::string("the routed interface"))
              << ", port " << s.port << std::endl;
  }

  void start()
  {
    // Ctrl-C or SIGTERM: closing the socket makes the pending receive
    // complete with operation_aborted, and the io_context runs out of work.
    signals_.async_wait([this](boost::system::error_code ec, int) {
      if (!ec)
        socket_.next_layer().close();
    });
    receive();
  }

  int exit_status() const { return failed_ ? EXIT_FAILURE : EXIT_SUCCESS; }

private:
  void receive()
  {
    // The sender endpoint and the control message must stay valid until the
    // handler runs: they are members. The receive clears control_ first.
    socket_.async_receive_from(net::buffer(buffer_), sender_, control_,
        [this](boost::system::error_code ec, std::size_t n) { on_receive(ec, n); });
  }

  void on_receive(boost::system::error_code ec, std::size_t n)
  {
    if (ec == net::error::operation_aborted)
      return; // closed by the signal handler: we are done

    // A datagram larger than the buffer is not silently cut: the receive
    // completes with message_size, n = what was stored. The control messages
    // are still there, so print it anyway.
    const bool truncated = ec == net::error::message_size;
    if (ec && !truncated)
    {
      std::cerr << "receive: " << ec.message() << std::endl;
      failed_ = true;
      signals_.cancel();
      return;
    }
    print(n, truncated);
    receive();
  }

  void print(std::size_t n, bool truncated)
  {
    // Every field is optional: it is set exactly when the kernel reported it.
    // With the three options above it always does, but a robust program
    // checks.
    std::cout << "from " << sender_;
    if (control_.destination)
      std::cout << " to " << *control_.destination;
    if (control_.interface_index)
      std::cout << " on " << interface_name(*control_.interface_index);
    std::cout << ":";
    if (control_.ttl)
      std::cout << " TTL " << unsigned(*control_.ttl) << ",";
    if (control_.tos)
      std::cout << " " << describe_tos(*control_.tos) << ",";
    std::cout << " " << n << " bytes" << (truncated ? " (truncated)" : "") << " "
              << printable(buffer_.data(), n) << std::endl;
  }

  asio_ipv4::cmsg_socket<udp::socket> socket_;
  net::signal_set signals_;
  std::array<char, 2048> buffer_;
  udp::endpoint sender_;
  asio_ipv4::control_message control_;
  bool failed_ = false;
};

int usage(const char* program)
{
  std::cerr << "Usage: " << program << " <group> <port> [interface-name] [--source <address>]\n"
            << "Example:\n"
            << "    " << program << " 239.1.2.3 5000 eth0\n"
            << "    " << program << " 232.1.1.1 5000 eth0 --source 10.0.0.5\n";
  return EXIT_FAILURE;
}

// Reads the command line into `s`; prints what is wrong and returns false
// when it cannot.
bool parse(int argc, char* argv[], settings& s)
{
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i)
  {
    std::string arg = argv[i];
    if (arg == "--source")
    {
      if (++i == argc)
        return false;
      boost::system::error_code ec;
      s.source = net::ip::make_address_v4(argv[i], ec);
      if (ec)
      {
        std::cerr << "not an IPv4 address: " << argv[i] << "\n";
        return false;
      }
    }
    else
      positional.push_back(arg);
  }
  if (positional.size() < 2 || positional.size() > 3)
    return false;

  boost::system::error_code ec;
  s.group = net::ip::make_address_v4(positional[0], ec);
  if (ec || !s.group.is_multicast())
  {
    std::cerr << "not an IPv4 multicast group: " << positional[0] << "\n";
    return false;
  }
  char* end = nullptr;
  unsigned long port = std::strtoul(positional[1].c_str(), &end, 10);
  if (*end != '\0' || port == 0 || port > 65535)
  {
    std::cerr << "not a port: " << positional[1] << "\n";
    return false;
  }
  s.port = static_cast<unsigned short>(port);
  if (positional.size() == 3)
  {
    boost::system::error_code ec;
    s.interface_index = ip4::interface_by_name(positional[2], ec).index;
    if (ec)
    {
      std::cerr << "no such interface: " << positional[2] << "\n";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char* argv[])
{
  settings s;
  if (!parse(argc, argv, s))
    return usage(argv[0]);
  try
  {
    net::io_context ctx;
    receiver r(ctx, s);
    r.start();
    ctx.run();
    return r.exit_status();
  }
  catch (const boost::system::system_error& e)
  {
    // Setting up failed: a bad interface for the group, no permission...
    std::cerr << "error: " << e.what() << std::endl;
    return EXIT_FAILURE;
  }
}
