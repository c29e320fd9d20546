// The Windows completion driver (detail/win/iocp_driver.hpp) against the
// defects issue 17 lists for it (its point 6), each shown fixed, run under
// Wine here:
//   - a batch, a split send or a batch send whose socket is closed and
//     opened again between two of its calls (Windows hands out the same
//     SOCKET value) acts on the new socket;
//   - per-operation cancellation emitted on another thread while the
//     operation completes touches freed memory;
//   - a call Windows refuses at once with an error status gets no completion
//     packet, and the operation (and run()) waits for it forever;
//   - a socket adopted with assign() that skips the completion port on
//     success (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) waits forever for the
//     packet of a call that finished at once.
// Statuses Wine never gives are injected at the driver's seam
// (detail::win::set_call_hook), in place of the system's answer.
//
// Oracles, none of them the library: a plain peer socket (what arrived,
// from where), plain receives on the socket (what is still queued), WSAPoll,
// NtQueryInformationFile (the socket's completion flags), each handler's own
// call count, a flag set after the initiating call returns, and an allocator
// that poisons and quarantines what is freed (a read of freed operation
// memory then sees 0xdd).

#include "completion_record.hpp"
#include "windows/windows_test.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/detail/win/overlapped_call.hpp>
#include <asio_ipv4/message.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace wintest;
namespace win = asio_ipv4::detail::win;
using rx_message = asio_ipv4::message<udp::endpoint>;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;

using completion = asio_ipv4::test::completion;

// Messages to send to `to`, one per text (which must outlive them).
template <std::size_t N>
std::vector<tx_message> messages_of(const std::array<std::string, N>& texts, const udp::endpoint& to)
{
  std::vector<tx_message> batch(N);
  for (std::size_t i = 0; i < N; ++i)
  {
    batch[i].buffer = net::buffer(texts[i]);
    batch[i].endpoint = to;
  }
  return batch;
}

// Receive slots with their own storage.
struct rx_batch
{
  std::array<std::array<char, 64>, 4> storage{};
  std::vector<rx_message> slots{4};

  rx_batch()
  {
    for (std::size_t i = 0; i < slots.size(); ++i)
      slots[i].buffer = net::buffer(storage[i]);
  }

  std::string text(std::size_t i) const { return std::string(storage[i].data(), slots[i].bytes); }
};

// True when a datagram is queued on `s` (WSAPoll, no wait).
bool readable(SOCKET s)
{
  WSAPOLLFD p{};
  p.fd = s;
  p.events = POLLRDNORM;
  return ::WSAPoll(&p, 1, 0) == 1 && (p.revents & POLLRDNORM) != 0;
}

// Waits until a datagram is queued on `s` (a datagram sent on loopback is
// there at once; Wine's server may take a moment to complete a pending
// receive with it, which the sleep lets it do).
void settle() { std::this_thread::sleep_for(50ms); }

// The completion flags of a handle (NtQueryInformationFile,
// FileIoCompletionNotificationInformation), or -1.
long completion_flags(SOCKET s)
{
  struct io_status
  {
    void* status;
    ULONG_PTR information;
  };
  using fn = LONG(WINAPI*)(HANDLE, io_status*, void*, ULONG, int);
  HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
  auto query = ntdll ? reinterpret_cast<fn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "NtQueryInformationFile")))
                     : nullptr;
  io_status io{};
  ULONG flags = 0;
  if (!query || query(reinterpret_cast<HANDLE>(s), &io, &flags, sizeof flags, 41) < 0)
    return -1;
  return static_cast<long>(flags);
}

// --- The injection seam: a script answers for the system while installed.

using script_type = std::function<win::injected_call(win::call_kind, SOCKET, const WSAMSG&)>;

script_type& script()
{
  static script_type s;
  return s;
}

win::injected_call run_script(win::call_kind kind, SOCKET s, const WSAMSG& msg) { return script()(kind, s, msg); }

struct injection
{
  explicit injection(script_type s)
  {
    script() = std::move(s);
    win::set_call_hook(&run_script);
  }
  ~injection()
  {
    win::set_call_hook(nullptr);
    script() = nullptr;
  }
};

// A call Windows refuses at once with `error`: the OVERLAPPED untouched (an
// error status is not written back), no packet.
win::injected_call refused_at_once(int error)
{
  win::injected_call i;
  i.kind = win::injected_call::what::at_once;
  i.result = SOCKET_ERROR;
  i.error = error;
  i.status = win::status_pending;
  return i;
}

// A call that pended and completes through the port with Win32 `error`.
win::injected_call completes_with(unsigned long error)
{
  win::injected_call i;
  i.kind = win::injected_call::what::packet;
  i.packet_error = win::system_error(error);
  return i;
}

// One receive on `p` whose calls the system is made to answer with
// `answer`; run until it completed, and a little longer (nothing more may
// come).
completion receive_answered(loopback_pair& p, win::injected_call answer)
{
  injection inject([answer](win::call_kind kind, SOCKET, const WSAMSG&) {
    return kind == win::call_kind::receive ? answer : win::injected_call();
  });
  std::array<char, 16> buf{};
  udp::endpoint from;
  asio_ipv4::control_message cm;
  completion c;
  p.rx.async_receive_from(net::buffer(buf), from, cm, c.handler());
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }, 2000ms), "the receive never completed");
  p.ctx.restart();
  p.ctx.run_for(100ms);
  return c;
}

// True when the send carries a segment size for the stack (Windows' USO:
// a UDP_SEND_MSG_SIZE control message, IPPROTO_UDP / 2).
bool asks_for_uso(const WSAMSG& msg)
{
  WSAMSG m = msg;
  for (WSACMSGHDR* c = WSA_CMSG_FIRSTHDR(&m); c; c = WSA_CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == 2)
      return true;
  return false;
}

// --- An allocator that poisons what it frees and keeps the last blocks
// from being reused, so that a read of freed operation memory sees 0xdd.

struct quarantine
{
  std::mutex mutex;
  std::deque<std::pair<void*, std::size_t>> blocks;
  std::atomic<std::size_t> allocated{0};

  void* allocate(std::size_t n)
  {
    ++allocated;
    return std::malloc(n);
  }

  void release(void* p, std::size_t n) noexcept
  {
    std::memset(p, 0xdd, n);
    std::lock_guard<std::mutex> lock(mutex);
    blocks.emplace_back(p, n);
    if (blocks.size() > 256)
    {
      std::free(blocks.front().first);
      blocks.pop_front();
    }
  }

  ~quarantine()
  {
    for (auto& b : blocks)
      std::free(b.first);
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(completion_driver_test)

// ---- The seam's decision, row by row (detail/win/overlapped_call.hpp) -----

BOOST_AUTO_TEST_CASE(packet_follows_by_call_status)
{
  auto start = [](int result, int error, unsigned long status) {
    win::call_start s;
    s.result = result;
    s.error = error;
    s.status = status;
    return s;
  };
  // Pending: a packet, whatever the socket.
  BOOST_TEST(win::packet_follows(start(SOCKET_ERROR, WSA_IO_PENDING, win::status_pending), false));
  BOOST_TEST(win::packet_follows(start(SOCKET_ERROR, WSA_IO_PENDING, win::status_pending), true));
  // Finished at once, successfully: a packet unless the socket skips it.
  BOOST_TEST(win::packet_follows(start(0, 0, 0), false));
  BOOST_TEST(!win::packet_follows(start(0, 0, 0), true));
  // A receive's cut datagram: WSAEMSGSIZE with the warning
  // STATUS_BUFFER_OVERFLOW written back: as a success (Wine also answers an
  // oversized send so).
  BOOST_TEST(win::packet_follows(start(SOCKET_ERROR, WSAEMSGSIZE, win::status_buffer_overflow), false));
  BOOST_TEST(!win::packet_follows(start(SOCKET_ERROR, WSAEMSGSIZE, win::status_buffer_overflow), true));
  // Windows' oversized send: the same WSAEMSGSIZE, an error status
  // (STATUS_INVALID_BUFFER_SIZE), not written back: no packet.
  BOOST_TEST(!win::packet_follows(start(SOCKET_ERROR, WSAEMSGSIZE, win::status_pending), false));
  // An error status written back (0xC000020D, STATUS_CONNECTION_RESET):
  // none either.
  BOOST_TEST(!win::packet_follows(start(SOCKET_ERROR, WSAECONNRESET, 0xC000020Dul), false));
  // A refused call (a closed handle, a refused USO): none.
  BOOST_TEST(!win::packet_follows(start(SOCKET_ERROR, WSAENOTSOCK, win::status_pending), false));
  BOOST_TEST(!win::packet_follows(start(SOCKET_ERROR, WSAEINVAL, win::status_pending), false));
  // Only a non-error finish needs the socket's skip flag.
  BOOST_TEST(win::finished_without_error(start(0, 0, 0)));
  BOOST_TEST(win::finished_without_error(start(SOCKET_ERROR, WSAEMSGSIZE, win::status_buffer_overflow)));
  BOOST_TEST(!win::finished_without_error(start(SOCKET_ERROR, WSA_IO_PENDING, win::status_pending)));
  BOOST_TEST(!win::finished_without_error(start(SOCKET_ERROR, WSAEMSGSIZE, win::status_pending)));
}

// ---- Errors at once: no packet, completed once, run() not held ------------

// The real system's answer for an oversized send (under Wine: WSAEMSGSIZE
// with a warning status and a packet; on Windows an error status and none).
BOOST_AUTO_TEST_CASE(oversized_send_completes_once_with_message_size)
{
  loopback_pair p;
  std::vector<char> big(70000, 'x');
  completion c;
  p.rx.async_send_to(net::buffer(big), p.peer.local_endpoint(), asio_ipv4::control_message(), c.handler());
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }, 2000ms), "no completion");
  BOOST_TEST(c.ec == net::error::message_size, describe(c.ec));
  // Nothing more comes, and run() has nothing left to wait for.
  p.ctx.restart();
  p.ctx.run_for(200ms);
  BOOST_TEST(c.calls == 1);
  BOOST_TEST(p.ctx.stopped());
}

// Windows refuses an oversized send with an error status, which queues no
// packet (the hang): injected, since Wine answers with a warning.
BOOST_AUTO_TEST_CASE(send_refused_at_once_with_an_error_status_completes_once)
{
  loopback_pair p;
  injection inject([](win::call_kind kind, SOCKET, const WSAMSG&) {
    return kind == win::call_kind::send ? refused_at_once(WSAEMSGSIZE) : win::injected_call();
  });
  std::array<char, 16> payload{};
  completion c;
  bool initiated = false, inside = false;
  p.rx.async_send_to(net::buffer(payload), p.peer.local_endpoint(), asio_ipv4::control_message(),
      [&, h = c.handler()](error_code ec, std::size_t n) mutable {
        inside = !initiated;
        h(ec, n);
      });
  initiated = true;
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }, 2000ms), "the refused send never completed");
  BOOST_TEST(!inside, "completed inside the initiating function");
  BOOST_TEST(c.ec == net::error::message_size, describe(c.ec));
  BOOST_TEST(c.n == 0u);
  p.ctx.restart();
  p.ctx.run_for(200ms);
  BOOST_TEST(c.calls == 1);
  BOOST_TEST(p.ctx.stopped(), "run() still has work");
  // Nothing was sent (oracle: the peer).
  BOOST_TEST(!p.plain_receive(p.peer, 100ms).has_value());
}

BOOST_AUTO_TEST_CASE(receive_refused_at_once_completes_once)
{
  loopback_pair p;
  p.send("kept");
  settle();
  const completion c = receive_answered(p, refused_at_once(WSAENETRESET));
  BOOST_TEST(c.ec == net::error::network_reset, describe(c.ec));
  BOOST_TEST(c.calls == 1);
  // The datagram is still queued (oracle: Asio's own receive).
  auto got = p.plain_receive(p.rx.next_layer());
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(*got == "kept");
}

// A batch send whose second message Windows refuses at once: the count is
// the prefix that went out, the message says why, nothing after it is sent.
BOOST_AUTO_TEST_CASE(send_batch_stops_at_a_message_refused_at_once)
{
  loopback_pair p;
  int sends = 0;
  injection inject([&](win::call_kind kind, SOCKET, const WSAMSG&) {
    return kind == win::call_kind::send && ++sends == 2 ? refused_at_once(WSAENOBUFS) : win::injected_call();
  });
  const std::array<std::string, 3> texts{"one", "two", "three"};
  std::vector<tx_message> batch = messages_of(texts, p.peer.local_endpoint());
  completion c;
  p.rx.async_send_batch(batch, c.handler());
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }, 2000ms));
  BOOST_TEST(c.ec == net::error::no_buffer_space, describe(c.ec));
  BOOST_TEST(c.n == 1u);
  BOOST_TEST(batch[1].error == net::error::no_buffer_space, describe(batch[1].error));
  auto first = p.plain_receive(p.peer);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(*first == "one");
  BOOST_TEST(!p.plain_receive(p.peer, 100ms).has_value(), "a message after the refused one went out");
}

// A segment size the stack refuses (Windows' USO answers WSAEINVAL, nothing
// sent): the core cuts the same bytes in user space. USO is assumed here
// (Wine has none) and every send carrying UDP_SEND_MSG_SIZE refused.
BOOST_AUTO_TEST_CASE(refused_uso_is_cut_by_the_core)
{
  struct assume_uso
  {
    assume_uso() { asio_ipv4::detail::os::send_offload::assume(true); }
    ~assume_uso() { asio_ipv4::detail::os::send_offload::ask_again(); }
  } uso;
  loopback_pair p;
  BOOST_TEST_REQUIRE(p.rx.gso_enabled());
  int refused = 0;
  injection inject([&](win::call_kind kind, SOCKET, const WSAMSG& msg) {
    if (kind == win::call_kind::send && asks_for_uso(msg))
    {
      ++refused;
      return refused_at_once(WSAEINVAL);
    }
    return win::injected_call();
  });
  const std::string payload(250, 'u');
  asio_ipv4::control_message control;
  control.segment_size = 100;
  completion c;
  p.rx.async_send_to(net::buffer(payload), p.peer.local_endpoint(), control, c.handler());
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }, 2000ms));
  BOOST_TEST(!c.ec, describe(c.ec));
  BOOST_TEST(c.n == 250u);
  BOOST_TEST(refused == 1);
  BOOST_TEST(p.rx.gso_enabled()); // refused for this send only
  for (std::size_t expected : {100u, 100u, 50u})
  {
    auto got = p.plain_receive(p.peer);
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(got->size() == expected);
  }
}

// Completion statuses Wine never gives, as Asio's own operations report
// them (injected as the packet of a call that pended).
BOOST_AUTO_TEST_CASE(completion_statuses_as_asio_reports_them)
{
  struct row
  {
    unsigned long status;
    net::error::basic_errors expected;
  };
  for (row r : {row{ERROR_PORT_UNREACHABLE, net::error::connection_refused},
           row{ERROR_NETNAME_DELETED, net::error::connection_reset}, // the socket still open: the peer
           row{win::error_handles_closed, net::error::operation_aborted}, row{ERROR_OPERATION_ABORTED,
               net::error::operation_aborted}})
  {
    loopback_pair p;
    const completion c = receive_answered(p, completes_with(r.status));
    BOOST_TEST(c.ec == r.expected, "status " << r.status << ": " << describe(c.ec));
    BOOST_TEST(c.calls == 1);
  }
}

// ---- A socket adopted with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS -----------

BOOST_AUTO_TEST_CASE(adopted_socket_that_skips_the_port_on_success)
{
  net::io_context ctx;
  const SOCKET raw = ::WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED);
  BOOST_TEST_REQUIRE(raw != INVALID_SOCKET);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_TEST_REQUIRE(::bind(raw, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  if (!::SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(raw), FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))
  {
    skip("skip_completion_port_on_success",
        system_name() + " refuses SetFileCompletionNotificationModes on a socket (error "
            + std::to_string(::GetLastError()) + "); packet_follows_by_call_status covers the decision");
    ::closesocket(raw);
    return;
  }
  // Oracle: the flag is set on the socket.
  BOOST_TEST_REQUIRE(completion_flags(raw) == 1);
  udp::socket s(ctx);
  s.assign(udp::v4(), raw);
  cmsg_udp rx(std::move(s));
  udp::socket peer(ctx, udp::endpoint(net::ip::address_v4::loopback(), 0));
  const udp::endpoint to = rx.next_layer().local_endpoint();
  auto run = [&](completion& c) {
    const auto end = std::chrono::steady_clock::now() + 2000ms;
    ctx.restart();
    while (c.calls == 0 && std::chrono::steady_clock::now() < end)
      ctx.run_one_for(10ms);
    return c.calls != 0;
  };
  std::array<char, 64> buf{};
  udp::endpoint from;
  asio_ipv4::control_message cm;
  // A queued datagram: the receive finishes at once, and no packet comes.
  peer.send_to(net::buffer("queued", 6), to);
  settle();
  {
    completion c;
    bool initiated = false, inside = false;
    rx.async_receive_from(net::buffer(buf), from, cm, [&, h = c.handler()](error_code ec, std::size_t n) mutable {
      inside = !initiated;
      h(ec, n);
    });
    initiated = true;
    BOOST_TEST_REQUIRE(run(c), "a receive that finished at once never completed");
    BOOST_TEST(!inside, "completed inside the initiating function");
    BOOST_TEST(!c.ec, describe(c.ec));
    BOOST_TEST(std::string(buf.data(), c.n) == "queued");
    BOOST_TEST(from == peer.local_endpoint());
  }
  // A datagram that does not fit: a warning at once, no packet either.
  peer.send_to(net::buffer("does not fit", 12), to);
  settle();
  {
    completion c;
    rx.async_receive_from(net::buffer(buf.data(), 4), from, cm, c.handler());
    BOOST_TEST_REQUIRE(run(c), "a cut datagram never completed");
    BOOST_TEST(c.ec == net::error::message_size, describe(c.ec));
    BOOST_TEST(c.n == 4u);
  }
  // A send, which finishes at once.
  {
    completion c;
    rx.async_send_to(net::buffer("out", 3), peer.local_endpoint(), asio_ipv4::control_message(), c.handler());
    BOOST_TEST_REQUIRE(run(c), "a send that finished at once never completed");
    BOOST_TEST(!c.ec, describe(c.ec));
    BOOST_TEST(c.n == 3u);
    std::array<char, 8> got{};
    BOOST_TEST(peer.receive(net::buffer(got)) == 3u);
  }
  // A batch: three queued, all taken.
  for (const char* t : {"b1", "b2", "b3"})
    peer.send_to(net::buffer(t, 2), to);
  settle();
  {
    rx_batch b;
    completion c;
    rx.async_receive_batch(b.slots, c.handler());
    BOOST_TEST_REQUIRE(run(c), "a batch never completed");
    BOOST_TEST(!c.ec, describe(c.ec));
    BOOST_TEST_REQUIRE(c.n == 3u);
    BOOST_TEST(b.text(2) == "b3");
  }
  // A receive that waits: pending, so a packet comes as usual.
  {
    completion c;
    rx.async_receive_from(net::buffer(buf), from, cm, c.handler());
    ctx.restart();
    ctx.poll();
    BOOST_TEST(c.calls == 0);
    peer.send_to(net::buffer("later", 5), to);
    BOOST_TEST_REQUIRE(run(c));
    BOOST_TEST(std::string(buf.data(), c.n) == "later");
  }
  // Nothing else comes: no stray packet, no work left.
  ctx.restart();
  ctx.run_for(200ms);
  BOOST_TEST(ctx.stopped());
}

// ---- What is queued is taken before the user's code runs again ------------

BOOST_AUTO_TEST_CASE(batch_takes_what_is_queued_inside_the_initiating_function)
{
  loopback_pair p;
  for (const char* t : {"q1", "q2", "q3"})
    p.send(t);
  settle();
  rx_batch b;
  completion c;
  p.rx.async_receive_batch(b.slots, c.handler());
  // Oracle: WSAPoll finds nothing queued any more, before any handler ran.
  BOOST_TEST(!readable(handle_of(p.rx.next_layer())), "the batch left datagrams queued for later");
  BOOST_TEST(c.calls == 0);
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }));
  BOOST_TEST(!c.ec, describe(c.ec));
  BOOST_TEST_REQUIRE(c.n == 3u);
  BOOST_TEST(b.text(0) == "q1");
  BOOST_TEST(b.text(2) == "q3");
}

// ---- The socket's identity ------------------------------------------------

BOOST_AUTO_TEST_CASE(socket_identity_tells_a_reopened_socket_apart)
{
  using asio_ipv4::detail::os::socket_identity;
  net::io_context ctx;
  udp::socket s(ctx, udp::endpoint(net::ip::address_v4::loopback(), 0));
  const SOCKET first = handle_of(s);
  const auto id = socket_identity(first);
  BOOST_TEST(id.generation != 0u, "no watch could be started on " << system_name());
  BOOST_TEST((socket_identity(first) == id)); // the same socket, asked again
  reopen(s);
  if (handle_of(s) != first)
    skip("identity_handle_reuse", system_name() + " gave the reopened socket another handle value");
  BOOST_TEST((socket_identity(handle_of(s)) != id), "a reopened socket has the old socket's identity");
  const auto second = socket_identity(handle_of(s));
  BOOST_TEST((socket_identity(handle_of(s)) == second));
  // Documented: next_layer().cancel() (CancelIoEx on the socket) ends the
  // watch too, which an operation sees as another socket.
  s.cancel();
  BOOST_TEST((socket_identity(handle_of(s)) != second));
}

// A batch whose first datagram came, and whose socket is closed and opened
// again (next_layer(), not the cmsg_socket: no epoch moves) before its next
// call. A handler queued on the batch's strand before the batch's own
// continuation does it, so the continuation runs after: the old driver then
// read the new socket's datagram with the handle it had kept.
BOOST_AUTO_TEST_CASE(batch_does_not_read_a_socket_opened_between_its_calls)
{
  loopback_pair p;
  auto strand = net::make_strand(p.ctx);
  const SOCKET old = handle_of(p.rx.next_layer());
  rx_batch b;
  completion c;
  p.rx.async_receive_batch(b.slots, net::bind_executor(strand, c.handler()));
  p.ctx.poll();
  BOOST_TEST_REQUIRE(c.calls == 0); // waits for its first datagram
  p.send("first");
  settle(); // the batch's first call completed: its packet is queued
  SOCKET reopened = INVALID_SOCKET;
  udp::endpoint new_endpoint;
  net::post(strand, [&] {
    reopen(p.rx.next_layer());
    reopened = handle_of(p.rx.next_layer());
    new_endpoint = p.rx.next_layer().local_endpoint();
    p.peer.send_to(net::buffer("second", 6), new_endpoint);
    settle();
  });
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }));
  if (reopened != old)
    skip("batch_handle_reuse", system_name() + " gave the reopened socket another handle value: the handle alone told");
  BOOST_TEST(!c.ec, describe(c.ec)); // a batch with a datagram completes with it
  BOOST_TEST(c.n == 1u);
  BOOST_TEST(b.text(0) == "first");
  // Oracle: the new socket's datagram is still queued there.
  auto got = p.plain_receive(p.rx.next_layer());
  BOOST_TEST_REQUIRE(got.has_value(), "the new socket's datagram is gone");
  BOOST_TEST(*got == "second");
  p.ctx.restart();
  p.ctx.run_for(100ms);
  BOOST_TEST(c.calls == 1);
}

// A send cut into datagrams in user space, whose socket is closed and
// opened again after its first datagram went out: nothing leaves from the
// new socket; the send completes with operation_aborted and the bytes sent.
BOOST_AUTO_TEST_CASE(split_send_does_not_send_on_a_socket_opened_between_its_datagrams)
{
  loopback_pair p;
  if (p.rx.gso_enabled())
    skip("split_send_reopen", system_name() + " offloads the segmentation (USO): one call, nothing to split");
  auto strand = net::make_strand(p.ctx);
  const std::string payload(300, 's');
  asio_ipv4::control_message control;
  control.segment_size = 100;
  const udp::endpoint old_endpoint = p.rx_endpoint();
  completion c;
  p.rx.async_send_to(net::buffer(payload), p.peer.local_endpoint(), control, net::bind_executor(strand, c.handler()));
  // The first datagram went out inside the initiating function; its packet
  // comes after this handler.
  net::post(strand, [&] { reopen(p.rx.next_layer()); });
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }));
  BOOST_TEST(c.ec == net::error::operation_aborted, describe(c.ec));
  BOOST_TEST(c.n == 100u);
  // Oracle: the peer got one datagram, from the old socket, and no other.
  std::array<char, 512> buf{};
  udp::endpoint from;
  BOOST_TEST_REQUIRE(readable(handle_of(p.peer)));
  BOOST_TEST_REQUIRE(p.peer.receive_from(net::buffer(buf), from) == 100u);
  BOOST_TEST(from == old_endpoint);
  BOOST_TEST(!p.plain_receive(p.peer, 100ms).has_value(), "a datagram went out after the socket was replaced");
}

BOOST_AUTO_TEST_CASE(send_batch_does_not_send_on_a_socket_opened_between_its_messages)
{
  loopback_pair p;
  auto strand = net::make_strand(p.ctx);
  const std::array<std::string, 3> texts{"m1", "m2", "m3"};
  std::vector<tx_message> batch = messages_of(texts, p.peer.local_endpoint());
  completion c;
  p.rx.async_send_batch(batch, net::bind_executor(strand, c.handler()));
  net::post(strand, [&] { reopen(p.rx.next_layer()); });
  BOOST_TEST_REQUIRE(p.run_until([&] { return c.calls != 0; }));
  BOOST_TEST(c.ec == net::error::operation_aborted, describe(c.ec));
  BOOST_TEST(c.n == 1u);
  auto first = p.plain_receive(p.peer);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(*first == "m1");
  BOOST_TEST(!p.plain_receive(p.peer, 100ms).has_value(), "a message went out after the socket was replaced");
}

// ---- Cancellation from another thread --------------------------------------

// Per-operation cancellation emitted on another thread at a random moment
// while the operation runs and completes on this one: receives that get
// their datagram (or not), batches, sends. The operation's memory comes
// from an allocator that poisons it when freed; the signal lives until the
// other thread has emitted, often after the handler ran. Every operation
// completes exactly once; a receive either got its datagram or left it
// queued.
BOOST_AUTO_TEST_CASE(cancellation_from_another_thread_while_operations_complete)
{
  loopback_pair p;
  quarantine q;
  std::minstd_rand random(4242);
  std::atomic<net::cancellation_signal*> target{nullptr};
  std::atomic<unsigned> spin{0};
  std::atomic<bool> emitted{false}, stop{false};
  std::thread canceller([&] {
    std::minstd_rand r(7);
    while (!stop.load())
    {
      net::cancellation_signal* sig = target.exchange(nullptr);
      if (!sig)
      {
        std::this_thread::yield();
        continue;
      }
      for (volatile unsigned i = 0; i < spin.load(); i = i + 1)
      {
      }
      sig->emit(r() % 2 ? net::cancellation_type::terminal : net::cancellation_type::total);
      emitted.store(true);
    }
  });
  int rounds = 0, aborted = 0, completed = 0, lost = 0, twice = 0;
  for (std::uint32_t i = 0; i < 600; ++i, ++rounds)
  {
    auto sig = std::make_unique<net::cancellation_signal>();
    completion c;
    auto handler = net::bind_cancellation_slot(
        sig->slot(), net::bind_allocator(pool_allocator<char, quarantine>(&q), c.handler()));
    std::uint32_t got = ~0u;
    udp::endpoint from;
    asio_ipv4::control_message cm;
    rx_batch b;
    const int kind = static_cast<int>(i % 3);
    const bool send_datagram = random() % 4 != 0;
    if (kind == 0)
      p.rx.async_receive_from(net::buffer(&got, sizeof got), from, cm, std::move(handler));
    else if (kind == 1)
      p.rx.async_receive_batch(b.slots, std::move(handler));
    else
      p.rx.async_send_to(net::buffer(&i, sizeof i), p.peer.local_endpoint(), asio_ipv4::control_message(),
          std::move(handler));
    spin.store(random() % 40000);
    emitted.store(false);
    target.store(sig.get());
    if (kind != 2 && send_datagram)
    {
      for (volatile unsigned k = 0, n = random() % 40000; k < n; k = k + 1)
      {
      }
      p.send_number(i);
    }
    // Runs the completion on this thread while the other emits.
    const auto end = std::chrono::steady_clock::now() + 5000ms;
    p.ctx.restart();
    while ((c.calls == 0 || !emitted.load()) && std::chrono::steady_clock::now() < end)
      p.ctx.run_one_for(1ms);
    BOOST_TEST_REQUIRE(emitted.load(), "round " << i << ": the other thread never emitted");
    // Cancelled, or finished (a send, a datagram): never still waiting.
    BOOST_TEST_REQUIRE(c.calls != 0, "round " << i << ": neither the cancellation nor the datagram ended it");
    p.ctx.restart();
    p.ctx.poll();
    twice += c.calls > 1;
    if (c.ec == net::error::operation_aborted)
      ++aborted;
    else
    {
      BOOST_TEST(!c.ec, "round " << i << ": " << describe(c.ec));
      ++completed;
    }
    // Whatever a receive did not take is still queued: drain it, and tell
    // a datagram sent for this round and neither taken nor queued.
    if (kind != 2)
    {
      bool taken = kind == 0 ? (!c.ec && got == i) : (!c.ec && c.n != 0);
      int queued = 0;
      while (auto d = p.plain_receive(p.rx.next_layer(), 20ms))
        ++queued;
      if (send_datagram && !taken && queued == 0)
        ++lost;
    }
    else
    {
      while (p.plain_receive(p.peer, 5ms))
      {
      }
    }
  }
  stop.store(true);
  canceller.join();
  std::cout << "cancellation from another thread on " << system_name() << ": " << rounds << " operations, "
            << completed << " completed, " << aborted << " aborted, " << twice << " completed twice, " << lost
            << " datagrams lost; " << q.allocated.load() << " operation blocks poisoned when freed\n";
  BOOST_TEST(twice == 0);
  BOOST_TEST(lost == 0);
  BOOST_TEST(aborted > 0);
  BOOST_TEST(completed > 0);
}

BOOST_AUTO_TEST_SUITE_END()
