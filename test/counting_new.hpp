//
// test/counting_new.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Replaces the global operator new of a test program with one that counts
// every allocation (global_allocations), for the suites that check that the
// library allocates nothing per datagram. It defines the replacement
// functions: include it in exactly one source file of a program.

#ifndef ASIO_IPV4_TEST_COUNTING_NEW_HPP
#define ASIO_IPV4_TEST_COUNTING_NEW_HPP

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__GNUC__) && !defined(__clang__)
// The replacement pair below uses malloc/free on purpose.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Counts every global allocation of the program.
static std::atomic<std::size_t> global_allocations{0};

void* operator new(std::size_t n)
{
  global_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

#endif // ASIO_IPV4_TEST_COUNTING_NEW_HPP
