//
// asio_ipv4/version.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_VERSION_HPP
#define ASIO_IPV4_VERSION_HPP

/// @file
/// The version of asio_ipv4.
///
/// This header is the one place the version is written: CMake reads the
/// three numbers from it for the project version, the CMake package version
/// and asio_ipv4.pc. Keep each definition below on one line, as in
/// <tt>\#define ASIO_IPV4_VERSION_MINOR 1</tt>: that is what it parses.
///
/// @par Example
/// @code
/// #include <asio_ipv4/version.hpp>
/// #if ASIO_IPV4_VERSION >= 100   // 0.1.0 or later
/// #endif
/// @endcode

/// The major version: incompatible changes.
#define ASIO_IPV4_VERSION_MAJOR 0

/// The minor version: additions.
#define ASIO_IPV4_VERSION_MINOR 1

/// The patch version: fixes.
#define ASIO_IPV4_VERSION_PATCH 0

/// The version as one number, MAJOR * 100000 + MINOR * 100 + PATCH, as
/// BOOST_VERSION counts (0.1.0 is 100, 1.2.3 is 100203).
#define ASIO_IPV4_VERSION \
  (ASIO_IPV4_VERSION_MAJOR * 100000 + ASIO_IPV4_VERSION_MINOR * 100 + ASIO_IPV4_VERSION_PATCH)

/// The version as text, "MAJOR.MINOR.PATCH".
#define ASIO_IPV4_VERSION_STRING "0.1.0"

#endif // ASIO_IPV4_VERSION_HPP
