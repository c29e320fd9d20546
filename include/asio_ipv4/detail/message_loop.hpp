//
// asio_ipv4/detail/message_loop.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_MESSAGE_LOOP_HPP
#define ASIO_IPV4_DETAIL_MESSAGE_LOOP_HPP

// recvmmsg / sendmmsg where a system lacks them: a loop of single-message
// calls with the same results. A call returns the number of messages
// handled; -1 (errno set) only when the first one failed; a later failure
// ends the loop with the count so far, and the next call reports it (as
// Linux does). The platform supplies the single call
// (detail/posix/message_loop.hpp, detail/win/message_io.hpp).

#include <asio_ipv4/detail/socket_types.hpp>

namespace asio_ipv4 {
namespace detail {
namespace os {

struct looped_message
{
  msghdr msg_hdr;
  unsigned msg_len;
};

// Calls `call(msghdr&)` (returning the byte count, or -1) for each message
// in turn.
template <class Call>
int loop_messages(looped_message* m, unsigned n, Call call) noexcept
{
  unsigned i = 0;
  for (; i < n; ++i)
  {
    const auto r = call(m[i].msg_hdr);
    if (r < 0)
      return i == 0 ? -1 : static_cast<int>(i);
    m[i].msg_len = static_cast<unsigned>(r);
  }
  return static_cast<int>(i);
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_MESSAGE_LOOP_HPP
