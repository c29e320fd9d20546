//
// src/ostream.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// operator<< of the value types users log: control_message, extended_error,
// kernel_time, source_filter. The formats are documented at the declarations and are
// stable (tools and tests parse them). Each line is built as a string first,
// so the stream's flags (std::hex...) cannot change it and a width applies to
// the whole of it.

#include <asio_ipv4/control_message.hpp>
#include <asio_ipv4/kernel_time.hpp>
#include <asio_ipv4/ip4/source_filter.hpp>

#include <cstdio>
#include <ostream>
#include <string>
#include <utility>

namespace asio_ipv4 {
namespace {

// "{name=value name=value}": add() puts the separator before every field but
// the first.
class fields
{
public:
  std::string& add(const char* name)
  {
    text_ += text_.size() > 1 ? " " : "";
    return text_.append(name).append("=");
  }

  std::string close()
  {
    text_ += '}';
    return std::move(text_);
  }

private:
  std::string text_ = "{";
};

const char* origin_name(std::uint8_t origin) noexcept
{
  switch (origin)
  {
  case extended_error::origin_none: return "none";
  case extended_error::origin_local: return "local";
  case extended_error::origin_icmp: return "icmp";
  case extended_error::origin_icmp6: return "icmp6";
  case extended_error::origin_timestamping: return "timestamping";
  case extended_error::origin_zerocopy: return "zerocopy";
  case extended_error::origin_txtime: return "txtime";
  default: return nullptr;
  }
}

std::string hex_byte(std::uint8_t value)
{
  char text[5];
  std::snprintf(text, sizeof text, "0x%02x", unsigned(value));
  return text;
}

std::string to_text(const extended_error& e)
{
  fields f;
  f.add("error") += std::to_string(e.error);
  const char* origin = origin_name(e.origin);
  f.add("origin") += origin ? std::string(origin) : std::to_string(e.origin);
  f.add("type") += std::to_string(e.type);
  f.add("code") += std::to_string(e.code);
  f.add("info") += std::to_string(e.info);
  f.add("data") += std::to_string(e.data);
  if (e.offender)
    f.add("offender") += e.offender->to_string();
  return f.close();
}

const char* clock_name(kernel_time::clock_type clock) noexcept
{
  switch (clock)
  {
  case kernel_time::realtime: return "realtime";
  case kernel_time::monotonic: return "monotonic";
  case kernel_time::hardware: return "hardware";
  case kernel_time::performance_counter: return "performance_counter";
  default: return nullptr;
  }
}

std::string to_text(const kernel_time& t)
{
  fields f;
  const char* clock = clock_name(t.clock);
  f.add("clock") += clock ? std::string(clock) : std::to_string(unsigned(t.clock));
  const long long count = t.since_epoch.count();
  if (t.clock == kernel_time::performance_counter)
    f.add("since_epoch") += std::to_string(count);
  else
  {
    // Seconds and nine decimals, from the magnitude (the most negative count
    // has no positive counterpart in long long).
    const unsigned long long magnitude = count < 0 ? 0ull - static_cast<unsigned long long>(count)
                                                   : static_cast<unsigned long long>(count);
    char text[32];
    std::snprintf(text, sizeof text, "%s%llu.%09llu", count < 0 ? "-" : "", magnitude / 1000000000ull,
        magnitude % 1000000000ull);
    f.add("since_epoch") += text;
  }
  return f.close();
}

} // namespace

std::ostream& operator<<(std::ostream& os, const kernel_time& t)
{
  return os << to_text(t);
}

std::ostream& operator<<(std::ostream& os, const extended_error& e)
{
  return os << to_text(e);
}

std::ostream& operator<<(std::ostream& os, const control_message& m)
{
  fields f;
  if (m.destination)
    f.add("destination") += m.destination->to_string();
  if (m.local)
    f.add("local") += m.local->to_string();
  if (m.interface_index)
    f.add("interface_index") += std::to_string(*m.interface_index);
  if (m.ttl)
    f.add("ttl") += std::to_string(*m.ttl);
  if (m.tos)
    f.add("tos") += hex_byte(*m.tos);
  if (m.original_destination)
    f.add("original_destination") += m.original_destination->address().to_string() + ":"
        + std::to_string(m.original_destination->port());
  if (m.error)
    f.add("error") += to_text(*m.error);
  if (m.segment_size)
    f.add("segment_size") += std::to_string(*m.segment_size);
  if (m.dropped)
    f.add("dropped") += std::to_string(*m.dropped);
  if (m.software_time)
    f.add("software_time") += to_text(*m.software_time);
  if (m.hardware_time)
    f.add("hardware_time") += to_text(*m.hardware_time);
  if (m.timestamp_id)
    f.add("timestamp_id") += std::to_string(*m.timestamp_id);
  return os << f.close();
}

namespace ip4 {

namespace {

std::string to_text(filter_mode mode)
{
  switch (mode)
  {
  case filter_mode::include: return "include";
  case filter_mode::exclude: return "exclude";
  }
  return std::to_string(static_cast<int>(mode));
}

} // namespace

std::ostream& operator<<(std::ostream& os, filter_mode mode)
{
  return os << to_text(mode);
}

std::ostream& operator<<(std::ostream& os, const source_filter& filter)
{
  std::string text = "{mode=" + to_text(filter.mode) + " sources=[";
  for (std::size_t i = 0; i < filter.sources.size(); ++i)
    text.append(i ? " " : "").append(filter.sources[i].to_string());
  return os << text.append("]}");
}

} // namespace ip4
} // namespace asio_ipv4
