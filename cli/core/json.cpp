//
// cli/core/json.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/json.hpp"

#include <cmath>
#include <cstdio>

namespace asio_ipv4::cli {

namespace {

// The length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i)
{
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t n = 0;
  std::uint32_t code = 0;
  if (lead < 0x80)
    return 1;
  if ((lead & 0xe0) == 0xc0)
    n = 2, code = lead & 0x1f;
  else if ((lead & 0xf0) == 0xe0)
    n = 3, code = lead & 0x0f;
  else if ((lead & 0xf8) == 0xf0)
    n = 4, code = lead & 0x07;
  else
    return 0;
  if (i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k)
  {
    if ((byte(i + k) & 0xc0) != 0x80)
      return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[n] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
    return 0;
  return n;
}

} // namespace

std::string json_string(std::string_view text)
{
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();)
  {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    switch (ch)
    {
    case '"': out += "\\\""; ++i; continue;
    case '\\': out += "\\\\"; ++i; continue;
    case '\n': out += "\\n"; ++i; continue;
    case '\r': out += "\\r"; ++i; continue;
    case '\t': out += "\\t"; ++i; continue;
    default: break;
    }
    if (ch < 0x20 || ch == 0x7f)
    {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0)
    {
      out += "\xef\xbf\xbd";   // U+FFFD
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  out += '"';
  return out;
}

std::string json_number(double value, int decimals)
{
  if (!std::isfinite(value))
    return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string out = buf;
  if (out == "-0" || out.find_first_not_of("-0.") == std::string::npos)
    out.erase(0, out[0] == '-' ? 1 : 0);   // no "-0.000"
  return out;
}

json_array& json_array::add(std::string_view text)
{
  elements_.push_back(json_string(text));
  return *this;
}

json_array& json_array::add_raw(std::string_view json)
{
  elements_.emplace_back(json);
  return *this;
}

std::string json_array::str() const
{
  std::string out = "[";
  for (std::size_t i = 0; i < elements_.size(); ++i)
    out += (i ? "," : "") + elements_[i];
  return out + "]";
}

json_object& json_object::add_raw(std::string_view key, std::string_view json)
{
  if (!body_.empty())
    body_ += ',';
  body_ += json_string(key);
  body_ += ':';
  body_ += json;
  return *this;
}

json_object& json_object::add(std::string_view key, std::string_view text)
{
  return add_raw(key, json_string(text));
}

json_object& json_object::add(std::string_view key, std::int64_t value)
{
  return add_raw(key, std::to_string(value));
}

json_object& json_object::add(std::string_view key, std::uint64_t value)
{
  return add_raw(key, std::to_string(value));
}

json_object& json_object::add(std::string_view key, bool value)
{
  return add_raw(key, value ? "true" : "false");
}

json_object& json_object::add(std::string_view key, double value, int decimals)
{
  return add_raw(key, json_number(value, decimals));
}

std::string json_object::str() const
{
  return "{" + body_ + "}";
}

} // namespace asio_ipv4::cli
