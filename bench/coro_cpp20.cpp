//
// bench/coro_cpp20.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// asio_ipv4_bench_coro drain cmsg_receive_from_coro <count>
//
// The one-by-one cmsg_socket receiver of drain.cpp written as a C++20
// coroutine (use_awaitable). Informative: header-only Asio, C++20.

#include "common.hpp"

#include <asio_ipv4/cmsg_socket.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <string>

namespace {

using boost::asio::ip::udp;
using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;

struct result
{
  std::uint64_t check = 0;
  bench::stopwatch started;
  std::uint64_t allocs_at_warmup = 0;
};

boost::asio::awaitable<void> drain(cmsg_udp& s, std::size_t count, result& r)
{
  unsigned char buf[bench::receive_buffer_size];
  udp::endpoint sender;
  asio_ipv4::control_message cm;
  for (std::size_t i = 0; i < count; ++i)
  {
    if (i == bench::warmup)
      r.allocs_at_warmup = bench::allocations();
    std::size_t n = co_await s.async_receive_from(boost::asio::buffer(buf), sender, cm, boost::asio::use_awaitable);
    r.check += n + (cm.ttl ? *cm.ttl : 0u) + (cm.interface_index ? *cm.interface_index : 0u)
        + (cm.destination && cm.destination->to_uint() == INADDR_LOOPBACK);
  }
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 4 || std::string(argv[1]) != "drain" || std::string(argv[2]) != "cmsg_receive_from_coro")
    bench::fail("usage: asio_ipv4_bench_coro drain cmsg_receive_from_coro <count>");
  std::size_t count = std::strtoull(argv[3], nullptr, 10);
  if (count <= bench::warmup)
    bench::fail("count too small");
  sockaddr_in bound;
  int fd = bench::make_receiver(count, true, bound);
  bench::prefill(bound, count);

  boost::asio::io_context ctx;
  cmsg_udp s(ctx);
  s.next_layer().assign(udp::v4(), fd);
  result r;
  r.started.start();
  boost::asio::co_spawn(ctx, drain(s, count, r), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  ctx.run();
  bench::stopwatch elapsed = r.started.elapsed();
  bench::report(argv[2], count, elapsed, bench::allocations() - r.allocs_at_warmup, count - bench::warmup, r.check,
      bench::expected_check(count, true));
}
