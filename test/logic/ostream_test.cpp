//
// test/unit/ostream_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// Oracle: the formats written at the operator<< declarations
// (control_message.hpp, kernel_time.hpp, ip4/source_filter.hpp), spelled out
// here character by character. Tools and tests parse these lines, so any change must fail.

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/ip4/source_filter.hpp>
#include <asio_ipv4/kernel_time.hpp>

#include "test_util.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>

namespace ip4 = asio_ipv4::ip4;
using asio_ipv4::control_message;
using asio_ipv4::extended_error;
using asio_ipv4::kernel_time;
using asio_ipv4::test::addr;
using std::chrono::nanoseconds;

namespace {

template <class T>
std::string text(const T& value)
{
  std::ostringstream os;
  os << value;
  return os.str();
}

extended_error host_unreachable()
{
  extended_error e;
  e.error = 113;
  e.origin = extended_error::origin_icmp;
  e.type = 3;
  e.code = 1;
  e.offender = addr("192.0.2.1");
  return e;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ostream_test)

BOOST_AUTO_TEST_CASE(empty_control_message)
{
  BOOST_TEST(text(control_message()) == "{}");
}

BOOST_AUTO_TEST_CASE(control_message_fields_in_declaration_order)
{
  control_message m;
  m.segment_size = 1400;
  m.tos = 0xb8;
  m.ttl = 64;
  m.interface_index = 2;
  m.local = addr("10.0.0.1");
  m.destination = addr("239.1.2.3");
  BOOST_TEST(text(m) == "{destination=239.1.2.3 local=10.0.0.1 interface_index=2 ttl=64 tos=0xb8 segment_size=1400}");
}

BOOST_AUTO_TEST_CASE(control_message_every_field)
{
  control_message m;
  m.destination = addr("198.51.100.7");
  m.local = addr("198.51.100.7");
  m.interface_index = 4294967295u;
  m.ttl = 255;
  m.tos = 0;
  m.original_destination = boost::asio::ip::udp::endpoint(addr("203.0.113.9"), 65535);
  m.error = host_unreachable();
  m.segment_size = 0;
  m.dropped = 4294967295u;
  m.software_time = kernel_time{kernel_time::realtime, nanoseconds(1700000000123456789)};
  m.hardware_time = kernel_time{kernel_time::hardware, nanoseconds(42)};
  m.timestamp_id = 4294967295u;
  BOOST_TEST(text(m)
      == "{destination=198.51.100.7 local=198.51.100.7 interface_index=4294967295 ttl=255 tos=0x00"
         " original_destination=203.0.113.9:65535"
         " error={error=113 origin=icmp type=3 code=1 info=0 data=0 offender=192.0.2.1}"
         " segment_size=0 dropped=4294967295"
         " software_time={clock=realtime since_epoch=1700000000.123456789}"
         " hardware_time={clock=hardware since_epoch=0.000000042} timestamp_id=4294967295}");
}

BOOST_AUTO_TEST_CASE(control_message_time_fields)
{
  control_message m;
  m.timestamp_id = 0;
  BOOST_TEST(text(m) == "{timestamp_id=0}");
  m = control_message();
  m.hardware_time = kernel_time{kernel_time::hardware, nanoseconds(5000000000)};
  BOOST_TEST(text(m) == "{hardware_time={clock=hardware since_epoch=5.000000000}}");
}

BOOST_AUTO_TEST_CASE(kernel_time_clocks_and_values)
{
  BOOST_TEST(text(kernel_time()) == "{clock=realtime since_epoch=0.000000000}");
  BOOST_TEST(text(kernel_time{kernel_time::monotonic, nanoseconds(123456789012)})
      == "{clock=monotonic since_epoch=123.456789012}");
  BOOST_TEST(text(kernel_time{kernel_time::hardware, nanoseconds(999999999)})
      == "{clock=hardware since_epoch=0.999999999}");
  // Ticks, not nanoseconds: the count as it is.
  BOOST_TEST(text(kernel_time{kernel_time::performance_counter, nanoseconds(1234567890123)})
      == "{clock=performance_counter since_epoch=1234567890123}");
  BOOST_TEST(text(kernel_time{kernel_time::realtime, nanoseconds(-1)}) == "{clock=realtime since_epoch=-0.000000001}");
  BOOST_TEST(text(kernel_time{kernel_time::realtime, nanoseconds(-1500000000)})
      == "{clock=realtime since_epoch=-1.500000000}");
  BOOST_TEST(text(kernel_time{kernel_time::realtime, nanoseconds(INT64_MIN)})
      == "{clock=realtime since_epoch=-9223372036.854775808}");
  BOOST_TEST(text(kernel_time{kernel_time::realtime, nanoseconds(INT64_MAX)})
      == "{clock=realtime since_epoch=9223372036.854775807}");
  BOOST_TEST(text(kernel_time{static_cast<kernel_time::clock_type>(9), nanoseconds(1)})
      == "{clock=9 since_epoch=0.000000001}");
  std::ostringstream os;
  os << std::hex << std::showpos << kernel_time{kernel_time::realtime, nanoseconds(10)};
  BOOST_TEST(os.str() == "{clock=realtime since_epoch=0.000000010}");
}

BOOST_AUTO_TEST_CASE(control_message_single_fields)
{
  control_message m;
  m.ttl = 1;
  BOOST_TEST(text(m) == "{ttl=1}");
  m = control_message();
  m.tos = 0x03;
  BOOST_TEST(text(m) == "{tos=0x03}");
  m = control_message();
  m.original_destination = boost::asio::ip::udp::endpoint(addr("0.0.0.0"), 0);
  BOOST_TEST(text(m) == "{original_destination=0.0.0.0:0}");
}

BOOST_AUTO_TEST_CASE(stream_flags_do_not_change_the_text)
{
  control_message m;
  m.ttl = 64;
  m.tos = 0x2e;
  m.interface_index = 10;
  std::ostringstream os;
  os << std::hex << std::uppercase << std::showbase << m << ' ' << 255;
  BOOST_TEST(os.str() == "{interface_index=10 ttl=64 tos=0x2e} 0XFF");
}

BOOST_AUTO_TEST_CASE(width_applies_to_the_whole_text)
{
  control_message m;
  m.ttl = 7;
  std::ostringstream os;
  os << std::setw(9) << m << '|' << std::left << std::setw(6) << ip4::filter_mode::include << '|';
  BOOST_TEST(os.str() == "  {ttl=7}|include|");
}

BOOST_AUTO_TEST_CASE(extended_error_every_field)
{
  extended_error e = host_unreachable();
  e.info = 1400;
  e.data = 7;
  BOOST_TEST(text(e) == "{error=113 origin=icmp type=3 code=1 info=1400 data=7 offender=192.0.2.1}");
}

BOOST_AUTO_TEST_CASE(extended_error_without_offender)
{
  extended_error e;
  e.error = 90;
  e.origin = extended_error::origin_local;
  e.info = 1500;
  BOOST_TEST(text(e) == "{error=90 origin=local type=0 code=0 info=1500 data=0}");
  BOOST_TEST(text(extended_error()) == "{error=0 origin=none type=0 code=0 info=0 data=0}");
}

BOOST_AUTO_TEST_CASE(extended_error_origin_names)
{
  const std::pair<std::uint8_t, const char*> origins[] = {{extended_error::origin_none, "none"},
      {extended_error::origin_local, "local"}, {extended_error::origin_icmp, "icmp"},
      {extended_error::origin_icmp6, "icmp6"}, {extended_error::origin_timestamping, "timestamping"},
      {extended_error::origin_zerocopy, "zerocopy"}, {extended_error::origin_txtime, "txtime"},
      {7, "7"}, {255, "255"}};
  for (const auto& [origin, name] : origins)
  {
    extended_error e;
    e.origin = origin;
    BOOST_TEST(text(e) == std::string("{error=0 origin=") + name + " type=0 code=0 info=0 data=0}");
  }
}

BOOST_AUTO_TEST_CASE(extended_error_send_stamp)
{
  extended_error e;
  e.error = 42; // ENOMSG
  e.origin = extended_error::origin_timestamping;
  e.info = extended_error::stamp_scheduled;
  e.data = 17;
  BOOST_TEST(text(e) == "{error=42 origin=timestamping type=0 code=0 info=1 data=17}");
  BOOST_TEST(int(extended_error::origin_txstatus) == int(extended_error::origin_timestamping));
}

BOOST_AUTO_TEST_CASE(source_filter_include)
{
  ip4::source_filter f{ip4::filter_mode::include, {addr("10.0.0.1"), addr("10.0.0.2")}};
  BOOST_TEST(text(f) == "{mode=include sources=[10.0.0.1 10.0.0.2]}");
}

BOOST_AUTO_TEST_CASE(source_filter_exclude_empty)
{
  ip4::source_filter f{ip4::filter_mode::exclude, {}};
  BOOST_TEST(text(f) == "{mode=exclude sources=[]}");
  BOOST_TEST(text(ip4::source_filter()) == "{mode=include sources=[]}");
}

BOOST_AUTO_TEST_CASE(filter_mode_names)
{
  BOOST_TEST(text(ip4::filter_mode::include) == "include");
  BOOST_TEST(text(ip4::filter_mode::exclude) == "exclude");
  BOOST_TEST(text(static_cast<ip4::filter_mode>(7)) == "7");
}

BOOST_AUTO_TEST_SUITE_END()
