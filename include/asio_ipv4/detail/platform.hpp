//
// asio_ipv4/detail/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_PLATFORM_HPP

// The platform seam: the one place a platform is chosen. Each
// detail/<platform>/platform.hpp defines, in namespace
// asio_ipv4::detail::os, the same names:
//   - host_cmsg_layout: the control-message layout (detail/cmsg_layout.hpp);
//   - unsupported_option_level / unsupported_option_name: the pair an option
//     the platform lacks hands to set_option/get_option;
//   - one option_name per socket option, and the multicast request builders;
//   - the I/O primitives of detail/io_attempts.hpp: multi_message,
//     receive_messages, send_messages, readiness_waiter, send_flags and the
//     facility switches (has_error_queue, has_gso);
//   - has_edge_wait and the class template async_edge_waiter<Executor>: the
//     asynchronous wait for a socket's next write edge of io_driver.hpp
//     (Linux: linux/edge_waiter.hpp; declared only where has_edge_wait is
//     false).
// Shared code uses only these names; no #if on a platform elsewhere.

#if defined(__linux__)
# include <asio_ipv4/detail/linux/platform.hpp>
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) \
    || defined(__DragonFly__) || defined(__QNX__) || defined(__QNXNTO__)
# include <asio_ipv4/detail/bsd/platform.hpp>
#elif defined(_WIN32)
# include <asio_ipv4/detail/win/platform.hpp>
#else
# error "asio_ipv4: no platform file for this system (see include/asio_ipv4/detail/platform.hpp)"
#endif

#endif // ASIO_IPV4_DETAIL_PLATFORM_HPP
