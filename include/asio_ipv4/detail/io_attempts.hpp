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
#include <asio_ipv4/detail/platform.hpp>
#include <asio_ipv4/detail/segmented_send.hpp>
#include <asio_ipv4/detail/socket_types.hpp>
#include <asio_ipv4/detail/syscall.hpp>
#include <asio_ipv4/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
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

// One buffer as an iovec.
template <class Buffer>
iovec to_iovec(const Buffer& b) noexcept
{
  iovec v;
  v.iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
  v.iov_len = b.size();
  return v;
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
  m.msg_namelen = static_cast<socklen_t>(name ? name_size : 0);
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

// Encodes `control` for a send; without its segment size when the datagrams
// are cut in user space (`split`) or the platform has no GSO.
inline std::size_t encode_for_send(const control_message& control, bool split,
    control_buffer<send_control_space>& cbuf, boost::system::error_code& ec) noexcept
{
  if (!control.segment_size || gso_state::encodes_segment(control, split))
    return encode_control(control, cbuf.bytes, sizeof(cbuf.bytes), ec);
  control_message without = control;
  without.segment_size.reset();
  return encode_control(without, cbuf.bytes, sizeof(cbuf.bytes), ec);
}

// One datagram out with its control messages (sendmsg); with a segment size
// GSO must do in user space (gso_state decides) the same bytes go out as
// separate datagrams. `split` and `offset` carry a user-space split across
// waits (would_block). Returns the bytes sent.
inline std::size_t send_datagram(int fd, iovec* iov, std::size_t iov_count, const void* name, std::size_t name_size,
    const control_message& control, gso_state& gso, bool& split, std::size_t& offset,
    boost::system::error_code& ec) noexcept
{
  // Only a send with a segment size needs its length.
  const std::size_t payload = control.segment_size ? total_size(iov, iov_count) : 0;
  control_buffer<send_control_space> cbuf;
  msghdr m;
  for (;;)
  {
    split = gso.must_split(control, payload, split);
    const std::size_t control_size = encode_for_send(control, split, cbuf, ec);
    if (ec)
      return 0;
    fill_msghdr(m, iov, iov_count, name, name_size, cbuf.bytes, control_size);
    if (split)
    {
      send_segmented(fd, m, *control.segment_size, offset, ec);
      return offset;
    }
    auto r = checked_syscall(ec, [&] { return os::send_message(fd, m, os::send_flags); });
    if (!ec)
      return static_cast<std::size_t>(r);
    if (!gso.refused(control, payload, ec))
      return 0;
    split = true; // and send the same bytes again, cut
  }
}

// One datagram in, with its control messages: recvmsg. Also reads the error
// queue (Wait = wait_error), where the name is the offending datagram's
// destination; a platform without one fails before any system call.
template <class MutableBuffers, class Endpoint, boost::asio::socket_base::wait_type Wait>
class receive_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = Wait;

  receive_attempt(const MutableBuffers& buffers, Endpoint* sender, control_message& control) noexcept
    : buffers_(buffers), sender_(sender), control_(&control)
  {
    control.clear();
  }

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    constexpr bool error_queue = Wait == boost::asio::socket_base::wait_error;
    if (error_queue && !os::has_error_queue)
    {
      ec = boost::asio::error::operation_not_supported;
      return 0;
    }
    iovec iov[max_iov];
    const std::size_t n = to_iovec(buffers_, iov, ec);
    if (ec)
      return 0;
    control_buffer<receive_control_space> cbuf;
    msghdr m;
    fill_msghdr(m, iov, n, sender_ ? sender_->data() : nullptr, sender_ ? sender_->capacity() : 0, cbuf.bytes,
        sizeof(cbuf.bytes));
    auto r = checked_syscall(
        ec, [&] { return os::receive_message(fd, m, os::receive_flags | (error_queue ? os::error_queue_flag : 0)); });
    if (ec)
      return 0;
    if (sender_)
      sender_->resize(m.msg_namelen);
    ec = finish_receive(m, *control_);
    return static_cast<std::size_t>(r);
  }

  // A receive takes a whole datagram or nothing: never part-way.
  std::size_t progress() const noexcept { return 0; }
  bool started() const noexcept { return false; }

  // What the operation works on, for drivers that make their own calls
  // (the overlapped driver of detail/win/iocp_driver.hpp).
  const MutableBuffers& buffers() const noexcept { return buffers_; }
  Endpoint* sender() const noexcept { return sender_; }
  control_message& control() const noexcept { return *control_; }

private:
  MutableBuffers buffers_;
  Endpoint* sender_;
  control_message* control_;
};

// One datagram out, with per-datagram control messages (send_datagram).
template <class ConstBuffers, class Endpoint>
class send_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_attempt(const ConstBuffers& buffers, const Endpoint* destination, const control_message& control,
      gso_state& gso) noexcept
    : buffers_(buffers), destination_(destination), control_(&control), gso_(&gso)
  {
  }

  std::size_t perform(int fd, boost::system::error_code& ec)
  {
    iovec iov[max_iov];
    const std::size_t n = to_iovec(buffers_, iov, ec);
    if (ec)
      return 0;
    return send_datagram(fd, iov, n, destination_ ? destination_->data() : nullptr,
        destination_ ? destination_->size() : 0, *control_, *gso_, split_, offset_, ec);
  }

  // The bytes a user-space split sent so far; once some went out, only
  // terminal cancellation can stop it.
  std::size_t progress() const noexcept { return offset_; }
  bool started() const noexcept { return offset_ != 0; }

  // What the operation works on, for drivers that make their own calls.
  const ConstBuffers& buffers() const noexcept { return buffers_; }
  const Endpoint* destination() const noexcept { return destination_; }
  const control_message& control() const noexcept { return *control_; }
  gso_state& gso() const noexcept { return *gso_; }

private:
  ConstBuffers buffers_;
  const Endpoint* destination_;
  const control_message* control_;
  gso_state* gso_;
  bool split_ = false;
  std::size_t offset_ = 0;
};

// Sends the messages of a batch, in chunks of max_batch_chunk per sendmmsg.
// Stops at the first message the kernel did not take; the error that
// stopped it is reported with the count. A message with a GSO segment size
// goes out on its own (send_datagram, which may cut it in user space) and is
// always finished before the batch completes (its progress survives waits),
// so nothing is sent twice.
template <class Message>
class send_batch_attempt
{
public:
  static constexpr boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_write;

  send_batch_attempt(Message* messages, std::size_t count, gso_state& gso) noexcept
    : messages_(messages), count_(count), gso_(&gso)
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
      if (segmented(messages_[done_]))
        send_alone(fd, ec);
      else
        chunk(fd, ec);
      if (ec)
      {
        if (ec == boost::asio::error::would_block && (split_ || done_ == 0))
          return done_; // wait for room, then go on
        if (ec == boost::asio::error::would_block)
          ec = {}; // partial: the caller resends the rest
        else if (done_ < count_)
          messages_[done_].error = ec;
        return done_;
      }
      if (done_ == before)
        break;
      // A short count without an error: ask again, which either sends more
      // or reports the error that stopped the kernel.
    }
    return done_;
  }

  std::size_t progress() const noexcept { return done_; }

  // True once any message, or any datagram of a split message, went out.
  bool started() const noexcept { return done_ != 0 || (split_ && messages_[done_].bytes != 0); }

  // What the operation works on, for drivers that make their own calls.
  Message* messages() const noexcept { return messages_; }
  std::size_t size() const noexcept { return count_; }
  gso_state& gso() const noexcept { return *gso_; }

private:
  // A message GSO cuts into several datagrams.
  static bool segmented(const Message& m) noexcept
  {
    return m.control.segment_size && *m.control.segment_size != 0 && m.buffer.size() > *m.control.segment_size;
  }

  void send_alone(int fd, boost::system::error_code& ec)
  {
    Message& msg = messages_[done_];
    iovec iov = to_iovec(msg.buffer);
    std::size_t offset = msg.bytes;
    std::size_t n = send_datagram(fd, &iov, 1, name_of(msg.endpoint), msg.endpoint.size(), msg.control, *gso_,
        split_, offset, ec);
    msg.bytes = split_ ? offset : n;
    if (ec)
      return;
    split_ = false;
    ++done_;
  }

  void chunk(int fd, boost::system::error_code& ec)
  {
    os::multi_message hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<send_control_space> cbufs[max_batch_chunk];
    std::size_t n = count_ - done_ < max_batch_chunk ? count_ - done_ : max_batch_chunk;
    Message* msgs = messages_ + done_;
    for (std::size_t i = 0; i < n; ++i)
    {
      Message& msg = msgs[i];
      if (i != 0 && segmented(msg))
      {
        n = i; // sent on its own, after what comes before it
        break;
      }
      const std::size_t control_size = encode_for_send(msg.control, false, cbufs[i], ec);
      if (ec)
      {
        // Send what comes before the bad message; report it when it is first.
        if (i == 0)
          return;
        n = i;
        ec = {};
        break;
      }
      iov[i] = to_iovec(msg.buffer);
      fill_msghdr(hdrs[i].msg_hdr, &iov[i], 1, name_of(msg.endpoint), msg.endpoint.size(), cbufs[i].bytes,
          control_size);
      hdrs[i].msg_len = 0;
    }
    auto r = checked_syscall(ec, [&] { return os::send_messages(fd, hdrs, static_cast<unsigned>(n), os::send_flags); });
    if (ec)
      return; // the first message of the chunk failed
    for (int i = 0; i < r; ++i)
      msgs[i].bytes = static_cast<std::size_t>(hdrs[i].msg_len);
    done_ += static_cast<std::size_t>(r);
  }

  Message* messages_;
  std::size_t count_;
  gso_state* gso_;
  std::size_t done_ = 0;
  bool split_ = false;
};

// Many datagrams in: recvmmsg (or its loop), in chunks of max_batch_chunk
// messages.
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
  std::size_t progress() const noexcept { return 0; }
  bool started() const noexcept { return false; }

  // What the operation works on, for drivers that make their own calls.
  Message* messages() const noexcept { return messages_; }
  std::size_t size() const noexcept { return count_; }

private:
  static std::size_t chunk(int fd, Message* msgs, std::size_t n, boost::system::error_code& ec)
  {
    os::multi_message hdrs[max_batch_chunk];
    iovec iov[max_batch_chunk];
    control_buffer<receive_control_space> cbufs[max_batch_chunk];
    for (std::size_t i = 0; i < n; ++i)
    {
      // Every field set afresh for each call (the kernel rewrites the
      // lengths).
      Message& msg = msgs[i];
      iov[i] = to_iovec(msg.buffer);
      fill_msghdr(hdrs[i].msg_hdr, &iov[i], 1, msg.endpoint.data(), msg.endpoint.capacity(), cbufs[i].bytes,
          sizeof(cbufs[i].bytes));
      hdrs[i].msg_len = 0;
    }
    auto r = checked_syscall(
        ec, [&] { return os::receive_messages(fd, hdrs, static_cast<unsigned>(n), os::receive_flags); });
    std::size_t got = ec ? 0 : static_cast<std::size_t>(r);
    for (std::size_t i = 0; i < got; ++i)
    {
      Message& msg = msgs[i];
      msg.endpoint.resize(hdrs[i].msg_hdr.msg_namelen);
      msg.bytes = static_cast<std::size_t>(hdrs[i].msg_len);
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
