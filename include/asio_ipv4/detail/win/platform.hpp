//
// asio_ipv4/detail/win/platform.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP
#define ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP

// WINDOWS PORT GOES HERE (issue 9). This file defines, in namespace
// asio_ipv4::detail::os, the names detail/platform.hpp lists, as
// detail/linux/platform.hpp and detail/bsd/platform.hpp do:
//   - host_cmsg_layout = windows_cmsg_layout (detail/cmsg_layout.hpp, unit
//     tested byte by byte already; confirm its numbers on Windows);
//   - unsupported_option_level / unsupported_option_name: the (level, name)
//     Winsock answers WSAEOPNOTSUPP for without effect, to be determined
//     empirically (under Wine, then on Windows) -- UNDECIDED;
//   - the option_name constants (no_such_option for what Windows lacks);
//   - multi_message, receive_messages, send_messages (WSARecvMsg /
//     WSASendMsg loops), readiness_waiter, send_flags, has_error_queue,
//     error_queue_flag, has_gso (USO: UDP_SEND_MSG_SIZE);
//   - the multicast request builders of detail/posix/multicast_requests.hpp.
#error "asio_ipv4: the Windows platform file is not written yet (issue 9)"

#endif // ASIO_IPV4_DETAIL_WIN_PLATFORM_HPP
