//
// asio_ipv4/detail/win/socket_identity.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_SOCKET_IDENTITY_HPP
#define ASIO_IPV4_DETAIL_WIN_SOCKET_IDENTITY_HPP

// Which socket a handle names (os::socket_identity, read by an operation's
// liveness check, detail/socket_state.hpp), on Windows.
//
// Windows hands a socket opened after another was closed the same SOCKET
// value, and offers no number of its own per socket that a reopened socket
// would not share: the handle is reused, getsockname repeats after a bind to
// the same port, SO_PROTOCOL_INFO names the provider, GetFileInformationByHandle
// fails on a socket, and NtQueryInformationFile(FileInternalInformation),
// which Wine answers with the Unix socket's inode, is the AFD driver's to
// answer on Windows, which documents nothing for it. What Windows does
// guarantee is that closing a socket ends every request pending on it (as
// does CancelIoEx on it). So the identity is a request kept pending on the
// socket: a watch. A socket's first identity starts an overlapped
// WSAIoctl(SIO_ADDRESS_LIST_CHANGE), which consumes nothing and completes
// only when the machine's IPv4 address list changes, or when the request is
// cancelled: the socket closed, or CancelIoEx (next_layer().cancel()) on it.
// Its OVERLAPPED carries an event with the low bit set, so no completion
// packet reaches the io_context's port and no work is counted. While the
// watch pends, the handle still names the socket it was started on, and the
// identity is the watch's generation; once it has completed, the next
// identity starts a new watch, with a new generation, so an operation that
// began on the old socket sees another identity.
//
// Limits (doc/windows.md, "The socket's identity"): an address-list change
// (or next_layer().cancel()) changes the identity too, so an operation in
// progress stops as if cancelled; a socket object kept alive by another
// handle to it (DuplicateHandle, inheritance) keeps its watch pending after
// its first handle was closed and that value reused; the system reports the
// watch's completion asynchronously (Wine: when the thread that started it
// next talks to its server; Windows: by an APC to that thread), so a close
// on another thread in the microseconds before a check may not be seen yet.
// The watches live as long as the process (never freed: the system writes a
// pending watch's OVERLAPPED until the socket closes); one per handle value,
// reused when the value is.

#include <asio_ipv4/detail/win/winsock.hpp>

#include <windows.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace asio_ipv4 {
namespace detail {
namespace os {

// A socket's identity: the generation of its watch (0: none could be
// started; such identities compare equal, and the handle and the
// cmsg_socket's epoch are all that is checked).
struct socket_id
{
  std::uint64_t generation = 0;

  friend bool operator==(const socket_id& a, const socket_id& b) noexcept { return a.generation == b.generation; }
  friend bool operator!=(const socket_id& a, const socket_id& b) noexcept { return !(a == b); }
};

class socket_watches
{
public:
  // The identity of the socket `s` names now.
  socket_id identity(SOCKET s) noexcept
  {
    std::lock_guard<std::mutex> lock(mutex_);
    watch* w = find(s);
    if (!w)
      return {};
    if (w->generation != 0 && ::WaitForSingleObject(w->event, 0) == WAIT_TIMEOUT)
      return {w->generation};
    // No watch yet, or it completed: the socket was closed (this value may
    // name another now), cancelled, or the addresses changed.
    w->generation = 0;
    ::ResetEvent(w->event);
    w->ov = OVERLAPPED();
    w->ov.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(w->event) | 1);
    DWORD bytes = 0;
    if (::WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, nullptr, 0, nullptr, 0, &bytes, &w->ov, nullptr) == 0
        || ::WSAGetLastError() != WSA_IO_PENDING)
      return {}; // finished at once (or refused): nothing to watch with
    w->generation = next_++;
    return {w->generation};
  }

  static socket_watches& instance() noexcept
  {
    static socket_watches* watches = new socket_watches; // never freed: see above
    return *watches;
  }

private:
  struct watch
  {
    HANDLE event = nullptr;
    OVERLAPPED ov{};
    std::uint64_t generation = 0; // 0: not pending
  };

  watch* find(SOCKET s) noexcept
  {
    auto it = watches_.find(s);
    if (it != watches_.end())
      return it->second.get();
    try
    {
      auto w = std::make_unique<watch>();
      w->event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
      if (!w->event)
        return nullptr;
      return watches_.emplace(s, std::move(w)).first->second.get();
    }
    catch (...)
    {
      return nullptr;
    }
  }

  std::mutex mutex_;
  std::unordered_map<SOCKET, std::unique_ptr<watch>> watches_;
  std::uint64_t next_ = 1;
};

inline socket_id socket_identity(SOCKET s) noexcept
{
  return socket_watches::instance().identity(s);
}

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_SOCKET_IDENTITY_HPP
