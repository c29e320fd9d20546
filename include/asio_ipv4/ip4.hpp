//
// asio_ipv4/ip4.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_HPP
#define ASIO_IPV4_IP4_HPP

// Namespace asio_ipv4::ip4: socket options, network interfaces, the raw
// protocol, the IPv4 header and ICMP types.

#include <asio_ipv4/error.hpp>
#include <asio_ipv4/ip4/hardware_timestamping.hpp>
#include <asio_ipv4/ip4/header.hpp>
#include <asio_ipv4/ip4/icmp_filter.hpp>
#include <asio_ipv4/ip4/icmp_type.hpp>
#include <asio_ipv4/ip4/ip_options.hpp>
#include <asio_ipv4/ip4/multicast.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>
#include <asio_ipv4/ip4/raw.hpp>
#include <asio_ipv4/ip4/source_filter.hpp>
#include <asio_ipv4/ip4/value_options.hpp>

/// @namespace asio_ipv4::ip4
/// IPv4 socket options (IPPROTO_IP), network interfaces, the raw IPv4
/// protocol, the IPv4 header and ICMP types.

#endif // ASIO_IPV4_IP4_HPP
