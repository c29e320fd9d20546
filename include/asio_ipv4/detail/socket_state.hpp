//
// asio_ipv4/detail/socket_state.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SOCKET_STATE_HPP
#define ASIO_IPV4_DETAIL_SOCKET_STATE_HPP

// What a cmsg_socket shares with its operations, and what an operation
// holds. Asio's own operations keep the native handle by value and the
// implementation's state, never a reference to the socket object; that is
// why an Asio socket can be moved or destroyed with operations pending.
// cmsg_socket's operations do the same: the socket object moves (a growing
// vector, a coroutine frame), the state does not.

#include <asio_ipv4/detail/core/error_store.hpp>
#include <asio_ipv4/detail/core/gso.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <cstdint>
#include <memory>
#include <utility>

namespace asio_ipv4 {
namespace detail {

// One per cmsg_socket (one allocation, when it is made), its address
// stable; operations keep it alive with a shared_ptr.
template <class Socket>
struct socket_state
{
  explicit socket_state(Socket* s) noexcept : socket(s) {}

  // The owning cmsg_socket's socket: repointed when the cmsg_socket moves,
  // null once it is destroyed or moved-over.
  Socket* socket;
  // Bumped by cmsg_socket::cancel() and close(): an operation that started
  // before sees it when it resumes, whatever its wait was doing then.
  std::uint64_t epoch = 0;
  // UDP GSO refused on this socket? (core/gso.hpp)
  core::gso_state gso;
  // Error-queue entries the Linux send wait took out of the kernel's queue
  // (core/error_store.hpp), and the socket they came from.
  core::error_store errors;
  os::socket_id errors_owner;

  // The store, for an error-queue receive on `handle`: emptied first if its
  // entries came from another socket (the cmsg_socket's socket was closed
  // and opened again through next_layer()).
  template <class Handle>
  core::error_store* errors_of(Handle handle) noexcept
  {
    if (!errors.empty() && errors_owner != os::socket_identity(handle))
      errors.clear();
    return &errors;
  }

  // The socket was closed through cmsg_socket::close(), or replaced.
  void forget_socket() noexcept
  {
    ++epoch;
    gso.reset();
    errors.clear();
  }
};

// What an operation holds: the state, the native handle by value, the
// epoch when it started, and (taken when it first waits, so never on the
// fast path) the socket's identity.
template <class Socket>
struct operation_anchor
{
  std::shared_ptr<socket_state<Socket>> state;
  typename Socket::native_handle_type handle;
  std::uint64_t epoch;
  os::socket_id identity{};

  // Before every step after a wait: is the socket still the one the
  // operation started on? Not when the cmsg_socket is gone, its socket was
  // closed (or closed and opened again: another handle, or the same handle
  // number for another socket), or cancel()/close() was called on the
  // cmsg_socket since the operation started.
  bool alive() const noexcept
  {
    Socket* s = state->socket;
    return s && s->is_open() && s->native_handle() == handle && state->epoch == epoch
        && os::socket_identity(handle) == identity;
  }

  // Precondition: alive().
  Socket& socket() const noexcept { return *state->socket; }
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_SOCKET_STATE_HPP
