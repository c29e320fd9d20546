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
#include <asio_ipv4/detail/segmented_send.hpp>
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

// Starts a msghdr for one datagram: its buffers, and its name if any.
template <class Buffers>
void start_msghdr(msghdr& m, const Buffers& buffers, iovec (&iov)[max_iov], const void* name,
    std::size_t name_size, boost::system::error_code& ec) noexcept
{
  std::memset(&m, 0, sizeof(m));
  m.msg_iovlen = to_iovec(buffers, iov, ec);
  m.msg_iov = iov;
  m.msg_name = const_cast<void*>(name);
  m.msg_namelen = static_cast<socklen_t>(name ? name_size : 0);
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
    start_msghdr(m, buffers_, iov, sender_ ? sender_->data() : nullptr, sender_ ? sender_->capacity() : 0, ec);
    if (ec)
      return 0;
    control_buffer<receive_control_space> cbuf;
    m.msg_control = cbuf.bytes;
    m.msg_controllen = sizeof(cbuf.bytes);
    auto r = checked_syscall(ec, [&] { return ::recvmsg(fd, &m, flags_ | MSG_DONTWAIT); });
    if (ec)
      return 0;
    if (sender_)
      sender_->resize(m.msg_namelen);
    ec = finish_receive(m, *control_);
    return static_cast<std::size_t>(r);
  }

  // A receive takes a whole datagram or nothing: never part-way.
  bool started() const noexcept { return false; }

private:
  MutableBuffers buffers_;
  Endpoint* sender_;
  control_message* control_;
  int flags_;
};

// Encodes `control` for a send; when `split` is true, without its segment
// size (the datagrams are cut in user space instead).
inline std::size_t encode_for_send(const control_message& control, bool split,
    control_buffer<send_control_space>& cbuf, boost::system::error_code& ec) noexcept
{
  if (!split || !control.segment_size)
    return encode_control(control, cbuf.bytes, sizeof(cbuf.bytes), ec);
  control_message without = control;
  without.segment_size.reset();
  return encode_control(without, cbuf.bytes, sizeof(cbuf.bytes), ec);
}

inline std::size_t payload_size(const msghdr& m) noexcept
{
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.msg_iovlen; ++i)
    n += m.msg_iov[i].iov_len;
  return n;
}

// True when a send of `m` asks for GSO that should be done in user space:
// the socket stopped trying GSO, or this send already fell back.
inline bool needs_split(const control_message& control, const msghdr& m, const gso_state* gso, bool splitting) noexcept
{
  return control.segment_size && *control.segment_size != 0 && (splitting || (gso && gso->disabled))
      && payload_size(m) > *control.segment_size;
}

// One datagram out, with per-datagram control messages: sendmsg. With a GSO
// segment size the kernel refuses (EIO, EINVAL) the same bytes go out as
// separate datagrams; EIO also turns GSO off for the socket.
template <class ConstBuffers, class Endpoint>
class send_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_attempt(const ConstBuffers& buffers, const Endpoint* destination, const control_message& control,
      gso_state* gso = nullptr) noexcept
    : buffers_(buffers), destination_(destination), control_(&control), gso_(gso)
  {
  }

  // Returns the bytes sent; while a user-space split is under way, the bytes
  // sent so far (also with would_block).
  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    iovec iov[max_iov];
    msghdr m;
    start_msghdr(m, buffers_, iov, destination_ ? destination_->data() : nullptr,
        destination_ ? destination_->size() : 0, ec);
    if (ec)
      return 0;
    control_buffer<send_control_space> cbuf;
    for (;;)
    {
      const bool split = needs_split(*control_, m, gso_, splitting_);
      m.msg_controllen = encode_for_send(*control_, split, cbuf, ec);
      if (ec)
        return 0;
      m.msg_control = m.msg_controllen ? cbuf.bytes : nullptr;
      if (split)
      {
        send_segmented(fd, m, *control_->segment_size, offset_, ec);
        return offset_;
      }
      auto r = checked_syscall(ec, [&] { return ::sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL); });
      if (!ec)
        return static_cast<std::size_t>(r);
      if (!control_->segment_size || !gso_refused(ec) || payload_size(m) <= *control_->segment_size)
        return 0;
      if (gso_ && ec.value() == EIO)
        gso_->disabled = true;
      splitting_ = true; // and send the same bytes again, split
    }
  }

  // True once a user-space split sent some of the datagrams.
  bool started() const noexcept { return offset_ != 0; }

private:
  ConstBuffers buffers_;
  const Endpoint* destination_;
  const control_message* control_;
  gso_state* gso_;
  bool splitting_ = false;
  std::size_t offset_ = 0;
};

// Sends the messages of a batch, in chunks of max_batch_chunk per sendmmsg.
// Stops at the first message the kernel did not take; the error that
// stopped it is reported with the count. A message whose GSO must be done in
// user space is sent on its own and always finished before the batch
// completes (its progress survives waits), so nothing is sent twice.
template <class Message>
class send_batch_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_batch_attempt(Message* messages, std::size_t count, gso_state* gso = nullptr) noexcept
    : messages_(messages), count_(count), gso_(gso)
  {
    for (std::size_t i = 0; i < count; ++i)
    {
      messages[i].bytes = 0;
      messages[i].error = {};
    }
  }

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    ec = {};
    while (done_ < count_)
    {
      std::size_t before = done_;
      if (splitting_)
        split_current(fd, ec);
      else
        chunk(fd, ec);
      if (ec)
      {
        if (ec == boost::asio::error::would_block && (splitting_ || done_ == 0))
          return done_; // wait for room, then go on
        if (ec == boost::asio::error::would_block)
          ec = {}; // partial: the caller resends the rest
        else if (done_ < count_)
          messages_[done_].error = ec;
        return done_;
      }
      if (done_ == before && !splitting_)
        break;
      // A short count without an error: ask again, which either sends more
      // or reports the error that stopped the kernel.
    }
    return done_;
  }

  // True once any message, or any datagram of a split message, went out.
  bool started() const noexcept
  {
    return done_ != 0 || (splitting_ && messages_[done_].bytes != 0);
  }

private:
  void split_current(int fd, boost::system::error_code& ec)
  {
    Message& msg = messages_[done_];
    iovec iov{const_cast<void*>(static_cast<const void*>(msg.buffer.data())), msg.buffer.size()};
    msghdr m;
    std::memset(&m, 0, sizeof(m));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (msg.endpoint != decltype(msg.endpoint)())
      set_name(m, msg.endpoint.data(), msg.endpoint.size());
    control_buffer<send_control_space> cbuf;
    m.msg_controllen = encode_for_send(msg.control, true, cbuf, ec);
    if (ec)
      return;
    m.msg_control = m.msg_controllen ? cbuf.bytes : nullptr;
    send_segmented(fd, m, *msg.control.segment_size, msg.bytes, ec);
    if (ec)
      return;
    splitting_ = false;
    ++done_;
  }

  void chunk(int fd, boost::system::error_code& ec)
  {
    mmsghdr hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<send_control_space> cbufs[max_batch_chunk];
    std::size_t n = count_ - done_ < max_batch_chunk ? count_ - done_ : max_batch_chunk;
    Message* msgs = messages_ + done_;
    std::memset(hdrs, 0, sizeof(hdrs[0]) * n);
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& msg = msgs[i];
      iov[i].iov_base = const_cast<void*>(static_cast<const void*>(msg.buffer.data()));
      iov[i].iov_len = msg.buffer.size();
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      if (needs_split(msg.control, m, gso_, false))
      {
        // Sent on its own, after what comes before it.
        if (i == 0)
        {
          splitting_ = true;
          return split_current(fd, ec);
        }
        n = i;
        break;
      }
      m.msg_controllen = encode_control(msg.control, cbufs[i].bytes, sizeof(cbufs[i].bytes), ec);
      if (ec)
      {
        // Send what comes before the bad message; report it when it is first.
        if (i == 0)
          return;
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
    {
      // The first message of the chunk failed. A refused GSO is retried as
      // separate datagrams.
      Message& first = msgs[0];
      if (first.control.segment_size && gso_refused(ec) && first.buffer.size() > *first.control.segment_size)
      {
        if (gso_ && ec.value() == EIO)
          gso_->disabled = true;
        splitting_ = true;
        ec = {};
        split_current(fd, ec);
      }
      return;
    }
    for (int i = 0; i < r; ++i)
      msgs[i].bytes = hdrs[i].msg_len;
    done_ += static_cast<std::size_t>(r);
  }

  Message* messages_;
  std::size_t count_;
  gso_state* gso_;
  std::size_t done_ = 0;
  bool splitting_ = false;
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

  // A batch receive completes as soon as it took anything.
  bool started() const noexcept { return false; }

private:
  static std::size_t chunk(int fd, Message* msgs, std::size_t n, boost::system::error_code& ec)
  {
    mmsghdr hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<receive_control_space> cbufs[max_batch_chunk];
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& msg = msgs[i];
      iov[i].iov_base = msg.buffer.data();
      iov[i].iov_len = msg.buffer.size();
      // Every field set afresh for each call (the kernel rewrites the
      // lengths); no memset of the whole array on this hot path.
      msghdr& m = hdrs[i].msg_hdr;
      m.msg_name = msg.endpoint.data();
      m.msg_namelen = static_cast<socklen_t>(msg.endpoint.capacity());
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      m.msg_control = cbufs[i].bytes;
      m.msg_controllen = sizeof(cbufs[i].bytes);
      m.msg_flags = 0;
      hdrs[i].msg_len = 0;
    }
    auto r = checked_syscall(ec, [&] {
      return ::recvmmsg(fd, hdrs, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    });
    std::size_t got = ec ? 0 : static_cast<std::size_t>(r);
    for (std::size_t i = 0; i < got; ++i)
    {
      Message& msg = msgs[i];
      msg.endpoint.resize(hdrs[i].msg_hdr.msg_namelen);
      msg.bytes = hdrs[i].msg_len;
      msg.error = finish_receive(hdrs[i].msg_hdr, msg.control); // clears control first
    }
    // Slots that got nothing say so.
    for (std::size_t i = got; i < n; ++i)
    {
      msgs[i].control.clear();
      msgs[i].bytes = 0;
      msgs[i].error = {};
    }
    return got;
  }

  Message* messages_;
  std::size_t count_;
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_IO_ATTEMPTS_HPP
