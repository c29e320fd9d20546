//
// cli/core/json.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The JSON the tool prints: one object per line, fields in the order they
// were added. Only what the tool needs: strings, integers, numbers with a
// fixed count of decimals, booleans, null, nested objects and arrays.

#ifndef ASIO_IPV4_CLI_CORE_JSON_HPP
#define ASIO_IPV4_CLI_CORE_JSON_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4::cli {

/// `text` as a JSON string literal, quotes included. Control characters,
/// '"' and '\\' are escaped; bytes that are not valid UTF-8 become U+FFFD.
std::string json_string(std::string_view text);

/// `value` with `decimals` digits after the point ("0.125"); null when it is
/// not finite (JSON has no NaN or infinity).
std::string json_number(double value, int decimals = 3);

/// A JSON array built element by element.
class json_array
{
public:
  json_array& add(std::string_view text);                 ///< a string
  json_array& add_raw(std::string_view json);             ///< already JSON (an object)
  std::string str() const;
  bool empty() const { return elements_.empty(); }

private:
  std::vector<std::string> elements_;
};

/// A JSON object built field by field; str() gives it on one line.
class json_object
{
public:
  json_object& add(std::string_view key, std::string_view text);
  json_object& add(std::string_view key, const char* text) { return add(key, std::string_view(text)); }
  json_object& add(std::string_view key, std::int64_t value);
  json_object& add(std::string_view key, std::uint64_t value);
  json_object& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
  json_object& add(std::string_view key, unsigned value) { return add(key, static_cast<std::uint64_t>(value)); }
  json_object& add(std::string_view key, bool value);
  json_object& add(std::string_view key, double value, int decimals = 3);
  json_object& add(std::string_view key, const json_object& value) { return add_raw(key, value.str()); }
  json_object& add(std::string_view key, const json_array& value) { return add_raw(key, value.str()); }
  json_object& add_null(std::string_view key) { return add_raw(key, "null"); }
  json_object& add_raw(std::string_view key, std::string_view json);
  std::string str() const;

private:
  std::string body_;
};

} // namespace asio_ipv4::cli

#endif
