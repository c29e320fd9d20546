//
// src/linux/hardware_timestamping.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A network card's timestamping, on Linux: ETHTOOL_GET_TS_INFO through the
// SIOCETHTOOL ioctl, SIOCGHWTSTAMP and SIOCSHWTSTAMP with a struct
// hwtstamp_config (Documentation/networking/timestamping.rst), each on a
// throwaway AF_INET datagram socket of the calling thread's network
// namespace.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)

#include <asio_ipv4/ip4/hardware_timestamping.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <boost/asio/error.hpp>

#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace asio_ipv4 {
namespace ip4 {

// The public numbers are the kernel's.
static_assert(int(hardware_timestamping_config::tx_off) == int(HWTSTAMP_TX_OFF)
        && int(hardware_timestamping_config::tx_on) == int(HWTSTAMP_TX_ON)
        && int(hardware_timestamping_config::tx_onestep_sync) == int(HWTSTAMP_TX_ONESTEP_SYNC)
        && int(hardware_timestamping_config::tx_onestep_p2p) == int(HWTSTAMP_TX_ONESTEP_P2P),
    "HWTSTAMP_TX_*");
static_assert(int(hardware_timestamping_config::rx_none) == int(HWTSTAMP_FILTER_NONE)
        && int(hardware_timestamping_config::rx_all) == int(HWTSTAMP_FILTER_ALL)
        && int(hardware_timestamping_config::rx_some) == int(HWTSTAMP_FILTER_SOME)
        && int(hardware_timestamping_config::rx_ptp_v1_l4_event) == int(HWTSTAMP_FILTER_PTP_V1_L4_EVENT)
        && int(hardware_timestamping_config::rx_ptp_v2_l4_event) == int(HWTSTAMP_FILTER_PTP_V2_L4_EVENT)
        && int(hardware_timestamping_config::rx_ptp_v2_l2_delay_req) == int(HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ)
        && int(hardware_timestamping_config::rx_ptp_v2_event) == int(HWTSTAMP_FILTER_PTP_V2_EVENT)
        && int(hardware_timestamping_config::rx_ptp_v2_delay_req) == int(HWTSTAMP_FILTER_PTP_V2_DELAY_REQ)
        && int(hardware_timestamping_config::rx_ntp_all) == int(HWTSTAMP_FILTER_NTP_ALL),
    "HWTSTAMP_FILTER_*");
static_assert(asio_ipv4::timestamping::tx_hardware == SOF_TIMESTAMPING_TX_HARDWARE
        && asio_ipv4::timestamping::rx_hardware == SOF_TIMESTAMPING_RX_HARDWARE
        && asio_ipv4::timestamping::raw_hardware == SOF_TIMESTAMPING_RAW_HARDWARE,
    "timestamping_capabilities::hardware_receive/transmit test these bits");

namespace {

boost::system::error_code last_error() noexcept
{
  return boost::system::error_code(errno, boost::system::system_category());
}

// The kernel copies IFNAMSIZ bytes and needs the terminating zero.
bool valid_name(std::string_view name) noexcept
{
  return !name.empty() && name.size() < IFNAMSIZ && name.find('\0') == std::string_view::npos;
}

// ioctl(request) with a struct ifreq naming the interface and pointing
// ifr_data at `data`, on a throwaway socket; true on success.
bool interface_ioctl(std::string_view name, unsigned long request, void* data, boost::system::error_code& ec) noexcept
{
  if (!valid_name(name))
  {
    ec = boost::asio::error::invalid_argument;
    return false;
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
  {
    ec = last_error();
    return false;
  }
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_data = static_cast<char*>(data);
  const bool done = ::ioctl(fd, request, &ifr) == 0;
  ec = done ? boost::system::error_code() : last_error();
  ::close(fd);
  return done;
}

} // namespace

timestamping_capabilities get_timestamping_capabilities(std::string_view interface_name,
    boost::system::error_code& ec)
{
  ethtool_ts_info info;
  std::memset(&info, 0, sizeof info);
  info.cmd = ETHTOOL_GET_TS_INFO;
  timestamping_capabilities result;
  if (interface_ioctl(interface_name, SIOCETHTOOL, &info, ec))
  {
    result.timestamping = info.so_timestamping;
    result.phc_index = info.phc_index;
    result.tx_types = info.tx_types;
    result.rx_filters = info.rx_filters;
  }
  return result;
}

hardware_timestamping_config get_hardware_timestamping(std::string_view interface_name,
    boost::system::error_code& ec)
{
  hwtstamp_config config;
  std::memset(&config, 0, sizeof config);
  hardware_timestamping_config result;
  if (interface_ioctl(interface_name, SIOCGHWTSTAMP, &config, ec))
  {
    result.tx_type = config.tx_type;
    result.rx_filter = config.rx_filter;
  }
  return result;
}

void set_hardware_timestamping(std::string_view interface_name, hardware_timestamping_config& config,
    boost::system::error_code& ec)
{
  if (config.tx_type < HWTSTAMP_TX_OFF || config.tx_type > HWTSTAMP_TX_ONESTEP_P2P
      || config.rx_filter < HWTSTAMP_FILTER_NONE || config.rx_filter > HWTSTAMP_FILTER_NTP_ALL)
  {
    ec = boost::asio::error::invalid_argument;
    return;
  }
  hwtstamp_config request;
  std::memset(&request, 0, sizeof request);
  request.tx_type = config.tx_type;
  request.rx_filter = config.rx_filter;
  if (!interface_ioctl(interface_name, SIOCSHWTSTAMP, &request, ec))
    return;
  // The driver writes back what it applied.
  config.tx_type = request.tx_type;
  config.rx_filter = request.rx_filter;
}

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
