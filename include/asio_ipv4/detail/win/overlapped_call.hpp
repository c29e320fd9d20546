//
// asio_ipv4/detail/win/overlapped_call.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_OVERLAPPED_CALL_HPP
#define ASIO_IPV4_DETAIL_WIN_OVERLAPPED_CALL_HPP

// One system call a core asked for (core::call, one message: the completion
// driver gives its cores frames of one message), made as an overlapped
// WSARecvMsg or WSASendMsg, and what it came to, in the core's terms:
//
//   - wsa_message: the WSAMSG and WSABUFs Windows reads and writes until the
//     call completes, built from the frame's msghdr;
//   - start_call: the call on an OVERLAPPED of the io_context's completion
//     port, and what it did at once (call_start);
//   - packet_follows: the seam's one decision, whether a completion packet
//     will come for that call;
//   - queued_only_call: a call that must not wait (a batch's later
//     receives), made without the port;
//   - finish_call: a finished call's status and bytes as the result POSIX
//     would have given (truncation as MSG_TRUNC, Windows' codes as Asio's);
//   - call_hook: the test seam, which replaces the system's answer with an
//     injected one (statuses Wine never gives).
//
// Nothing here knows operations, handlers or cancellation
// (detail/win/iocp_driver.hpp runs the cores with these).

#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/win/message_io.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <windows.h>

#include <atomic>
#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace win {

using boost::system::error_code;

inline error_code system_error(unsigned long value) noexcept
{
  return error_code(static_cast<int>(value), boost::asio::error::get_system_category());
}

inline bool is_system_error(const error_code& ec, unsigned long value) noexcept
{
  return ec.category() == boost::asio::error::get_system_category() && ec.value() == static_cast<int>(value);
}

// NTSTATUS values an OVERLAPPED's Internal field holds (<ntstatus.h>, whose
// names clash with <winnt.h>'s).
constexpr unsigned long status_pending = 0x00000103;
constexpr unsigned long status_buffer_overflow = 0x80000005; // a warning
// ERROR_HANDLES_CLOSED of <winerror.h> (mingw-w64 lacks it): how Wine
// completes a call whose socket was closed under it.
constexpr unsigned long error_handles_closed = 676;

// An NTSTATUS of error severity (the two top bits set): a request that ends
// so without having pended queues no completion packet.
constexpr bool is_error_status(unsigned long status) noexcept
{
  return (status >> 30) == 3;
}

// Which way a call moves data.
enum class call_kind : unsigned char
{
  receive,
  send
};

inline call_kind kind_of(const core::call& c) noexcept
{
  return c.type == core::call_type::send || c.type == core::call_type::send_many ? call_kind::send
                                                                                : call_kind::receive;
}

// The WSAMSG of one call and its WSABUFs (at most N: the frame's iovecs,
// never more than a datagram takes).
template <std::size_t N>
struct wsa_message
{
  WSAMSG msg;
  WSABUF buffers[N];

  // From the frame's msghdr; false (`ec` invalid_argument) when its buffers
  // cannot be expressed (too many, or one of 4 GiB or more).
  bool assign(msghdr& m, error_code& ec) noexcept
  {
    ec = {};
    if (m.msg_iovlen > N)
    {
      ec = boost::asio::error::invalid_argument;
      return false;
    }
    for (std::size_t i = 0; i < m.msg_iovlen; ++i)
    {
      if (m.msg_iov[i].iov_len > 0xffffffffu)
      {
        ec = boost::asio::error::invalid_argument;
        return false;
      }
      buffers[i].buf = static_cast<CHAR*>(m.msg_iov[i].iov_base);
      buffers[i].len = static_cast<ULONG>(m.msg_iov[i].iov_len);
    }
    msg = os::to_wsamsg(m, buffers);
    return true;
  }
};

// What a call did before it returned.
struct call_start
{
  // WSARecvMsg/WSASendMsg's result: 0 (finished, successfully) or
  // SOCKET_ERROR with `error` (WSA_IO_PENDING: pending).
  int result = 0;
  int error = 0;
  // The OVERLAPPED's Internal (an NTSTATUS) right after the call:
  // status_pending (set before the call) when the system did not finish
  // the request, else the status it finished with; and InternalHigh, the
  // bytes it moved.
  unsigned long status = status_pending;
  std::size_t bytes = 0;
  // An injected completion (call_hook): a packet with `packet_error`
  // follows, as for a pending call.
  bool injected_packet = false;
  error_code packet_error;

  bool pending() const noexcept { return result != 0 && error == WSA_IO_PENDING; }
};

// The seam's decision: after a call on `socket` (a socket of a completion
// port) started as `s`, does a completion packet follow?
//
//   call, as it returned                     | receive         | send
//   -----------------------------------------+-----------------+----------------
//   pending (WSA_IO_PENDING)                 | yes             | yes
//   finished at once, success (0)            | unless skip     | unless skip
//   finished at once with a warning status:  | unless skip     | unless skip
//     STATUS_BUFFER_OVERFLOW = WSAEMSGSIZE   | (datagram cut)  | (Wine only: an
//                                            |                 | oversized send)
//   failed at once with an error status      | no              | no
//     (Windows: an oversized send is         |                 |
//     STATUS_INVALID_BUFFER_SIZE = WSAEMSGSIZE; a refused USO,  |
//     a closed handle: WSAENOTSOCK ...)      |                 |
//
// "skip": the socket has FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, which Asio
// never sets but a socket adopted with assign() may have (Microsoft: the
// port is skipped when the request "is completed synchronously with a
// non-error status"; Wine's server/async.c does the same). The same
// WSAEMSGSIZE is a warning on a receive and, on Windows, an error on a send,
// so the call's own status decides: the I/O manager writes the OVERLAPPED
// (Internal) for a success or a warning and leaves it alone for a
// synchronous error, and the call is made with status_pending there.
inline bool packet_follows(const call_start& s, bool skip_on_success) noexcept
{
  if (s.injected_packet || s.pending())
    return true;
  if (s.result == 0)
    return !skip_on_success;
  if (s.status == status_pending || is_error_status(s.status))
    return false;
  return !skip_on_success;
}

// True when the call finished at once with a non-error status: the only
// case where packet_follows needs to know about skip-on-success (which
// costs a system call to find out).
inline bool finished_without_error(const call_start& s) noexcept
{
  return !s.injected_packet && !s.pending()
      && (s.result == 0 || (s.status != status_pending && !is_error_status(s.status)));
}

// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on `s`? Read with
// NtQueryInformationFile(FileIoCompletionNotificationInformation), which the
// I/O manager answers for any file object (Wine from its server's flags).
// False where it cannot be read (as Asio, which assumes packets).
inline bool skips_port_on_success(SOCKET s) noexcept
{
  struct io_status
  {
    void* status_or_pointer;
    ULONG_PTR information;
  };
  using query_fn = LONG(WINAPI*)(HANDLE, io_status*, void*, ULONG, int);
  static const query_fn query = [] {
    HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    FARPROC f = ntdll ? ::GetProcAddress(ntdll, "NtQueryInformationFile") : nullptr;
    return reinterpret_cast<query_fn>(reinterpret_cast<void*>(f));
  }();
  constexpr int file_io_completion_notification_information = 41;
  constexpr ULONG file_skip_completion_port_on_success = 1;
  if (!query)
    return false;
  io_status io{};
  ULONG flags = 0;
  if (query(reinterpret_cast<HANDLE>(s), &io, &flags, sizeof flags, file_io_completion_notification_information) < 0)
    return false;
  return (flags & file_skip_completion_port_on_success) != 0;
}

// --- The test seam. A hook, when set, is asked before each call; it may
// answer for the system (the call is then not made), which is how the tests
// reach statuses Wine never produces. Production code never sets it.
struct injected_call
{
  enum class what : unsigned char
  {
    none,    // make the real call
    at_once, // the call returned `result`/`error` with `status` in the OVERLAPPED
    packet   // the call pended and completes with `packet_error` and `bytes`
  };
  what kind = what::none;
  int result = SOCKET_ERROR;
  int error = 0;
  unsigned long status = status_pending;
  error_code packet_error;
  std::size_t bytes = 0;
};

using call_hook = injected_call (*)(call_kind kind, SOCKET s, const WSAMSG& msg);

inline std::atomic<call_hook>& call_hook_slot() noexcept
{
  static std::atomic<call_hook> hook{nullptr};
  return hook;
}

// Installs `hook` (null: none); returns the previous one.
inline call_hook set_call_hook(call_hook hook) noexcept
{
  return call_hook_slot().exchange(hook);
}

// The hook's answer for a call, if it gives one.
inline bool injected(call_kind kind, SOCKET s, const WSAMSG& msg, call_start& out) noexcept
{
  const call_hook hook = call_hook_slot().load(std::memory_order_acquire);
  if (!hook)
    return false;
  const injected_call i = hook(kind, s, msg);
  switch (i.kind)
  {
  case injected_call::what::none:
    return false;
  case injected_call::what::at_once:
    out.result = i.result;
    out.error = i.result == 0 ? 0 : i.error;
    out.status = i.status;
    out.bytes = i.bytes;
    return true;
  case injected_call::what::packet:
    out.injected_packet = true;
    out.packet_error = i.packet_error;
    out.bytes = i.bytes;
    return true;
  }
  return false;
}

// --- The calls.

// The WSARecvMsg or WSASendMsg of `kind` on `s`, `ov` as given.
inline void issue(call_kind kind, SOCKET s, WSAMSG& msg, OVERLAPPED* ov, call_start& out) noexcept
{
  ov->Internal = status_pending;
  ov->InternalHigh = 0;
  int r = SOCKET_ERROR;
  if (kind == call_kind::receive)
  {
    if (LPFN_WSARECVMSG receive = os::wsa_recv_msg(s))
      r = receive(s, &msg, nullptr, ov, nullptr);
  }
  else
    r = ::WSASendMsg(s, &msg, 0, nullptr, ov, nullptr);
  out.result = r == 0 ? 0 : SOCKET_ERROR;
  out.error = r == 0 ? 0 : ::WSAGetLastError();
  out.status = static_cast<unsigned long>(ov->Internal);
  out.bytes = static_cast<std::size_t>(ov->InternalHigh);
}

// Starts call `c` on `s` with `ov`, an OVERLAPPED of the socket's completion
// port; `w` (filled from the frame's message) must stay put until the call
// completes. The hook may answer instead.
template <std::size_t N>
call_start start_call(SOCKET s, const core::call& c, wsa_message<N>& w, OVERLAPPED* ov) noexcept
{
  call_start out;
  w.msg.dwFlags = 0;
  if (!injected(kind_of(c), s, w.msg, out))
    issue(kind_of(c), s, w.msg, ov, out);
  return out;
}

// The event of this thread's queued-only calls (below), made once.
inline HANDLE queued_only_event() noexcept
{
  struct event_handle
  {
    HANDLE h = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    ~event_handle()
    {
      if (h)
        ::CloseHandle(h);
    }
  };
  static thread_local event_handle event;
  return event.h;
}

// A receive that takes only a datagram already queued (core::call::
// queued_only: a batch after its first datagram), finished before it
// returns and never through the port, so that a batch takes what is queued
// without the user's code running in between. Made only when WSAPoll finds
// the socket readable (else would_block, no call), with an OVERLAPPED whose
// event has its low bit set (Windows then queues no completion packet); if it
// pends all the same (another receive took the datagram first), it is
// cancelled and waited for: either it got a datagram meanwhile or it
// consumed nothing (would_block).
template <std::size_t N>
call_start queued_only_call(SOCKET s, wsa_message<N>& w) noexcept
{
  call_start out;
  w.msg.dwFlags = 0;
  if (injected(call_kind::receive, s, w.msg, out))
    return out;
  const HANDLE event = queued_only_event();
  if (!event || !os::ready_now(s, POLLRDNORM))
  {
    out.result = SOCKET_ERROR;
    out.error = WSAEWOULDBLOCK;
    return out;
  }
  OVERLAPPED ov{};
  ov.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(event) | 1);
  issue(call_kind::receive, s, w.msg, &ov, out);
  if (!out.pending())
    return out;
  ::CancelIoEx(reinterpret_cast<HANDLE>(s), &ov);
  ::WaitForSingleObject(event, INFINITE);
  DWORD bytes = 0;
  DWORD flags = 0;
  const BOOL ok = ::WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags);
  out.result = ok ? 0 : SOCKET_ERROR;
  out.error = ok ? 0 : ::WSAGetLastError();
  if (out.error == WSA_OPERATION_ABORTED)
    out.error = WSAEWOULDBLOCK; // cancelled: nothing taken
  out.status = static_cast<unsigned long>(ov.Internal);
  out.bytes = static_cast<std::size_t>(ov.InternalHigh);
  return out;
}

// --- What a finished call came to, as the core reads it.

// The finished call's error as Asio's own socket operations give it (its
// completion packet's, or the error it returned at once). A receive's
// ERROR_MORE_DATA / WSAEMSGSIZE (a datagram that did not fit) is not an
// error: finish_call turns it into MSG_TRUNC. `socket_gone` tells the two
// meanings of ERROR_NETNAME_DELETED apart (the socket closed under the call,
// or the peer reset it: Asio asks the same).
template <class SocketGone>
error_code completion_error(call_kind kind, const error_code& ec, SocketGone socket_gone) noexcept
{
  if (ec.category() != boost::asio::error::get_system_category())
    return ec;
  switch (ec.value())
  {
  case ERROR_MORE_DATA:
  case WSAEMSGSIZE:
    return kind == call_kind::receive ? error_code() : error_code(boost::asio::error::message_size);
  case error_handles_closed:
    return boost::asio::error::operation_aborted;
  case ERROR_NETNAME_DELETED:
    return socket_gone() ? error_code(boost::asio::error::operation_aborted)
                         : error_code(boost::asio::error::connection_reset);
  case ERROR_PORT_UNREACHABLE:
    return boost::asio::error::connection_refused;
  default:
    return ec;
  }
}

// A call's status as the error_code its completion packet would carry.
inline error_code status_error(const call_start& s) noexcept
{
  if (s.injected_packet)
    return s.packet_error;
  if (s.result == 0)
    return {};
  if (s.status == status_buffer_overflow)
    return system_error(ERROR_MORE_DATA);
  return system_error(static_cast<unsigned long>(s.error));
}

// A finished call's results written back into the frame's message `m` as
// recvmsg/sendmsg would have: the sender's length, the control length, the
// flags, and a cut datagram as MSG_TRUNC. `completion` is the call's status
// (ERROR_MORE_DATA when the datagram or its control messages did not fit).
// Windows sets MSG_TRUNC and MSG_CTRUNC in the WSAMSG; Wine 8 leaves
// MSG_TRUNC out, so ERROR_MORE_DATA without MSG_CTRUNC, or with it and the
// buffers full, also counts as cut data (a datagram exactly as long as the
// buffers whose control messages did not fit is then reported as
// message_size: the side that loses nothing).
template <std::size_t N>
void finish_message(const wsa_message<N>& w, const error_code& completion, std::size_t bytes, msghdr& m) noexcept
{
  os::from_wsamsg(w.msg, m);
  if (is_system_error(completion, ERROR_MORE_DATA) || is_system_error(completion, WSAEMSGSIZE))
  {
    std::size_t capacity = 0;
    for (DWORD i = 0; i < w.msg.dwBufferCount; ++i)
      capacity += w.msg.lpBuffers[i].len;
    if ((m.msg_flags & MSG_CTRUNC) == 0 || bytes >= capacity)
      m.msg_flags |= MSG_TRUNC;
  }
}

// A finished call, for core::complete: its error, and its count (bytes of a
// one-message call; 1 message of a *_many call, whose msg_len is set).
struct call_result
{
  error_code ec;
  std::size_t n = 0;
};

template <class Frame, std::size_t N, class SocketGone>
call_result finish_call(Frame& f, const core::call& c, const wsa_message<N>& w, const error_code& status,
    std::size_t bytes, SocketGone socket_gone) noexcept
{
  const call_kind kind = kind_of(c);
  call_result r;
  r.ec = completion_error(kind, status, socket_gone);
  if (r.ec)
    return r;
  if (kind == call_kind::receive)
    finish_message(w, status, bytes, f.messages[0].msg_hdr);
  const bool many = c.type == core::call_type::receive_many || c.type == core::call_type::send_many;
  if (many)
    f.messages[0].msg_len = static_cast<unsigned>(bytes);
  r.n = many ? 1 : bytes;
  return r;
}

} // namespace win
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_OVERLAPPED_CALL_HPP
