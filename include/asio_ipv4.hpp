//
// asio_ipv4.hpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_HPP
#define ASIO_IPV4_HPP

// Everything: IPv4 socket options (asio_ipv4::ip4), the options that are not
// IPv4-specific, control messages and the cmsg_socket adaptor.

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4.hpp>
#include <asio_ipv4/message.hpp>
#include <asio_ipv4/socket_options.hpp>

#endif // ASIO_IPV4_HPP
