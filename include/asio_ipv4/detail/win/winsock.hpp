//
// asio_ipv4/detail/win/winsock.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_WINSOCK_HPP
#define ASIO_IPV4_DETAIL_WIN_WINSOCK_HPP

// Winsock 2 in the order Asio includes it (boost/asio/detail/
// socket_types.hpp): <winsock2.h> before anything that could pull in the old
// <winsock.h>, then the TCP/IP structures and the Microsoft extensions
// (WSARecvMsg, WSASendMsg, WSACMSGHDR). Programs link ws2_32 and mswsock.

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#endif // ASIO_IPV4_DETAIL_WIN_WINSOCK_HPP
