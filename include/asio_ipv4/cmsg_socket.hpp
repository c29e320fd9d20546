//
// asio_ipv4/cmsg_socket.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_CMSG_SOCKET_HPP
#define ASIO_IPV4_CMSG_SOCKET_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/blocking_driver.hpp>
#include <asio_ipv4/detail/core/error_receive.hpp>
#include <asio_ipv4/detail/core/receive.hpp>
#include <asio_ipv4/detail/core/receive_batch.hpp>
#include <asio_ipv4/detail/core/send.hpp>
#include <asio_ipv4/detail/core/send_batch.hpp>
#include <asio_ipv4/detail/readiness_driver.hpp>
#include <asio_ipv4/detail/socket_state.hpp>
#include <asio_ipv4/message.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace asio_ipv4 {

/// Adapts an Asio datagram or raw socket for receives and sends that carry
/// IPv4 control messages.
///
/// A cmsg_socket owns a @c Socket (for example @c boost::asio::ip::udp::socket,
/// @c asio_ipv4::ip4::raw::socket or @c boost::asio::ip::icmp::socket) and
/// performs @c recvmsg / @c sendmsg / @c recvmmsg / @c sendmmsg on it (a
/// loop of @c recvmsg / @c sendmsg with the same results where a platform
/// lacks the batch calls). Each
/// receive decodes the datagram's control messages into a
/// @ref control_message; each send encodes one. Options and binding go
/// through next_layer(); cancel(), close(), is_open() and native_handle()
/// are also here, as on the socket.
///
/// Every operation makes a non-blocking system call (MSG_DONTWAIT) and, when
/// the socket is not ready, waits with the socket's own Asio operations
/// (@c async_wait, or a zero-byte @c MSG_PEEK @c async_receive) and tries
/// again; no wait polls. The system call is tried before waiting, so a
/// datagram that is already queued costs one call; the completion is then
/// posted, never invoked inside the initiating function.
///
/// On Windows the asynchronous operations are overlapped @c WSARecvMsg /
/// @c WSASendMsg calls instead, completed through the completion port of the
/// socket's @c io_context, with the same completion signatures and rules;
/// batches are sequences of single calls (doc/windows.md).
///
/// @par Truncation
/// A datagram larger than the buffer completes with
/// @c boost::asio::error::message_size (bytes = what was stored). Control
/// messages that did not fit complete with
/// @c asio_ipv4::error::control_truncated (what fit is decoded). When both
/// happen, message_size wins. In batches these land in @c message::error.
///
/// @par Object Lifetimes
/// As an Asio socket: a cmsg_socket may be moved, destroyed, closed or
/// cancelled while operations are pending. A move leaves them pending on the
/// moved-to object (a @c std::vector of cmsg_sockets may grow, a socket may
/// move into a coroutine frame). Destroying the cmsg_socket, or close() (on
/// it or on next_layer()), completes each pending operation once with
/// @c boost::asio::error::operation_aborted; afterwards no operation touches
/// the socket, nor acts on a socket opened later in the same object. An
/// operation holds the socket's native handle by value and a small state the
/// cmsg_socket shares with it (allocated once per cmsg_socket, never per
/// operation), which it checks before every step after a wait; it never
/// refers to the cmsg_socket object itself. A moved-from cmsg_socket is
/// closed and may be opened and used again, as a moved-from Asio socket.
///
/// @par Thread Safety
/// @e Distinct @e objects: Safe.@n
/// @e Shared @e objects: Unsafe. Asio's rule, one socket, one strand: use a
/// cmsg_socket (and its next_layer()) from one strand at a time, that is an
/// io_context run by one thread, or, when several threads run it, a strand
/// the socket is constructed on or its handlers are bound to; and start at
/// most one receive-type and one send-type operation at a time. Nothing more
/// is needed on any backend: an operation whose readiness wait starts after
/// the datagram (or room) it waits for arrived still sees it.
///
/// @par Example
/// @code
/// asio_ipv4::cmsg_socket<boost::asio::ip::udp::socket> s(ctx, udp::endpoint(udp::v4(), 5000));
/// s.next_layer().set_option(asio_ipv4::ip4::receive_packet_info(true));
/// udp::endpoint sender;
/// asio_ipv4::control_message cm;
/// std::size_t n = co_await s.async_receive_from(boost::asio::buffer(buf), sender, cm);
/// std::cout << "to " << *cm.destination << " via if " << *cm.interface_index << '\n';
/// @endcode
template <class Socket>
class cmsg_socket
{
public:
  /// The type of the adapted socket.
  using next_layer_type = Socket;

  /// The type of the executor associated with the object.
  using executor_type = typename Socket::executor_type;

  /// The protocol type.
  using protocol_type = typename Socket::protocol_type;

  /// The endpoint type.
  using endpoint_type = typename Socket::endpoint_type;

  /// Constructs the adapted socket from the arguments (an executor or
  /// execution context, then optionally a protocol or endpoint, as the
  /// socket's own constructors take them).
  template <class... Args,
      class = std::enable_if_t<!(sizeof...(Args) == 1
          && (std::is_same<std::decay_t<Args>, cmsg_socket>::value && ...))>>
  explicit cmsg_socket(Args&&... args) : socket_(std::forward<Args>(args)...), state_(make_state())
  {
  }

  /// Constructs the adapted socket opened and bound to @c endpoint, as the
  /// socket's own constructor does; this form also takes a braced endpoint,
  /// such as <tt>{udp::v4(), 5353}</tt>.
  template <class ExecutorOrContext>
  cmsg_socket(ExecutorOrContext&& ex, const endpoint_type& endpoint)
    : socket_(std::forward<ExecutorOrContext>(ex), endpoint), state_(make_state())
  {
  }

  /// Adapts an existing socket (moved in).
  explicit cmsg_socket(Socket&& socket) : socket_(std::move(socket)), state_(make_state()) {}

  /// Move constructor.
  ///
  /// Operations pending on @c other continue on this object and complete
  /// once, as they would have on @c other. @c other is left closed, and can
  /// be opened and used again.
  cmsg_socket(cmsg_socket&& other) noexcept(std::is_nothrow_move_constructible<Socket>::value)
    : socket_(std::move(other.socket_)), state_(std::move(other.state_))
  {
    if (state_)
      state_->socket = &socket_;
  }

  /// Move assignment.
  ///
  /// Operations pending on this object complete with
  /// @c boost::asio::error::operation_aborted (its socket is closed, as Asio's
  /// move assignment closes it); those pending on @c other continue here.
  cmsg_socket& operator=(cmsg_socket&& other)
  {
    if (this != &other)
    {
      release_state();
      socket_ = std::move(other.socket_);
      state_ = std::move(other.state_);
      if (state_)
        state_->socket = &socket_;
    }
    return *this;
  }

  /// Destroys the socket: pending operations complete with
  /// @c boost::asio::error::operation_aborted, as the socket's own
  /// destructor makes them.
  ~cmsg_socket() { release_state(); }

  /// Returns the adapted socket.
  next_layer_type& next_layer() noexcept { return socket_; }

  /// Returns the adapted socket.
  const next_layer_type& next_layer() const noexcept { return socket_; }

  /// Returns the executor of the adapted socket.
  executor_type get_executor() noexcept { return socket_.get_executor(); }

  /// Whether the adapted socket is open.
  bool is_open() const { return socket_.is_open(); }

  /// The adapted socket's native handle.
  typename Socket::native_handle_type native_handle() { return socket_.native_handle(); }

  /// Cancels every asynchronous operation pending on the socket.
  ///
  /// Each completes with @c boost::asio::error::operation_aborted, whatever
  /// its wait is doing (next_layer().cancel() reaches those waiting in the
  /// socket's queues; this form also stops those whose wait already
  /// completed and that have not made their next system call yet). As for
  /// Asio, a receive that already consumed its datagram completes with it.
  ///
  /// @throws boost::system::system_error Thrown on failure.
  void cancel()
  {
    state()->epoch++;
    socket_.cancel();
  }

  /// Cancels every asynchronous operation pending on the socket, as cancel().
  ///
  /// @param ec Set to indicate what error occurred, if any.
  void cancel(boost::system::error_code& ec)
  {
    state()->epoch++;
    socket_.cancel(ec);
  }

  /// Closes the socket: pending operations complete with
  /// @c boost::asio::error::operation_aborted and never act on a socket
  /// opened later in this object. Also forgets the socket's GSO state and
  /// its stored error-queue entries.
  ///
  /// @throws boost::system::system_error Thrown on failure.
  void close()
  {
    state()->forget_socket();
    socket_.close();
  }

  /// Closes the socket, as close().
  ///
  /// @param ec Set to indicate what error occurred, if any.
  void close(boost::system::error_code& ec)
  {
    state()->forget_socket();
    socket_.close(ec);
  }

  /// True until a device refused UDP generic segmentation offload (EIO) on
  /// this socket; sends with @c control_message::segment_size then cut the
  /// datagrams in user space (sendmmsg) at once. On Windows, true where the
  /// stack offloads UDP segmentation (USO). Always false where the platform
  /// has neither (the BSDs, Windows without USO): such sends are always cut
  /// in user space.
  bool gso_enabled() const noexcept { return state_ ? state_->gso.enabled() : detail::core::gso_state().enabled(); }

  /// @name Receiving one datagram
  /// @{

  /// Starts an asynchronous receive of one datagram with its control
  /// messages and its sender.
  ///
  /// Makes a @c recvmsg system call, waiting until the socket is readable
  /// when nothing is queued.
  ///
  /// @param buffers Where the datagram goes.
  /// @param sender Set to the datagram's source.
  /// @param control Cleared, then filled from the control messages received:
  /// a field is set exactly when the kernel reported it.
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t bytes_received) @endcode
  /// @c ec is @c boost::asio::error::message_size when the datagram did not
  /// fit (bytes_received = what was stored), @c asio_ipv4::error::control_truncated
  /// when the control messages did not fit (what fit is decoded).
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation. A cancelled receive
  /// that has not consumed a datagram completes with
  /// @c boost::asio::error::operation_aborted and leaves it queued; one that
  /// has already consumed it completes with it. cancel() and close() (on
  /// this object or on next_layer()) and the destruction of this object end
  /// it the same way, whatever its wait is doing.
  ///
  /// @par Object Lifetimes
  /// The memory the buffers refer to, @c sender and @c control must stay
  /// valid until the completion handler is called; the buffer sequence
  /// object itself is copied. The cmsg_socket itself need not stay put: it
  /// may be moved (the operation continues on the moved-to object) or
  /// destroyed (the operation completes with operation_aborted), as an Asio
  /// socket; see the class's Object Lifetimes.
  template <class MutableBufferSequence,
      class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive_from(const MutableBufferSequence& buffers, endpoint_type& sender,
      control_message& control, Token&& token = Token())
  {
    return detail::async_run(socket_, state(), receive_type<MutableBufferSequence>(buffers, &sender, control),
        std::forward<Token>(token));
  }

  /// Starts an asynchronous receive of one datagram with its control
  /// messages, typically on a connected socket.
  ///
  /// Makes a @c recvmsg system call, waiting until the socket is readable
  /// when nothing is queued.
  ///
  /// @param buffers Where the datagram goes.
  /// @param control Cleared, then filled from the control messages received.
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t bytes_received) @endcode
  /// Truncation is reported as for async_receive_from().
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation, as
  /// async_receive_from() does: a cancelled receive never consumes a
  /// datagram.
  ///
  /// @par Object Lifetimes
  /// The memory the buffers refer to and @c control must stay valid until
  /// the completion handler is called.
  template <class MutableBufferSequence,
      class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive(const MutableBufferSequence& buffers, control_message& control, Token&& token = Token())
  {
    return detail::async_run(socket_, state(), receive_type<MutableBufferSequence>(buffers, nullptr, control),
        std::forward<Token>(token));
  }

  /// Receives one datagram with its control messages and its sender,
  /// blocking until one is available.
  ///
  /// @param buffers Where the datagram goes.
  /// @param sender Set to the datagram's source.
  /// @param control Cleared, then filled from the control messages received.
  /// @param ec Set to indicate what error occurred, if any: as the
  /// completion of async_receive_from(), so a truncated datagram gives
  /// @c message_size with the bytes that were stored.
  ///
  /// @returns The number of bytes received.
  template <class MutableBufferSequence>
  std::size_t receive_from(const MutableBufferSequence& buffers, endpoint_type& sender,
      control_message& control, boost::system::error_code& ec)
  {
    receive_type<MutableBufferSequence> op(buffers, &sender, control);
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Receives one datagram with its control messages and its sender,
  /// blocking until one is available.
  ///
  /// @param buffers Where the datagram goes.
  /// @param sender Set to the datagram's source.
  /// @param control Cleared, then filled from the control messages received.
  ///
  /// @returns The number of bytes received.
  ///
  /// @throws boost::system::system_error Thrown on failure, truncation
  /// included (@c message_size, @c control_truncated): the datagram is
  /// consumed then; use the @c error_code form to keep what was stored.
  template <class MutableBufferSequence>
  std::size_t receive_from(const MutableBufferSequence& buffers, endpoint_type& sender, control_message& control)
  {
    boost::system::error_code ec;
    std::size_t n = receive_from(buffers, sender, control, ec);
    throw_on_error(ec, "receive_from");
    return n;
  }

  /// Receives one datagram with its control messages (connected socket),
  /// blocking until one is available.
  ///
  /// @param buffers Where the datagram goes.
  /// @param control Cleared, then filled from the control messages received.
  /// @param ec Set to indicate what error occurred, if any, truncation
  /// included.
  ///
  /// @returns The number of bytes received.
  template <class MutableBufferSequence>
  std::size_t receive(const MutableBufferSequence& buffers, control_message& control, boost::system::error_code& ec)
  {
    receive_type<MutableBufferSequence> op(buffers, nullptr, control);
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Receives one datagram with its control messages (connected socket),
  /// blocking until one is available.
  ///
  /// @param buffers Where the datagram goes.
  /// @param control Cleared, then filled from the control messages received.
  ///
  /// @returns The number of bytes received.
  ///
  /// @throws boost::system::system_error Thrown on failure, truncation
  /// included.
  template <class MutableBufferSequence>
  std::size_t receive(const MutableBufferSequence& buffers, control_message& control)
  {
    boost::system::error_code ec;
    std::size_t n = receive(buffers, control, ec);
    throw_on_error(ec, "receive");
    return n;
  }

  /// @}
  /// @name Sending one datagram
  /// @{

  /// Starts an asynchronous send of one datagram with per-datagram control
  /// messages.
  ///
  /// Makes a @c sendmsg system call, waiting until the socket is writable
  /// when its send buffer is full.
  ///
  /// @param buffers The payload.
  /// @param destination Where to send it.
  /// @param control Per-datagram settings: @c local (source address) and
  /// @c interface_index (IP_PKTINFO), @c ttl (IP_TTL), @c tos (IP_TOS),
  /// @c segment_size (UDP_SEGMENT). They apply to this datagram only; the
  /// socket's options are unchanged. Receive-only fields are ignored.
  /// @param token The completion token.
  ///
  /// @par GSO
  /// With @c control.segment_size the buffers leave as datagrams of that
  /// many bytes (UDP_SEGMENT). When the kernel or device refuses it (EIO:
  /// no checksum offload; EINVAL: too many segments, or larger than the
  /// path MTU allows) the same bytes are sent at once as separate datagrams
  /// with sendmmsg; after EIO the socket stops trying GSO (gso_enabled()).
  /// Such a split send may wait for room between datagrams: it then
  /// completes only when all went out, and can be cancelled (terminal only)
  /// with bytes_sent telling how much did.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t bytes_sent) @endcode
  /// A TTL of 0 in @c control fails with @c boost::asio::error::invalid_argument
  /// before anything is sent.
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation while the send waits
  /// for room in the socket's buffer; nothing has been sent then. cancel()
  /// and close() (on this object or on next_layer()) and the destruction of
  /// this object end it the same way, whatever its wait is doing: the wait
  /// never polls, and a cancelled send's datagram never leaves.
  ///
  /// @par Object Lifetimes
  /// The memory the buffers refer to, @c destination and @c control must
  /// stay valid until the completion handler is called.
  template <class ConstBufferSequence, class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_send_to(const ConstBufferSequence& buffers, const endpoint_type& destination,
      const control_message& control, Token&& token = Token())
  {
    return detail::async_run(socket_, state(),
        send_type<ConstBufferSequence>(buffers, &destination, control, state()->gso), std::forward<Token>(token));
  }

  /// Starts an asynchronous send of one datagram with per-datagram control
  /// messages on a connected socket.
  ///
  /// @param buffers The payload.
  /// @param control Per-datagram settings, as for async_send_to().
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t bytes_sent) @endcode
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation while the send waits
  /// for room in the socket's buffer, as async_send_to() does.
  ///
  /// @par Object Lifetimes
  /// The memory the buffers refer to and @c control must stay valid until
  /// the completion handler is called.
  template <class ConstBufferSequence, class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_send(const ConstBufferSequence& buffers, const control_message& control, Token&& token = Token())
  {
    return detail::async_run(socket_, state(), send_type<ConstBufferSequence>(buffers, nullptr, control, state()->gso),
        std::forward<Token>(token));
  }

  /// Sends one datagram with per-datagram control messages, blocking while
  /// the socket's send buffer is full.
  ///
  /// @param buffers The payload.
  /// @param destination Where to send it.
  /// @param control Per-datagram settings, as for async_send_to().
  /// @param ec Set to indicate what error occurred, if any.
  ///
  /// @returns The number of bytes sent.
  template <class ConstBufferSequence>
  std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& destination,
      const control_message& control, boost::system::error_code& ec)
  {
    send_type<ConstBufferSequence> op(buffers, &destination, control, state()->gso);
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Sends one datagram with per-datagram control messages, blocking while
  /// the socket's send buffer is full.
  ///
  /// @param buffers The payload.
  /// @param destination Where to send it.
  /// @param control Per-datagram settings, as for async_send_to().
  ///
  /// @returns The number of bytes sent.
  ///
  /// @throws boost::system::system_error Thrown on failure.
  template <class ConstBufferSequence>
  std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& destination,
      const control_message& control)
  {
    boost::system::error_code ec;
    std::size_t n = send_to(buffers, destination, control, ec);
    throw_on_error(ec, "send_to");
    return n;
  }

  /// Sends one datagram with per-datagram control messages on a connected
  /// socket, blocking while the socket's send buffer is full.
  ///
  /// @param buffers The payload.
  /// @param control Per-datagram settings, as for async_send_to().
  /// @param ec Set to indicate what error occurred, if any.
  ///
  /// @returns The number of bytes sent.
  template <class ConstBufferSequence>
  std::size_t send(const ConstBufferSequence& buffers, const control_message& control, boost::system::error_code& ec)
  {
    send_type<ConstBufferSequence> op(buffers, nullptr, control, state()->gso);
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Sends one datagram with per-datagram control messages on a connected
  /// socket, blocking while the socket's send buffer is full.
  ///
  /// @param buffers The payload.
  /// @param control Per-datagram settings, as for async_send_to().
  ///
  /// @returns The number of bytes sent.
  ///
  /// @throws boost::system::system_error Thrown on failure.
  template <class ConstBufferSequence>
  std::size_t send(const ConstBufferSequence& buffers, const control_message& control)
  {
    boost::system::error_code ec;
    std::size_t n = send(buffers, control, ec);
    throw_on_error(ec, "send");
    return n;
  }

  /// @}
  /// @name Batches
  /// @{

  /// Starts an asynchronous receive of up to @c std::size(messages)
  /// datagrams with one or a few @c recvmmsg calls.
  ///
  /// @param messages A contiguous range (std::vector, std::array, C array) of
  /// @ref asio_ipv4::message "message<endpoint_type>": each slot's buffer says
  /// where its datagram goes; its endpoint, control, bytes and error are
  /// filled in.
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t count) @endcode
  /// The first @c count slots hold datagrams. Truncation is reported per slot
  /// in @c message::error, not in @c ec. The operation waits only until at
  /// least one datagram arrived; it then takes what is queued, up to the
  /// number of slots. If a later system call of the same batch fails, @c ec
  /// holds that error and @c count still counts the datagrams received.
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation before any datagram
  /// was received; afterwards the operation completes with what it got.
  /// cancel(), close() and the destruction of this object end it the same
  /// way.
  ///
  /// @par Object Lifetimes
  /// The range @c messages and the memory its buffers refer to must stay
  /// valid, and the range must not be resized, until the completion handler
  /// is called.
  template <class Messages, class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive_batch(Messages& messages, Token&& token = Token())
  {
    return detail::async_run(socket_, state(), receive_batch_type<Messages>(std::data(messages), std::size(messages)),
        std::forward<Token>(token));
  }

  /// Receives a batch of datagrams, blocking until at least one arrived.
  ///
  /// @param messages The slots, as for async_receive_batch().
  /// @param ec Set to indicate what error occurred, if any; truncation is
  /// reported per slot in @c message::error.
  ///
  /// @returns The number of messages received.
  template <class Messages>
  std::size_t receive_batch(Messages& messages, boost::system::error_code& ec)
  {
    receive_batch_type<Messages> op(std::data(messages), std::size(messages));
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Receives a batch of datagrams, blocking until at least one arrived.
  ///
  /// @param messages The slots, as for async_receive_batch().
  ///
  /// @returns The number of messages received.
  ///
  /// @throws boost::system::system_error Thrown when a system call failed
  /// (not for a truncated message: see @c message::error).
  template <class Messages>
  std::size_t receive_batch(Messages& messages)
  {
    boost::system::error_code ec;
    std::size_t n = receive_batch(messages, ec);
    throw_on_error(ec, "receive_batch");
    return n;
  }

  /// Starts an asynchronous send of a batch of datagrams with one or a few
  /// @c sendmmsg calls.
  ///
  /// @param messages A contiguous range of
  /// @ref asio_ipv4::message "message<endpoint_type, B>" with
  /// B = @c boost::asio::const_buffer or @c mutable_buffer: each slot's
  /// buffer is its payload, its endpoint the destination (a default endpoint
  /// means "the connected peer"), its control the per-datagram settings.
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t count) @endcode
  /// The first @c count messages went out (their @c bytes are set). A partial
  /// send completes with the count and the error that stopped the next
  /// message, which is also stored in that message's @c error (success when
  /// the kernel stopped because the socket buffer was full); nothing after it
  /// is sent, so the caller can resend the rest.
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation while waiting for room
  /// before anything was sent; afterwards the operation completes with the
  /// count that went out. cancel(), close() and the destruction of this
  /// object end it the same way.
  ///
  /// @par Object Lifetimes
  /// The range @c messages and the memory its buffers refer to must stay
  /// valid, and the range must not be resized, until the completion handler
  /// is called.
  template <class Messages, class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_send_batch(Messages& messages, Token&& token = Token())
  {
    return detail::async_run(socket_, state(),
        send_batch_type<Messages>(std::data(messages), std::size(messages), state()->gso), std::forward<Token>(token));
  }

  /// Sends a batch of datagrams, blocking until at least one message went
  /// out.
  ///
  /// @param messages The slots, as for async_send_batch().
  /// @param ec Set to indicate what error occurred, if any: the error that
  /// stopped the batch, if it stopped early.
  ///
  /// @returns The number of messages sent.
  template <class Messages>
  std::size_t send_batch(Messages& messages, boost::system::error_code& ec)
  {
    send_batch_type<Messages> op(std::data(messages), std::size(messages), state()->gso);
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Sends a batch of datagrams, blocking until at least one message went
  /// out.
  ///
  /// @param messages The slots, as for async_send_batch().
  ///
  /// @returns The number of messages sent.
  ///
  /// @throws boost::system::system_error Thrown when the batch stopped on an
  /// error; the messages' @c bytes still tell which went out.
  template <class Messages>
  std::size_t send_batch(Messages& messages)
  {
    boost::system::error_code ec;
    std::size_t n = send_batch(messages, ec);
    throw_on_error(ec, "send_batch");
    return n;
  }

  /// @}
  /// @name The error queue
  /// @{

  /// Starts an asynchronous read of one entry of the socket's error queue
  /// (needs ip4::receive_errors, IP_RECVERR).
  ///
  /// Makes a @c recvmsg(MSG_ERRQUEUE) system call, waiting until the socket
  /// reports an error when the queue is empty. Entries a send took out of
  /// the kernel's queue while it waited for room beside an unread datagram
  /// (doc/reliability.md) are handed out first, in order. Woken with the
  /// queue empty, the operation takes the socket's pending error
  /// (@c SO_ERROR): a socket without receive_errors, whose ICMP errors only
  /// set that, completes with it (for example
  /// @c boost::asio::error::connection_refused, @c bytes 0) instead of
  /// waiting, and never spins; a socket shut down both ways completes with
  /// @c boost::asio::error::shut_down. Linux only: elsewhere it completes
  /// with @c boost::asio::error::operation_not_supported without a system
  /// call.
  ///
  /// @param buffers Receives the start of the datagram that caused the error.
  /// @param destination Set to that datagram's destination.
  /// @param control Cleared, then filled: @c control.error holds the error
  /// (errno, origin, ICMP type and code, offender), other fields as enabled.
  /// @param token The completion token.
  ///
  /// @par Completion Signature
  /// @code void(boost::system::error_code ec, std::size_t bytes) @endcode
  /// @c bytes is the length of the quoted datagram stored in @c buffers;
  /// truncation is reported as for async_receive_from().
  ///
  /// @par Per-Operation Cancellation
  /// Supports terminal, partial and total cancellation before an entry was
  /// read; the entry then stays queued. cancel(), close() and the
  /// destruction of this object end it the same way.
  ///
  /// @par Object Lifetimes
  /// The memory the buffers refer to, @c destination and @c control must
  /// stay valid until the completion handler is called.
  template <class MutableBufferSequence, class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive_error(const MutableBufferSequence& buffers, endpoint_type& destination,
      control_message& control, Token&& token = Token())
  {
    return detail::async_run(socket_, state(),
        error_type<MutableBufferSequence>(buffers, &destination, control, error_store()), std::forward<Token>(token));
  }

  /// Reads one entry of the socket's error queue, blocking until one is
  /// queued.
  ///
  /// @param buffers Receives the start of the datagram that caused the error.
  /// @param destination Set to that datagram's destination.
  /// @param control Cleared, then filled: @c control.error holds the error.
  /// @param ec Set to indicate what error occurred, if any.
  ///
  /// @returns The number of bytes of the quoted datagram stored.
  template <class MutableBufferSequence>
  std::size_t receive_error(const MutableBufferSequence& buffers, endpoint_type& destination,
      control_message& control, boost::system::error_code& ec)
  {
    error_type<MutableBufferSequence> op(buffers, &destination, control, error_store());
    return result_of(detail::run_blocking(socket_, op), ec);
  }

  /// Reads one entry of the socket's error queue, blocking until one is
  /// queued.
  ///
  /// @param buffers Receives the start of the datagram that caused the error.
  /// @param destination Set to that datagram's destination.
  /// @param control Cleared, then filled: @c control.error holds the error.
  ///
  /// @returns The number of bytes of the quoted datagram stored.
  ///
  /// @throws boost::system::system_error Thrown on failure, truncation
  /// included.
  template <class MutableBufferSequence>
  std::size_t receive_error(const MutableBufferSequence& buffers, endpoint_type& destination,
      control_message& control)
  {
    boost::system::error_code ec;
    std::size_t n = receive_error(buffers, destination, control, ec);
    throw_on_error(ec, "receive_error");
    return n;
  }

  /// @}

private:
  template <class Buffers>
  using receive_type = detail::core::receive_core<Buffers, endpoint_type>;
  template <class Buffers>
  using error_type = detail::core::error_receive_core<Buffers, endpoint_type>;
  template <class Buffers>
  using send_type = detail::core::send_core<Buffers, endpoint_type>;

  template <class Messages>
  using message_type = std::remove_pointer_t<decltype(std::data(std::declval<Messages&>()))>;
  template <class Messages>
  using receive_batch_type = detail::core::receive_batch_core<message_type<Messages>>;
  template <class Messages>
  using send_batch_type = detail::core::send_batch_core<message_type<Messages>>;

  using state_type = detail::socket_state<Socket>;

  std::shared_ptr<state_type> make_state() { return std::make_shared<state_type>(&socket_); }

  // The state shared with the operations; a moved-from cmsg_socket gets a
  // fresh one when it is used again.
  const std::shared_ptr<state_type>& state()
  {
    if (!state_)
      state_ = make_state();
    return state_;
  }

  // Operations still pending on the state's socket stop at their next step.
  void release_state() noexcept
  {
    if (state_)
      state_->socket = nullptr;
  }

  // The socket's error store, for an error-queue receive.
  detail::core::error_store* error_store() { return state()->errors_of(socket_.native_handle()); }

  static std::size_t result_of(const detail::core::outcome& o, boost::system::error_code& ec) noexcept
  {
    ec = o.ec;
    return o.n;
  }

  static void throw_on_error(const boost::system::error_code& ec, const char* what)
  {
    if (ec)
      throw boost::system::system_error(ec, what);
  }

  Socket socket_;
  std::shared_ptr<state_type> state_;
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_CMSG_SOCKET_HPP
