//
// asio_ipv4/detail/win/message_io.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_MESSAGE_IO_HPP
#define ASIO_IPV4_DETAIL_WIN_MESSAGE_IO_HPP

// The system calls the blocking driver makes for the cores (detail/core/,
// detail/perform_call.hpp) on Winsock: one datagram per WSARecvMsg /
// WSASendMsg call, never blocking. (The asynchronous operations make
// overlapped calls instead: detail/win/overlapped_call.hpp, which shares
// the WSAMSG conversions below.)
//
// The cores describe a datagram with the POSIX msghdr/iovec fields
// (detail/win/msghdr.hpp); each call turns them into a WSAMSG. Errors follow the
// POSIX convention the shared code reads: -1 with errno set, here to the
// Winsock code (WSAGetLastError), which checked_syscall turns into a
// system_category error_code, as Asio reports Winsock errors: WSAEWOULDBLOCK
// is boost::asio::error::would_block.
//
// Winsock has no MSG_DONTWAIT, and an Asio socket stays in blocking mode
// unless the user asks otherwise, so each call first asks WSAPoll, without
// waiting, whether the socket is ready; if not, the call reports
// WSAEWOULDBLOCK and the driver waits. The check is exact for one reader and
// one writer per socket, which is what Asio allows on one socket object.
//
// Socket handles arrive as an `int fd`: Windows handles are
// 32-bit values even in 64-bit processes, and truncating one to 32 bits and
// sign-extending it back is the conversion Microsoft documents for sharing
// handles between 32- and 64-bit code (HandleToLong / LongToHandle).

#include <asio_ipv4/detail/message_loop.hpp>
#include <asio_ipv4/detail/win/msghdr.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace asio_ipv4 {
namespace detail {

namespace os {

inline SOCKET to_socket(int fd) noexcept
{
  return static_cast<SOCKET>(static_cast<std::intptr_t>(fd));
}

// -1 with errno set to the calling thread's last Winsock error.
inline long long socket_failure() noexcept
{
  errno = ::WSAGetLastError();
  return -1;
}

// True when a call for `events` (POLLRDNORM, POLLWRNORM) would not block: the
// socket is ready, or has an error the call will report.
inline bool ready_now(SOCKET s, short events) noexcept
{
  WSAPOLLFD p{};
  p.fd = s;
  p.events = events;
  return ::WSAPoll(&p, 1, 0) != 0; // 1: ready or failed, SOCKET_ERROR: the call reports it
}

// WSARecvMsg exists only as an extension function pointer of the socket's
// provider (SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG); every
// socket of the Microsoft TCP/IP provider answers the same pointer, kept
// once found.
inline LPFN_WSARECVMSG wsa_recv_msg(SOCKET s) noexcept
{
  static std::atomic<LPFN_WSARECVMSG> cached{nullptr};
  LPFN_WSARECVMSG fn = cached.load(std::memory_order_acquire);
  if (fn)
    return fn;
  GUID guid = WSAID_WSARECVMSG;
  DWORD bytes = 0;
  if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &fn, sizeof(fn), &bytes, nullptr,
          nullptr)
      == SOCKET_ERROR)
    return nullptr;
  cached.store(fn, std::memory_order_release);
  return fn;
}

// The most buffers one datagram takes (core::max_iov, detail/core/frame.hpp).
constexpr std::size_t max_wsabufs = 64;

// m's buffers as WSABUFs; false (errno WSAEINVAL) when they cannot be
// expressed (too many, or one of 4 GiB or more).
inline bool to_wsabufs(const msghdr& m, WSABUF (&bufs)[max_wsabufs]) noexcept
{
  if (m.msg_iovlen > max_wsabufs)
  {
    errno = WSAEINVAL;
    return false;
  }
  for (std::size_t i = 0; i < m.msg_iovlen; ++i)
  {
    if (m.msg_iov[i].iov_len > 0xffffffffu)
    {
      errno = WSAEINVAL;
      return false;
    }
    bufs[i].buf = static_cast<char*>(m.msg_iov[i].iov_base);
    bufs[i].len = static_cast<ULONG>(m.msg_iov[i].iov_len);
  }
  return true;
}

inline WSAMSG to_wsamsg(msghdr& m, WSABUF* bufs) noexcept
{
  WSAMSG w{};
  w.name = static_cast<LPSOCKADDR>(m.msg_name);
  w.namelen = m.msg_name ? m.msg_namelen : 0;
  w.lpBuffers = bufs;
  w.dwBufferCount = static_cast<DWORD>(m.msg_iovlen);
  w.Control.buf = m.msg_controllen ? static_cast<char*>(m.msg_control) : nullptr;
  w.Control.len = static_cast<ULONG>(m.msg_controllen);
  return w;
}

// What a finished WSARecvMsg wrote into `w`, back into `m` as recvmsg
// writes it: the name's length, the control length, the flags.
inline void from_wsamsg(const WSAMSG& w, msghdr& m) noexcept
{
  m.msg_namelen = w.namelen;
  m.msg_controllen = m.msg_control ? w.Control.len : 0;
  m.msg_flags = static_cast<int>(w.dwFlags);
}

// recvmsg(2) on Winsock. A datagram larger than the buffers is reported as
// POSIX does (MSG_TRUNC, the bytes stored), where WSARecvMsg fails with
// WSAEMSGSIZE after storing what fits.
inline long long receive_message(int fd, msghdr& m, int flags) noexcept
{
  const SOCKET s = to_socket(fd);
  WSABUF bufs[max_wsabufs];
  if (!to_wsabufs(m, bufs))
    return -1;
  if (!ready_now(s, POLLRDNORM))
  {
    errno = WSAEWOULDBLOCK;
    return -1;
  }
  LPFN_WSARECVMSG recv_msg = wsa_recv_msg(s);
  if (!recv_msg)
    return socket_failure();
  WSAMSG w = to_wsamsg(m, bufs);
  w.dwFlags = static_cast<DWORD>(flags);
  DWORD n = 0;
  if (recv_msg(s, &w, &n, nullptr, nullptr) == SOCKET_ERROR)
  {
    if (::WSAGetLastError() != WSAEMSGSIZE)
      return socket_failure();
    w.dwFlags |= MSG_TRUNC;
    if (n == 0)
      for (std::size_t i = 0; i < m.msg_iovlen; ++i)
        n += bufs[i].len;
  }
  from_wsamsg(w, m);
  return static_cast<long long>(n);
}

// sendmsg(2) on Winsock (WSASendMsg, Windows Vista and later).
inline long long send_message(int fd, msghdr& m, int flags) noexcept
{
  const SOCKET s = to_socket(fd);
  WSABUF bufs[max_wsabufs];
  if (!to_wsabufs(m, bufs))
    return -1;
  if (!ready_now(s, POLLWRNORM))
  {
    errno = WSAEWOULDBLOCK;
    return -1;
  }
  WSAMSG w = to_wsamsg(m, bufs);
  DWORD n = 0;
  if (::WSASendMsg(s, &w, static_cast<DWORD>(flags), &n, nullptr, nullptr) == SOCKET_ERROR)
    return socket_failure();
  return static_cast<long long>(n);
}

// recvmmsg / sendmmsg as loops of single calls (detail/message_loop.hpp).
inline int receive_messages(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return receive_message(fd, h, flags); });
}

inline int send_messages(int fd, looped_message* m, unsigned n, int flags) noexcept
{
  return loop_messages(m, n, [&](msghdr& h) { return send_message(fd, h, flags); });
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_MESSAGE_IO_HPP
