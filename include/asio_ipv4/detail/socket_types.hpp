//
// asio_ipv4/detail/socket_types.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP
#define ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP

// The system's socket structures (in_addr, sockaddr_in, sockaddr_storage,
// msghdr): the headers of detail/platform.hpp's choice, for the few shared
// helpers that need the structures before a platform file is complete.
// Windows: Winsock, included as Asio includes it, and the msghdr and iovec
// the attempts use (detail/win/msghdr.hpp); elsewhere the POSIX headers.

#if defined(_WIN32)
# include <asio_ipv4/detail/win/msghdr.hpp>
# include <asio_ipv4/detail/win/winsock.hpp>
#else
# include <netinet/in.h>
# include <sys/socket.h>
# include <sys/types.h>
# include <sys/uio.h>
#endif

#endif // ASIO_IPV4_DETAIL_SOCKET_TYPES_HPP
