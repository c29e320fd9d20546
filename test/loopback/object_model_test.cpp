// The object-model contract: cmsg_socket behaves as an Asio socket whatever
// the user does to it while operations are pending (API.md, "Object
// model"; issue 17). For each operation kind (async_receive_from,
// async_receive, async_receive_batch, async_receive_error, async_send_to,
// async_send, async_send_batch, each made to wait first) and each thing a
// user may do while it waits:
//   - destroy the cmsg_socket (then open another socket, which usually gets
//     the same descriptor number: handle reuse);
//   - move it into another object and destroy the first;
//   - move it into a std::vector that then grows;
//   - close() it (on the cmsg_socket or on next_layer()) and open and bind
//     it again at once;
//   - cancel() it, on the cmsg_socket or on next_layer();
//   - per-operation cancellation, terminal, partial and total;
// the operation completes exactly once, with operation_aborted (or, after a
// move, with its data), nothing touches freed memory (this suite runs under
// AddressSanitizer in CI) and nothing acts on a socket opened afterwards.
// Most cases run twice: while the operation's wait is queued in Asio, and
// after the wait completed but before the operation's next step ran (the
// socket became ready and its wait completed; the deed is done right then,
// by the test socket type below, before the operation sees the completion,
// as a handler that Asio ran earlier in the same turn could): there only
// the operation's own checks can stop it.
//
// One source for every platform: Linux on epoll and on io_uring
// (uring.loopback.object_model_test) and, built for Windows, under Wine
// (windows.object_model_test); a kind a platform cannot run is skipped by
// name (ASIO_IPV4_CONTRACT_SKIP).
//
// Windows completes I/O instead of reporting readiness: what an operation
// waits for there is its overlapped call, and "after the wait completed"
// means after that call completed (its completion packet queued), before
// the operation sees the packet. A receive's call has then taken its
// datagram, and the operation completes with it, as Asio's own operations
// on Windows do (once data is consumed, the operation completes with it);
// what is checked is that it completes once and that nothing touches the
// socket opened afterwards. The batch's later calls, where the handle
// reuse bit, are checked by test/windows/completion_driver_test.cpp.
// Receives use UDP on 127.0.0.1. Sends use AF_UNIX datagram sockets: a
// loopback UDP send never waits (loopback frees each datagram's memory at
// once), a unix one does once its small send buffer is full, until the
// peer reads.
//
// Oracles (none through the library): plain recv/recvmsg on the socket a
// datagram or an error was fed to (it is still queued: nothing consumed
// it); the peer of the sends, read with plain recv, counting the datagrams
// the operations sent (a cancelled send's never arrives, a moved one's
// exactly once); each handler's own call count.

#include "completion_record.hpp"
#include "contract_skip.hpp"
#include "io_run.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/associator.hpp>
#include <boost/test/unit_test.hpp>

#if defined(_WIN32)
# include <winsock2.h>
#else
# include <poll.h>
# include <sys/socket.h>
# include <unistd.h>
#endif
#if defined(BOOST_ASIO_HAS_LOCAL_SOCKETS) && !defined(_WIN32)
# define ASIO_IPV4_CONTRACT_UNIX_SENDS 1
# include <boost/asio/local/datagram_protocol.hpp>
#endif

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

namespace net = boost::asio;
namespace t = asio_ipv4::test;
using net::ip::udp;
using boost::system::error_code;
using asio_ipv4::control_message;
using namespace std::chrono_literals;

using rx_message = asio_ipv4::message<udp::endpoint>;

// A deed to do when a socket's wait completes, before the waiting operation
// sees the completion; shared by the socket and its waits, so that a wait
// that completes after the socket is gone finds it still there.
using deed_ptr = std::shared_ptr<std::function<void()>>;

// A completion handler that first does the deed (once).
template <class Handler>
struct deed_first
{
  Handler handler;
  deed_ptr deed;

  void operator()(error_code ec)
  {
    if (*deed)
    {
      auto d = std::move(*deed);
      *deed = nullptr;
      d();
    }
    std::move(handler)(ec);
  }
};

} // namespace

// The handler keeps the operation's associations (executor, allocator,
// cancellation slot), as Asio's own binders do.
template <template <class, class> class Associator, class Handler, class Default>
struct boost::asio::associator<Associator, deed_first<Handler>, Default> : Associator<Handler, Default>
{
  static typename Associator<Handler, Default>::type get(const deed_first<Handler>& h) noexcept
  {
    return Associator<Handler, Default>::get(h.handler);
  }
  static auto get(const deed_first<Handler>& h, const Default& d) noexcept
      -> decltype(Associator<Handler, Default>::get(h.handler, d))
  {
    return Associator<Handler, Default>::get(h.handler, d);
  }
};

namespace {

// An Asio socket type whose async_wait does the deed when the wait
// completes. cmsg_socket<Socket> is a template, so the library under test
// is untouched; Asio's waits and their cancellation slots are kept.
template <class Base>
class hooked : public Base
{
public:
  using Base::Base;

  deed_ptr deed = std::make_shared<std::function<void()>>();

  template <class Token>
  auto async_wait(typename Base::wait_type type, Token&& token)
  {
    return Base::async_wait(type, deed_first<std::decay_t<Token>>{std::forward<Token>(token), deed});
  }
};

using udp_socket = hooked<udp::socket>;
using cmsg_udp = asio_ipv4::cmsg_socket<udp_socket>;

using completion = asio_ipv4::test::completion;

// ---- the receiving kinds: UDP on 127.0.0.1 --------------------------------

struct udp_env
{
  using socket_type = udp_socket;
  using cmsg_type = cmsg_udp;

  net::io_context& ctx;
  udp::socket peer{ctx, udp::endpoint(net::ip::address_v4::loopback(), 0)};
  udp::endpoint closed; // a port nobody listens on: sends there draw ICMP errors
  std::array<char, 64> data{};
  udp::endpoint from;
  control_message control;
  std::array<std::array<char, 64>, 4> storage{};
  std::vector<rx_message> batch{4};

  explicit udp_env(net::io_context& c) : ctx(c)
  {
    udp::socket gone(ctx, udp::endpoint(net::ip::address_v4::loopback(), 0));
    closed = gone.local_endpoint();
    gone.close();
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].buffer = net::buffer(storage[i]);
  }

  // Opens (again) and binds.
  void open(cmsg_udp& s)
  {
    s.next_layer().open(udp::v4());
    s.next_layer().bind(udp::endpoint(net::ip::address_v4::loopback(), 0));
  }

  // A datagram from the peer.
  void send_datagram(cmsg_udp& s, const char* what = "feed")
  {
    peer.send_to(net::buffer(what, std::strlen(what)), s.next_layer().local_endpoint());
  }

  // The datagram fed to `s` is still queued (plain non-consuming recv;
  // Windows: WSAPoll, which consumes nothing either).
  static bool datagram_queued(cmsg_udp& s)
  {
#if defined(_WIN32)
    WSAPOLLFD p{};
    p.fd = s.next_layer().native_handle();
    p.events = POLLRDNORM;
    return ::WSAPoll(&p, 1, 0) == 1 && (p.revents & POLLRDNORM) != 0;
#else
    char c;
    return ::recv(s.next_layer().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
#endif
  }
};

struct receive_from_kind : udp_env
{
  static constexpr const char* name = "async_receive_from";
  using udp_env::udp_env;
  void prepare(cmsg_udp&) {}
  template <class Handler>
  void start(cmsg_udp& s, Handler&& h)
  {
    s.async_receive_from(net::buffer(data), from, control, std::forward<Handler>(h));
  }
  void feed(cmsg_udp& s) { send_datagram(s); }
  bool untouched(cmsg_udp& s) { return datagram_queued(s); }
  bool delivered(const completion& c) { return !c.ec && c.n == 4 && std::string(data.data(), 4) == "feed"; }
};

struct receive_kind : udp_env
{
  static constexpr const char* name = "async_receive";
  using udp_env::udp_env;
  void prepare(cmsg_udp& s) { s.next_layer().connect(peer.local_endpoint()); }
  template <class Handler>
  void start(cmsg_udp& s, Handler&& h)
  {
    s.async_receive(net::buffer(data), control, std::forward<Handler>(h));
  }
  void feed(cmsg_udp& s) { send_datagram(s); }
  bool untouched(cmsg_udp& s) { return datagram_queued(s); }
  bool delivered(const completion& c) { return !c.ec && c.n == 4 && std::string(data.data(), 4) == "feed"; }
};

struct receive_batch_kind : udp_env
{
  static constexpr const char* name = "async_receive_batch";
  using udp_env::udp_env;
  void prepare(cmsg_udp&) {}
  template <class Handler>
  void start(cmsg_udp& s, Handler&& h)
  {
    s.async_receive_batch(batch, std::forward<Handler>(h));
  }
  void feed(cmsg_udp& s) { send_datagram(s); }
  bool untouched(cmsg_udp& s) { return datagram_queued(s); }
  bool delivered(const completion& c)
  {
    return !c.ec && c.n == 1 && batch[0].bytes == 4 && std::string(storage[0].data(), 4) == "feed";
  }
};

struct receive_error_kind : udp_env
{
  static constexpr const char* name = "async_receive_error";
  using udp_env::udp_env;
  void prepare(cmsg_udp& s)
  {
    boost::system::error_code ec;
    s.next_layer().set_option(asio_ipv4::ip4::receive_errors(true), ec);
  }
  template <class Handler>
  void start(cmsg_udp& s, Handler&& h)
  {
    s.async_receive_error(net::buffer(data), from, control, std::forward<Handler>(h));
  }
#if defined(_WIN32)
  // No error queue: the operation completes at once with
  // operation_not_supported, and the scenarios skip this kind before they
  // feed anything.
  void feed(cmsg_udp&) { BOOST_FAIL("Windows has no error queue to feed"); }
  bool untouched(cmsg_udp&) { return true; }
  bool delivered(const completion&) { return false; }
#else
  // An ICMP port unreachable for the socket: a plain sendto from its
  // descriptor to the closed port; the entry is queued once poll says so.
  void feed(cmsg_udp& s)
  {
    const int fd = s.next_layer().native_handle();
    BOOST_TEST_REQUIRE(::sendto(fd, "errq", 4, 0, closed.data(), closed.size()) == 4);
    for (int i = 0; i < 200 && !error_reported(fd); ++i)
      std::this_thread::sleep_for(5ms); // not running ctx: the operation must not move yet
    BOOST_TEST_REQUIRE(error_reported(fd), "no ICMP error arrived");
  }
  // The entry fed to `s` is still queued: plain recvmsg(MSG_ERRQUEUE).
  bool untouched(cmsg_udp& s)
  {
    char quote[16];
    return ::recv(s.next_layer().native_handle(), quote, sizeof(quote), MSG_ERRQUEUE | MSG_DONTWAIT) == 4;
  }
  bool delivered(const completion& c)
  {
    return !c.ec && c.n == 4 && std::string(data.data(), 4) == "errq" && control.error.has_value();
  }
  static bool error_reported(int fd)
  {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
  }
#endif
};

// ---- the sending kinds: AF_UNIX datagrams ---------------------------------

#if defined(ASIO_IPV4_CONTRACT_UNIX_SENDS)
using unix_dgram = net::local::datagram_protocol;
using unix_socket = hooked<unix_dgram::socket>;
using cmsg_unix = asio_ipv4::cmsg_socket<unix_socket>;
using tx_unix = asio_ipv4::message<unix_dgram::endpoint, net::const_buffer>;

struct unix_env
{
  using socket_type = unix_socket;
  using cmsg_type = cmsg_unix;

  net::io_context& ctx;
  unix_dgram::endpoint peer_at;
  unix_dgram::socket peer;
  const std::string mark = "MARK";
  const control_message no_control;
  std::vector<tx_unix> batch{2};
  int marks = 0; // operations' datagrams the peer read so far

  explicit unix_env(net::io_context& c) : ctx(c), peer_at(abstract_name()), peer(ctx, peer_at)
  {
    for (auto& m : batch)
    {
      m.buffer = net::buffer(mark);
      m.endpoint = peer_at;
    }
  }

  // An abstract address (a leading NUL): no file to clean up.
  static std::string abstract_name()
  {
    static int instances = 0;
    return std::string(1, '\0') + "asio_ipv4.contract." + std::to_string(::getpid()) + "."
        + std::to_string(++instances);
  }

  // Opens (again) with the smallest send buffer: two datagrams of 1000
  // bytes fill it, and it stays full until the peer reads them.
  void open(cmsg_unix& s)
  {
    s.next_layer().open();
    s.next_layer().set_option(net::socket_base::send_buffer_size(0));
  }

  // Plain sends until the socket's buffer is full.
  void fill(cmsg_unix& s, bool connected)
  {
    const std::string filler(1000, '.');
    const int fd = s.next_layer().native_handle();
    for (int i = 0; i < 100; ++i)
    {
      const ssize_t r = connected ? ::send(fd, filler.data(), filler.size(), MSG_DONTWAIT)
                                  : ::sendto(fd, filler.data(), filler.size(), MSG_DONTWAIT, peer_at.data(), peer_at.size());
      if (r < 0)
      {
        BOOST_TEST_REQUIRE((errno == EAGAIN || errno == EWOULDBLOCK), "fill: " << std::strerror(errno));
        return;
      }
    }
    BOOST_FAIL("the send buffer never filled");
  }

  // Reads everything queued at the peer (room returns to the senders),
  // counting the operations' datagrams.
  void drain()
  {
    char buffer[2048];
    ssize_t r;
    while ((r = ::recv(peer.native_handle(), buffer, sizeof(buffer), MSG_DONTWAIT)) >= 0)
      if (std::string(buffer, static_cast<std::size_t>(r)) == mark)
        ++marks;
  }

  void feed(cmsg_unix&) { drain(); }

  // Nothing an operation sent reached the peer.
  bool untouched(cmsg_unix&)
  {
    drain();
    return marks == 0;
  }
};

struct send_to_kind : unix_env
{
  static constexpr const char* name = "async_send_to";
  using unix_env::unix_env;
  void prepare(cmsg_unix& s) { fill(s, false); }
  template <class Handler>
  void start(cmsg_unix& s, Handler&& h)
  {
    s.async_send_to(net::buffer(mark), peer_at, no_control, std::forward<Handler>(h));
  }
  bool delivered(const completion& c)
  {
    drain();
    return !c.ec && c.n == mark.size() && marks == 1;
  }
};

struct send_kind : unix_env
{
  static constexpr const char* name = "async_send";
  using unix_env::unix_env;
  void prepare(cmsg_unix& s)
  {
    s.next_layer().connect(peer_at);
    fill(s, true);
  }
  template <class Handler>
  void start(cmsg_unix& s, Handler&& h)
  {
    s.async_send(net::buffer(mark), no_control, std::forward<Handler>(h));
  }
  bool delivered(const completion& c)
  {
    drain();
    return !c.ec && c.n == mark.size() && marks == 1;
  }
};

struct send_batch_kind : unix_env
{
  static constexpr const char* name = "async_send_batch";
  using unix_env::unix_env;
  void prepare(cmsg_unix& s) { fill(s, false); }
  template <class Handler>
  void start(cmsg_unix& s, Handler&& h)
  {
    s.async_send_batch(batch, std::forward<Handler>(h));
  }
  bool delivered(const completion& c)
  {
    drain();
    return !c.ec && c.n == 2 && marks == 2;
  }
};
#endif

// ---- the scenarios ---------------------------------------------------------

template <class Kind>
typename Kind::cmsg_type make(Kind& k, bool prepared = true)
{
  typename Kind::cmsg_type s(k.ctx);
  k.open(s);
  if (prepared)
    k.prepare(s);
  return s;
}

// Starts the operation; it must wait (true), else the platform cannot run
// this kind (skipped, false).
template <class Kind, class Handler>
bool start_waiting(Kind& k, typename Kind::cmsg_type& s, Handler&& h, completion& c)
{
  k.start(s, std::forward<Handler>(h));
  k.ctx.restart();
  k.ctx.poll();
  if (c.calls != 0 && c.ec == net::error::operation_not_supported)
    return false;
  BOOST_TEST_REQUIRE(c.calls == 0, Kind::name << " should wait, completed with " << c.ec.message());
  return true;
}

// Runs until the operation completed, then a little longer: exactly once.
template <class Kind>
void run_to_completion(Kind& k, completion& c)
{
  BOOST_TEST_REQUIRE(t::run_until(k.ctx, [&] { return c.calls != 0; }, 5s), Kind::name << " never completed");
  t::run_for(k.ctx, 30ms);
  BOOST_TEST(c.calls == 1, Kind::name << " completed " << c.calls << " times");
}

template <class Kind>
void expect_aborted(Kind& k, completion& c)
{
  run_to_completion(k, c);
  BOOST_TEST(c.ec == net::error::operation_aborted, Kind::name << ": got " << c.ec.message());
}

#define ASIO_IPV4_NEEDS_WAIT(k, s, h, c)                                                                      \
  if (!start_waiting(k, s, h, c))                                                                             \
  ASIO_IPV4_CONTRACT_SKIP(Kind::name, "the operation cannot wait here (" + c.ec.message() + ")")

// When the deed is done.
enum class when
{
  waiting,       // the wait is queued in Asio
  wait_completed // the socket became ready and the wait completed; the operation has not seen it yet
};

// Windows: the operation's wait is its overlapped call (see the top).
#if defined(_WIN32)
constexpr bool completion_model = true;
#else
constexpr bool completion_model = false;
#endif

// Makes the awaited event happen on `s`; `deed` is done when the
// operation's wait completes, before the operation sees it. Windows: when
// its call completed (the context does not run meanwhile, so its packet
// stays queued).
template <class Kind>
void after_wait_completed(Kind& k, typename Kind::cmsg_type& s, std::function<void()> deed)
{
  if (completion_model)
  {
    k.feed(s);
    std::this_thread::sleep_for(50ms); // Wine completes the call meanwhile
    return deed();
  }
  *s.next_layer().deed = std::move(deed);
  k.feed(s);
}

// After a deed done once the wait completed: operation_aborted; on Windows
// the datagram its call already took (see the top).
template <class Kind>
void expect_aborted_after_the_wait(Kind& k, completion& c)
{
  if (!completion_model)
    return expect_aborted(k, c);
  run_to_completion(k, c);
  BOOST_TEST(k.delivered(c), Kind::name << ": got " << c.ec.message() << ", " << c.n);
}

template <class Kind>
void destroy_scenario(when w)
{
  net::io_context ctx;
  Kind k(ctx);
  completion c;
  std::optional<typename Kind::cmsg_type> s(make(k));
  ASIO_IPV4_NEEDS_WAIT(k, *s, c.handler(), c);
  std::optional<typename Kind::cmsg_type> again;
  if (w == when::waiting)
  {
    s.reset();
    again.emplace(make(k)); // most likely the same descriptor number
    k.feed(*again);
  }
  else
    after_wait_completed(k, *s, [&] {
      s.reset();
      again.emplace(make(k));
      k.feed(*again);
    });
  if (w == when::waiting)
    expect_aborted(k, c);
  else
    expect_aborted_after_the_wait(k, c);
  BOOST_TEST(k.untouched(*again), Kind::name << ": the new socket was touched");
}

template <class Kind>
void move_scenario()
{
  net::io_context ctx;
  Kind k(ctx);
  completion c;
  std::optional<typename Kind::cmsg_type> first(make(k));
  ASIO_IPV4_NEEDS_WAIT(k, *first, c.handler(), c);
  typename Kind::cmsg_type second(std::move(*first));
  first.reset();
  k.ctx.poll();
  BOOST_TEST_REQUIRE(c.calls == 0, Kind::name << ": a move ended the operation: " << c.ec.message());
  k.feed(second);
  run_to_completion(k, c);
  BOOST_TEST(k.delivered(c), Kind::name << ": got " << c.ec.message() << ", " << c.n);
}

template <class Kind>
void vector_scenario()
{
  net::io_context ctx;
  Kind k(ctx);
  completion c;
  std::vector<typename Kind::cmsg_type> all;
  all.push_back(make(k));
  ASIO_IPV4_NEEDS_WAIT(k, all[0], c.handler(), c);
  for (int i = 0; i < 9; ++i)
    all.push_back(make(k, false)); // reallocates: all[0] moves each time
  k.ctx.poll();
  BOOST_TEST_REQUIRE(c.calls == 0, Kind::name << ": a move ended the operation: " << c.ec.message());
  k.feed(all[0]);
  run_to_completion(k, c);
  BOOST_TEST(k.delivered(c), Kind::name << ": got " << c.ec.message() << ", " << c.n);
}

template <class Kind>
void close_scenario(when w, bool through_next_layer)
{
  net::io_context ctx;
  Kind k(ctx);
  completion c;
  typename Kind::cmsg_type s(make(k));
  ASIO_IPV4_NEEDS_WAIT(k, s, c.handler(), c);
  auto deed = [&] {
    if (through_next_layer)
      s.next_layer().close();
    else
      s.close();
    k.open(s); // most likely the same descriptor number
    k.prepare(s);
    k.feed(s);
  };
  if (w == when::waiting)
  {
    deed();
    expect_aborted(k, c);
  }
  else
  {
    after_wait_completed(k, s, deed);
    expect_aborted_after_the_wait(k, c);
  }
  BOOST_TEST(k.untouched(s), Kind::name << ": the reopened socket was touched");
}

enum class canceller
{
  cmsg_socket,
  next_layer,
  terminal,
  partial,
  total
};

template <class Kind>
void cancel_scenario(when w, canceller how)
{
  net::io_context ctx;
  Kind k(ctx);
  completion c;
  net::cancellation_signal signal;
  typename Kind::cmsg_type s(make(k));
  ASIO_IPV4_NEEDS_WAIT(k, s, net::bind_cancellation_slot(signal.slot(), c.handler()), c);
  auto deed = [&] {
    switch (how)
    {
    case canceller::cmsg_socket:
      s.cancel();
      break;
    case canceller::next_layer:
      s.next_layer().cancel();
      break;
    case canceller::terminal:
      signal.emit(net::cancellation_type::terminal);
      break;
    case canceller::partial:
      signal.emit(net::cancellation_type::partial);
      break;
    case canceller::total:
      signal.emit(net::cancellation_type::total);
      break;
    }
  };
  if (w == when::waiting)
  {
    deed();
    expect_aborted(k, c);
    k.feed(s); // afterwards: nothing may take it
  }
  else
  {
    after_wait_completed(k, s, deed);
    expect_aborted_after_the_wait(k, c);
  }
  t::run_for(k.ctx, 30ms);
  BOOST_TEST(c.calls == 1);
  // (Windows, once the call completed: it consumed what was fed, and the
  // operation delivered it.)
  if (w == when::waiting || !completion_model)
    BOOST_TEST(k.untouched(s), Kind::name << ": a cancelled operation consumed or sent something");
}

} // namespace

// Each case runs one scenario for every kind.
#if defined(ASIO_IPV4_CONTRACT_UNIX_SENDS)
# define ASIO_IPV4_SEND_KINDS(f, ...)                                                                         \
    {                                                                                                         \
      BOOST_TEST_CONTEXT("async_send_to") f<send_to_kind>(__VA_ARGS__);                                       \
      BOOST_TEST_CONTEXT("async_send") f<send_kind>(__VA_ARGS__);                                             \
      BOOST_TEST_CONTEXT("async_send_batch") f<send_batch_kind>(__VA_ARGS__);                                 \
    }
#else
# define ASIO_IPV4_SEND_KINDS(f, ...)                                                                         \
    {                                                                                                         \
      asio_ipv4::test::contract_skip(#f ": sends", "no way to fill a send buffer on this platform here");      \
    }
#endif

#define ASIO_IPV4_EVERY_KIND(f, ...)                                                                          \
  {                                                                                                           \
    BOOST_TEST_CONTEXT("async_receive_from") f<receive_from_kind>(__VA_ARGS__);                               \
    BOOST_TEST_CONTEXT("async_receive") f<receive_kind>(__VA_ARGS__);                                         \
    BOOST_TEST_CONTEXT("async_receive_batch") f<receive_batch_kind>(__VA_ARGS__);                             \
    BOOST_TEST_CONTEXT("async_receive_error") f<receive_error_kind>(__VA_ARGS__);                             \
    ASIO_IPV4_SEND_KINDS(f, __VA_ARGS__)                                                                      \
  }

BOOST_AUTO_TEST_SUITE(object_model_test)

BOOST_AUTO_TEST_CASE(destroy_while_waiting) ASIO_IPV4_EVERY_KIND(destroy_scenario, when::waiting)
BOOST_AUTO_TEST_CASE(destroy_after_the_wait_completed) ASIO_IPV4_EVERY_KIND(destroy_scenario, when::wait_completed)
BOOST_AUTO_TEST_CASE(move_into_another_object_then_destroy_the_first) ASIO_IPV4_EVERY_KIND(move_scenario)
BOOST_AUTO_TEST_CASE(move_into_a_growing_vector) ASIO_IPV4_EVERY_KIND(vector_scenario)
BOOST_AUTO_TEST_CASE(close_then_reopen_while_waiting) ASIO_IPV4_EVERY_KIND(close_scenario, when::waiting, false)
BOOST_AUTO_TEST_CASE(close_then_reopen_after_the_wait_completed)
ASIO_IPV4_EVERY_KIND(close_scenario, when::wait_completed, false)
BOOST_AUTO_TEST_CASE(next_layer_close_then_reopen_while_waiting)
ASIO_IPV4_EVERY_KIND(close_scenario, when::waiting, true)
BOOST_AUTO_TEST_CASE(next_layer_close_then_reopen_after_the_wait_completed)
ASIO_IPV4_EVERY_KIND(close_scenario, when::wait_completed, true)
BOOST_AUTO_TEST_CASE(cancel_while_waiting) ASIO_IPV4_EVERY_KIND(cancel_scenario, when::waiting, canceller::cmsg_socket)
BOOST_AUTO_TEST_CASE(cancel_after_the_wait_completed)
ASIO_IPV4_EVERY_KIND(cancel_scenario, when::wait_completed, canceller::cmsg_socket)
BOOST_AUTO_TEST_CASE(next_layer_cancel_while_waiting) ASIO_IPV4_EVERY_KIND(cancel_scenario, when::waiting, canceller::next_layer)
BOOST_AUTO_TEST_CASE(terminal_cancellation_while_waiting) ASIO_IPV4_EVERY_KIND(cancel_scenario, when::waiting, canceller::terminal)
BOOST_AUTO_TEST_CASE(partial_cancellation_while_waiting) ASIO_IPV4_EVERY_KIND(cancel_scenario, when::waiting, canceller::partial)
BOOST_AUTO_TEST_CASE(total_cancellation_while_waiting) ASIO_IPV4_EVERY_KIND(cancel_scenario, when::waiting, canceller::total)
BOOST_AUTO_TEST_CASE(terminal_cancellation_after_the_wait_completed)
ASIO_IPV4_EVERY_KIND(cancel_scenario, when::wait_completed, canceller::terminal)
BOOST_AUTO_TEST_CASE(total_cancellation_after_the_wait_completed)
ASIO_IPV4_EVERY_KIND(cancel_scenario, when::wait_completed, canceller::total)

BOOST_AUTO_TEST_SUITE_END()
