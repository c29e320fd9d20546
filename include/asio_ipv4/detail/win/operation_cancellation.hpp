//
// asio_ipv4/detail/win/operation_cancellation.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_OPERATION_CANCELLATION_HPP
#define ASIO_IPV4_DETAIL_WIN_OPERATION_CANCELLATION_HPP

// Per-operation cancellation of the completion driver's operations, safe
// when the signal is emitted on another thread than the one running the
// operation, at any moment, even while the operation completes and frees
// its memory.
//
// The argument (doc/windows.md, "Cancellation from another thread"):
//   1. The handler the operation puts in the cancellation slot holds no
//      pointer: only a token, a number no other operation of the process
//      ever gets. It lives in the signal's memory, which the operation
//      never touches again (it does not clear the slot), so the signal may
//      outlive the operation or die before it.
//   2. A live operation is listed in one of a fixed set of stripes (by its
//      token), each a mutex and a list. Emitting locks the token's stripe
//      and acts only on an operation found there with that token.
//   3. Everything the emitting thread reads or writes of an operation (the
//      types it accepts, what was asked, the OVERLAPPED of the call in
//      flight) is guarded by that mutex, as is every change the operation's
//      own thread makes to them.
//   4. The operation leaves its stripe (under the mutex) before its memory
//      is freed, and forgets the OVERLAPPED of a call (under the mutex)
//      before Asio frees it (when Asio moves the handler out of its
//      operation object, just before it deallocates that object).
// So an emit either finds the operation alive, and its CancelIoEx names an
// OVERLAPPED still owned by a call of it in flight, or finds nothing and
// does nothing. A cancellation that comes between two calls is kept and
// honoured before the next one; one that comes while a call is being made
// (armed, not yet pending) is seen by the operation right after the call
// returns, which then cancels the call itself.

#include <asio_ipv4/detail/win/winsock.hpp>

#include <boost/asio/cancellation_type.hpp>

#include <windows.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace asio_ipv4 {
namespace detail {
namespace win {

class operation_cancellation;

// The live operations that can be cancelled, by token.
class live_operations
{
public:
  static live_operations& instance() noexcept
  {
    // Never destroyed: an operation may still leave it while the program's
    // static objects are destroyed (an io_context among them).
    static live_operations* ops = new live_operations;
    return *ops;
  }

  std::uint64_t next_token() noexcept { return next_.fetch_add(1, std::memory_order_relaxed); }

  std::mutex& mutex_of(std::uint64_t token) noexcept { return stripes_[token % stripe_count].mutex; }

  // Under mutex_of(c.token()).
  inline void add(operation_cancellation& c) noexcept;
  inline void remove(operation_cancellation& c) noexcept;
  inline operation_cancellation* find(std::uint64_t token) noexcept;

private:
  static constexpr std::size_t stripe_count = 64;
  struct stripe
  {
    std::mutex mutex;
    operation_cancellation* first = nullptr;
  };

  stripe stripes_[stripe_count];
  std::atomic<std::uint64_t> next_{1};
};

// An operation's side: what it accepts, what was asked, the call in flight.
// Without a connected slot (token 0) nothing is listed and nothing locked.
class operation_cancellation
{
public:
  operation_cancellation() = default;
  operation_cancellation(const operation_cancellation&) = delete;
  operation_cancellation& operator=(const operation_cancellation&) = delete;

  ~operation_cancellation() { disconnect(); }

  // Lists the operation and puts its handler in `slot` (if connected).
  template <class Slot>
  void connect(Slot& slot, SOCKET handle)
  {
    if (!slot.is_connected())
      return;
    live_operations& ops = live_operations::instance();
    token_ = ops.next_token();
    handle_ = handle;
    {
      std::lock_guard<std::mutex> lock(ops.mutex_of(token_));
      ops.add(*this);
    }
    slot.template emplace<handler>(token_);
  }

  // Leaves the list: no emit reaches this operation afterwards. Before its
  // memory is freed.
  void disconnect() noexcept
  {
    if (token_ == 0)
      return;
    live_operations& ops = live_operations::instance();
    std::lock_guard<std::mutex> lock(ops.mutex_of(token_));
    ops.remove(*this);
    token_ = 0;
  }

  // Once something irreversible happened, only terminal cancellation.
  void terminal_only() noexcept
  {
    if (token_ == 0)
      return;
    std::lock_guard<std::mutex> lock(mutex());
    accepted_ = boost::asio::cancellation_type::terminal;
  }

  // True when an accepted cancellation was asked for.
  bool requested() noexcept
  {
    if (token_ == 0)
      return false;
    std::lock_guard<std::mutex> lock(mutex());
    return requested_ != boost::asio::cancellation_type::none;
  }

  // A call on `ov` is about to start.
  void arm(OVERLAPPED* ov) noexcept
  {
    if (token_ == 0)
      return;
    std::lock_guard<std::mutex> lock(mutex());
    in_flight_ = ov;
  }

  // The armed call pends: if a cancellation came while it was being made
  // (its CancelIoEx found no request yet), cancel it now.
  void started() noexcept
  {
    if (token_ == 0)
      return;
    std::lock_guard<std::mutex> lock(mutex());
    if (requested_ != boost::asio::cancellation_type::none && in_flight_)
      ::CancelIoEx(reinterpret_cast<HANDLE>(handle_), in_flight_);
  }

  // The call's OVERLAPPED is about to be freed, or the call finished at
  // once: no emit may name it any more.
  void disarm() noexcept
  {
    if (token_ == 0)
      return;
    std::lock_guard<std::mutex> lock(mutex());
    in_flight_ = nullptr;
  }

private:
  friend class live_operations;

  // What sits in the slot: the token, nothing else.
  struct handler
  {
    explicit handler(std::uint64_t t) noexcept : token(t) {}

    std::uint64_t token;

    void operator()(boost::asio::cancellation_type_t type) const noexcept
    {
      live_operations& ops = live_operations::instance();
      std::lock_guard<std::mutex> lock(ops.mutex_of(token));
      if (operation_cancellation* c = ops.find(token))
        c->cancel(type);
    }
  };

  // Under the mutex, from the emitting thread.
  void cancel(boost::asio::cancellation_type_t type) noexcept
  {
    if ((type & accepted_) == boost::asio::cancellation_type::none)
      return;
    requested_ = requested_ | (type & accepted_);
    if (in_flight_)
      ::CancelIoEx(reinterpret_cast<HANDLE>(handle_), in_flight_);
  }

  std::mutex& mutex() noexcept { return live_operations::instance().mutex_of(token_); }

  std::uint64_t token_ = 0;
  SOCKET handle_ = INVALID_SOCKET;
  operation_cancellation* next_ = nullptr; // in the stripe's list
  operation_cancellation* prev_ = nullptr;
  boost::asio::cancellation_type_t accepted_ = boost::asio::cancellation_type::terminal
      | boost::asio::cancellation_type::partial | boost::asio::cancellation_type::total;
  boost::asio::cancellation_type_t requested_ = boost::asio::cancellation_type::none;
  OVERLAPPED* in_flight_ = nullptr;
};

inline void live_operations::add(operation_cancellation& c) noexcept
{
  stripe& s = stripes_[c.token_ % stripe_count];
  c.prev_ = nullptr;
  c.next_ = s.first;
  if (s.first)
    s.first->prev_ = &c;
  s.first = &c;
}

inline void live_operations::remove(operation_cancellation& c) noexcept
{
  stripe& s = stripes_[c.token_ % stripe_count];
  if (c.prev_)
    c.prev_->next_ = c.next_;
  else
    s.first = c.next_;
  if (c.next_)
    c.next_->prev_ = c.prev_;
  c.next_ = c.prev_ = nullptr;
}

inline operation_cancellation* live_operations::find(std::uint64_t token) noexcept
{
  for (operation_cancellation* c = stripes_[token % stripe_count].first; c; c = c->next_)
    if (c->token_ == token)
      return c;
  return nullptr;
}

} // namespace win
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_WIN_OPERATION_CANCELLATION_HPP
