//
// test/net/programs.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The C++ side of tools/programs.txt, the registry of the external programs
// the tests start (program -> Debian package). Every program the lab starts
// goes through program_path(): run_command(), process, host::spawn() resolve
// argv[0] with it, host::run()/output()/try_run() every command word of their
// shell text. A program that is not registered, or not installed, ends the
// test with one line instead of a status 127 deep inside it:
//
//   lab_error: nft is not installed: apt-get install nftables (listed in tools/debian-packages.txt)

#ifndef ASIO_IPV4_TEST_NET_PROGRAMS_HPP
#define ASIO_IPV4_TEST_NET_PROGRAMS_HPP

#include "lab_error.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio_ipv4 {
namespace test {

/// One line of tools/programs.txt.
struct program_entry
{
  std::string program;
  std::string source;   ///< a Debian package, or "npm:SPEC"
  std::string path;     ///< where Debian installs it off PATH (usually empty)
};

/// The entries of a registry text by program; throws lab_error naming the
/// line when one is malformed or a program is there twice.
std::map<std::string, program_entry> parse_program_registry(std::string_view text);

/// The words of a package list text (comments removed).
std::vector<std::string> parse_package_list(std::string_view text);

/// The one line for a registered program that is not installed; `lists` are
/// the package lists (paths relative to the source tree) holding its package.
std::string missing_program_message(const program_entry& entry, const std::vector<std::string>& lists);

/// The programs a shell command line starts: the first word of each simple
/// command ("a x && b | c y; d" -> a b c d), quotes respected, variable
/// assignments, redirections and shell builtins left out.
std::vector<std::string> shell_command_words(std::string_view command);

/// The source tree (holding tools/programs.txt): $ASIO_IPV4_TEST_DIR/..,
/// else found from this file's or the executable's location.
std::string source_directory();

/// Where an installed program is (PATH, then the sbin directories), or
/// nothing. No registry involved.
std::optional<std::string> find_program(std::string_view name);

/// The full path of `name`, a program registered in tools/programs.txt.
/// Throws lab_error with one line when it is not registered or not installed.
/// A name holding '/' is a file of the project, returned as it is.
std::string program_path(std::string_view name);

/// program_path() of every program `shell_command` starts.
void require_programs(std::string_view shell_command);

} // namespace test
} // namespace asio_ipv4

#endif // ASIO_IPV4_TEST_NET_PROGRAMS_HPP
