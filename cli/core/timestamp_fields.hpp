//
// cli/core/timestamp_fields.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// What the tool prints about kernel timestamps (listen --timestamps, send
// --timestamps, ssmping's kernel round trip): the JSON fields and the text,
// in one place so the unit tests check them byte by byte. doc/cli.md and the
// man page document every field.

#ifndef ASIO_IPV4_CLI_CORE_TIMESTAMP_FIELDS_HPP
#define ASIO_IPV4_CLI_CORE_TIMESTAMP_FIELDS_HPP

#include "cli/core/json.hpp"
#include "cli/core/statistics.hpp"

#include <cstdint>
#include <string>

namespace asio_ipv4::cli {

/// Nanoseconds since 1970 as seconds with nine decimals ("1700000000.000000042").
std::string seconds_text(std::uint64_t ns);

/// listen's summary of a stamped stream: delay_min_ms, delay_avg_ms,
/// delay_max_ms, jitter_ms; nothing when no datagram was stamped.
void add_delay_summary(json_object& o, const delay_statistics& d);

/// The same as a text line: "   one-way delay min/avg/max = A/B/C ms,
/// jitter J ms (N stamped)"; empty when no datagram was stamped.
std::string delay_summary_text(const delay_statistics& d);

/// send's per-datagram fields: id, then scheduled_ms and sent_ms (the stamp
/// minus the start of the send call) for the stamps that came.
void add_send_stamp_fields(json_object& o, const send_stamps& s);

/// The same as text: " id 3, scheduled +0.005 ms, sent +0.012 ms"; a stamp
/// that never came shows as "none".
std::string send_stamp_text(const send_stamps& s);

/// send's summary: stamped (datagrams with both stamps), missing (sends
/// without), then scheduled_{min,avg,max}_ms and sent_{min,avg,max}_ms when
/// any datagram was stamped.
void add_send_stamp_summary(json_object& o, const send_stamp_matcher& m, std::uint64_t missing);

/// The same as a text line: "--- send stamps: N of M datagrams; after the
/// call: scheduled min/avg/max = A/B/C ms, sent min/avg/max = D/E/F ms".
std::string send_stamp_summary_text(const send_stamp_matcher& m, std::uint64_t missing);

/// ssmping's summary of one kind of reply: kernel_rtt_min_ms,
/// kernel_rtt_avg_ms, kernel_rtt_max_ms, kernel_rtt_stddev_ms; nothing when
/// no reply had both stamps.
void add_kernel_rtt_summary(json_object& o, const rtt_statistics& r);

/// The same as a text line: "   kernel rtt min/avg/max/std-dev = A/B/C/D ms";
/// empty when no reply had both stamps.
std::string kernel_rtt_summary_text(const rtt_statistics& r);

} // namespace asio_ipv4::cli

#endif
