//
// asio_ipv4/detail/io_model.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_IO_MODEL_HPP
#define ASIO_IPV4_DETAIL_IO_MODEL_HPP

namespace asio_ipv4 {
namespace detail {

// How a platform completes asynchronous socket I/O; each platform file names
// its model as os::io_model, and detail::async_run
// (detail/readiness_driver.hpp) starts every cmsg_socket operation through
// async_initiation<os::io_model, Socket>::type. Both drivers run the same
// cores (detail/core/).

// POSIX: a non-blocking system call, a readiness wait when the socket is not
// ready, and the call again (detail/readiness_driver.hpp).
struct readiness_model
{
};

// Windows: one overlapped call per datagram, completed through the
// io_context's completion port (detail/win/iocp_driver.hpp).
struct completion_model
{
};

// The initiation object of Model's driver, as a member `type` constructible
// from (Socket&, const std::shared_ptr<socket_state<Socket>>&) (detail/
// socket_state.hpp); each driver specializes it for its model.
template <class Model, class Socket>
struct async_initiation;

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_DETAIL_IO_MODEL_HPP
