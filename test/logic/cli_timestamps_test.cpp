//
// test/logic/cli_timestamps_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What asio-ipv4 computes and prints from kernel timestamps: one-way delay
// and RFC 3550 jitter (listen --timestamps), the pairing of send stamps
// with their sends and the delays after the send call (send --timestamps),
// and their JSON fields and text, byte by byte.
//
// Oracles: delays and jitter worked out by hand from RFC 3550 section 6.4.1
// (J += (|D| - J) / 16), the field names and order as doc/cli.md documents
// them, written out here by hand.

#include "cli/core/arguments.hpp"
#include "cli/core/json.hpp"
#include "cli/core/statistics.hpp"
#include "cli/core/timestamp_fields.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace cli = asio_ipv4::cli;

namespace {

constexpr std::uint64_t base = 1'700'000'000'000'000'000ull;   // 2023-11-14, in ns

// (Not "near": <windows.h> defines near and far as macros.)
bool close_to(double a, double b) { return std::abs(a - b) < 1e-9; }

} // namespace

BOOST_AUTO_TEST_SUITE(cli_timestamps_test)

BOOST_AUTO_TEST_CASE(milliseconds_between_signed)
{
  BOOST_TEST(cli::milliseconds_between(base, base + 2'999'000) == 2.999);
  BOOST_TEST(cli::milliseconds_between(base + 2'999'000, base) == -2.999);
  BOOST_TEST(cli::milliseconds_between(base, base) == 0.0);
  BOOST_TEST(cli::milliseconds_between(base, base + 1) == 0.000001);
}

BOOST_AUTO_TEST_CASE(delay_and_rfc3550_jitter)
{
  cli::delay_statistics d;
  BOOST_TEST(d.count() == 0u);
  BOOST_TEST(d.jitter() == 0.0);
  // Transit times 1.0, 1.5, 0.5, 2.5 ms; sends 10 ms apart.
  const std::vector<std::uint64_t> transit = {1'000'000, 1'500'000, 500'000, 2'500'000};
  std::vector<double> got;
  for (std::size_t i = 0; i < transit.size(); ++i)
  {
    const std::uint64_t sent = base + i * 10'000'000;
    got.push_back(d.add(sent, sent + transit[i]));
  }
  BOOST_TEST((got == std::vector<double>{1.0, 1.5, 0.5, 2.5}));
  BOOST_TEST(d.count() == 4u);
  BOOST_TEST(d.min() == 0.5);
  BOOST_TEST(d.max() == 2.5);
  BOOST_TEST(d.average() == 1.375);
  // |D| = 0.5, 1.0, 2.0 ms: J = 0.5/16 = 0.03125, then 0.03125 + (1 - 0.03125)/16
  // = 0.091796875, then 0.091796875 + (2 - 0.091796875)/16 = 0.2110595703125.
  BOOST_TEST(close_to(d.jitter(), 0.2110595703125), d.jitter());
}

BOOST_AUTO_TEST_CASE(clock_offset_moves_delay_not_jitter)
{
  // The receiver's clock 5 ms behind the sender's: delays go negative, the
  // jitter stays what it was.
  cli::delay_statistics same, behind;
  const std::vector<std::uint64_t> transit = {1'000'000, 1'500'000, 500'000};
  for (std::size_t i = 0; i < transit.size(); ++i)
  {
    const std::uint64_t sent = base + i * 10'000'000;
    same.add(sent, sent + transit[i]);
    behind.add(sent, sent + transit[i] - 5'000'000);
  }
  BOOST_TEST(behind.min() == -4.5);
  BOOST_TEST(behind.max() == -3.5);
  BOOST_TEST(close_to(behind.jitter(), same.jitter()));
  BOOST_TEST(close_to(same.jitter(), 0.03125 + (1.0 - 0.03125) / 16));
}

BOOST_AUTO_TEST_CASE(send_stamps_pair_by_id)
{
  cli::send_stamp_matcher m;
  m.sent(0, 100, base);
  m.sent(1, 101, base + 10'000'000);
  m.sent(2, 102, base + 20'000'000);
  BOOST_TEST(m.pending());
  BOOST_TEST(!m.stamp(0, true, base + 30'000).has_value());   // scheduled first: not complete
  auto first = m.stamp(0, false, base + 45'000);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(first->sequence == 100u);
  BOOST_TEST(first->id == 0u);
  BOOST_TEST(first->scheduled_ns.value_or(0) == base + 30'000);
  BOOST_TEST(first->sent_ns.value_or(0) == base + 45'000);
  // The sent stamp before the scheduled one still pairs.
  BOOST_TEST(!m.stamp(1, false, base + 10'050'000).has_value());
  auto second = m.stamp(1, true, base + 10'020'000);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(second->sequence == 101u);
  // An id nobody sent, a second stamp of one kind.
  BOOST_TEST(!m.stamp(7, true, base).has_value());
  BOOST_TEST(m.unmatched() == 1u);
  BOOST_TEST(!m.stamp(2, true, base + 20'010'000).has_value());
  BOOST_TEST(!m.stamp(2, true, base + 20'011'000).has_value());
  BOOST_TEST(m.duplicated() == 1u);
  // Delays after the call: scheduled 0.030 and 0.020 ms, sent 0.045 and 0.050 ms.
  BOOST_TEST(m.scheduled_delay().count() == 2u);
  BOOST_TEST(close_to(m.scheduled_delay().min(), 0.020));
  BOOST_TEST(close_to(m.scheduled_delay().max(), 0.030));
  BOOST_TEST(close_to(m.sent_delay().average(), 0.0475));
  // Id 2 lacks its sent stamp.
  auto left = m.take_pending();
  BOOST_TEST_REQUIRE(left.size() == 1u);
  BOOST_TEST(left[0].id == 2u);
  BOOST_TEST(left[0].scheduled_ns.value_or(0) == base + 20'010'000);
  BOOST_TEST(!left[0].sent_ns.has_value());
  BOOST_TEST(!m.pending());
}

BOOST_AUTO_TEST_CASE(listen_fields_byte_for_byte)
{
  BOOST_TEST(cli::seconds_text(1'700'000'000'000'000'042ull) == "1700000000.000000042");
  BOOST_TEST(cli::seconds_text(999'999'999) == "0.999999999");
  cli::delay_statistics d;
  cli::json_object none;
  cli::add_delay_summary(none, d);
  BOOST_TEST(none.str() == "{}");
  BOOST_TEST(cli::delay_summary_text(d).empty());
  d.add(base, base + 1'000'000);
  d.add(base + 10'000'000, base + 11'500'000);
  cli::json_object o;
  o.add("from", "10.0.1.1:4000");
  cli::add_delay_summary(o, d);
  BOOST_TEST(o.str() == R"({"from":"10.0.1.1:4000","delay_min_ms":1.000,"delay_avg_ms":1.250,"delay_max_ms":1.500,"jitter_ms":0.031})");
  BOOST_TEST(cli::delay_summary_text(d) == "   one-way delay min/avg/max = 1.000/1.250/1.500 ms, jitter 0.031 ms (2 stamped)");
}

BOOST_AUTO_TEST_CASE(send_fields_byte_for_byte)
{
  cli::send_stamps s;
  s.sequence = 5;
  s.id = 5;
  s.call_ns = base;
  s.scheduled_ns = base + 12'345;
  s.sent_ns = base + 20'000'000;
  cli::json_object line;
  line.add("seq", std::uint64_t(5));
  cli::add_send_stamp_fields(line, s);
  BOOST_TEST(line.str() == R"({"seq":5,"id":5,"scheduled_ms":0.012,"sent_ms":20.000})");
  BOOST_TEST(cli::send_stamp_text(s) == " id 5, scheduled +0.012 ms, sent +20.000 ms");
  s.sent_ns.reset();
  cli::json_object half;
  cli::add_send_stamp_fields(half, s);
  BOOST_TEST(half.str() == R"({"id":5,"scheduled_ms":0.012})");
  BOOST_TEST(cli::send_stamp_text(s) == " id 5, scheduled +0.012 ms, sent none");

  cli::send_stamp_matcher m;
  cli::json_object empty;
  cli::add_send_stamp_summary(empty, m, 3);
  BOOST_TEST(empty.str() == R"({"stamped":0,"unstamped":3})");
  BOOST_TEST(cli::send_stamp_summary_text(m, 3) == "--- send stamps: 0 of 3 datagrams");
  m.sent(0, 0, base);
  m.stamp(0, true, base + 10'000);
  m.stamp(0, false, base + 30'000);
  cli::json_object summary;
  cli::add_send_stamp_summary(summary, m, 1);
  BOOST_TEST(summary.str() == R"({"stamped":1,"unstamped":1,"scheduled_min_ms":0.010,"scheduled_avg_ms":0.010,)"
                              R"("scheduled_max_ms":0.010,"sent_min_ms":0.030,"sent_avg_ms":0.030,"sent_max_ms":0.030})");
  BOOST_TEST(cli::send_stamp_summary_text(m, 1)
      == "--- send stamps: 1 of 2 datagrams; after the call: scheduled min/avg/max = 0.010/0.010/0.010 ms, "
         "sent min/avg/max = 0.030/0.030/0.030 ms");
}

BOOST_AUTO_TEST_CASE(ssmping_kernel_rtt_fields_byte_for_byte)
{
  cli::rtt_statistics r;
  cli::json_object none;
  cli::add_kernel_rtt_summary(none, r);
  BOOST_TEST(none.str() == "{}");
  BOOST_TEST(cli::kernel_rtt_summary_text(r).empty());
  for (double ms : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
    r.add(ms);
  cli::json_object o;
  o.add("received", std::uint64_t(8));
  cli::add_kernel_rtt_summary(o, r);
  BOOST_TEST(o.str() == R"({"received":8,"kernel_rtt_min_ms":2.000,"kernel_rtt_avg_ms":5.000,"kernel_rtt_max_ms":9.000,)"
                        R"("kernel_rtt_stddev_ms":2.000})");
  BOOST_TEST(cli::kernel_rtt_summary_text(r) == "   kernel rtt min/avg/max/std-dev = 2.000/5.000/9.000/2.000 ms");
}

BOOST_AUTO_TEST_CASE(timestamps_flag)
{
  auto l = std::get<cli::listen_command>(cli::parse_command_line({"listen", "239.1.2.3:5000", "--timestamps"}));
  BOOST_TEST(l.timestamps);
  BOOST_TEST(!std::get<cli::listen_command>(cli::parse_command_line({"listen", "239.1.2.3:5000"})).timestamps);
  auto s = std::get<cli::send_command>(cli::parse_command_line({"send", "239.1.2.3:5000", "--timestamps", "--json"}));
  BOOST_TEST(s.timestamps);
  BOOST_TEST(s.json);
  BOOST_TEST(!std::get<cli::send_command>(cli::parse_command_line({"send", "10.0.1.2:9"})).timestamps);
  auto error_of = [](std::vector<std::string> args) {
    try
    {
      cli::parse_command_line(args);
    }
    catch (const cli::usage_error& e)
    {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(error_of({"listen", "239.1.2.3:5000", "--timestamps=1"}) == "listen: --timestamps takes no value");
  BOOST_TEST(error_of({"send", "239.1.2.3:5000", "--timestamps", "--timestamps"}) == "send: --timestamps given twice");
  BOOST_TEST(cli::usage("listen").find("--timestamps") != std::string::npos);
  BOOST_TEST(cli::usage("send").find("--timestamps") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
