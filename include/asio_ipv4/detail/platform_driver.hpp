//
// asio_ipv4/detail/platform_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP
#define ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP

// The second half of the platform seam (detail/platform.hpp is the first):
// the platform's pieces of the asynchronous drivers, which need the cores,
// the store and Asio, so they cannot be included from the platform file
// itself; detail/readiness_driver.hpp includes this file last.
// - Linux: the send's wait after a spurious wakeup (linux/send_wait.hpp);
// - Windows: the completion driver (os::io_model = completion_model).
// The BSDs have nothing here.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)
# include <asio_ipv4/detail/linux/send_wait.hpp>
#elif defined(ASIO_IPV4_PLATFORM_WINDOWS)
# include <asio_ipv4/detail/win/iocp_driver.hpp>
#endif

#endif // ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP
