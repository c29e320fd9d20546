//
// asio_ipv4/detail/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_PLATFORM_HPP

// The platform seam: the one place a platform is chosen. Exactly one of
//   ASIO_IPV4_PLATFORM_LINUX    Linux
//   ASIO_IPV4_PLATFORM_BSD      macOS, FreeBSD, NetBSD, OpenBSD, DragonFly, QNX
//   ASIO_IPV4_PLATFORM_WINDOWS  Windows 10 and later
// is defined here, and every other file that differs by platform tests
// these (a file of the BSD family may still tell its members apart). Then
// the system's socket structures (detail/socket_types.hpp) and the platform
// file are included. Each detail/<platform>/platform.hpp defines, in
// namespace asio_ipv4::detail::os, the same names:
//   - host_cmsg_layout: the control-message layout (detail/cmsg_layout.hpp);
//   - unsupported_option_level / unsupported_option_name: the pair an option
//     the platform lacks hands to set_option/get_option;
//   - one option_name per socket option, and the multicast request builders;
//   - the I/O the drivers make for the cores (detail/perform_call.hpp):
//     receive_message, send_message, multi_message, receive_messages,
//     send_messages, receive_flags, send_flags, error_queue_flag,
//     take_pending_error, socket_identity, and the facility switches
//     (has_error_queue, has_gso);
//   - the waits: readiness_waiter (the blocking driver's wait after a
//     spurious wakeup), has_edge_wait and the Linux-only send wait
//     (detail/linux/send_wait.hpp), io_model (detail/io_model.hpp).
// Shared code uses only these names.

#if defined(__linux__)
# define ASIO_IPV4_PLATFORM_LINUX 1
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) \
    || defined(__DragonFly__) || defined(__QNX__) || defined(__QNXNTO__)
# define ASIO_IPV4_PLATFORM_BSD 1
#elif defined(_WIN32)
# define ASIO_IPV4_PLATFORM_WINDOWS 1
#else
# error "asio_ipv4: no platform file for this system (see include/asio_ipv4/detail/platform.hpp)"
#endif

#include <asio_ipv4/detail/socket_types.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)
# include <asio_ipv4/detail/linux/platform.hpp>
#elif defined(ASIO_IPV4_PLATFORM_BSD)
# include <asio_ipv4/detail/bsd/platform.hpp>
#else
# include <asio_ipv4/detail/win/platform.hpp>
#endif

#endif // ASIO_IPV4_DETAIL_PLATFORM_HPP
