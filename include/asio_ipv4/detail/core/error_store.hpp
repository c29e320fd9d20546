//
// asio_ipv4/detail/core/error_store.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_CORE_ERROR_STORE_HPP
#define ASIO_IPV4_DETAIL_CORE_ERROR_STORE_HPP

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/detail/core/frame.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

namespace asio_ipv4 {
namespace detail {
namespace core {

// Error-queue entries a cmsg_socket took out of the kernel's queue, kept for
// async_receive_error / receive_error, which hand them out first, oldest
// first, before reading the kernel's queue. Filled only by the Linux send
// wait, when a send waits for room while both a datagram and an error-queue
// entry are unread: the entries then leave the kernel's queue so that the
// socket stops reporting an error condition and the send can wait quietly
// (doc/reliability.md). Nothing else reads it.
//
// Each entry keeps what a recvmsg(MSG_ERRQUEUE) returned: the name (the
// offending datagram's destination), the quoted bytes (at most
// quote_capacity; more is reported as message_size, as a short buffer
// would), the raw control bytes (decoded when handed out) and the
// truncation flags. At most `capacity` entries; memory for them is taken on
// first use only. When the store is full, further entries are read and
// dropped (counted by dropped()), as the kernel drops entries when a
// socket's receive buffer is full. Pure: the system calls that fill it live
// with the driver (detail/linux/send_wait.hpp).
class error_store
{
public:
  static constexpr std::size_t capacity = 64;
  static constexpr std::size_t quote_capacity = 2048;

  struct entry
  {
    alignas(8) unsigned char name[128];
    alignas(8) unsigned char data[quote_capacity];
    control_buffer<receive_control_space> control;
    std::size_t name_size;
    std::size_t bytes;
    std::size_t control_size;
    bool truncated;
    bool control_truncated;

    // A msghdr (with `v`, its one iovec) that receives into this entry.
    void prepare(msghdr& m, iovec& v) noexcept
    {
      v.iov_base = data;
      v.iov_len = sizeof(data);
      fill_msghdr(m, &v, 1, name, sizeof(name), control.bytes, sizeof(control.bytes));
    }

    // What a receive prepared by prepare() returned: `n` bytes.
    void assign(const msghdr& m, std::size_t n) noexcept
    {
      name_size = m.msg_name ? static_cast<std::size_t>(m.msg_namelen) : 0;
      bytes = n;
      control_size = m.msg_control ? static_cast<std::size_t>(m.msg_controllen) : 0;
      truncated = (m.msg_flags & MSG_TRUNC) != 0;
      control_truncated = (m.msg_flags & MSG_CTRUNC) != 0;
    }
  };

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  // Entries read and dropped because the store was full.
  std::size_t dropped() const noexcept { return dropped_; }

  // Forgets every entry (the socket was closed or replaced).
  void clear() noexcept
  {
    head_ = 0;
    size_ = 0;
  }

  // Where the next entry goes, or null when the store is full (or its
  // memory could not be had): the caller reads the entry elsewhere and calls
  // drop().
  entry* reserve() noexcept
  {
    if (size_ == capacity)
      return nullptr;
    if (!entries_)
    {
      entries_.reset(new (std::nothrow) entry[capacity]);
      if (!entries_)
        return nullptr;
    }
    return &entries_[(head_ + size_) % capacity];
  }

  // Keeps the entry reserve() handed out, now assigned.
  void commit() noexcept { ++size_; }

  // Counts an entry that was read but not kept.
  void drop() noexcept { ++dropped_; }

  // Hands the oldest entry out, as a receive from the error queue into
  // `buffers`, `destination` (may be null) and `control` would: the bytes
  // stored, message_size when the quote did not fit (or was cut when it was
  // stored), control_truncated when its control messages were cut.
  // Precondition: !empty().
  template <class MutableBuffers, class Endpoint>
  outcome take(const MutableBuffers& buffers, Endpoint* destination, control_message& control) noexcept
  {
    const entry& e = entries_[head_];
    head_ = (head_ + 1) % capacity;
    --size_;
    outcome o;
    o.n = boost::asio::buffer_copy(buffers, boost::asio::buffer(e.data, e.bytes));
    if (destination && e.name_size <= destination->capacity())
    {
      std::memcpy(static_cast<void*>(destination->data()), e.name, e.name_size);
      destination->resize(e.name_size);
    }
    o.ec = decode_control(e.control.bytes, e.control_size, e.control_truncated, control);
    if (e.truncated || o.n < e.bytes)
      o.ec = boost::asio::error::message_size;
    return o;
  }

private:
  std::unique_ptr<entry[]> entries_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t dropped_ = 0;
};

} // namespace core
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_CORE_ERROR_STORE_HPP
