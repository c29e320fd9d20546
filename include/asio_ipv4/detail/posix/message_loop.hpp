//
// asio_ipv4/detail/posix/message_loop.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP
#define ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP

// The one recvmsg/sendmsg wrapper of the POSIX systems, and recvmmsg /
// sendmmsg where a system lacks them: a loop of recvmsg /
// sendmsg with the same results. A call returns the number of messages
// handled; -1 (errno set) only when the first one failed; a later failure
// ends the loop with the count so far, and the next call reports it (as
// Linux does).

#include <sys/socket.h>
#include <sys/types.h>

namespace asio_ipv4 {
namespace detail {
namespace os {

// recvmsg / sendmsg as the attempts call them (Windows has its own,
// detail/win/message_io.hpp).
inline ssize_t receive_message(int fd, msghdr& m, int flags) noexcept
{
  return ::recvmsg(fd, &m, flags);
}

inline ssize_t send_message(int fd, msghdr& m, int flags) noexcept
{
  return ::sendmsg(fd, &m, flags);
}

struct looped_message
{
  msghdr msg_hdr;
  unsigned msg_len;
};

// Calls `call(msghdr&)` (returning ssize_t) for each message in turn.
template <class Call>
int loop_messages(looped_message* m, unsigned n, Call call) noexcept
{
  unsigned i = 0;
  for (; i < n; ++i)
  {
    ssize_t r = call(m[i].msg_hdr);
    if (r < 0)
      return i == 0 ? -1 : static_cast<int>(i);
    m[i].msg_len = static_cast<unsigned>(r);
  }
  return static_cast<int>(i);
}

inline int receive_looped(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return receive_message(fd, h, flags); });
}

inline int send_looped(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return send_message(fd, h, flags); });
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_POSIX_MESSAGE_LOOP_HPP
