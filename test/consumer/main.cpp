// Uses an installed asio_ipv4: a couple of options on a real socket, the
// library's error category and a control_message printed (compiled code, so
// the link is checked too), and the version macros.
// Exits non-zero, saying what it expected and what came, on a mismatch.
#include <asio_ipv4.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <iostream>
#include <sstream>
#include <string>

namespace {

int failures = 0;

template <class T, class U>
void expect_eq(const char* what, const T& expected, const U& got)
{
  if (!(expected == got))
  {
    std::cerr << what << ": expected " << expected << ", got " << got << "\n";
    ++failures;
  }
}

} // namespace

int main()
{
  namespace ip4 = asio_ipv4::ip4;
  boost::asio::io_context io;
  boost::asio::ip::udp::socket socket(io, boost::asio::ip::udp::v4());

  socket.set_option(ip4::tos::from_dscp(46));
  ip4::tos tos;
  socket.get_option(tos);
  expect_eq("IP_TOS after from_dscp(46)", 184, int(tos.value()));
  expect_eq("DSCP read back", 46, int(tos.dscp()));

  socket.set_option(ip4::ttl(7));
  ip4::ttl ttl;
  socket.get_option(ttl);
  expect_eq("IP_TTL", 7, int(ttl.value()));

  boost::system::error_code ec;
  socket.set_option(ip4::join_group(boost::asio::ip::make_address_v4("10.0.0.1")), ec);
  expect_eq("join_group of a unicast address",
      boost::system::error_code(boost::asio::error::invalid_argument).message(), ec.message());

  expect_eq("asio_ipv4 error category", std::string("asio_ipv4"),
      std::string(make_error_code(asio_ipv4::error::bad_version).category().name()));

  asio_ipv4::control_message control;
  control.ttl = 7;
  std::ostringstream printed;
  printed << control;
  expect_eq("control_message printed", std::string("{ttl=7}"), printed.str());

  expect_eq("ASIO_IPV4_VERSION", ASIO_IPV4_VERSION_MAJOR * 100000 + ASIO_IPV4_VERSION_MINOR * 100
      + ASIO_IPV4_VERSION_PATCH, ASIO_IPV4_VERSION);

  if (failures == 0)
    std::cout << "consumer: asio_ipv4 " << ASIO_IPV4_VERSION_STRING << " found, built and used\n";
  return failures == 0 ? 0 : 1;
}
