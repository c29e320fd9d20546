//
// asio_ipv4/detail/win/iocp_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP
#define ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP

// The asynchronous driver of Windows (os::io_model = completion_model): each
// datagram is one overlapped WSARecvMsg or WSASendMsg on the socket's
// handle, completed through the completion port of the socket's io_context
// by boost::asio::windows::overlapped_ptr. Asio on Windows completes I/O
// rather than reporting readiness, so the POSIX driver's "try, wait, try
// again" (detail/io_driver.hpp) becomes "start, let the port say when it is
// done". doc/windows.md, "cmsg_socket over IOCP"
// says what this does and what was seen under Wine.
//
// Included through detail/platform_driver.hpp, after the readiness driver:
// it uses the attempts (detail/io_attempts.hpp) only for their data, the
// codec for control messages and gso_state for the user-space split of
// sends with a segment size.

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/io_attempts.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/segmented_send.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <climits>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

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

// WSARecvMsg (an extension function, found once per process by
// os::wsa_recv_msg), or the error that kept it from being found.
inline LPFN_WSARECVMSG receive_message_function(SOCKET s, error_code& ec) noexcept
{
  LPFN_WSARECVMSG f = os::wsa_recv_msg(s);
  if (!f)
    ec = system_error(static_cast<unsigned long>(::WSAGetLastError()));
  return f;
}

// After WSARecvMsg / WSASendMsg with an OVERLAPPED on a socket of a
// completion port: true when a completion packet will come, which is when
// the call is pending, succeeded at once (Asio does not set
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), or failed with WSAEMSGSIZE: a
// datagram that did not fit is STATUS_BUFFER_OVERFLOW, a warning, and a
// warning still queues the packet (Wine 8 does the same). Otherwise `ec` is
// the error and no packet comes.
inline bool packet_follows(int result, error_code& ec) noexcept
{
  ec = {};
  if (result == 0)
    return true;
  const int e = ::WSAGetLastError();
  if (e == WSA_IO_PENDING || e == WSAEMSGSIZE)
    return true;
  ec = system_error(static_cast<unsigned long>(e));
  return false;
}

// ERROR_HANDLES_CLOSED of <winerror.h> (mingw-w64 lacks it): what Wine 8
// completes a call with when the socket is closed under it.
constexpr unsigned long error_handles_closed = 676;

// A completion's Win32 code as the error Asio's own socket operations give.
// ERROR_MORE_DATA (a truncated datagram) is left for the receive to decide.
inline error_code completion_error(const error_code& ec, SOCKET s) noexcept
{
  if (ec.category() != boost::asio::error::get_system_category())
    return ec;
  switch (ec.value())
  {
  case error_handles_closed:
    return boost::asio::error::operation_aborted;
  case ERROR_NETNAME_DELETED:
  {
    // The socket was closed under the call, or the peer reset it; Asio
    // tells them apart the same way (is the socket still open?).
    int type = 0;
    int size = sizeof type;
    if (::getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &size) != 0)
      return boost::asio::error::operation_aborted;
    return boost::asio::error::connection_reset;
  }
  case ERROR_PORT_UNREACHABLE:
    return boost::asio::error::connection_refused;
  default:
    return ec;
  }
}

// A buffer sequence as WSABUFs, at most max_iov of them (as the POSIX
// attempts take), each under 4 GiB (a WSABUF's length is a ULONG).
struct wsa_buffers
{
  WSABUF v[max_iov];
  DWORD count = 0;
  std::size_t total = 0;

  template <class Buffers>
  void assign(const Buffers& buffers, error_code& ec) noexcept
  {
    count = 0;
    total = 0;
    ec = {};
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it)
    {
      auto b = *it;
      if (count == max_iov || b.size() > ULONG_MAX)
      {
        ec = boost::asio::error::invalid_argument;
        return;
      }
      v[count].buf = static_cast<CHAR*>(const_cast<void*>(static_cast<const void*>(b.data())));
      v[count].len = static_cast<ULONG>(b.size());
      ++count;
      total += b.size();
    }
  }

  // WSABUFs for the bytes [offset, offset + size) of these buffers: one
  // datagram of a send cut in user space. Returns how many.
  DWORD slice(std::size_t offset, std::size_t size, WSABUF* out) const noexcept
  {
    DWORD n = 0;
    for (DWORD i = 0; i < count && size != 0; ++i)
    {
      if (offset >= v[i].len)
      {
        offset -= v[i].len;
        continue;
      }
      const std::size_t take = v[i].len - offset < size ? v[i].len - offset : size;
      out[n].buf = v[i].buf + offset;
      out[n].len = static_cast<ULONG>(take);
      ++n;
      size -= take;
      offset = 0;
    }
    return n;
  }
};

// After a receive's completion: its control messages decoded and
// truncation reported as on POSIX (message_size wins over
// control_truncated). A truncated datagram completes with ERROR_MORE_DATA;
// MSG_TRUNC and MSG_CTRUNC come back in the WSAMSG, but Wine 8 leaves
// MSG_TRUNC out, so ERROR_MORE_DATA without MSG_CTRUNC, or with it and the
// buffers full, counts as cut data (a datagram exactly as long as the
// buffers whose control messages did not fit is reported as message_size,
// the side that loses nothing).
inline error_code finish_receive(const WSAMSG& m, const error_code& completion, std::size_t bytes,
    std::size_t capacity, std::size_t control_capacity, control_message& control) noexcept
{
  const bool more_data = is_system_error(completion, ERROR_MORE_DATA);
  if (completion && !more_data)
  {
    control.clear();
    return completion;
  }
  const std::size_t control_size = m.Control.buf && m.Control.len <= control_capacity ? m.Control.len : 0;
  error_code ec = decode_control(m.Control.buf, control_size, (m.dwFlags & MSG_CTRUNC) != 0, control);
  if ((m.dwFlags & MSG_TRUNC) != 0 || (more_data && ((m.dwFlags & MSG_CTRUNC) == 0 || bytes >= capacity)))
    ec = boost::asio::error::message_size;
  return ec;
}

// One datagram in: the WSAMSG, WSABUFs and control buffer of one
// overlapped WSARecvMsg, which Windows writes until the call completes.
template <class Endpoint>
struct datagram_in
{
  WSAMSG msg;
  wsa_buffers buffers;
  control_buffer<receive_control_space> control_bytes;

  // Starts the receive into `buffers` (assigned by the caller). With
  // `queued_only`, a receive that would wait is cancelled at once: it
  // completes with a datagram that was already queued, or with
  // operation_aborted (a batch after its first datagram).
  bool start(SOCKET s, Endpoint* sender, OVERLAPPED* ov, bool queued_only, error_code& ec) noexcept
  {
    if (s == INVALID_SOCKET)
    {
      ec = boost::asio::error::bad_descriptor; // a closed socket, as Asio says
      return false;
    }
    LPFN_WSARECVMSG receive = receive_message_function(s, ec);
    if (!receive)
      return false;
    msg = WSAMSG();
    msg.name = sender ? static_cast<LPSOCKADDR>(static_cast<void*>(sender->data())) : nullptr;
    msg.namelen = sender ? static_cast<INT>(sender->capacity()) : 0;
    msg.lpBuffers = buffers.v;
    msg.dwBufferCount = buffers.count;
    msg.Control.buf = reinterpret_cast<CHAR*>(control_bytes.bytes);
    msg.Control.len = sizeof control_bytes.bytes;
    DWORD n = 0;
    const int r = receive(s, &msg, &n, ov, nullptr);
    const bool pending = r != 0 && ::WSAGetLastError() == WSA_IO_PENDING;
    if (!packet_follows(r, ec))
      return false;
    if (pending && queued_only)
      ::CancelIoEx(reinterpret_cast<HANDLE>(s), ov);
    return true;
  }

  // The completion's result for the caller (`sender` resized to what
  // Windows wrote when a datagram arrived).
  error_code finish(const error_code& completion, std::size_t bytes, Endpoint* sender, control_message& control)
  {
    error_code ec = finish_receive(msg, completion, bytes, buffers.total, sizeof control_bytes.bytes, control);
    const bool got_datagram = !ec || ec == boost::asio::error::message_size || ec == error::control_truncated;
    if (sender && got_datagram && msg.namelen > 0 && static_cast<std::size_t>(msg.namelen) <= sender->capacity())
      sender->resize(static_cast<std::size_t>(msg.namelen));
    return ec;
  }
};

// UDP send offload (USO): whether this system's UDP takes a segment size per
// send (a UDP_SEND_MSG_SIZE control message, Windows 10 2004 and later). A
// stack that knows UDP_SEND_MSG_SIZE answers getsockopt for it; asked once
// per process, as quinn-udp does. Wine 8 answers WSAEINVAL (and would drop
// the control message anyway: it drops every send's control data).
inline bool send_offload_available(SOCKET s) noexcept
{
  static std::atomic<int> known{0}; // 0: not asked yet, 1: yes, -1: no
  int k = known.load(std::memory_order_relaxed);
  if (k == 0)
  {
    DWORD value = 0;
    int size = sizeof value;
    k = ::getsockopt(s, IPPROTO_UDP, os::udp_segment.name, reinterpret_cast<char*>(&value), &size) == 0 ? 1 : -1;
    known.store(k, std::memory_order_relaxed);
  }
  return k == 1;
}

// One datagram out, or a payload with a segment size: one WSASendMsg with
// UDP_SEND_MSG_SIZE where the stack offloads it, else cut into datagrams in
// user space (gso_state decides; Windows' platform file has no GSO of its
// own), one overlapped WSASendMsg each. A send the stack refuses to offload
// (WSAEINVAL and the like: nothing was sent) is sent again, cut.
struct datagram_out
{
  WSAMSG msg;
  wsa_buffers buffers;
  WSABUF slice[max_iov];
  control_buffer<send_control_space> control_bytes;
  bool split = false;
  bool offload = false;   // this send asks the stack to segment (USO)
  std::size_t offset = 0; // bytes of a split payload sent so far

  void reset() noexcept
  {
    split = false;
    offload = false;
    offset = 0;
  }

  // Sends the payload, or its next datagram when it is cut.
  bool start(SOCKET s, const void* name, std::size_t name_size, const control_message& control, gso_state& gso,
      OVERLAPPED* ov, error_code& ec) noexcept
  {
    if (s == INVALID_SOCKET)
    {
      ec = boost::asio::error::bad_descriptor;
      return false;
    }
    offload = !split && gso.must_split(control, buffers.total, false) && send_offload_available(s);
    split = !offload && gso.must_split(control, buffers.total, split);
    const std::size_t control_size = offload ? encode_control(control, control_bytes.bytes, sizeof control_bytes.bytes, ec)
                                             : encode_for_send(control, split, control_bytes, ec);
    if (ec)
      return false;
    msg = WSAMSG();
    msg.name = static_cast<LPSOCKADDR>(const_cast<void*>(name));
    msg.namelen = name ? static_cast<INT>(name_size) : 0;
    if (split)
    {
      const std::size_t rest = buffers.total - offset;
      const std::size_t size = rest < *control.segment_size ? rest : *control.segment_size;
      msg.lpBuffers = slice;
      msg.dwBufferCount = buffers.slice(offset, size, slice);
    }
    else
    {
      msg.lpBuffers = buffers.v;
      msg.dwBufferCount = buffers.count;
    }
    msg.Control.buf = control_size ? reinterpret_cast<CHAR*>(control_bytes.bytes) : nullptr;
    msg.Control.len = static_cast<ULONG>(control_size);
    DWORD n = 0;
    return packet_follows(::WSASendMsg(s, &msg, 0, &n, ov, nullptr), ec);
  }

  // After a completion of `bytes`: true when another datagram of a split
  // payload follows. `ec` is the send's result.
  bool finish(error_code& ec, std::size_t bytes, const control_message& control, gso_state& gso) noexcept
  {
    if (ec)
    {
      const bool refused_offload = offload
          && (ec == boost::asio::error::invalid_argument || ec == boost::asio::error::operation_not_supported
              || ec == boost::asio::error::no_protocol_option || ec == boost::asio::error::message_size);
      if (refused_offload || (!split && gso.refused(control, buffers.total, ec)))
      {
        split = true;
        ec = {};
        return true;
      }
      return false;
    }
    if (!split)
      return false;
    offset += bytes;
    return offset < buffers.total;
  }

  // The bytes sent, after the last completion of `bytes`.
  std::size_t sent(std::size_t bytes) const noexcept { return split ? offset : bytes; }
};

// --- Plans: what one cmsg_socket operation does, call after call. Each has
//   bool start(SOCKET, OVERLAPPED*, error_code&): starts the next call;
//       true when a completion packet follows, else `ec` says why not;
//   bool finish(error_code& ec, std::size_t bytes, bool cancelled): after a
//       completion; true to start another call, else `ec` and result() are
//       the operation's;
//   std::size_t result() const;
//   bool started() const: something irreversible happened (datagrams of a
//       split send, messages of a batch went out): from then on only
//       terminal cancellation is honoured.

// One datagram in (async_receive_from, async_receive); the error queue
// (Windows has none) fails without a call.
template <class Buffers, class Endpoint>
class receive_plan
{
public:
  receive_plan(const Buffers& buffers, Endpoint* sender, control_message& control, bool error_queue) noexcept
    : buffers_(buffers), sender_(sender), control_(&control), error_queue_(error_queue)
  {
  }

  bool start(SOCKET s, OVERLAPPED* ov, error_code& ec)
  {
    if (error_queue_)
    {
      ec = boost::asio::error::operation_not_supported;
      return false;
    }
    in_.buffers.assign(buffers_, ec);
    if (ec)
      return false;
    return in_.start(s, sender_, ov, false, ec);
  }

  bool finish(error_code& ec, std::size_t bytes, bool)
  {
    ec = in_.finish(ec, bytes, sender_, *control_);
    const bool got_datagram = !ec || ec == boost::asio::error::message_size || ec == error::control_truncated;
    result_ = got_datagram ? bytes : 0;
    return false;
  }

  std::size_t result() const noexcept { return result_; }
  bool started() const noexcept { return false; }

private:
  Buffers buffers_;
  Endpoint* sender_;
  control_message* control_;
  bool error_queue_;
  std::size_t result_ = 0;
  datagram_in<Endpoint> in_;
};

// One datagram out (async_send_to, async_send), or a payload with a segment
// size as several.
template <class Buffers, class Endpoint>
class send_plan
{
public:
  send_plan(const Buffers& buffers, const Endpoint* destination, const control_message& control, gso_state& gso) noexcept
    : buffers_(buffers), destination_(destination), control_(&control), gso_(&gso)
  {
  }

  bool start(SOCKET s, OVERLAPPED* ov, error_code& ec)
  {
    if (!assigned_)
    {
      out_.buffers.assign(buffers_, ec);
      if (ec)
        return false;
      assigned_ = true;
    }
    return out_.start(s, destination_ ? destination_->data() : nullptr, destination_ ? destination_->size() : 0,
        *control_, *gso_, ov, ec);
  }

  bool finish(error_code& ec, std::size_t bytes, bool cancelled) noexcept
  {
    const bool more = out_.finish(ec, bytes, *control_, *gso_);
    result_ = out_.sent(bytes);
    if (more && cancelled)
    {
      ec = boost::asio::error::operation_aborted; // result_: what went out
      return false;
    }
    return more;
  }

  std::size_t result() const noexcept { return result_; }
  bool started() const noexcept { return out_.offset != 0; }

private:
  Buffers buffers_;
  const Endpoint* destination_;
  const control_message* control_;
  gso_state* gso_;
  bool assigned_ = false;
  std::size_t result_ = 0;
  datagram_out out_;
};

// A batch in: one receive per slot. The first waits for a datagram; each
// later one takes only what is already queued (started, and cancelled at
// once if it would wait), so the batch completes as soon as the queue is
// empty, as recvmmsg does.
template <class Message>
class receive_batch_plan
{
public:
  using endpoint_type = std::remove_reference_t<decltype(std::declval<Message&>().endpoint)>;

  receive_batch_plan(Message* messages, std::size_t count) noexcept : messages_(messages), count_(count) {}

  bool start(SOCKET s, OVERLAPPED* ov, error_code& ec)
  {
    if (done_ == count_)
    {
      ec = {};
      return false;
    }
    Message& m = messages_[done_];
    in_.buffers.assign(m.buffer, ec);
    return in_.start(s, &m.endpoint, ov, done_ != 0, ec);
  }

  bool finish(error_code& ec, std::size_t bytes, bool cancelled)
  {
    if (done_ != count_)
    {
      Message& m = messages_[done_];
      const error_code result = in_.finish(ec, bytes, &m.endpoint, m.control);
      const bool got_datagram
          = !result || result == boost::asio::error::message_size || result == error::control_truncated;
      if (got_datagram)
      {
        m.bytes = bytes;
        m.error = result; // truncation is the slot's, not the batch's
        ec = {};
        if (++done_ != count_ && !cancelled)
          return true;
      }
      else
      {
        // Nothing queued after the first datagram (or a cancellation once
        // the batch has datagrams): the batch is what it got.
        ec = done_ != 0 && result == boost::asio::error::operation_aborted ? error_code() : result;
      }
    }
    for (std::size_t i = done_; i < count_; ++i)
    {
      messages_[i].control.clear();
      messages_[i].bytes = 0;
      messages_[i].error = {};
    }
    return false;
  }

  std::size_t result() const noexcept { return done_; }
  bool started() const noexcept { return false; }

private:
  Message* messages_;
  std::size_t count_;
  std::size_t done_ = 0;
  datagram_in<endpoint_type> in_;
};

// A batch out: one send per message (several for a message cut in user
// space), in order; the first failure stops the batch at that message.
template <class Message>
class send_batch_plan
{
public:
  send_batch_plan(Message* messages, std::size_t count, gso_state& gso) noexcept
    : messages_(messages), count_(count), gso_(&gso)
  {
  }

  bool start(SOCKET s, OVERLAPPED* ov, error_code& ec)
  {
    if (done_ == count_)
    {
      ec = {};
      return false;
    }
    Message& m = messages_[done_];
    if (!out_.split && out_.offset == 0)
    {
      out_.buffers.assign(m.buffer, ec);
      if (ec)
        return false;
    }
    return out_.start(s, name_of(m.endpoint), m.endpoint.size(), m.control, *gso_, ov, ec);
  }

  bool finish(error_code& ec, std::size_t bytes, bool cancelled) noexcept
  {
    if (done_ == count_)
      return false;
    Message& m = messages_[done_];
    const bool more = out_.finish(ec, bytes, m.control, *gso_);
    m.bytes = out_.sent(bytes);
    if (ec)
    {
      m.error = ec; // the error that stopped the batch, at its message
      return false;
    }
    if (!more)
    {
      ++done_;
      out_.reset();
      if (done_ == count_)
        return false;
    }
    if (cancelled)
    {
      ec = boost::asio::error::operation_aborted; // result(): the messages that went out
      return false;
    }
    return true;
  }

  std::size_t result() const noexcept { return done_; }
  bool started() const noexcept { return done_ != 0 || out_.offset != 0; }

private:
  Message* messages_;
  std::size_t count_;
  gso_state* gso_;
  std::size_t done_ = 0;
  datagram_out out_;
};

// The plan of each attempt of detail/io_attempts.hpp.
template <class Buffers, class Endpoint, boost::asio::socket_base::wait_type Wait>
receive_plan<Buffers, Endpoint> make_plan(const receive_attempt<Buffers, Endpoint, Wait>& a) noexcept
{
  return {a.buffers(), a.sender(), a.control(), Wait == boost::asio::socket_base::wait_error};
}

template <class Buffers, class Endpoint>
send_plan<Buffers, Endpoint> make_plan(const send_attempt<Buffers, Endpoint>& a) noexcept
{
  return {a.buffers(), a.destination(), a.control(), a.gso()};
}

template <class Message>
receive_batch_plan<Message> make_plan(const receive_batch_attempt<Message>& a) noexcept
{
  return {a.messages(), a.size()};
}

template <class Message>
send_batch_plan<Message> make_plan(const send_batch_attempt<Message>& a) noexcept
{
  return {a.messages(), a.size(), a.gso()};
}

// --- The operation.

// What lives from the initiation to the handler: the plan (with its WSAMSG
// and buffers, which Windows writes until each call completes), the socket
// handle, and the OVERLAPPED of the call in flight for per-operation
// cancellation. Allocated with the handler's associated allocator (Asio's
// per-thread recycling allocator by default), freed before the handler
// runs.
template <class Plan>
class overlapped_core
{
public:
  overlapped_core(Plan&& plan, SOCKET s) noexcept : plan_(std::move(plan)), socket_(s) {}

  Plan& plan() noexcept { return plan_; }
  SOCKET socket() const noexcept { return socket_; }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

  // The call on `ov` is about to start; `ov` lives until Asio takes the
  // handler out of its operation object (disarm, from the handler's move).
  void arm(OVERLAPPED* ov) noexcept
  {
    lock();
    overlapped_ = ov;
    unlock();
  }

  // True when a call was in flight.
  bool disarm() noexcept
  {
    lock();
    const bool was = overlapped_ != nullptr;
    overlapped_ = nullptr;
    unlock();
    return was;
  }

  // Per-operation cancellation: the call in flight is cancelled with
  // CancelIoEx. A call Windows already finished is not undone: its
  // completion reports what it did (a receive's datagram, with success).
  void cancel(boost::asio::cancellation_type_t type) noexcept
  {
    using ct = boost::asio::cancellation_type;
    const ct allowed = plan_.started() ? ct::terminal : ct::terminal | ct::partial | ct::total;
    if ((type & allowed) == ct::none)
      return;
    cancelled_.store(true, std::memory_order_release);
    lock();
    if (overlapped_)
      ::CancelIoEx(reinterpret_cast<HANDLE>(socket_), overlapped_);
    unlock();
  }

private:
  // Taken only around CancelIoEx and the hand-over of the OVERLAPPED: a
  // cancellation emitted on another thread than the completion's must not
  // name an OVERLAPPED Asio has freed.
  void lock() noexcept
  {
    while (busy_.test_and_set(std::memory_order_acquire))
    {
    }
  }
  void unlock() noexcept { busy_.clear(std::memory_order_release); }

  Plan plan_;
  SOCKET socket_;
  std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
  OVERLAPPED* overlapped_ = nullptr;
  std::atomic<bool> cancelled_{false};
};

template <class Core>
struct overlapped_cancellation
{
  Core* core;
  void operator()(boost::asio::cancellation_type_t type) noexcept { core->cancel(type); }
};

template <class Handler>
using core_allocator_base = boost::asio::associated_allocator_t<Handler, boost::asio::recycling_allocator<void>>;

template <class Core, class Handler>
using core_allocator = typename std::allocator_traits<core_allocator_base<Handler>>::template rebind_alloc<Core>;

// The handler each overlapped_ptr holds: the user's handler and the core.
// Its associated allocator and executor are the user's handler's, so Asio
// allocates the OVERLAPPED operation with that allocator and runs the
// completion where the handler wants it.
template <class Core, class Handler, class IoExecutor>
class overlapped_handler
{
public:
  template <class H>
  overlapped_handler(H&& handler, Core* core, const IoExecutor& io_ex)
    : handler_(std::forward<H>(handler)), core_(core), io_ex_(io_ex)
  {
  }

  // Asio moves the handler out of its operation object right before it
  // frees the object and its OVERLAPPED: from then on a cancellation must
  // not name it.
  overlapped_handler(overlapped_handler&& other) noexcept
    : handler_(std::move(other.handler_)), core_(other.core_), io_ex_(std::move(other.io_ex_))
  {
    other.core_ = nullptr;
    if (core_)
      core_->disarm();
  }

  overlapped_handler(const overlapped_handler&) = delete;
  overlapped_handler& operator=(const overlapped_handler&) = delete;
  overlapped_handler& operator=(overlapped_handler&&) = delete;

  // Only when Asio destroys an operation without running it (the io_context
  // is destroyed with the operation pending).
  ~overlapped_handler()
  {
    if (core_)
      release_core();
  }

  const Handler& handler() const noexcept { return handler_; }

  void operator()(error_code ec, std::size_t bytes)
  {
    Core* core = core_;
    ec = completion_error(ec, core->socket());
    if (core->plan().finish(ec, bytes, core->cancelled()))
      return start(std::move(*this));
    const std::size_t result = core->plan().result();
    release_core();
    std::move(handler_)(ec, result);
  }

  // Starts the plan's next call on a new OVERLAPPED operation that holds `h`.
  static void start(overlapped_handler&& h)
  {
    Core* core = h.core_;
    IoExecutor io_ex = h.io_ex_;
    boost::asio::windows::overlapped_ptr op(io_ex, std::move(h));
    core->arm(op.get());
    error_code ec;
    if (core->plan().start(core->socket(), op.get(), ec))
    {
      // A cancellation emitted on another thread before the call was made
      // found nothing to cancel: honour it now.
      if (core->cancelled())
        ::CancelIoEx(reinterpret_cast<HANDLE>(core->socket()), op.get());
      return static_cast<void>(op.release());
    }
    core->disarm();
    op.complete(ec, 0); // posted: never inside the initiating function
  }

private:
  void release_core() noexcept
  {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected())
      slot.clear();
    core_allocator<Core, Handler> alloc(
        boost::asio::get_associated_allocator(handler_, boost::asio::recycling_allocator<void>()));
    std::allocator_traits<core_allocator<Core, Handler>>::destroy(alloc, core_);
    std::allocator_traits<core_allocator<Core, Handler>>::deallocate(alloc, core_, 1);
    core_ = nullptr;
  }

  Handler handler_;
  Core* core_;
  IoExecutor io_ex_;
};

// The initiation of every cmsg_socket operation on Windows.
template <class Socket>
class initiate_overlapped
{
public:
  using executor_type = typename Socket::executor_type;

  explicit initiate_overlapped(Socket& socket) noexcept : socket_(&socket) {}

  executor_type get_executor() const noexcept { return socket_->get_executor(); }

  template <class Handler, class Attempt>
  void operator()(Handler&& handler, Attempt attempt) const
  {
    using handler_type = std::decay_t<Handler>;
    using plan_type = decltype(make_plan(attempt));
    using core_type = overlapped_core<plan_type>;
    core_allocator<core_type, handler_type> alloc(
        boost::asio::get_associated_allocator(handler, boost::asio::recycling_allocator<void>()));
    core_type* core = std::allocator_traits<core_allocator<core_type, handler_type>>::allocate(alloc, 1);
    std::allocator_traits<core_allocator<core_type, handler_type>>::construct(
        alloc, core, make_plan(attempt), static_cast<SOCKET>(socket_->native_handle()));
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
      slot.template emplace<overlapped_cancellation<core_type>>(overlapped_cancellation<core_type>{core});
    using op_handler = overlapped_handler<core_type, handler_type, executor_type>;
    op_handler::start(op_handler(std::forward<Handler>(handler), core, socket_->get_executor()));
  }

private:
  Socket* socket_;
};

} // namespace win

// detail::async_run's driver where os::io_model is completion_model.
template <class Socket>
struct async_initiation<completion_model, Socket>
{
  using type = win::initiate_overlapped<Socket>;
};

} // namespace detail
} // namespace asio_ipv4

namespace boost {
namespace asio {

template <class Core, class Handler, class IoExecutor, class Allocator>
struct associated_allocator<asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>, Allocator>
{
  using type = associated_allocator_t<Handler, Allocator>;

  static type get(const asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>& h) noexcept
  {
    return get_associated_allocator(h.handler(), Allocator());
  }

  static type get(const asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>& h,
      const Allocator& a) noexcept
  {
    return get_associated_allocator(h.handler(), a);
  }
};

template <class Core, class Handler, class IoExecutor, class Executor>
struct associated_executor<asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>, Executor>
{
  using type = associated_executor_t<Handler, Executor>;

  static type get(const asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>& h) noexcept
  {
    return get_associated_executor(h.handler(), Executor());
  }

  static type get(const asio_ipv4::detail::win::overlapped_handler<Core, Handler, IoExecutor>& h,
      const Executor& ex) noexcept
  {
    return get_associated_executor(h.handler(), ex);
  }
};

} // namespace asio
} // namespace boost

#endif // ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP
