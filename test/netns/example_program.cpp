//
// test/netns/example_program.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "example_program.hpp"
#include "lab.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace asio_ipv4::test {

namespace {

namespace fs = std::filesystem;

bool is_program(const fs::path& p)
{
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

bool forbidden()
{
  return skipping_forbidden(std::getenv("CI"), std::getenv("ASIO_IPV4_REQUIRE_PRIVILEGED"));
}

struct example_built
{
  std::string name;

  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const
  {
    if (find_example(name) || forbidden())
      return true;
    boost::test_tools::assertion_result r(false);
    r.message() << "example program " << name << " not built (build/example/" << name
                << ", the b2 bin/ tree, $ASIO_IPV4_EXAMPLE_DIR): skipped; build it with `ninja " << name << "`";
    return r;
  }
};

} // namespace

std::optional<std::string> find_example(const std::string& name)
{
  if (const char* dir = std::getenv("ASIO_IPV4_EXAMPLE_DIR"))
    if (is_program(fs::path(dir) / name))
      return (fs::path(dir) / name).string();
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    return std::nullopt;
  // CMake: build/test/<tests> and build/example/<name>.
  for (const fs::path& p : {self.parent_path().parent_path() / "example" / name, self.parent_path() / name})
    if (is_program(p))
      return p.string();
  // b2: bin/<toolset>/<variant>/.../<tests>, and the example somewhere under
  // the same bin/ (its directory names its own properties, cxxstd-20 among
  // them, so it need not sit beside the tests). The newest one wins.
  for (fs::path dir = self.parent_path(); dir.has_relative_path(); dir = dir.parent_path())
  {
    if (dir.filename() != "bin")
      continue;
    std::optional<fs::path> newest;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
    {
      if (it->path().filename() == name && is_program(it->path())
          && (!newest || fs::last_write_time(it->path(), ec) > fs::last_write_time(*newest, ec)))
        newest = it->path();
    }
    if (newest)
      return newest->string();
    return std::nullopt;
  }
  return std::nullopt;
}

boost::unit_test::decorator::precondition needs_example(const std::string& name)
{
  return boost::unit_test::decorator::precondition(example_built{name});
}

std::string require_example(const std::string& name)
{
  auto path = find_example(name);
  BOOST_TEST_REQUIRE(path.has_value(),
      "example program " << name << " not built, and CI=true or ASIO_IPV4_REQUIRE_PRIVILEGED=1 forbids skipping");
  return *path;
}

} // namespace asio_ipv4::test
