//
// src/segmented_send.cpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <asio_ipv4/detail/core/gso.hpp>
#include <asio_ipv4/detail/segmented_send.hpp>
#include <asio_ipv4/detail/syscall.hpp>

#include <cstring>

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

// The attempts' split (detail/io_attempts.hpp) until the drivers run the cores.
namespace asio_ipv4 {
namespace detail {
namespace {

constexpr std::size_t segments_per_call = 64;
constexpr std::size_t iov_pool_size = 256;

} // namespace

void send_segmented(int fd, const msghdr& base, std::size_t segment, std::size_t& offset,
    boost::system::error_code& ec) noexcept
{
  std::size_t total = 0;
  const std::size_t iovlen = static_cast<std::size_t>(base.msg_iovlen);
  for (std::size_t i = 0; i < iovlen; ++i)
    total += base.msg_iov[i].iov_len;
  ec = {};
  if (segment == 0)
    segment = total ? total : 1;

  while (offset < total)
  {
    // Build up to segments_per_call datagrams from `offset`, each pointing
    // into the user's buffers through a slice of the iovec pool.
    os::multi_message hdrs[segments_per_call];
    iovec pool[iov_pool_size];
    std::size_t used = 0, count = 0;
    std::size_t at = offset;
    // Locate the iovec holding byte `at`.
    std::size_t vi = 0, vo = at;
    while (vi < iovlen && vo >= base.msg_iov[vi].iov_len)
      vo -= base.msg_iov[vi++].iov_len;
    while (count < segments_per_call && at < total)
    {
      std::size_t want = total - at < segment ? total - at : segment;
      std::size_t first = used;
      std::size_t got = 0;
      std::size_t ti = vi, to = vo;
      while (got < want && used < iov_pool_size)
      {
        std::size_t avail = base.msg_iov[ti].iov_len - to;
        std::size_t take = avail < want - got ? avail : want - got;
        if (take != 0)
        {
          pool[used].iov_base = static_cast<char*>(base.msg_iov[ti].iov_base) + to;
          pool[used].iov_len = take;
          ++used;
        }
        got += take;
        to += take;
        if (to == base.msg_iov[ti].iov_len)
        {
          ++ti;
          to = 0;
        }
      }
      if (got < want)
        break; // the pool is full: this segment goes in the next call
      msghdr& m = hdrs[count].msg_hdr;
      m = base;
      m.msg_iov = pool + first;
      m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(used - first);
      hdrs[count].msg_len = 0;
      ++count;
      at += want;
      vi = ti;
      vo = to;
    }
    auto r = checked_syscall(ec, [&] {
      return os::send_messages(fd, hdrs, static_cast<unsigned>(count), os::send_flags);
    });
    if (ec)
      return;
    for (int i = 0; i < r; ++i)
      offset += static_cast<std::size_t>(hdrs[i].msg_len);
    if (static_cast<std::size_t>(r) < count)
    {
      // The kernel stopped early: ask again to learn why (or send more).
      continue;
    }
  }
}

} // namespace detail
} // namespace asio_ipv4
