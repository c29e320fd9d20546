//
// test/logic/cli_output_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What asio-ipv4 prints and counts: the JSON writer, the payload of `send`
// and the loss/duplicate/reorder and RTT statistics.
//
// Oracles: RFC 8259 for JSON strings (escapes, \u00XX for control
// characters) and the UTF-8 rules of RFC 3629 (no overlong forms, no
// surrogates); the payload layout as doc/cli.md documents it, written out by
// hand; sequence scenarios worked out by hand; RTT statistics against
// values computed by hand (population deviation).

#include "cli/core/json.hpp"
#include "cli/core/payload.hpp"
#include "cli/core/statistics.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace cli = asio_ipv4::cli;

BOOST_AUTO_TEST_SUITE(cli_output_test)

BOOST_AUTO_TEST_CASE(json_strings_are_escaped)
{
  BOOST_TEST(cli::json_string("veth0") == "\"veth0\"");
  BOOST_TEST(cli::json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  BOOST_TEST(cli::json_string("\n\r\t") == "\"\\n\\r\\t\"");
  BOOST_TEST(cli::json_string(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\\u007f\"");
  BOOST_TEST(cli::json_string(std::string("x\0y", 3)) == "\"x\\u0000y\"");
  // Valid UTF-8 passes through; invalid bytes become U+FFFD.
  BOOST_TEST(cli::json_string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  BOOST_TEST(cli::json_string("\xff") == "\"\xef\xbf\xbd\"");
  BOOST_TEST(cli::json_string("\xc0\xaf") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");      // overlong '/'
  BOOST_TEST(cli::json_string("\xed\xa0\x80") == "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");   // surrogate
  BOOST_TEST(cli::json_string("\xe2\x82") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");      // cut short
}

BOOST_AUTO_TEST_CASE(json_numbers)
{
  BOOST_TEST(cli::json_number(0.1234) == "0.123");
  BOOST_TEST(cli::json_number(2.5, 1) == "2.5");
  BOOST_TEST(cli::json_number(-0.0001) == "0.000");
  BOOST_TEST(cli::json_number(-1.5, 1) == "-1.5");
  BOOST_TEST(cli::json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
  BOOST_TEST(cli::json_number(std::numeric_limits<double>::infinity()) == "null");
}

BOOST_AUTO_TEST_CASE(json_objects_keep_field_order)
{
  cli::json_array addresses;
  addresses.add("10.0.1.1/24").add("10.0.1.11/24");
  const std::string line = cli::json_object()
                               .add("index", 2u)
                               .add("name", "veth0")
                               .add("up", true)
                               .add("loopback", false)
                               .add("addresses", addresses)
                               .add("rtt_ms", 0.5)
                               .add("seq", std::uint64_t(18446744073709551615ull))
                               .add("delta", -3)
                               .str();
  BOOST_TEST(line
      == "{\"index\":2,\"name\":\"veth0\",\"up\":true,\"loopback\":false,"
         "\"addresses\":[\"10.0.1.1/24\",\"10.0.1.11/24\"],\"rtt_ms\":0.500,"
         "\"seq\":18446744073709551615,\"delta\":-3}");
  BOOST_TEST(cli::json_object().str() == "{}");
  BOOST_TEST(cli::json_array().str() == "[]");
  BOOST_TEST(cli::json_object().add("summary", cli::json_object().add("received", 0u)).str()
      == "{\"summary\":{\"received\":0}}");
}

BOOST_AUTO_TEST_CASE(payload_layout)
{
  std::vector<std::uint8_t> buf(40, 0xee);
  cli::write_payload({0xdeadbeef, 0x0102030405060708ull, 0x1112131415161718ull}, buf.data(), 32);
  const std::vector<std::uint8_t> expected = {
    'A', 'I', 'P', '4', 1, 0, 0, 0,
    0xde, 0xad, 0xbe, 0xef,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0, 0, 0, 0,                                          // zeroes up to the size
    0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,      // past it: untouched
  };
  BOOST_TEST(buf == expected, boost::test_tools::per_element());
  auto h = cli::read_payload(buf.data(), 32);
  BOOST_TEST_REQUIRE(h.has_value());
  BOOST_TEST(h->stream == 0xdeadbeefu);
  BOOST_TEST(h->sequence == 0x0102030405060708ull);
  BOOST_TEST(h->send_time_ns == 0x1112131415161718ull);
  BOOST_TEST(cli::read_payload(buf.data(), 28).has_value());
  BOOST_TEST(!cli::read_payload(buf.data(), 27).has_value());   // too short
  buf[4] = 2;
  BOOST_TEST(!cli::read_payload(buf.data(), 32).has_value());   // other version
  buf[4] = 1;
  buf[0] = 'a';
  BOOST_TEST(!cli::read_payload(buf.data(), 32).has_value());   // other magic
}

BOOST_AUTO_TEST_CASE(sequence_in_order_and_with_gaps)
{
  cli::sequence_tracker t;
  BOOST_TEST(!t.highest().has_value());
  BOOST_TEST(t.lost() == 0u);
  BOOST_TEST((t.add(0) == cli::arrival::first));
  BOOST_TEST((t.add(1) == cli::arrival::in_order));
  BOOST_TEST((t.add(4) == cli::arrival::in_order));   // 2 and 3 missing
  BOOST_TEST((t.add(5) == cli::arrival::in_order));
  BOOST_TEST(t.lost() == 2u);
  BOOST_TEST(t.received() == 4u);
  BOOST_TEST(t.highest().value_or(0) == 5u);
  BOOST_TEST((t.add(3) == cli::arrival::reordered));   // late: fills its gap
  BOOST_TEST(t.lost() == 1u);
  BOOST_TEST(t.reordered() == 1u);
  BOOST_TEST((t.add(3) == cli::arrival::duplicate));
  BOOST_TEST((t.add(5) == cli::arrival::duplicate));
  BOOST_TEST(t.duplicated() == 2u);
  BOOST_TEST(t.lost() == 1u);
  BOOST_TEST(t.received() == 7u);
  BOOST_TEST(t.unique() == 5u);
}

BOOST_AUTO_TEST_CASE(sequence_counts_from_the_first_arrival)
{
  // A listener that starts late sees 100 first: nothing before it is lost.
  cli::sequence_tracker t;
  t.add(100);
  t.add(102);
  BOOST_TEST(t.lost() == 1u);
  // An earlier one arriving later extends the range down.
  BOOST_TEST((t.add(98) == cli::arrival::reordered));
  BOOST_TEST(t.lost() == 2u);   // 99 and 101
  BOOST_TEST((t.add(98) == cli::arrival::duplicate));
}

BOOST_AUTO_TEST_CASE(sequence_window)
{
  cli::sequence_tracker t;
  for (std::uint64_t s = 0; s < 3 * cli::sequence_tracker::window; s += 2)
    t.add(s);
  const std::uint64_t n = 3 * cli::sequence_tracker::window / 2;
  BOOST_TEST(t.unique() == n);
  BOOST_TEST(t.lost() == n - 1);
  BOOST_TEST(t.duplicated() == 0u);
  // Within the window a repeat is a duplicate; far behind it, reordered.
  BOOST_TEST((t.add(3 * cli::sequence_tracker::window - 2) == cli::arrival::duplicate));
  BOOST_TEST((t.add(2) == cli::arrival::reordered));
  // A jump past the window forgets everything behind it.
  t.add(10 * cli::sequence_tracker::window);
  BOOST_TEST((t.add(10 * cli::sequence_tracker::window - 1) == cli::arrival::reordered));
  BOOST_TEST((t.add(10 * cli::sequence_tracker::window) == cli::arrival::duplicate));
}

BOOST_AUTO_TEST_CASE(rtt_statistics_and_loss)
{
  cli::rtt_statistics r;
  BOOST_TEST(r.count() == 0u);
  BOOST_TEST(r.min() == 0.0);
  BOOST_TEST(r.deviation() == 0.0);
  for (double ms : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
    r.add(ms);
  BOOST_TEST(r.count() == 8u);
  BOOST_TEST(r.min() == 2.0);
  BOOST_TEST(r.max() == 9.0);
  BOOST_TEST(r.average() == 5.0);
  BOOST_TEST(std::abs(r.deviation() - 2.0) < 1e-12);   // the textbook population example
  BOOST_TEST(cli::loss_percent(0, 0) == 0.0);
  BOOST_TEST(cli::loss_percent(4, 3) == 25.0);
  BOOST_TEST(cli::loss_percent(4, 0) == 100.0);
  BOOST_TEST(cli::loss_percent(4, 5) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
