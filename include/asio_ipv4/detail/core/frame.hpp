//
// asio_ipv4/detail/core/frame.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_FRAME_HPP
#define ASIO_IPV4_DETAIL_CORE_FRAME_HPP

// What every sans-io core shares: the protocol between a core and the driver
// that runs it, the frame a system call reads and writes, and the helpers
// that fill and read it (buffers to iovecs, the msghdr builder, the end of a
// receive, clearing batch slots). Each exists once.
//
// The protocol. A core is one operation (receive, send, receive batch, send
// batch, error-queue receive) as a state machine that knows nothing of
// sockets, executors or waiting:
//
//   next_action prepare(Frame& f, call& c);
//       Fills the frame for the next system call and describes it in `c`
//       (call), or says the operation is over (done: see result()).
//   next_action complete(Frame& f, const call& c, const error_code& ec, std::size_t n);
//       Consumes that call's result: `ec` is its error (would_block: the
//       socket was not ready), `n` the bytes of a one-message call or the
//       messages of a *_many call, whose per-message results are read from
//       the frame. Returns call (prepare and call again at once), wait (wait
//       until the socket is ready for Core::wait_for, then prepare and call
//       again) or done.
//   outcome result() const;      the operation's (ec, count) once done
//   outcome stop(const error_code& why);
//       Ends the operation early (cancelled, the socket closed or gone):
//       the outcome, counting what already moved (the bytes of a split send,
//       the messages of a batch), with unused batch slots cleared.
//   bool started() const;        something irreversible happened (datagrams
//                                of a split send went out): from now on only
//                                terminal cancellation is honoured
//   static constexpr wait_type wait_for;
//   template <std::size_t Capacity> using frame_type = frame<...>;
//       The frame a driver provides: Capacity is how many messages one of
//       its calls carries (POSIX: max_batch_chunk per recvmmsg/sendmmsg; a
//       completion driver making one overlapped call per message: 1). The
//       core never prepares more messages than the frame holds.
//
// The frame belongs to the driver: on the stack of each step for the
// blocking and readiness drivers, in the operation for a completion driver
// whose call stays in flight. A core keeps nothing pointing into it between
// prepare() and complete(), nor after complete().

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace core {

// Buffers of one datagram: at most this many iovecs (as Asio's own socket
// operations).
constexpr std::size_t max_iov = 64;

// Messages per recvmmsg/sendmmsg call of the POSIX drivers; a larger batch
// takes several calls.
constexpr std::size_t max_batch_chunk = 64;

// What a driver does next.
enum class next_action : unsigned char
{
  call, // make the call the core prepares next
  wait, // wait for readiness (Core::wait_for), then prepare and call again
  done  // the operation is over: result()
};

// The system calls a core asks for.
enum class call_type : unsigned char
{
  receive,      // recvmsg: frame.messages[0].msg_hdr; n = bytes
  receive_many, // recvmmsg (or its loop): frame.messages[0, count); n = messages
  send,         // sendmsg: frame.messages[0].msg_hdr; n = bytes
  send_many,    // sendmmsg (or its loop): frame.messages[0, count); n = messages
  pending_error // take the socket's pending error (SO_ERROR, which clears it):
                // ec = that error; boost::asio::error::shut_down when there is
                // none but the socket is shut down both ways (it can never
                // become ready for an error); success otherwise. No frame.
};

// The call prepare() describes.
struct call
{
  call_type type = call_type::receive;
  // Messages of a *_many call (at most the frame's capacity).
  unsigned count = 1;
  // receive: from the socket's error queue (MSG_ERRQUEUE).
  bool error_queue = false;
  // receive_many after the first datagram of a batch: take only what is
  // already queued. POSIX calls never wait anyway; a completion driver
  // cancels the call at once if it would pend, and reports that as
  // would_block.
  bool queued_only = false;
};

// An operation's result: its completion's arguments.
struct outcome
{
  boost::system::error_code ec;
  std::size_t n = 0;
};

// The memory of one system call: message headers (msghdr + the length the
// call reports per message), iovecs, control buffers (aligned for cmsghdr).
template <std::size_t Messages, std::size_t Iovecs, std::size_t Controls, std::size_t ControlSize>
struct frame
{
  static constexpr std::size_t message_capacity = Messages;
  static constexpr std::size_t iov_capacity = Iovecs;

  os::multi_message messages[Messages];
  iovec iov[Iovecs];
  control_buffer<ControlSize> control[Controls];
};

// One buffer as an iovec.
template <class Buffer>
iovec to_iovec(const Buffer& b) noexcept
{
  iovec v;
  v.iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
  v.iov_len = b.size();
  return v;
}

// Fills `iov` (room for `capacity`) from a buffer sequence; returns how
// many. More buffers than that cannot be passed without losing data:
// invalid_argument.
template <class Buffers>
std::size_t to_iovec(const Buffers& buffers, iovec* iov, std::size_t capacity, boost::system::error_code& ec) noexcept
{
  std::size_t n = 0;
  auto end = boost::asio::buffer_sequence_end(buffers);
  for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it)
  {
    if (n == capacity)
    {
      ec = boost::asio::error::invalid_argument;
      return 0;
    }
    iov[n++] = to_iovec(boost::asio::const_buffer(*it));
  }
  ec = {};
  return n;
}

inline std::size_t total_size(const iovec* iov, std::size_t count) noexcept
{
  std::size_t n = 0;
  for (std::size_t i = 0; i < count; ++i)
    n += iov[i].iov_len;
  return n;
}

// The one msghdr builder: buffers, name (none when `name` is null) and
// control buffer (none when `control_size` is 0); every other field zero.
inline void fill_msghdr(msghdr& m, iovec* iov, std::size_t iov_count, const void* name, std::size_t name_size,
    void* control, std::size_t control_size) noexcept
{
  m = msghdr();
  m.msg_name = const_cast<void*>(name);
  m.msg_namelen = static_cast<decltype(m.msg_namelen)>(name ? name_size : 0);
  m.msg_iov = iov;
  m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(iov_count);
  m.msg_control = control_size ? control : nullptr;
  m.msg_controllen = static_cast<decltype(m.msg_controllen)>(control_size);
}

// A batch slot's destination: none (the connected peer) when left default.
template <class Endpoint>
const void* name_of(const Endpoint& e) noexcept
{
  return e != Endpoint() ? e.data() : nullptr;
}

// After a successful receive: decode the control data and report truncation.
// Data truncation (message_size) wins over control truncation.
inline boost::system::error_code finish_receive(const msghdr& m, control_message& control) noexcept
{
  boost::system::error_code ec = decode_control(m.msg_control,
      m.msg_control ? static_cast<std::size_t>(m.msg_controllen) : 0, (m.msg_flags & MSG_CTRUNC) != 0, control);
  if (m.msg_flags & MSG_TRUNC)
    ec = boost::asio::error::message_size;
  return ec;
}

// Batch slots [from, to) got nothing: they say so.
template <class Message>
void clear_slots(Message* messages, std::size_t from, std::size_t to) noexcept
{
  for (std::size_t i = from; i < to; ++i)
  {
    messages[i].control.clear();
    messages[i].bytes = 0;
    messages[i].error = {};
  }
}

inline std::size_t smaller(std::size_t a, std::size_t b) noexcept
{
  return a < b ? a : b;
}

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_FRAME_HPP
