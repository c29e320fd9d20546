//
// asio_ipv4/ip4/hardware_timestamping.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_IP4_HARDWARE_TIMESTAMPING_HPP
#define ASIO_IPV4_IP4_HARDWARE_TIMESTAMPING_HPP

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string_view>

namespace asio_ipv4 {
namespace ip4 {

/// What a network interface can timestamp, as its driver reports it.
///
/// Filled by @ref get_timestamping_capabilities from ETHTOOL_GET_TS_INFO
/// (struct ethtool_ts_info): what `ethtool -T <interface>` prints. An
/// interface without a hardware clock (veth, loopback, most virtual
/// devices) reports only software stamping and a @c phc_index of -1.
struct timestamping_capabilities
{
  /// The asio_ipv4::timestamping flags the interface supports
  /// (SOF_TIMESTAMPING_* bits, so_timestamping).
  std::uint32_t timestamping = 0;

  /// The index N of the interface's PTP hardware clock, /dev/ptpN, whose
  /// time hardware stamps count; -1 when it has none.
  int phc_index = -1;

  /// Bit n set: hardware_timestamping_config::tx_type n is supported
  /// (1 << HWTSTAMP_TX_*).
  std::uint32_t tx_types = 0;

  /// Bit n set: hardware_timestamping_config::rx_filter n is supported
  /// (1 << HWTSTAMP_FILTER_*).
  std::uint32_t rx_filters = 0;

  /// True when the card stamps received packets in hardware and reports
  /// the raw stamp (timestamping::rx_hardware and raw_hardware).
  bool hardware_receive() const noexcept { return (timestamping & 0x44u) == 0x44u; }

  /// True when the card stamps sent packets in hardware and reports the raw
  /// stamp (timestamping::tx_hardware and raw_hardware).
  bool hardware_transmit() const noexcept { return (timestamping & 0x41u) == 0x41u; }
};

/// How a network card stamps packets: struct hwtstamp_config of
/// SIOCSHWTSTAMP / SIOCGHWTSTAMP (<linux/net_tstamp.h>).
///
/// Hardware stamping is a setting of the card, shared by every socket on
/// the host; a socket then asks for the stamps with asio_ipv4::timestamping
/// (rx_hardware, tx_hardware, raw_hardware).
struct hardware_timestamping_config
{
  /// Which sent packets the card stamps (HWTSTAMP_TX_*).
  enum tx_type_t : int
  {
    tx_off = 0,          ///< HWTSTAMP_TX_OFF: none
    tx_on = 1,           ///< HWTSTAMP_TX_ON: those a socket asks for (timestamping::tx_hardware)
    tx_onestep_sync = 2, ///< HWTSTAMP_TX_ONESTEP_SYNC: PTP Sync messages stamped in flight
    tx_onestep_p2p = 3   ///< HWTSTAMP_TX_ONESTEP_P2P: as onestep_sync, and peer-delay responses
  };

  /// Which received packets the card stamps (HWTSTAMP_FILTER_*).
  enum rx_filter_t : int
  {
    rx_none = 0,                ///< HWTSTAMP_FILTER_NONE
    rx_all = 1,                 ///< HWTSTAMP_FILTER_ALL: every packet (what UDP applications want)
    rx_some = 2,                ///< HWTSTAMP_FILTER_SOME: some, at least those asked for
    rx_ptp_v1_l4_event = 3,     ///< HWTSTAMP_FILTER_PTP_V1_L4_EVENT
    rx_ptp_v1_l4_sync = 4,      ///< HWTSTAMP_FILTER_PTP_V1_L4_SYNC
    rx_ptp_v1_l4_delay_req = 5, ///< HWTSTAMP_FILTER_PTP_V1_L4_DELAY_REQ
    rx_ptp_v2_l4_event = 6,     ///< HWTSTAMP_FILTER_PTP_V2_L4_EVENT
    rx_ptp_v2_l4_sync = 7,      ///< HWTSTAMP_FILTER_PTP_V2_L4_SYNC
    rx_ptp_v2_l4_delay_req = 8, ///< HWTSTAMP_FILTER_PTP_V2_L4_DELAY_REQ
    rx_ptp_v2_l2_event = 9,     ///< HWTSTAMP_FILTER_PTP_V2_L2_EVENT
    rx_ptp_v2_l2_sync = 10,     ///< HWTSTAMP_FILTER_PTP_V2_L2_SYNC
    rx_ptp_v2_l2_delay_req = 11,///< HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ
    rx_ptp_v2_event = 12,       ///< HWTSTAMP_FILTER_PTP_V2_EVENT
    rx_ptp_v2_sync = 13,        ///< HWTSTAMP_FILTER_PTP_V2_SYNC
    rx_ptp_v2_delay_req = 14,   ///< HWTSTAMP_FILTER_PTP_V2_DELAY_REQ
    rx_ntp_all = 15             ///< HWTSTAMP_FILTER_NTP_ALL
  };

  /// One of tx_type_t.
  int tx_type = tx_off;

  /// One of rx_filter_t.
  int rx_filter = rx_none;
};

/// Reads what a network interface can timestamp (ETHTOOL_GET_TS_INFO).
///
/// @param interface_name The interface, such as @c "eth0".
/// @param ec Set to @c boost::asio::error::invalid_argument for an empty
/// name or one of IFNAMSIZ (16) bytes or more, to @c no_such_device when no
/// interface has that name, to the kernel's error otherwise;
/// @c operation_not_supported on systems other than Linux.
timestamping_capabilities get_timestamping_capabilities(std::string_view interface_name,
    boost::system::error_code& ec);

/// Reads what a network interface can timestamp (ETHTOOL_GET_TS_INFO).
///
/// As the @c error_code form.
///
/// @throws boost::system::system_error Thrown on failure.
timestamping_capabilities get_timestamping_capabilities(std::string_view interface_name);

/// Reads a network card's hardware stamping configuration (SIOCGHWTSTAMP).
///
/// @param interface_name The interface, such as @c "eth0".
/// @param ec As for @ref set_hardware_timestamping.
hardware_timestamping_config get_hardware_timestamping(std::string_view interface_name,
    boost::system::error_code& ec);

/// Reads a network card's hardware stamping configuration (SIOCGHWTSTAMP).
///
/// As the @c error_code form.
///
/// @throws boost::system::system_error Thrown on failure.
hardware_timestamping_config get_hardware_timestamping(std::string_view interface_name);

/// Configures a network card's hardware timestamping (SIOCSHWTSTAMP).
///
/// Needs CAP_NET_ADMIN in the interface's network namespace. A driver may
/// stamp more than asked (HWTSTAMP_FILTER_ALL for a PTP filter, for
/// example): @p config then holds what the driver applied.
///
/// @param interface_name The interface, such as @c "eth0".
/// @param config In: the requested setting; out: the driver's.
/// @param ec Set to @c boost::asio::error::operation_not_supported when the
/// interface has no hardware stamping (veth, loopback: the kernel's
/// EOPNOTSUPP) and on systems other than Linux; to @c invalid_argument for
/// a bad name (see @ref get_timestamping_capabilities) or a setting outside
/// the enumerations; to @c no_such_device, @c operation_not_permitted,
/// @c range error (ERANGE: the card cannot do that filter) or another of the
/// kernel's errors otherwise. The card is unchanged on failure.
void set_hardware_timestamping(std::string_view interface_name, hardware_timestamping_config& config,
    boost::system::error_code& ec);

/// Configures a network card's hardware timestamping (SIOCSHWTSTAMP).
///
/// As the @c error_code form.
///
/// @throws boost::system::system_error Thrown on failure.
void set_hardware_timestamping(std::string_view interface_name, hardware_timestamping_config& config);

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_IP4_HARDWARE_TIMESTAMPING_HPP
