//
// cli/core/arguments.cpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "cli/core/arguments.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

namespace asio_ipv4::cli {

namespace {

using boost::asio::ip::address_v4;

// One flag of a subcommand.
struct flag_spec
{
  std::string_view name;   // without the leading "--"
  bool takes_value;
  bool repeatable;
};

// The flags of every subcommand: the interface the issue fixes.
const std::map<std::string_view, std::vector<flag_spec>, std::less<>>& flag_table()
{
  static const std::map<std::string_view, std::vector<flag_spec>, std::less<>> table = {
    {"interfaces", {{"json", false, false}}},
    {"listen",
        {{"source", true, true}, {"exclude", true, true}, {"interface", true, false}, {"count", true, false},
            {"timeout", true, false}, {"timestamps", false, false}, {"json", false, false}}},
    {"send",
        {{"ttl", true, false}, {"tos", true, false}, {"interface", true, false}, {"source", true, false},
            {"count", true, false}, {"rate", true, false}, {"size", true, false}, {"timestamps", false, false},
            {"json", false, false}}},
    {"ssmping", {{"group", true, false}, {"count", true, false}, {"interval", true, false}, {"json", false, false}}},
    {"ssmpingd", {{"port", true, false}}},
  };
  return table;
}

// The generic shape: positional words and --flag values, checked against the
// table; the meaning of each value is checked per command below.
struct raw_arguments
{
  std::vector<std::string> positionals;
  std::multimap<std::string, std::string, std::less<>> flags;
  bool help = false;

  bool has(std::string_view name) const { return flags.find(name) != flags.end(); }

  std::optional<std::string> value(std::string_view name) const
  {
    auto it = flags.find(name);
    if (it == flags.end())
      return std::nullopt;
    return it->second;
  }

  std::vector<std::string> values(std::string_view name) const
  {
    std::vector<std::string> out;
    auto [first, last] = flags.equal_range(name);
    for (auto it = first; it != last; ++it)
      out.push_back(it->second);
    return out;
  }
};

[[noreturn]] void fail(const std::string& command, const std::string& what)
{
  throw usage_error(command + ": " + what);
}

raw_arguments split(const std::string& command, const std::vector<flag_spec>& specs,
    std::vector<std::string>::const_iterator first, std::vector<std::string>::const_iterator last)
{
  raw_arguments out;
  bool only_positionals = false;
  for (auto it = first; it != last; ++it)
  {
    const std::string& word = *it;
    if (only_positionals || word.size() < 2 || word[0] != '-' || (word[1] != '-' && word != "-h"))
    {
      // A lone "-" or a negative-looking word is data; "-x" is not a flag we know.
      if (!only_positionals && word.size() >= 2 && word[0] == '-' && !std::isdigit(static_cast<unsigned char>(word[1])))
        fail(command, "unknown option '" + word + "' (try 'asio-ipv4 " + command + " --help')");
      out.positionals.push_back(word);
      continue;
    }
    if (word == "--")
    {
      only_positionals = true;
      continue;
    }
    if (word == "-h" || word == "--help")
    {
      out.help = true;
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos)
    {
      inline_value = name.substr(eq + 1);
      name.erase(eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const flag_spec& s) { return s.name == name; });
    if (spec == specs.end())
      fail(command, "unknown option '--" + name + "' (try 'asio-ipv4 " + command + " --help')");
    if (!spec->repeatable && out.has(name))
      fail(command, "--" + name + " given twice");
    if (!spec->takes_value)
    {
      if (inline_value)
        fail(command, "--" + name + " takes no value");
      out.flags.emplace(name, "");
      continue;
    }
    if (!inline_value)
    {
      if (std::next(it) == last)
        fail(command, "--" + name + " needs a value");
      inline_value = *++it;
    }
    out.flags.emplace(name, *inline_value);
  }
  return out;
}

address_v4 unicast_address(const std::string& command, std::string_view flag, const std::string& text)
{
  auto a = parse_address(text);
  if (!a)
    fail(command, std::string(flag) + ": '" + text + "' is not an IPv4 address (A.B.C.D)");
  if (a->is_multicast() || a->is_unspecified() || *a == address_v4::broadcast())
    fail(command, std::string(flag) + ": " + text + " is not a unicast address");
  return *a;
}

std::uint64_t number(const std::string& command, const raw_arguments& raw, std::string_view name,
    std::uint64_t low, std::uint64_t high, std::uint64_t fallback)
{
  auto text = raw.value(name);
  if (!text)
    return fallback;
  auto n = parse_unsigned(*text, low, high);
  if (!n)
    fail(command, "--" + std::string(name) + " must be a whole number from " + std::to_string(low) + " to "
        + std::to_string(high) + ", not '" + *text + "'");
  return *n;
}

double seconds(const std::string& command, const raw_arguments& raw, std::string_view name, double low,
    double high, double fallback, std::string_view what)
{
  auto text = raw.value(name);
  if (!text)
    return fallback;
  auto n = parse_seconds(*text, low, high);
  if (!n)
    fail(command, "--" + std::string(name) + " must be " + std::string(what) + ", not '" + *text + "'");
  return *n;
}

void positional_count(const std::string& command, const raw_arguments& raw, std::size_t n, std::string_view what)
{
  if (raw.positionals.size() < n)
    fail(command, "missing " + std::string(what) + " (try 'asio-ipv4 " + command + " --help')");
  if (raw.positionals.size() > n)
    fail(command, "unexpected argument '" + raw.positionals[n] + "'");
}

std::pair<address_v4, std::uint16_t> endpoint(const std::string& command, const std::string& text, std::string_view what)
{
  auto ep = parse_address_port(text);
  if (!ep)
    fail(command, "'" + text + "' is not " + std::string(what) + ":PORT (A.B.C.D:1-65535)");
  return *ep;
}

std::optional<interface_name> interface_of(const raw_arguments& raw)
{
  if (auto text = raw.value("interface"))
    return interface_name{*text};
  return std::nullopt;
}

listen_command make_listen(const raw_arguments& raw)
{
  const std::string c = "listen";
  positional_count(c, raw, 1, "GROUP:PORT");
  listen_command out;
  std::tie(out.group, out.port) = endpoint(c, raw.positionals[0], "GROUP");
  if (!out.group.is_multicast())
    fail(c, out.group.to_string() + " is not a multicast group (224.0.0.0/4)");
  for (const auto& s : raw.values("source"))
    out.sources.push_back(unicast_address(c, "--source", s));
  for (const auto& s : raw.values("exclude"))
    out.excludes.push_back(unicast_address(c, "--exclude", s));
  if (!out.sources.empty() && !out.excludes.empty())
    fail(c, "--source (include mode) and --exclude (exclude mode) cannot be mixed");
  // RFC 4607: (S,G) joins belong to the SSM range, and an any-source join
  // there reaches no sender.
  if (!out.sources.empty() && !source_specific(out.group))
    fail(c, "--source on the any-source group " + out.group.to_string()
        + ": source-specific joins need a group in 232.0.0.0/8");
  if (out.sources.empty() && source_specific(out.group))
    fail(c, out.group.to_string() + " is a source-specific group (232.0.0.0/8): name its sender with --source");
  out.interface = interface_of(raw);
  out.count = number(c, raw, "count", 0, UINT64_MAX, 0);
  out.timeout = seconds(c, raw, "timeout", 0, 1e9, 0, "a number of seconds (0 = no limit)");
  out.timestamps = raw.has("timestamps");
  out.json = raw.has("json");
  return out;
}

send_command make_send(const raw_arguments& raw)
{
  const std::string c = "send";
  positional_count(c, raw, 1, "GROUP:PORT or ADDR:PORT");
  send_command out;
  std::tie(out.destination, out.port) = endpoint(c, raw.positionals[0], "GROUP or ADDR");
  if (out.destination.is_unspecified())
    fail(c, "0.0.0.0 is not a destination");
  if (raw.has("ttl"))
    out.ttl = static_cast<std::uint8_t>(number(c, raw, "ttl", 1, 255, 0));
  if (raw.has("tos"))
    out.tos = static_cast<std::uint8_t>(number(c, raw, "tos", 0, 255, 0));
  out.interface = interface_of(raw);
  if (auto s = raw.value("source"))
    out.source = unicast_address(c, "--source", *s);
  out.count = number(c, raw, "count", 0, UINT64_MAX, 0);
  out.rate = seconds(c, raw, "rate", 0.001, 1e7, 1, "a rate in datagrams per second (0.001 to 10000000)");
  out.size = static_cast<std::size_t>(number(c, raw, "size", 28, 65507, 64));
  out.timestamps = raw.has("timestamps");
  out.json = raw.has("json");
  return out;
}

ssmping_command make_ssmping(const raw_arguments& raw)
{
  const std::string c = "ssmping";
  positional_count(c, raw, 1, "SERVER");
  ssmping_command out;
  out.server = unicast_address(c, "SERVER", raw.positionals[0]);
  out.group = address_v4({232, 43, 211, 234});
  if (auto g = raw.value("group"))
  {
    auto a = parse_address(*g);
    if (!a || !a->is_multicast())
      fail(c, "--group: '" + *g + "' is not a multicast group (224.0.0.0/4)");
    // Servers answer on groups whose last byte is 234 only (the ssmping
    // convention that keeps a server from being aimed at arbitrary groups).
    if (a->to_bytes()[3] != 234)
      fail(c, "--group: " + *g + " does not end in .234, and ssmping servers answer no other group");
    out.group = *a;
  }
  out.count = number(c, raw, "count", 0, UINT32_MAX, 0);
  out.interval = seconds(c, raw, "interval", 0.01, 3600, 1, "a number of seconds from 0.01 to 3600");
  out.json = raw.has("json");
  return out;
}

ssmpingd_command make_ssmpingd(const raw_arguments& raw)
{
  const std::string c = "ssmpingd";
  positional_count(c, raw, 0, "");
  ssmpingd_command out;
  out.port = static_cast<std::uint16_t>(number(c, raw, "port", 1, 65535, 4321));
  return out;
}

} // namespace

std::optional<address_v4> parse_address(std::string_view text)
{
  address_v4::bytes_type bytes{};
  std::size_t part = 0;
  std::size_t i = 0;
  while (part < 4)
  {
    std::size_t start = i;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3)
      value = value * 10 + static_cast<unsigned>(text[i++] - '0');
    if (i == start || value > 255 || (i - start > 1 && text[start] == '0'))
      return std::nullopt;
    bytes[part++] = static_cast<unsigned char>(value);
    if (part < 4)
    {
      if (i >= text.size() || text[i] != '.')
        return std::nullopt;
      ++i;
    }
  }
  if (i != text.size())
    return std::nullopt;
  return address_v4(bytes);
}

std::optional<std::pair<address_v4, std::uint16_t>> parse_address_port(std::string_view text)
{
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto a = parse_address(text.substr(0, colon));
  auto p = parse_unsigned(text.substr(colon + 1), 1, 65535);
  if (!a || !p || text.substr(colon + 1).rfind("0x", 0) == 0)
    return std::nullopt;
  return std::make_pair(*a, static_cast<std::uint16_t>(*p));
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t low, std::uint64_t high)
{
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
  {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text[0] == '+' || text[0] == '-')
    return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
    return std::nullopt;
  return value;
}

std::optional<double> parse_seconds(std::string_view text, double low, double high)
{
  // Digits with at most one '.', so "1e3", "inf" and "nan" never pass.
  if (text.empty() || text.size() > 32)
    return std::nullopt;
  bool dot = false;
  bool digit = false;
  for (char ch : text)
  {
    if (ch == '.' && !dot)
      dot = true;
    else if (ch >= '0' && ch <= '9')
      digit = true;
    else
      return std::nullopt;
  }
  if (!digit)
    return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value) || value < low || value > high)
    return std::nullopt;
  return value;
}

bool source_specific(const address_v4& group)
{
  return group.to_bytes()[0] == 232;
}

command parse_command_line(const std::vector<std::string>& args)
{
  if (args.empty())
    throw usage_error("missing command (try 'asio-ipv4 --help')");
  const std::string& name = args[0];
  if (name == "-h" || name == "--help")
    return help_command{};
  if (name == "--version" || name == "-V")
  {
    if (args.size() > 1)
      throw usage_error("unexpected argument '" + args[1] + "'");
    return version_command{};
  }
  if (name == "help")
  {
    if (args.size() > 2)
      throw usage_error("help: unexpected argument '" + args[2] + "'");
    help_command h{args.size() == 2 ? args[1] : std::string()};
    usage(h.topic);   // rejects an unknown topic
    return h;
  }
  auto spec = flag_table().find(name);
  if (spec == flag_table().end())
  {
    if (!name.empty() && name[0] == '-')
      throw usage_error("unknown option '" + name + "' (try 'asio-ipv4 --help')");
    throw usage_error("unknown command '" + name + "' (try 'asio-ipv4 --help')");
  }
  raw_arguments raw = split(name, spec->second, args.begin() + 1, args.end());
  if (raw.help)
    return help_command{name};
  if (name == "interfaces")
  {
    positional_count(name, raw, 0, "");
    return interfaces_command{raw.has("json")};
  }
  if (name == "listen")
    return make_listen(raw);
  if (name == "send")
    return make_send(raw);
  if (name == "ssmping")
    return make_ssmping(raw);
  return make_ssmpingd(raw);
}

std::string usage(std::string_view topic)
{
  static const std::map<std::string_view, std::string_view, std::less<>> texts = {
    {"interfaces",
        "usage: asio-ipv4 interfaces [--json]\n"
        "  List the network interfaces: index, name, MTU, flags, IPv4 addresses.\n"},
    {"listen",
        "usage: asio-ipv4 listen GROUP:PORT [--source ADDR]... [--exclude ADDR]...\n"
        "                        [--interface NAME|INDEX] [--count N] [--timeout SECONDS]\n"
        "                        [--timestamps] [--json]\n"
        "  Join GROUP and print every datagram that arrives on PORT.\n"
        "  --source ADDR     source-specific join (repeatable; GROUP in 232.0.0.0/8)\n"
        "  --exclude ADDR    any-source join that blocks ADDR (repeatable)\n"
        "  --interface I     join on this interface (name or index)\n"
        "  --count N         stop after N datagrams (0 = no limit)\n"
        "  --timeout S       stop after S seconds (0 = no limit)\n"
        "  --timestamps      kernel arrival time; one-way delay and jitter of 'send' streams\n"
        "  --json            one JSON object per line\n"},
    {"send",
        "usage: asio-ipv4 send GROUP|ADDR:PORT [--ttl N] [--tos N] [--interface NAME|INDEX]\n"
        "                      [--source ADDR] [--count N] [--rate PPS] [--size BYTES]\n"
        "                      [--timestamps] [--json]\n"
        "  Send numbered datagrams (sequence number and send time in the payload).\n"
        "  --ttl N           TTL of every datagram (1-255)\n"
        "  --tos N           TOS byte (DSCP << 2 | ECN), decimal or 0x..\n"
        "  --interface I     send by this interface (name or index)\n"
        "  --source ADDR     send from this local address\n"
        "  --count N         stop after N datagrams (0 = until interrupted)\n"
        "  --rate PPS        datagrams per second (default 1)\n"
        "  --size BYTES      UDP payload size, 28-65507 (default 64)\n"
        "  --timestamps      kernel send stamps: when each datagram was queued and sent\n"
        "  --json            one JSON object per line\n"},
    {"ssmping",
        "usage: asio-ipv4 ssmping SERVER [--group G] [--count N] [--interval SECONDS] [--json]\n"
        "  Ask an ssmping server (ssmpingd) for unicast and multicast replies; the round\n"
        "  trip from kernel stamps is shown beside the program's own where the system has them.\n"
        "  --group G         reply group (default 232.43.211.234; must end in .234)\n"
        "  --count N         send N requests (0 = until interrupted)\n"
        "  --interval S      seconds between requests (default 1)\n"
        "  --json            one JSON object per line\n"},
    {"ssmpingd",
        "usage: asio-ipv4 ssmpingd [--port PORT]\n"
        "  Answer ssmping requests on UDP PORT (default 4321), unicast and multicast.\n"},
  };
  if (topic.empty())
    return "usage: asio-ipv4 COMMAND [OPTIONS]\n"
           "commands:\n"
           "  interfaces [--json]\n"
           "  listen GROUP:PORT [--source ADDR]... [--exclude ADDR]... [--interface NAME|INDEX]\n"
           "         [--count N] [--timeout SECONDS] [--timestamps] [--json]\n"
           "  send GROUP|ADDR:PORT [--ttl N] [--tos N] [--interface NAME|INDEX] [--source ADDR]\n"
           "       [--count N] [--rate PPS] [--size BYTES] [--timestamps] [--json]\n"
           "  ssmping SERVER [--group G] [--count N] [--interval SECONDS] [--json]\n"
           "  ssmpingd [--port 4321]\n"
           "'asio-ipv4 COMMAND --help' describes one command; man asio-ipv4 describes them all.\n";
  auto it = texts.find(topic);
  if (it == texts.end())
    throw usage_error("help: unknown command '" + std::string(topic) + "'");
  return std::string(it->second);
}

} // namespace asio_ipv4::cli
