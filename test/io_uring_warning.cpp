//
// test/io_uring_warning.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Not a test program: compiled (syntax only) by the CTest case
// logic.io_uring_boost_warning with BOOST_ASIO_HAS_IO_URING, which passes
// when the compiler prints the library's #warning about Boost 1.81's
// io_uring backend (doc/reliability.md).

#include <asio_ipv4/cmsg_socket.hpp>
