//
// asio_ipv4/detail/win/send_offload.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_SEND_OFFLOAD_HPP
#define ASIO_IPV4_DETAIL_WIN_SEND_OFFLOAD_HPP

// UDP send offload (USO) on Windows: Windows' counterpart of Linux's GSO, a
// segment size per send as a UDP_SEND_MSG_SIZE control message (Windows 10
// 2004 and later). Its availability is os::has_gso, which the cores' GSO
// decision reads (detail/core/gso.hpp: gso_state): where USO exists a send
// with a segment size goes out in one call carrying it, and a send the stack
// refuses (WSAEINVAL: nothing was sent) is cut in user space by the core;
// elsewhere every such send is cut in user space. Whether the stack knows
// UDP_SEND_MSG_SIZE is asked once per process, as quinn-udp does, with
// getsockopt on a socket of its own: Wine 8 answers WSAEINVAL (and would
// drop the control message: it drops every send's control data).

#include <asio_ipv4/detail/win/winsock.hpp>

#include <atomic>

namespace asio_ipv4 {
namespace detail {
namespace os {

class send_offload
{
public:
  // True when this system's UDP takes a segment size per send. Read where
  // a bool is (os::has_gso && ..., as the other platforms' constant).
  operator bool() const noexcept
  {
    int k = known().load(std::memory_order_relaxed);
    if (k == unknown)
    {
      k = probe();
      if (k != unknown)
        known().store(k, std::memory_order_relaxed);
    }
    return k == yes;
  }

  // For tests: answer `available` from now on, whatever the system says.
  static void assume(bool available) noexcept { known().store(available ? yes : no, std::memory_order_relaxed); }

  // For tests: ask the system again.
  static void ask_again() noexcept { known().store(unknown, std::memory_order_relaxed); }

private:
  static constexpr int unknown = 0, yes = 1, no = -1;
  // UDP_SEND_MSG_SIZE at IPPROTO_UDP, <ws2ipdef.h> of SDK 10.0.19041
  // (mingw-w64 lacks it; os::udp_segment names the same option).
  static constexpr int udp_send_msg_size = 2;

  static std::atomic<int>& known() noexcept
  {
    static std::atomic<int> k{unknown};
    return k;
  }

  static int probe() noexcept
  {
    const SOCKET s = ::WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, 0);
    if (s == INVALID_SOCKET)
      return unknown; // Winsock not started yet: ask again later
    DWORD value = 0;
    int size = sizeof value;
    const bool ok = ::getsockopt(s, IPPROTO_UDP, udp_send_msg_size, reinterpret_cast<char*>(&value), &size) == 0;
    ::closesocket(s);
    return ok ? yes : no;
  }
};

} // namespace os
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_SEND_OFFLOAD_HPP
