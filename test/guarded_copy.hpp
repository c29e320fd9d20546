//
// test/guarded_copy.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A copy of some bytes that ends exactly where an inaccessible page begins,
// so a read past the end faults, with or without ASan. POSIX mmap/mprotect,
// or VirtualAlloc/VirtualProtect on Windows.

#ifndef ASIO_IPV4_TEST_GUARDED_COPY_HPP
#define ASIO_IPV4_TEST_GUARDED_COPY_HPP

#include <boost/test/unit_test.hpp>

#if defined(_WIN32)
# include <winsock2.h> // before <windows.h>, as Asio includes it
# include <windows.h>
#else
# include <sys/mman.h>
# include <unistd.h>
#endif

#include <cstddef>
#include <cstring>
#include <vector>

namespace asio_ipv4 {
namespace test {

class guarded_copy
{
public:
  explicit guarded_copy(const std::vector<unsigned char>& b) : size_(b.size())
  {
    page_ = page_size();
    readable_ = (b.size() + page_ - 1) / page_ * page_;
    if (readable_ == 0)
      readable_ = page_;
    base_ = static_cast<unsigned char*>(map(readable_ + page_));
    BOOST_TEST_REQUIRE(base_ != nullptr);
    BOOST_TEST_REQUIRE(protect(base_ + readable_, page_));
    if (!b.empty())
      std::memcpy(data(), b.data(), b.size());
  }

  guarded_copy(const guarded_copy&) = delete;
  guarded_copy& operator=(const guarded_copy&) = delete;
  ~guarded_copy() { unmap(base_, readable_ + page_); }

  unsigned char* data() const { return base_ + readable_ - size_; }
  std::size_t size() const { return size_; }

private:
#if defined(_WIN32)
  static std::size_t page_size()
  {
    SYSTEM_INFO info;
    ::GetSystemInfo(&info);
    return info.dwPageSize;
  }
  static void* map(std::size_t n) { return ::VirtualAlloc(nullptr, n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE); }
  static bool protect(void* p, std::size_t n)
  {
    DWORD old;
    return ::VirtualProtect(p, n, PAGE_NOACCESS, &old) != 0;
  }
  static void unmap(void* p, std::size_t) { ::VirtualFree(p, 0, MEM_RELEASE); }
#else
  static std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
  static void* map(std::size_t n)
  {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  }
  static bool protect(void* p, std::size_t n) { return ::mprotect(p, n, PROT_NONE) == 0; }
  static void unmap(void* p, std::size_t n) { ::munmap(p, n); }
#endif

  unsigned char* base_ = nullptr;
  std::size_t page_ = 0;
  std::size_t readable_ = 0;
  std::size_t size_;
};

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_GUARDED_COPY_HPP
