//
// asio_ipv4/detail/platform_driver.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP
#define ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP

// The second half of the platform seam (detail/platform.hpp is the first):
// the asynchronous driver of a platform whose os::io_model is not the
// readiness model of detail/io_driver.hpp. A driver uses the attempts and
// the codec, which include detail/platform.hpp, so it cannot be included
// from the platform file itself; detail/io_driver.hpp includes this file
// last. POSIX platforms have nothing here.

#if defined(_WIN32)
# include <asio_ipv4/detail/win/iocp_driver.hpp>
#endif

#endif // ASIO_IPV4_DETAIL_PLATFORM_DRIVER_HPP
