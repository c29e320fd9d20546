//
// asio_ipv4/detail/socket_types.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

// The platform's choice first: detail/platform.hpp defines the
// ASIO_IPV4_PLATFORM_* macro and includes this file again, for the
// structures, before the platform file. (Outside the include guard on
// purpose: whichever of the two files comes first, the structures are there
// before the platform file needs them.)
#include <asio_ipv4/detail/platform.hpp>

#ifndef ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP
#define ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP

// The system's socket structures (in_addr, sockaddr_in, sockaddr_storage,
// msghdr, iovec) for the platform detail/platform.hpp chose. Windows:
// Winsock, included as Asio includes it, and the msghdr and iovec the cores
// use (detail/win/msghdr.hpp); elsewhere the POSIX headers.

#if defined(ASIO_IPV4_PLATFORM_WINDOWS)
# include <asio_ipv4/detail/win/msghdr.hpp>
# include <asio_ipv4/detail/win/winsock.hpp>
#else
# include <netinet/in.h>
# include <sys/socket.h>
# include <sys/types.h>
# include <sys/uio.h>
#endif

#endif // ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP
