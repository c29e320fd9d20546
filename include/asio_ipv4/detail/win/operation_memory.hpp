//
// asio_ipv4/detail/win/operation_memory.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_OPERATION_MEMORY_HPP
#define ASIO_IPV4_DETAIL_WIN_OPERATION_MEMORY_HPP

// The memory of a completion-driver operation: one block per operation,
// from the handler's associated allocator (Asio's per-thread recycling
// allocator by default, so a receive loop started from its own handlers
// allocates nothing from the heap in steady state), freed before the
// handler is invoked, as Asio's own operations do.

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/recycling_allocator.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace asio_ipv4 {
namespace detail {
namespace win {

template <class Handler>
using handler_allocator = boost::asio::associated_allocator_t<Handler, boost::asio::recycling_allocator<void>>;

template <class T, class Handler>
using allocator_for = typename std::allocator_traits<handler_allocator<Handler>>::template rebind_alloc<T>;

template <class Handler>
handler_allocator<Handler> allocator_of(const Handler& h) noexcept
{
  return boost::asio::get_associated_allocator(h, boost::asio::recycling_allocator<void>());
}

// A T built from `args` in memory from `h`'s allocator (T holds the
// handler, moved in among the arguments).
template <class T, class Handler, class... Args>
T* new_operation(const Handler& h, Args&&... args)
{
  using traits = std::allocator_traits<allocator_for<T, Handler>>;
  allocator_for<T, Handler> alloc(allocator_of(h));
  T* p = traits::allocate(alloc, 1);
  try
  {
    traits::construct(alloc, p, std::forward<Args>(args)...);
  }
  catch (...)
  {
    traits::deallocate(alloc, p, 1);
    throw;
  }
  return p;
}

// Destroys `p` and gives its memory back to `alloc` (a copy of the
// allocator that made it, taken before the handler inside `p` was moved
// out).
template <class T, class Alloc>
void delete_operation(T* p, Alloc alloc) noexcept
{
  using traits = std::allocator_traits<Alloc>;
  traits::destroy(alloc, p);
  traits::deallocate(alloc, p, 1);
}

// The allocator that made the T holding handler `h`.
template <class T, class Handler>
allocator_for<T, Handler> operation_allocator(const Handler& h) noexcept
{
  return allocator_for<T, Handler>(allocator_of(h));
}

} // namespace win
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_OPERATION_MEMORY_HPP
