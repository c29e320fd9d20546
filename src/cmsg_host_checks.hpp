//
// src/cmsg_host_checks.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Included by src/<platform>/host_checks.cpp: the host's control-message
// layout (os::host_cmsg_layout) is the one the C library's CMSG_* macros
// describe.

#ifndef ASIO_IPV4_SRC_CMSG_HOST_CHECKS_HPP
#define ASIO_IPV4_SRC_CMSG_HOST_CHECKS_HPP

#include <asio_ipv4/detail/cmsg_layout.hpp>
#include <asio_ipv4/detail/platform.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace asio_ipv4 {
namespace detail {
namespace host_checks {

constexpr const cmsg_layout& host = os::host_cmsg_layout;

static_assert(host.header_size == sizeof(cmsghdr), "sizeof(struct cmsghdr)");
static_assert(host.length_size == sizeof(cmsghdr::cmsg_len), "cmsg_len");
static_assert(offsetof(cmsghdr, cmsg_level) == host.length_size, "cmsg_level");
static_assert(offsetof(cmsghdr, cmsg_type) == host.length_size + 4, "cmsg_type");
static_assert(host.data_offset() == CMSG_LEN(0), "CMSG_LEN(0)");
static_assert(host.length(12) == CMSG_LEN(12), "CMSG_LEN");
static_assert(host.space(1) == CMSG_SPACE(1), "CMSG_SPACE");
static_assert(host.space(12) == CMSG_SPACE(12), "CMSG_SPACE");
static_assert(host.space(20) == CMSG_SPACE(20), "CMSG_SPACE");
static_assert(host.space(28) == CMSG_SPACE(28), "CMSG_SPACE");
static_assert(host.af_inet == AF_INET, "AF_INET");
static_assert(sizeof(sockaddr_in) == 16 && offsetof(sockaddr_in, sin_port) == 2 && offsetof(sockaddr_in, sin_addr) == 4,
    "struct sockaddr_in");

} // namespace host_checks
} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_SRC_CMSG_HOST_CHECKS_HPP
