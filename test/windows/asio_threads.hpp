// Included first in every source of the Windows test programs (-include,
// test/CMakeLists.txt), so that Asio chooses its thread primitives before
// anything else can sway it.
//
// With mingw-w64's posix thread model, <thread> or Boost.System's headers
// pull in <pthread.h>, which defines _POSIX_THREADS; Asio (1.81) then uses
// its POSIX primitives (posix_thread, posix_mutex...) in a source that
// included one of those first, and its Windows primitives (win_thread...)
// in one that included Asio first. Two sources of one program deciding
// differently is an ODR violation: io_context's internals have two layouts,
// and the linker keeps one copy of each inline function (seen here: an
// io_context's destructor joined its timer thread through garbage handles
// and, by chance, hung). Reading Asio's configuration first gives every
// source Asio's Windows primitives. doc/windows.md, "Building", says the
// same for applications.

#ifndef ASIO_IPV4_TEST_WINDOWS_ASIO_THREADS_HPP
#define ASIO_IPV4_TEST_WINDOWS_ASIO_THREADS_HPP

#include <boost/asio/detail/config.hpp>

#endif // ASIO_IPV4_TEST_WINDOWS_ASIO_THREADS_HPP
