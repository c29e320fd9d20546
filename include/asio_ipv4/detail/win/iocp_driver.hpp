//
// asio_ipv4/detail/win/iocp_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP
#define ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP

// The completion driver (os::io_model = completion_model): runs a core
// (detail/core/) with overlapped WSARecvMsg / WSASendMsg calls completed
// through the completion port of the socket's io_context, one message per
// call, with boost::asio::windows::overlapped_ptr. The core decides
// everything about the operation (truncation, GSO/USO fallback, partial
// batches, progress); this file only makes its calls and hands it their
// results. doc/windows.md, "cmsg_socket over IOCP", says what it does and
// what was seen under Wine.
//
// An operation (completion_op, one block from the handler's allocator)
// holds the core, the frame of its call in flight (msghdr, iovecs, control
// buffer) and that call's WSAMSG and WSABUFs, which Windows writes until the
// call completes; an operation_anchor (detail/socket_state.hpp: the
// cmsg_socket's shared state, the native handle by value, the epoch, the
// socket's identity), never a reference to the cmsg_socket; its
// cancellation (detail/win/operation_cancellation.hpp). Steps:
//
//   - each call is started on the handle the operation holds; before every
//     call that follows a completion packet (the user's code may have run in
//     between) the operation checks that it was not cancelled and that its
//     socket is alive: the cmsg_socket still exists, its socket is open with
//     that same handle, cancel() and close() were not called on it, and the
//     handle names the same socket (os::socket_identity: a handle value
//     reused by a socket opened since is told apart); else operation_aborted
//     (a batch or a split send completes with what it moved);
//   - whether a completion packet follows a call is packet_follows' answer
//     (detail/win/overlapped_call.hpp): pending, or finished at once with a
//     non-error status on a socket without FILE_SKIP_COMPLETION_PORT_ON_-
//     SUCCESS. A call that finished at once is handed to the core at once:
//     when another call follows that may not wait (a batch's later
//     receives), it is made right then, before the user's code runs again;
//     any other call waits for the packet. A call with no packet to come
//     leaves its overlapped_ptr free for the next call, or for the result;
//   - the result is never delivered inside the initiating function: from
//     there it is posted (overlapped_ptr::complete, a packet of its own)
//     unless a packet is coming anyway; from a completion it is delivered at
//     once, the operation's memory freed first.

#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/io_model.hpp>
#include <asio_ipv4/detail/socket_state.hpp>
#include <asio_ipv4/detail/win/operation_cancellation.hpp>
#include <asio_ipv4/detail/win/operation_memory.hpp>
#include <asio_ipv4/detail/win/overlapped_call.hpp>
#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace asio_ipv4 {
namespace detail {
namespace win {

// The handler of each overlapped_ptr: the operation, whose handler's
// associated executor and allocator it reports (so the completion runs
// where the user's handler wants it, and Asio allocates its OVERLAPPED
// operation with that allocator).
template <class Op>
class packet_handler
{
public:
  explicit packet_handler(Op* op) noexcept : op_(op) {}

  // Asio moves the handler out of its operation object right before it
  // frees that object and its OVERLAPPED: from then on no cancellation may
  // name it.
  packet_handler(packet_handler&& other) noexcept : op_(std::exchange(other.op_, nullptr))
  {
    if (op_)
      op_->call_released();
  }

  packet_handler(const packet_handler&) = delete;
  packet_handler& operator=(const packet_handler&) = delete;
  packet_handler& operator=(packet_handler&&) = delete;

  // Only when Asio destroys an operation without running it (the io_context
  // is destroyed with the operation pending).
  ~packet_handler()
  {
    if (op_)
      Op::abandon(op_);
  }

  void operator()(boost::system::error_code ec, std::size_t bytes)
  {
    Op* op = std::exchange(op_, nullptr);
    op->on_packet(ec, bytes);
  }

  const typename Op::handler_type& handler() const noexcept { return op_->handler(); }

private:
  Op* op_;
};

template <class Socket, class Core, class Handler>
class completion_op
{
public:
  using handler_type = Handler;
  using executor_type = typename Socket::executor_type;
  using frame_type = typename Core::template frame_type<1>;

  template <class H>
  completion_op(H&& handler, operation_anchor<Socket>&& anchor, Core&& core, const executor_type& io_ex)
    : handler_(std::forward<H>(handler)), anchor_(std::move(anchor)), core_(std::move(core)), io_ex_(io_ex)
  {
  }

  // Starts the operation: its first calls are made here.
  template <class H>
  static void start(H&& handler, Socket& socket, const std::shared_ptr<socket_state<Socket>>& state, Core&& core)
  {
    completion_op* op = new_operation<completion_op>(handler, std::forward<H>(handler),
        operation_anchor<Socket>{state, socket.native_handle(), state->epoch}, std::move(core),
        socket.get_executor());
    auto slot = boost::asio::get_associated_cancellation_slot(op->handler_);
    op->cancellation_.connect(slot, static_cast<SOCKET>(op->anchor_.handle));
    boost::asio::windows::overlapped_ptr none;
    op->advance(none, false);
  }

  const Handler& handler() const noexcept { return handler_; }

  // From packet_handler.
  void call_released() noexcept { cancellation_.disarm(); }

  void on_packet(boost::system::error_code ec, std::size_t bytes)
  {
    if (done_)
      return deliver(); // a posted result, or the packet of a call taken at once
    if (taken_)
      taken_ = false; // that call's result is in the core already, which wants another call
    else if (complete_core(ec, bytes) == step::done)
      return deliver();
    boost::asio::windows::overlapped_ptr none;
    advance(none, true);
  }

  static void abandon(completion_op* op) noexcept
  {
    op->cancellation_.disconnect();
    delete_operation(op, operation_allocator<completion_op>(op->handler_));
  }

private:
  using packet = packet_handler<completion_op>;
  static constexpr std::size_t wsa_buffers
      = frame_type::iov_capacity < core::max_iov ? frame_type::iov_capacity : core::max_iov;

  // What became of a call.
  enum class step : unsigned char
  {
    next, // it finished; the core wants another
    wait, // its packet (or an earlier call's) must come first
    done  // the operation is over: result_
  };

  SOCKET handle() const noexcept { return static_cast<SOCKET>(anchor_.handle); }

  // Makes the core's calls until one leaves a packet to wait for, or the
  // operation is over. `ov`: an overlapped_ptr no packet is pending for, or
  // empty. `in_handler`: a completion runs this (the user's code may have
  // run since the last call, and a result may be delivered at once);
  // otherwise the initiating function does.
  //
  // Once `ov` lets go of a call whose packet is coming (release, complete),
  // Asio may run that packet's completion on another thread at once, which
  // may free this operation: letting go is the last thing done here.
  void advance(boost::asio::windows::overlapped_ptr& ov, bool in_handler)
  {
    bool check = in_handler;
    for (;;)
    {
      if (check)
      {
        check = false;
        if (cancellation_.requested() || !alive())
        {
          result_ = core_.stop(boost::asio::error::operation_aborted);
          return finish(ov, in_handler);
        }
      }
      if (!prepared_)
      {
        if (core_.prepare(frame_, call_) == core::next_action::done)
        {
          result_ = core_.result();
          return finish(ov, in_handler);
        }
        prepared_ = true;
      }
      // A packet is coming for a call already handed to the core: a call
      // that does not wait goes on now, any other after that packet (and
      // the user's code that may run before it).
      if (taken_ && !call_.queued_only)
      {
        take_identity();
        return let_go(ov);
      }
      switch (call(ov))
      {
      case step::next:
        continue;
      case step::wait:
        return let_go(ov);
      case step::done:
        return finish(ov, in_handler);
      }
    }
  }

  // Makes the prepared call.
  step call(boost::asio::windows::overlapped_ptr& ov)
  {
    prepared_ = false;
    boost::system::error_code ec;
    if (call_.type == core::call_type::pending_error)
      ec = boost::asio::error::operation_not_supported; // Windows has no error queue
    else if (handle() == INVALID_SOCKET)
      ec = boost::asio::error::bad_descriptor; // a closed socket, as Asio says
    else
      wsa_.assign(frame_.messages[0].msg_hdr, ec);
    if (ec)
      return complete_core(ec, 0);
    if (call_.queued_only)
    {
      const call_start s = queued_only_call(handle(), wsa_);
      return complete_core(status_error(s), s.bytes);
    }
    if (!ov.get())
      ov.reset(io_ex_, packet(this));
    cancellation_.arm(ov.get());
    const call_start s = start_call(handle(), call_, wsa_, ov.get());
    if (s.pending() || s.injected_packet)
    {
      // Another call may follow this one's packet, after the user's code
      // ran; not after a one-datagram receive's, the hot path of a receive
      // loop, which spares it the identity's system calls.
      if (call_.type != core::call_type::receive)
        take_identity();
      cancellation_.started();
      injected_ = s.injected_packet;
      injected_error_ = s.packet_error;
      injected_bytes_ = s.bytes;
      return step::wait;
    }
    cancellation_.disarm();
    if (!packet_follows(s, finished_without_error(s) && skips_port()))
      return complete_core(status_error(s), s.bytes); // `ov` stays free for what comes next
    // Finished at once, and its packet comes later: the result now, the
    // packet when it comes (`ov` holds the call until advance lets go).
    taken_ = true;
    return complete_core(status_error(s), s.bytes);
  }

  // Lets `ov` go: its call's packet is coming (for an injected completion,
  // posted now). The last thing advance() does.
  void let_go(boost::asio::windows::overlapped_ptr& ov)
  {
    if (!injected_)
    {
      ov.release();
      return;
    }
    injected_ = false;
    const boost::system::error_code ec = injected_error_;
    ov.complete(ec, injected_bytes_); // as if the call pended and completed so
  }

  // Hands a finished call's status and bytes to the core.
  step complete_core(const boost::system::error_code& status, std::size_t bytes)
  {
    const call_result r = finish_call(frame_, call_, wsa_, status, bytes, [this] { return !socket_unchanged(); });
    const core::next_action next = core_.complete(frame_, call_, r.ec, r.n);
    if (core_.started())
      cancellation_.terminal_only();
    switch (next)
    {
    case core::next_action::call:
      return step::next;
    case core::next_action::wait:
      // No readiness to wait for here: an overlapped call that would block
      // (a socket the user made non-blocking) ends the operation, as it
      // ends Asio's own operations.
      result_ = core_.stop(boost::asio::error::would_block);
      return step::done;
    case core::next_action::done:
      break;
    }
    result_ = core_.result();
    return step::done;
  }

  // The operation is over with result_: delivered now from a completion,
  // posted from the initiating function; a packet already coming delivers
  // it.
  void finish(boost::asio::windows::overlapped_ptr& ov, bool in_handler)
  {
    done_ = true;
    if (taken_)
      return let_go(ov); // the packet coming delivers
    if (!ov.get() && in_handler)
      return deliver();
    if (!ov.get())
      ov.reset(io_ex_, packet(this));
    const core::outcome o = result_;
    ov.complete(o.ec, o.n); // posted: never inside the initiating function
  }

  void deliver()
  {
    cancellation_.disconnect();
    auto alloc = operation_allocator<completion_op>(handler_);
    Handler h(std::move(handler_));
    const core::outcome o = result_;
    delete_operation(this, alloc);
    std::move(h)(o.ec, o.n);
  }

  // Before a call that follows a packet: the operation's socket is alive
  // (operation_anchor::alive: the cmsg_socket exists, its socket is open
  // with the same handle, no cancel() or close() on it since, and the
  // handle names the same socket), the identity left out when it was not
  // taken (no call that could be followed by another pended).
  bool alive() const noexcept { return identity_taken_ ? anchor_.alive() : socket_unchanged(); }

  bool socket_unchanged() const noexcept
  {
    Socket* s = anchor_.state->socket;
    return s && s->is_open() && s->native_handle() == anchor_.handle && anchor_.state->epoch == anchor_.epoch;
  }

  // The socket's identity, once, when the user's code may run before the
  // next call (detail/win/socket_identity.hpp).
  void take_identity() noexcept
  {
    if (identity_taken_)
      return;
    identity_taken_ = true;
    anchor_.identity = os::socket_identity(anchor_.handle);
  }

  // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on the socket, asked once.
  bool skips_port() noexcept
  {
    if (skip_ < 0)
      skip_ = skips_port_on_success(handle()) ? 1 : 0;
    return skip_ == 1;
  }

  Handler handler_;
  operation_anchor<Socket> anchor_;
  Core core_;
  executor_type io_ex_;
  frame_type frame_;
  wsa_message<wsa_buffers> wsa_;
  core::call call_;
  operation_cancellation cancellation_;
  core::outcome result_;
  boost::system::error_code injected_error_; // an injected completion (call_hook)
  std::size_t injected_bytes_ = 0;
  bool injected_ = false;
  bool prepared_ = false;       // call_ and frame_ hold the next call
  bool taken_ = false;          // a packet is pending for a call already handed to the core
  bool done_ = false;           // result_ is the operation's
  bool identity_taken_ = false; // anchor_.identity is set
  signed char skip_ = -1;       // skips_port(): not asked yet
};

// The initiation of every cmsg_socket operation on Windows.
template <class Socket>
class initiate_completion
{
public:
  using executor_type = typename Socket::executor_type;

  initiate_completion(Socket& socket, const std::shared_ptr<socket_state<Socket>>& state) noexcept
    : socket_(&socket), state_(&state)
  {
  }

  executor_type get_executor() const noexcept { return socket_->get_executor(); }

  template <class Handler, class Core>
  void operator()(Handler&& handler, Core core) const
  {
    completion_op<Socket, Core, std::decay_t<Handler>>::start(
        std::forward<Handler>(handler), *socket_, *state_, std::move(core));
  }

private:
  Socket* socket_;
  const std::shared_ptr<socket_state<Socket>>* state_;
};

} // namespace win

// detail::async_run's driver where os::io_model is completion_model.
template <class Socket>
struct async_initiation<completion_model, Socket>
{
  using type = win::initiate_completion<Socket>;
};

} // namespace detail
} // namespace asio_ipv4

namespace boost {
namespace asio {

template <class Op, class Allocator>
struct associated_allocator<asio_ipv4::detail::win::packet_handler<Op>, Allocator>
{
  using type = associated_allocator_t<typename Op::handler_type, Allocator>;

  static type get(const asio_ipv4::detail::win::packet_handler<Op>& h) noexcept
  {
    return get_associated_allocator(h.handler(), Allocator());
  }

  static type get(const asio_ipv4::detail::win::packet_handler<Op>& h, const Allocator& a) noexcept
  {
    return get_associated_allocator(h.handler(), a);
  }
};

template <class Op, class Executor>
struct associated_executor<asio_ipv4::detail::win::packet_handler<Op>, Executor>
{
  using type = associated_executor_t<typename Op::handler_type, Executor>;

  static type get(const asio_ipv4::detail::win::packet_handler<Op>& h) noexcept
  {
    return get_associated_executor(h.handler(), Executor());
  }

  static type get(const asio_ipv4::detail::win::packet_handler<Op>& h, const Executor& ex) noexcept
  {
    return get_associated_executor(h.handler(), ex);
  }
};

} // namespace asio
} // namespace boost

#endif // ASIO_IPV4_DETAIL_WIN_IOCP_DRIVER_HPP
