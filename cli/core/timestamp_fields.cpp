//
// cli/core/timestamp_fields.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/timestamp_fields.hpp"

#include <cstdio>

namespace asio_ipv4::cli {

namespace {

std::string min_avg_max(const rtt_statistics& r)
{
  return json_number(r.min()) + "/" + json_number(r.average()) + "/" + json_number(r.max());
}

std::string relative(const std::optional<std::uint64_t>& stamp, std::uint64_t call_ns)
{
  if (!stamp)
    return "none";
  const double ms = milliseconds_between(call_ns, *stamp);
  return (ms < 0 ? "" : "+") + json_number(ms) + " ms";
}

} // namespace

std::string seconds_text(std::uint64_t ns)
{
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%09llu", static_cast<unsigned long long>(ns / 1000000000),
      static_cast<unsigned long long>(ns % 1000000000));
  return buf;
}

void add_delay_summary(json_object& o, const delay_statistics& d)
{
  if (d.count() == 0)
    return;
  o.add("delay_min_ms", d.min())
      .add("delay_avg_ms", d.average())
      .add("delay_max_ms", d.max())
      .add("jitter_ms", d.jitter());
}

std::string delay_summary_text(const delay_statistics& d)
{
  if (d.count() == 0)
    return "";
  return "   one-way delay min/avg/max = " + json_number(d.min()) + "/" + json_number(d.average()) + "/"
      + json_number(d.max()) + " ms, jitter " + json_number(d.jitter()) + " ms (" + std::to_string(d.count())
      + " stamped)";
}

void add_send_stamp_fields(json_object& o, const send_stamps& s)
{
  o.add("id", std::uint64_t(s.id));
  if (s.scheduled_ns)
    o.add("scheduled_ms", milliseconds_between(s.call_ns, *s.scheduled_ns));
  if (s.sent_ns)
    o.add("sent_ms", milliseconds_between(s.call_ns, *s.sent_ns));
}

std::string send_stamp_text(const send_stamps& s)
{
  return " id " + std::to_string(s.id) + ", scheduled " + relative(s.scheduled_ns, s.call_ns) + ", sent "
      + relative(s.sent_ns, s.call_ns);
}

void add_send_stamp_summary(json_object& o, const send_stamp_matcher& m, std::uint64_t missing)
{
  o.add("stamped", m.sent_delay().count()).add("unstamped", missing);
  if (m.sent_delay().count() == 0)
    return;
  o.add("scheduled_min_ms", m.scheduled_delay().min())
      .add("scheduled_avg_ms", m.scheduled_delay().average())
      .add("scheduled_max_ms", m.scheduled_delay().max())
      .add("sent_min_ms", m.sent_delay().min())
      .add("sent_avg_ms", m.sent_delay().average())
      .add("sent_max_ms", m.sent_delay().max());
}

std::string send_stamp_summary_text(const send_stamp_matcher& m, std::uint64_t missing)
{
  const std::uint64_t stamped = m.sent_delay().count();
  std::string line = "--- send stamps: " + std::to_string(stamped) + " of " + std::to_string(stamped + missing)
      + " datagrams";
  if (stamped)
    line += "; after the call: scheduled min/avg/max = " + min_avg_max(m.scheduled_delay())
        + " ms, sent min/avg/max = " + min_avg_max(m.sent_delay()) + " ms";
  return line;
}

void add_kernel_rtt_summary(json_object& o, const rtt_statistics& r)
{
  if (r.count() == 0)
    return;
  o.add("kernel_rtt_min_ms", r.min())
      .add("kernel_rtt_avg_ms", r.average())
      .add("kernel_rtt_max_ms", r.max())
      .add("kernel_rtt_stddev_ms", r.deviation());
}

std::string kernel_rtt_summary_text(const rtt_statistics& r)
{
  if (r.count() == 0)
    return "";
  return "   kernel rtt min/avg/max/std-dev = " + min_avg_max(r) + "/" + json_number(r.deviation()) + " ms";
}

} // namespace asio_ipv4::cli
