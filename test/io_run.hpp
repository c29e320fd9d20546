//
// test/io_run.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Running an io_context with a deadline, the same way on every Asio backend.
// A timer bounds the run, never run_for/run_until/run_one_until: Boost
// 1.81's io_uring backend tags their wake-up timeout with the address of a
// local variable and can read its late completion after that frame is gone
// (chriskohlhoff/asio#1284), which the asynchronous suites would meet when
// they run on io_uring.

#ifndef ASIO_IPV4_TEST_IO_RUN_HPP
#define ASIO_IPV4_TEST_IO_RUN_HPP

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>

namespace asio_ipv4 {
namespace test {

/// Runs `ctx` until `done()` holds or `timeout` passes (or the context runs
/// out of work); returns done().
inline bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done,
    std::chrono::milliseconds timeout)
{
  ctx.restart();
  bool expired = false;
  boost::asio::steady_timer deadline(ctx, timeout);
  deadline.async_wait([&](boost::system::error_code ec) { expired = !ec; });
  while (!done() && !expired)
    if (ctx.run_one() == 0)
      break;
  deadline.cancel();
  ctx.restart();
  ctx.poll(); // the cancelled deadline's handler refers to this frame
  return done();
}

/// Runs `ctx` for `duration` of wall time (a timer stops it).
inline void run_for(boost::asio::io_context& ctx, std::chrono::milliseconds duration)
{
  ctx.restart();
  boost::asio::steady_timer stop(ctx, duration);
  stop.async_wait([&](boost::system::error_code ec) {
    if (!ec)
      ctx.stop();
  });
  ctx.run();
  ctx.restart();
  stop.cancel();
  ctx.poll();
  ctx.restart();
}

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_IO_RUN_HPP
