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
#include <asio_ipv4/device_options.hpp>
#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4.hpp>
#include <asio_ipv4/kernel_time.hpp>
#include <asio_ipv4/message.hpp>
#include <asio_ipv4/reuse_port.hpp>
#include <asio_ipv4/socket_options.hpp>
#include <asio_ipv4/timestamping.hpp>
#include <asio_ipv4/version.hpp>

/// @namespace asio_ipv4
/// IPv4 socket options and control messages for Boost.Asio.
///
/// The options that are not IPv4-specific (bpf_filter, udp_gro, reuse_port,
/// bind_to_device...), the control messages (control_message,
/// extended_error), the cmsg_socket adaptor with its batch slots
/// (message), and the library's error codes (error). The IPv4 socket
/// options and the raw protocol are in asio_ipv4::ip4.

#endif // ASIO_IPV4_HPP
