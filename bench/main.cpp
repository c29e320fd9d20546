//
// bench/main.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// asio_ipv4_bench drain <receiver> <count>
// asio_ipv4_bench send <sender> <segments>
//
// One measurement per invocation, one RESULT line on stdout; bench/driver.py
// runs the invocations interleaved and summarises them.

#include "common.hpp"
#include "programs.hpp"

#include <cstdlib>
#include <string>

int main(int argc, char** argv)
{
  if (argc != 4)
    bench::fail("usage: asio_ipv4_bench drain|send <name> <count>");
  std::string mode = argv[1];
  std::size_t count = std::strtoull(argv[3], nullptr, 10);
  if (mode == "drain")
    return bench::run_drain(argv[2], count);
  if (mode == "send")
    return bench::run_send(argv[2], count);
  bench::fail("unknown mode " + mode);
}
