//
// src/segmented_send.cpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Cutting a payload into datagrams in user space (core/gso.hpp): pure, no
// system call; the send cores make the calls through their driver.

#include <asio_ipv4/detail/core/gso.hpp>

namespace asio_ipv4 {
namespace detail {
namespace core {

std::size_t cut_segments(const msghdr& base, const iovec* iov, std::size_t iov_count, std::size_t total,
    std::size_t segment, std::size_t offset, os::multi_message* out, std::size_t max_messages, iovec* pool,
    std::size_t pool_size) noexcept
{
  if (segment == 0)
    segment = total ? total : 1;
  // The iovec holding byte `offset`, and where in it.
  std::size_t vi = 0, vo = offset;
  while (vi < iov_count && vo >= iov[vi].iov_len)
    vo -= iov[vi++].iov_len;
  std::size_t used = 0, count = 0;
  while (count < max_messages && offset < total)
  {
    const std::size_t want = smaller(total - offset, segment);
    const std::size_t first = used;
    std::size_t got = 0, ti = vi, to = vo;
    while (got < want && used < pool_size)
    {
      const std::size_t take = smaller(iov[ti].iov_len - to, want - got);
      if (take != 0)
      {
        pool[used].iov_base = static_cast<char*>(iov[ti].iov_base) + to;
        pool[used].iov_len = take;
        ++used;
      }
      got += take;
      to += take;
      if (to == iov[ti].iov_len)
      {
        ++ti;
        to = 0;
      }
    }
    if (got < want)
      break; // the pool is full: this datagram goes in the next call
    msghdr& m = out[count].msg_hdr;
    m = base;
    m.msg_iov = pool + first;
    m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(used - first);
    out[count].msg_len = 0;
    ++count;
    offset += want;
    vi = ti;
    vo = to;
  }
  return count;
}

} // namespace core
} // namespace detail
} // namespace asio_ipv4

