//
// bench/programs.hpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_BENCH_PROGRAMS_HPP
#define ASIO_IPV4_BENCH_PROGRAMS_HPP

#include <cstddef>
#include <string>

namespace bench {

// `asio_ipv4_bench drain <receiver> <count>`: prefill, then time the drain.
int run_drain(const std::string& receiver, std::size_t count);

// `asio_ipv4_bench send <sender> <segments>`: time sending `segments`
// 1200-byte datagrams (or GSO segments) to a loopback socket that never reads.
int run_send(const std::string& sender, std::size_t segments);

} // namespace bench

#endif // ASIO_IPV4_BENCH_PROGRAMS_HPP
