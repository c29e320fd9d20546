//
// asio_ipv4/timestamping.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_TIMESTAMPING_HPP
#define ASIO_IPV4_TIMESTAMPING_HPP

#include <asio_ipv4/detail/socket_option.hpp>

#include <cstdint>

namespace asio_ipv4 {

/// Socket option giving every received datagram the time the kernel received
/// it.
///
/// A cmsg_socket receive (single, batch, blocking, and the error queue) then
/// fills @c control_message::software_time. Implements SOL_SOCKET/
/// SO_TIMESTAMPNS on Linux (nanoseconds, kernel_time::realtime); on the BSD
/// family SO_BINTIME on FreeBSD (realtime, full precision), SO_TIMESTAMP on
/// macOS and QNX (realtime, in whole microseconds). Elsewhere (NetBSD,
/// OpenBSD, and Windows, whose SIO_TIMESTAMPING is an ioctl an option cannot
/// make: see doc/cmsg_socket.md) @c set_option and @c get_option fail as
/// for any option the platform lacks, leaving the socket unchanged.
///
/// The stamp is taken when the datagram reaches the socket layer's receive
/// path (on Linux, when the network stack first saw the packet), not when
/// the program reads it: the difference is the time it waited in the
/// socket's queue. It costs nothing while the option is off; on, one control
/// message per datagram.
///
/// @par Example
/// @code
/// socket.next_layer().set_option(asio_ipv4::receive_timestamps(true));
/// asio_ipv4::control_message control;
/// socket.receive_from(net::buffer(data), sender, control);
/// auto arrived = control.software_time->to_system_clock();   // realtime stamp
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_timestamps : public detail::boolean_option<detail::os::so_receive_timestamps>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option for Linux's timestamping interface: receive and send
/// stamps, in software and from the network card.
///
/// Implements SOL_SOCKET/SO_TIMESTAMPING (Documentation/networking/
/// timestamping.rst in the kernel's sources). The value is a combination of
/// the flags below with @c |; any other bit makes @c set_option fail with
/// @c boost::asio::error::invalid_argument before it reaches the socket. The
/// flags of three kinds:
///
/// @li which stamps are taken: @c rx_software, @c rx_hardware (received
/// datagrams), @c tx_software, @c tx_hardware, @c tx_scheduled (sent ones);
/// @li which are reported: @c software, @c raw_hardware. Without @c software
/// no software stamp is reported, without @c raw_hardware no hardware one;
/// @li options: @c opt_id, @c opt_tsonly, @c opt_cmsg, @c opt_tx_swhw.
///
/// Receive stamps fill @c control_message::software_time and
/// @c hardware_time of every receive. Send stamps arrive on the socket's
/// error queue, one entry per stamp: cmsg_socket::async_receive_error
/// returns it with @c control.error->origin ==
/// extended_error::origin_timestamping, @c info the stamp's kind
/// (extended_error::stamp_sent for @c tx_software and @c tx_hardware,
/// stamp_scheduled for @c tx_scheduled), @c data its id, and the time in
/// @c software_time or @c hardware_time. The error queue needs no
/// ip4::receive_errors for these.
///
/// Ids (@c opt_id): each send call (one sendmsg: a datagram, a GSO buffer,
/// each message of a batch) takes the socket's next number, from 0 when
/// @c opt_id is set; a send whose control_message::timestamp_id is set
/// carries that id instead and leaves the counter alone (SCM_TS_OPT_ID,
/// Linux 6.13). Without @c opt_id, @c data is 0.
///
/// Hardware stamps need a card that takes them, configured for it
/// (ip4::set_hardware_timestamping); on one that takes none (veth,
/// loopback) @c hardware_time stays empty.
///
/// Linux only: elsewhere @c set_option and @c get_option fail as for any
/// option the platform lacks, leaving the socket unchanged.
///
/// @par Example
/// @code
/// using ts = asio_ipv4::timestamping;
/// socket.next_layer().set_option(ts(ts::tx_software | ts::tx_scheduled | ts::software | ts::opt_id | ts::opt_tsonly));
/// socket.send_to(net::buffer(payload), peer, {});   // id 0
/// asio_ipv4::control_message stamp;
/// udp::endpoint to;
/// socket.receive_error(net::buffer(quoted), to, stamp);
/// // stamp.error->info == asio_ipv4::extended_error::stamp_scheduled, data == 0
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class timestamping : public detail::int_option_base<detail::os::so_timestamping>
{
public:
  /// A combination of the flags below.
  using flags = std::uint32_t;

  /// SOF_TIMESTAMPING_TX_HARDWARE: the card stamps sent datagrams.
  static constexpr flags tx_hardware = 1u << 0;
  /// SOF_TIMESTAMPING_TX_SOFTWARE: the driver's stamp of sent datagrams,
  /// when it hands them to the card (extended_error::stamp_sent).
  static constexpr flags tx_software = 1u << 1;
  /// SOF_TIMESTAMPING_RX_HARDWARE: the card stamps received datagrams.
  static constexpr flags rx_hardware = 1u << 2;
  /// SOF_TIMESTAMPING_RX_SOFTWARE: the stack stamps received datagrams.
  static constexpr flags rx_software = 1u << 3;
  /// SOF_TIMESTAMPING_SOFTWARE: report software stamps.
  static constexpr flags software = 1u << 4;
  /// SOF_TIMESTAMPING_RAW_HARDWARE: report hardware stamps (the card's clock).
  static constexpr flags raw_hardware = 1u << 6;
  /// SOF_TIMESTAMPING_OPT_ID: number the sends; each send stamp carries the
  /// number of its send in extended_error::data.
  static constexpr flags opt_id = 1u << 7;
  /// SOF_TIMESTAMPING_TX_SCHED: a stamp when a sent datagram enters the
  /// queueing discipline (extended_error::stamp_scheduled).
  static constexpr flags tx_scheduled = 1u << 8;
  /// SOF_TIMESTAMPING_OPT_CMSG: error-queue entries of send stamps also
  /// carry IP_PKTINFO (control_message::interface_index...).
  static constexpr flags opt_cmsg = 1u << 10;
  /// SOF_TIMESTAMPING_OPT_TSONLY: send stamps come without a copy of the
  /// datagram (the error receive gets 0 bytes). Also lets a process without
  /// CAP_NET_RAW read them when net.core.tstamp_allow_data is 0.
  static constexpr flags opt_tsonly = 1u << 11;
  /// SOF_TIMESTAMPING_OPT_TX_SWHW: a software and a hardware send stamp for
  /// the same datagram, each in an entry of its own.
  static constexpr flags opt_tx_swhw = 1u << 14;

  /// Every flag the option accepts.
  static constexpr flags all_flags = tx_hardware | tx_software | rx_hardware | rx_software | software
      | raw_hardware | opt_id | tx_scheduled | opt_cmsg | opt_tsonly | opt_tx_swhw;

  /// Constructs the option with no flag set (timestamping off), for
  /// @c get_option or to turn it off.
  timestamping() noexcept : int_option_base(0, true) {}

  /// Constructs the option with the given flags. A bit that is not one of
  /// the flags above makes @c set_option fail with invalid_argument.
  explicit timestamping(flags value) noexcept
    : int_option_base(static_cast<int>(value), (value & ~all_flags) == 0)
  {
  }

  /// Returns the flags.
  flags value() const noexcept { return static_cast<flags>(this->value_); }

  /// True when every flag of @p f is set.
  bool has(flags f) const noexcept { return (value() & f) == f; }

  /// True when the value can be set (only known flags).
  bool valid() const noexcept { return this->state_ != detail::option_state::invalid; }
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_TIMESTAMPING_HPP
