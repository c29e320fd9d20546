//
// asio_ipv4/detail/io_attempts.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_IO_ATTEMPTS_HPP
#define ASIO_IPV4_DETAIL_IO_ATTEMPTS_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/syscall.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <type_traits>

namespace asio_ipv4 {
namespace detail {

// Buffers of one datagram: at most this many iovecs (as Asio's own socket
// operations), kept on the stack of an attempt.
constexpr std::size_t max_iov = 64;

// Messages per recvmmsg/sendmmsg call; a larger batch takes several calls.
constexpr std::size_t max_batch_chunk = 64;

// Fills iov from a buffer sequence. More than max_iov buffers cannot be
// passed without losing data: invalid_argument.
template <class Buffers>
std::size_t to_iovec(const Buffers& buffers, iovec (&iov)[max_iov], boost::system::error_code& ec) noexcept
{
  std::size_t n = 0;
  auto it = boost::asio::buffer_sequence_begin(buffers);
  auto end = boost::asio::buffer_sequence_end(buffers);
  for (; it != end; ++it)
  {
    if (n == max_iov)
    {
      ec = boost::asio::error::invalid_argument;
      return 0;
    }
    auto b = *it;
    iov[n].iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
    iov[n].iov_len = b.size();
    ++n;
  }
  ec = {};
  return n;
}

inline void set_name(msghdr& m, const void* name, std::size_t size) noexcept
{
  m.msg_name = const_cast<void*>(name);
  m.msg_namelen = static_cast<socklen_t>(size);
}

// After a successful receive: decode the control data and report truncation.
// Data truncation (message_size) wins over control truncation.
inline boost::system::error_code finish_receive(const msghdr& m, control_message& control) noexcept
{
  boost::system::error_code ec = decode_control(
      m.msg_control, m.msg_control ? m.msg_controllen : 0, (m.msg_flags & MSG_CTRUNC) != 0, control);
  if (m.msg_flags & MSG_TRUNC)
    ec = boost::asio::error::message_size;
  return ec;
}

// One datagram in, with its control messages: recvmsg. Also reads the error
// queue (MSG_ERRQUEUE), where the name is the offending datagram's
// destination.
template <class MutableBuffers, class Endpoint, boost::asio::socket_base::wait_type Wait>
class receive_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = Wait;

  receive_attempt(const MutableBuffers& buffers, Endpoint* sender, control_message& control, int flags) noexcept
    : buffers_(buffers), sender_(sender), control_(&control), flags_(flags)
  {
    control.clear();
  }

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    iovec iov[max_iov];
    msghdr m;
    std::memset(&m, 0, sizeof(m));
    m.msg_iovlen = to_iovec(buffers_, iov, ec);
    if (ec)
      return 0;
    m.msg_iov = iov;
    control_buffer<receive_control_space> cbuf;
    m.msg_control = cbuf.bytes;
    m.msg_controllen = sizeof(cbuf.bytes);
    if (sender_)
      set_name(m, sender_->data(), sender_->capacity());
    auto r = checked_syscall(ec, [&] { return ::recvmsg(fd, &m, flags_ | MSG_DONTWAIT); });
    if (ec)
      return 0;
    if (sender_)
      sender_->resize(m.msg_namelen);
    ec = finish_receive(m, *control_);
    return static_cast<std::size_t>(r);
  }

private:
  MutableBuffers buffers_;
  Endpoint* sender_;
  control_message* control_;
  int flags_;
};

// One datagram out, with per-datagram control messages: sendmsg.
template <class ConstBuffers, class Endpoint>
class send_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_attempt(const ConstBuffers& buffers, const Endpoint* destination, const control_message& control) noexcept
    : buffers_(buffers), destination_(destination), control_(&control)
  {
  }

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    iovec iov[max_iov];
    msghdr m;
    std::memset(&m, 0, sizeof(m));
    m.msg_iovlen = to_iovec(buffers_, iov, ec);
    if (ec)
      return 0;
    m.msg_iov = iov;
    control_buffer<send_control_space> cbuf;
    m.msg_controllen = encode_control(*control_, cbuf.bytes, sizeof(cbuf.bytes), ec);
    if (ec)
      return 0;
    m.msg_control = m.msg_controllen ? cbuf.bytes : nullptr;
    if (destination_)
      set_name(m, destination_->data(), destination_->size());
    auto r = checked_syscall(ec, [&] { return ::sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL); });
    return ec ? 0 : static_cast<std::size_t>(r);
  }

private:
  ConstBuffers buffers_;
  const Endpoint* destination_;
  const control_message* control_;
};

// Many datagrams in: recvmmsg, in chunks of max_batch_chunk messages.
template <class Message>
class receive_batch_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_read;

  receive_batch_attempt(Message* messages, std::size_t count) noexcept : messages_(messages), count_(count) {}

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    std::size_t done = 0;
    ec = {};
    while (done < count_)
    {
      std::size_t n = count_ - done < max_batch_chunk ? count_ - done : max_batch_chunk;
      std::size_t got = chunk(fd, messages_ + done, n, ec);
      if (ec)
      {
        // Later chunks only run after a full one: an empty queue there is
        // success; any other error is reported with the count so far.
        if (done != 0 && ec == boost::asio::error::would_block)
          ec = {};
        return done;
      }
      done += got;
      if (got < n)
        break;
    }
    return done;
  }

private:
  static std::size_t chunk(int fd, Message* msgs, std::size_t n, boost::system::error_code& ec)
  {
    mmsghdr hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<receive_control_space> cbufs[max_batch_chunk];
    std::memset(hdrs, 0, sizeof(hdrs[0]) * n);
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& msg = msgs[i];
      msg.control.clear();
      msg.bytes = 0;
      msg.error = {};
      iov[i].iov_base = msg.buffer.data();
      iov[i].iov_len = msg.buffer.size();
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      m.msg_control = cbufs[i].bytes;
      m.msg_controllen = sizeof(cbufs[i].bytes);
      set_name(m, msg.endpoint.data(), msg.endpoint.capacity());
    }
    auto r = checked_syscall(ec, [&] {
      return ::recvmmsg(fd, hdrs, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    });
    if (ec)
      return 0;
    for (int i = 0; i < r; ++i)
    {
      Message& msg = msgs[i];
      msg.endpoint.resize(hdrs[i].msg_hdr.msg_namelen);
      msg.bytes = hdrs[i].msg_len;
      msg.error = finish_receive(hdrs[i].msg_hdr, msg.control);
    }
    return static_cast<std::size_t>(r);
  }

  Message* messages_;
  std::size_t count_;
};

// Many datagrams out: sendmmsg, in chunks. Stops at the first message the
// kernel did not take; the error that stopped it is reported with the count.
template <class Message>
class send_batch_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_batch_attempt(Message* messages, std::size_t count) noexcept : messages_(messages), count_(count) {}

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    std::size_t done = 0;
    ec = {};
    while (done < count_)
    {
      std::size_t n = count_ - done < max_batch_chunk ? count_ - done : max_batch_chunk;
      std::size_t sent = chunk(fd, messages_ + done, n, ec);
      done += sent;
      if (ec)
      {
        if (done != 0 && ec == boost::asio::error::would_block)
          ec = {}; // partial: the caller resends the rest
        else if (done < count_)
          messages_[done].error = ec;
        return done;
      }
      if (sent == 0)
        break;
      // A short count without an error: ask again, which either sends more
      // or reports the error that stopped the kernel.
    }
    return done;
  }

private:
  static std::size_t chunk(int fd, Message* msgs, std::size_t n, boost::system::error_code& ec)
  {
    mmsghdr hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<send_control_space> cbufs[max_batch_chunk];
    std::memset(hdrs, 0, sizeof(hdrs[0]) * n);
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& msg = msgs[i];
      msg.bytes = 0;
      msg.error = {};
      iov[i].iov_base = const_cast<void*>(static_cast<const void*>(msg.buffer.data()));
      iov[i].iov_len = msg.buffer.size();
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      m.msg_controllen = encode_control(msg.control, cbufs[i].bytes, sizeof(cbufs[i].bytes), ec);
      if (ec)
      {
        msg.error = ec;
        // Send what came before the bad message; report it when it is first.
        if (i == 0)
          return 0;
        n = i;
        ec = {};
        break;
      }
      m.msg_control = m.msg_controllen ? cbufs[i].bytes : nullptr;
      if (msg.endpoint != decltype(msg.endpoint)())
        set_name(m, msg.endpoint.data(), msg.endpoint.size());
    }
    auto r = checked_syscall(ec, [&] {
      return ::sendmmsg(fd, hdrs, static_cast<unsigned>(n), MSG_DONTWAIT | MSG_NOSIGNAL);
    });
    if (ec)
      return 0;
    for (int i = 0; i < r; ++i)
      msgs[i].bytes = hdrs[i].msg_len;
    return static_cast<std::size_t>(r);
  }

  Message* messages_;
  std::size_t count_;
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_IO_ATTEMPTS_HPP
