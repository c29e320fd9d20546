// Helpers of the Windows cmsg_socket tests (test/windows/cmsg_socket_test.cpp,
// test/windows/completion_driver_test.cpp), run under Wine here: named,
// counted skips, the system's name, a loopback receiver and its peer.
//
// Wine is not Windows: what the system does is checked at run time, and each
// path it does not support (or gets wrong) is reported as a named skip with
// its reason, counted at the end of the program (skip_report); a skip is
// never a pass.

#ifndef ASIO_IPV4_TEST_WINDOWS_WINDOWS_TEST_HPP
#define ASIO_IPV4_TEST_WINDOWS_WINDOWS_TEST_HPP

#include "contract_skip.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/unicast.hpp>
#include <boost/test/unit_test.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>

namespace wintest {

namespace net = boost::asio;
using udp = net::ip::udp;
using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using boost::system::error_code;
using namespace std::chrono_literals;

// --- Named, counted skips.

inline std::map<std::string, std::string>& skips()
{
  static std::map<std::string, std::string> s;
  return s;
}

// Records that a path could not be checked here, and why.
inline void skip(const std::string& name, const std::string& reason)
{
  skips()[name] = reason;
  BOOST_TEST_MESSAGE("SKIP " << name << ": " << reason);
}

struct skip_report
{
  ~skip_report()
  {
    std::cout << "Windows cmsg_socket tests: " << skips().size() << " skipped path(s)\n";
    for (const auto& [name, reason] : skips())
      std::cout << "  SKIP " << name << ": " << reason << "\n";
    // The contract suite's own (test/contract_skip.hpp), each printed above
    // with its reason as "asio_ipv4 contract skip".
    if (const int contract = asio_ipv4::test::contract_skips().load())
      std::cout << "contract suite: " << contract << " named skip(s)\n";
  }
};

// "wine-8.0" under Wine (ntdll's wine_get_version), empty on Windows.
inline std::string wine_version()
{
  using fn = const char*(__cdecl*)();
  HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
  auto f = ntdll ? reinterpret_cast<fn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "wine_get_version"))) : nullptr;
  return f ? std::string("wine-") + f() : std::string();
}

inline std::string system_name()
{
  const std::string w = wine_version();
  return w.empty() ? std::string("Windows") : w;
}

// Winsock error codes by number (Wine's ec.message() says "Unknown error").
inline std::string describe(const error_code& ec)
{
  return ec.category().name() + std::string(":") + std::to_string(ec.value()) + " (" + ec.message() + ")";
}

inline SOCKET handle_of(udp::socket& s) { return static_cast<SOCKET>(s.native_handle()); }

// A receiver on 127.0.0.1 with packet info, TTL and TOS reporting on, and a
// plain peer socket (TTL 17, TOS 0x28 on what it sends).
struct loopback_pair
{
  net::io_context ctx;
  cmsg_udp rx{ctx, udp::endpoint(net::ip::address_v4::loopback(), 0)};
  udp::socket peer{ctx, udp::endpoint(net::ip::address_v4::loopback(), 0)};
  static constexpr int peer_ttl = 17;
  static constexpr int peer_tos = 0x28;

  loopback_pair()
  {
    rx.next_layer().set_option(asio_ipv4::ip4::receive_packet_info(true));
    rx.next_layer().set_option(asio_ipv4::ip4::receive_ttl(true));
    rx.next_layer().set_option(asio_ipv4::ip4::receive_tos(true));
    peer.set_option(net::ip::unicast::hops(peer_ttl));
    DWORD tos = peer_tos;
    ::setsockopt(handle_of(peer), IPPROTO_IP, IP_TOS, reinterpret_cast<const char*>(&tos), sizeof tos);
  }

  udp::endpoint rx_endpoint() { return rx.next_layer().local_endpoint(); }

  void send(const std::string& payload) { peer.send_to(net::buffer(payload), rx_endpoint()); }

  void send_number(std::uint32_t n) { peer.send_to(net::buffer(&n, sizeof n), rx_endpoint()); }

  // Runs the context until `done` or the timeout; true when done.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds timeout = 5000ms)
  {
    const auto end = std::chrono::steady_clock::now() + timeout;
    ctx.restart();
    while (!done() && std::chrono::steady_clock::now() < end)
      ctx.run_one_for(10ms);
    return done();
  }

  // The next datagram on the receiver within `timeout`, through a plain
  // overlapped receive of the socket (Asio's, not the library's); empty
  // optional when none came.
  std::optional<std::string> plain_receive(udp::socket& s, std::chrono::milliseconds timeout = 300ms)
  {
    std::array<char, 2048> buf;
    udp::endpoint from;
    bool done = false;
    error_code result;
    std::size_t n = 0;
    s.async_receive_from(net::buffer(buf), from, [&](error_code ec, std::size_t size) {
      result = ec;
      n = size;
      done = true;
    });
    if (!run_until([&] { return done; }, timeout))
    {
      s.cancel();
      run_until([&] { return done; });
    }
    if (result)
      return std::nullopt;
    return std::string(buf.data(), n);
  }
};

// Closes `s` and opens and binds it again (Windows most likely hands it
// the same handle value).
inline void reopen(udp::socket& s)
{
  s.close();
  s.open(udp::v4());
  s.bind(udp::endpoint(net::ip::address_v4::loopback(), 0));
}

// An allocator whose memory comes from a Pool (allocate(bytes),
// release(pointer, bytes)), shared by its copies.
template <class T, class Pool>
struct pool_allocator
{
  using value_type = T;
  Pool* pool;
  explicit pool_allocator(Pool* p) noexcept : pool(p) {}
  template <class U>
  pool_allocator(const pool_allocator<U, Pool>& o) noexcept : pool(o.pool)
  {
  }
  T* allocate(std::size_t n) { return static_cast<T*>(pool->allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool->release(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const pool_allocator<U, Pool>& o) const noexcept
  {
    return pool == o.pool;
  }
  template <class U>
  bool operator!=(const pool_allocator<U, Pool>& o) const noexcept
  {
    return pool != o.pool;
  }
};

// Counts the allocations made through it.
struct counting_pool
{
  std::size_t count = 0;
  void* allocate(std::size_t n)
  {
    ++count;
    return std::malloc(n);
  }
  void release(void* p, std::size_t) noexcept { std::free(p); }
};

} // namespace wintest

#endif // ASIO_IPV4_TEST_WINDOWS_WINDOWS_TEST_HPP
