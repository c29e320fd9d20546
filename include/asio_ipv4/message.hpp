//
// asio_ipv4/message.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_MESSAGE_HPP
#define ASIO_IPV4_MESSAGE_HPP

#include <asio_ipv4/control_message.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_ipv4 {

/// One slot of a batch receive or send (recvmmsg / sendmmsg).
///
/// For receives, @c buffer says where the datagram goes and the other fields
/// are filled in. For sends, @c buffer is the payload (never modified; use
/// @c boost::asio::const_buffer as @c Buffer), @c endpoint the destination
/// (ignored on a connected socket if left default), and @c control the
/// per-datagram control messages.
template <class Endpoint, class Buffer = boost::asio::mutable_buffer>
struct message
{
  /// rx: where the datagram goes; tx: the payload.
  Buffer buffer;
  /// rx: the sender; tx: the destination.
  Endpoint endpoint;
  /// rx: the decoded control messages; tx: those to send with this datagram.
  control_message control;
  /// rx: bytes received; tx: bytes sent.
  std::size_t bytes = 0;
  /// Per-message condition: message_size (data truncated),
  /// asio_ipv4::error::control_truncated, or on a send the error that
  /// stopped the batch at this message.
  boost::system::error_code error;
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_MESSAGE_HPP
