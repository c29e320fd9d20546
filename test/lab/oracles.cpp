//
// test/lab/oracles.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "detail.hpp"
#include "oracles.hpp"

#include <boost/system/error_code.hpp>

#include <cctype>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace asio_ipv4 {
namespace test {

namespace {

using namespace detail;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address_v4;

unsigned long to_number(const std::string& text, const std::string& what, int base = 10)
{
  try
  {
    std::size_t used = 0;
    unsigned long value = std::stoul(text, &used, base);
    if (used != text.size())
      throw std::invalid_argument(text);
    return value;
  }
  catch (const std::logic_error&)
  {
    throw lab_error("bad number for " + what + ": '" + text + "'");
  }
}

address_v4 to_address(const std::string& text, const std::string& what)
{
  boost::system::error_code ec;
  address_v4 address = make_address_v4(text, ec);
  if (ec)
    throw lab_error("bad IPv4 address for " + what + ": '" + text + "'");
  return address;
}

} // namespace

std::map<std::string, std::string> parse_fields(std::string_view line)
{
  std::map<std::string, std::string> fields;
  std::istringstream words{std::string(line)};
  std::string word;
  if (words >> word)
    fields[""] = word;
  while (words >> word)
  {
    auto equals = word.find('=');
    if (equals == std::string::npos)
      fields[word] = "";
    else
      fields[word.substr(0, equals)] = word.substr(equals + 1);
  }
  return fields;
}

std::vector<std::uint8_t> from_hex(std::string_view hex)
{
  std::vector<std::uint8_t> bytes;
  if (hex == "-")
    return bytes;
  if (hex.size() % 2 != 0)
    throw lab_error("odd-length hex: " + std::string(hex));
  for (std::size_t i = 0; i < hex.size(); i += 2)
    bytes.push_back(static_cast<std::uint8_t>(to_number(std::string(hex.substr(i, 2)), "hex", 16)));
  return bytes;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes)
{
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (auto byte : bytes)
  {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

namespace {

const std::string& required(const std::map<std::string, std::string>& fields, const std::string& key,
    const std::string& line)
{
  auto found = fields.find(key);
  if (found == fields.end())
    throw lab_error("no " + key + "= in tool line: " + line);
  return found->second;
}

template <class T>
std::optional<T> optional_number(const std::map<std::string, std::string>& fields, const std::string& key)
{
  auto found = fields.find(key);
  if (found == fields.end() || found->second == "-")
    return std::nullopt;
  return static_cast<T>(to_number(found->second, key));
}

} // namespace

packet_record parse_packet_line(const std::string& line)
{
  packet_record packet;
  packet.line = line;
  packet.fields = parse_fields(line);
  const auto& f = packet.fields;
  auto number = [&](const std::string& key) {
    return static_cast<unsigned>(to_number(required(f, key, line), key));
  };
  if (f.count("dir"))
  {
    packet.outgoing = f.at("dir") == "out";
    packet.packet_type = f.count("pkttype") ? f.at("pkttype") : "";
  }
  packet.source = to_address(required(f, "src", line), "src");
  packet.destination = to_address(required(f, "dst", line), "dst");
  packet.tos = number("tos");
  packet.ttl = number("ttl");
  packet.id = number("id");
  packet.flags = static_cast<unsigned>(to_number(required(f, "flags", line), "flags", 2));
  packet.fragment_offset = number("frag");
  packet.protocol = number("proto");
  packet.header_length = number("ihl") * 4;
  packet.total_length = number("len");
  packet.options = from_hex(required(f, "opts", line));
  packet.source_port = optional_number<std::uint16_t>(f, "sport");
  packet.destination_port = optional_number<std::uint16_t>(f, "dport");
  packet.udp_length = optional_number<std::uint16_t>(f, "ulen");
  packet.icmp_type = optional_number<std::uint8_t>(f, "type");
  packet.icmp_code = optional_number<std::uint8_t>(f, "code");
  packet.payload_length = number("plen");
  packet.payload = from_hex(required(f, "payload", line));
  return packet;
}

sniffer::sniffer(const host& where, const std::string& ifname, const sniff_filter& filter)
    : tool_([&] {
        std::vector<std::string> args{"--iface", ifname, "--count", std::to_string(filter.count),
            "--timeout", std::to_string(filter.lifetime.count())};
        auto add = [&](const char* option, const auto& value) {
          if (value)
          {
            args.push_back(option);
            std::ostringstream text;
            text << *value;
            args.push_back(text.str());
          }
        };
        add("--proto", filter.protocol);
        add("--src", filter.source);
        add("--dst", filter.destination);
        add("--port", filter.port);
        add("--sport", filter.source_port);
        add("--dport", filter.destination_port);
        if (filter.outgoing)
          args.insert(args.end(), {"--direction", *filter.outgoing ? "out" : "in"});
        return where.python("sniff.py", args);
      }())
{
  tool_.wait_line([](std::string_view line) { return line.rfind("ready", 0) == 0; });
}

bool sniffer::take(const std::string& line)
{
  if (line.rfind("pkt ", 0) != 0)
    return false;
  packets_.push_back(parse_packet_line(line));
  return true;
}

std::optional<packet_record> sniffer::next(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (auto line = tool_.read_line(std::chrono::milliseconds(milliseconds_until(deadline))))
    if (take(*line))
      return packets_.back();
  return std::nullopt;
}

const std::vector<packet_record>& sniffer::wait_for(std::size_t n, std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (packets_.size() < n && next(std::chrono::milliseconds(milliseconds_until(deadline))))
  {
  }
  return packets_;
}

std::vector<packet_record> sniffer::packets(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (next(std::chrono::milliseconds(milliseconds_until(deadline))))
  {
  }
  return stop();
}

std::vector<packet_record> sniffer::stop()
{
  if (!tool_.finished_output())
  {
    try
    {
      tool_.write_line("stop");
    }
    catch (const lab_error&)
    {
      // The tool has already exited; its output is still readable.
    }
    for (const auto& line : tool_.read_all(5s))
      take(line);
  }
  if (!tool_.wait(2s))
    tool_.kill();
  return packets_;
}

datagram_record parse_datagram_line(const std::string& line)
{
  datagram_record datagram;
  datagram.line = line;
  datagram.fields = parse_fields(line);
  const auto& f = datagram.fields;
  auto optional_address = [&](const std::string& key) -> std::optional<address_v4> {
    auto found = f.find(key);
    if (found == f.end() || found->second == "-")
      return std::nullopt;
    return to_address(found->second, key);
  };
  datagram.source = to_address(required(f, "src", line), "src");
  datagram.source_port = static_cast<std::uint16_t>(to_number(required(f, "sport", line), "sport"));
  datagram.destination = optional_address("dst");
  datagram.local = optional_address("local");
  datagram.interface_index = optional_number<unsigned>(f, "ifindex");
  datagram.tos = optional_number<unsigned>(f, "tos");
  datagram.ttl = optional_number<unsigned>(f, "ttl");
  if (f.count("origdst") && f.at("origdst") != "-")
    datagram.original_destination = f.at("origdst");
  datagram.truncated = f.count("trunc") && f.at("trunc") == "1";
  datagram.payload = from_hex(required(f, "payload", line));
  return datagram;
}

std::optional<datagram_record> next_datagram(process& receiver, std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (auto line = receiver.read_line(std::chrono::milliseconds(milliseconds_until(deadline))))
    if (line->rfind("dgram ", 0) == 0)
      return parse_datagram_line(*line);
  return std::nullopt;
}

std::vector<igmp_membership> parse_proc_net_igmp(std::string_view text)
{
  // "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter", then per
  // device "3\tveth0     :     2      V3" followed by indented group rows
  // "\t\t\t\t030201EF     1 0:00000000\t\t0" (the group's network-order
  // bytes printed as a host-order integer).
  std::vector<igmp_membership> rows;
  std::istringstream lines{std::string(text)};
  unsigned index = 0;
  std::string name;
  for (std::string line; std::getline(lines, line);)
  {
    if (line.empty() || line.rfind("Idx", 0) == 0)
      continue;
    std::istringstream words(line);
    if (!std::isspace(static_cast<unsigned char>(line[0])))
    {
      std::string index_text;
      words >> index_text >> name;
      index = static_cast<unsigned>(to_number(index_text, "igmp index"));
      if (!name.empty() && name.back() == ':')
        name.pop_back();
      continue;
    }
    std::string group_text, users_text;
    if (!(words >> group_text >> users_text))
      continue;
    auto raw = static_cast<std::uint32_t>(to_number(group_text, "igmp group", 16));
    address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &raw, 4);
    rows.push_back({index, name, address_v4(bytes),
        static_cast<unsigned>(to_number(users_text, "igmp users"))});
  }
  return rows;
}

std::vector<igmp_membership> igmp_memberships(const host& where)
{
  return parse_proc_net_igmp(where.read_file("/proc/net/igmp"));
}

std::vector<mcfilter_entry> parse_proc_net_mcfilter(std::string_view text)
{
  // "Idx Device        MCA        SRC    INC    EXC", then rows
  // "  3     v0 0xef010204 0x0a000109      1      0" (host-order hex; the
  // device name is cut to 6 characters by the kernel).
  std::vector<mcfilter_entry> rows;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);)
  {
    std::istringstream words(line);
    std::string index, name, group, source, include, exclude;
    if (!(words >> index >> name >> group >> source >> include >> exclude) || index == "Idx")
      continue;
    auto address = [](std::string hex) {
      if (hex.rfind("0x", 0) == 0)
        hex.erase(0, 2);
      return address_v4(static_cast<address_v4::uint_type>(to_number(hex, "mcfilter address", 16)));
    };
    rows.push_back({static_cast<unsigned>(to_number(index, "mcfilter index")), name, address(group),
        address(source), static_cast<unsigned>(to_number(include, "mcfilter INC")),
        static_cast<unsigned>(to_number(exclude, "mcfilter EXC"))});
  }
  return rows;
}

std::vector<mcfilter_entry> mcfilter_entries(const host& where)
{
  return parse_proc_net_mcfilter(where.read_file("/proc/net/mcfilter"));
}

} // namespace test
} // namespace asio_ipv4
