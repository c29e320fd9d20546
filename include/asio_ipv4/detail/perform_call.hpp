//
// asio_ipv4/detail/perform_call.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_PERFORM_CALL_HPP
#define ASIO_IPV4_DETAIL_PERFORM_CALL_HPP

// The system call a core asked for (core::call), made on a socket in
// non-blocking fashion through the platform's primitives, and the loop that
// makes a core's calls until it waits or is done. Shared by the blocking and
// the readiness drivers.

#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/platform.hpp>
#include <asio_ipv4/detail/syscall.hpp>

#include <boost/asio/error.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {

// Makes call `c` on the frame; returns its bytes (one message) or messages
// (*_many); `ec` as checked_syscall says (would_block: not ready).
template <class Frame, class Handle>
std::size_t perform_call(Handle fd, Frame& f, const core::call& c, boost::system::error_code& ec) noexcept
{
  switch (c.type)
  {
  case core::call_type::receive:
  {
    const int flags = os::receive_flags | (c.error_queue ? os::error_queue_flag : 0);
    const auto r = checked_syscall(ec, [&] { return os::receive_message(fd, f.messages[0].msg_hdr, flags); });
    return ec ? 0 : static_cast<std::size_t>(r);
  }
  case core::call_type::receive_many:
  {
    const auto r = checked_syscall(ec, [&] { return os::receive_messages(fd, f.messages, c.count, os::receive_flags); });
    return ec ? 0 : static_cast<std::size_t>(r);
  }
  case core::call_type::send:
  {
    const auto r = checked_syscall(ec, [&] { return os::send_message(fd, f.messages[0].msg_hdr, os::send_flags); });
    return ec ? 0 : static_cast<std::size_t>(r);
  }
  case core::call_type::send_many:
  {
    const auto r = checked_syscall(ec, [&] { return os::send_messages(fd, f.messages, c.count, os::send_flags); });
    return ec ? 0 : static_cast<std::size_t>(r);
  }
  case core::call_type::pending_error:
    break;
  }
  os::take_pending_error(fd, ec);
  // Where the error queue carries the errors, a pending error that no
  // entry came with is the copy of one another reader already took: taken,
  // not reported (the error receive waits on).
  if (ec && ec != boost::asio::error::shut_down && os::queue_reports_errors(fd))
    ec = {};
  return 0;
}

// Makes the core's calls until it waits (returns wait) or is done. `moved`
// becomes true when a call moved data (it returned success).
template <class Core, class Frame, class Handle>
core::next_action run_calls(Core& core, Frame& frame, Handle fd, bool& moved) noexcept
{
  for (;;)
  {
    core::call c;
    if (core.prepare(frame, c) == core::next_action::done)
      return core::next_action::done;
    boost::system::error_code ec;
    const std::size_t n = perform_call(fd, frame, c, ec);
    moved = moved || (!ec && c.type != core::call_type::pending_error);
    const core::next_action next = core.complete(frame, c, ec, n);
    if (next != core::next_action::call)
      return next;
  }
}

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_PERFORM_CALL_HPP
