//
// example/sharded_server_cpp20.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// A UDP echo server that uses every core: one shard per core, each with its
// own io_context, thread and socket, all bound to the same port. Written
// with C++20 coroutines.
//
// Why shards: one socket is one receive queue, drained by one thread at a
// time. Threads sharing one socket contend for it; a socket per thread does
// not. SO_REUSEPORT (asio_ipv4::reuse_port) lets several sockets bind the
// same address and port, and Linux then hands each datagram to one socket
// of the group: by a hash of its source address and port, so one client's
// datagrams always reach the same shard, in order.
//
// Optionally the kernel steers by CPU instead of by hash (--steer cpu): a
// classic BPF program attached to the group (asio_ipv4::reuse_port_steering)
// returns the CPU that is handling the datagram, so it lands on the shard
// whose thread runs on that CPU and stays in that CPU's caches. Where the
// network card spreads flows over receive queues, each with its interrupt on
// its own CPU, the work of a flow then stays on one core from the interrupt
// to the reply. The kernel's selftest reuseport_bpf_cpu does the same.
//
// Each shard is a coroutine echo server on a cmsg_socket. It answers from
// the address the request was sent to (control_message::local, as
// udp_server_cpp20 explains): a socket bound to 0.0.0.0 would otherwise let
// routing pick the source, and a client of a secondary address would see
// its answer come from elsewhere.
//
// Usage:
//   sharded_server_cpp20 <port> [--shards N] [--steer hash|cpu]
//
// It prints one line per shard once they are bound, and on SIGINT or
// SIGTERM what each shard did:
//
//   shard 0 on CPU 0: 1031 received, 1031 answered
//   shard 1 on CPU 1: 993 received, 993 answered
//   total: 2024 received, 2024 answered
//
// Try it with `socat - UDP4-DATAGRAM:<address>:<port>` from several
// terminals (each one is a flow of its own).

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/reuse_port.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#if defined(__linux__)
# include <linux/filter.h> // BPF_STMT, SKF_AD_CPU
# include <pthread.h>
# include <sched.h>
#endif

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <list>
#include <string>
#include <string_view>
#include <thread>

namespace net = boost::asio;
using net::ip::udp;

// co_await yields (error_code, std::size_t) instead of throwing.
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// One shard: everything one core needs, touched by its own thread only
// (the counters are read by main() after that thread ended).
struct shard
{
  explicit shard(unsigned i) : index(i), socket(ctx) {}

  unsigned index;
  net::io_context ctx{1}; // one thread runs it: no locking inside Asio
  asio_ipv4::cmsg_socket<udp::socket> socket;
  std::thread thread;
  int cpu = -1;
  std::uint64_t received = 0;
  std::uint64_t answered = 0;
};

// The echo loop of one shard, until its socket is closed.
net::awaitable<void> echo(shard& s)
{
  std::array<char, 2048> buffer; // in the coroutine frame: no allocation per datagram
  for (;;)
  {
    udp::endpoint client;
    asio_ipv4::control_message request;
    auto [ec, n] = co_await s.socket.async_receive_from(net::buffer(buffer), client, request, use_tuple);
    if (ec == net::error::operation_aborted)
      co_return; // closed: shutting down
    if (ec && ec != net::error::message_size)
    {
      std::cerr << "shard " << s.index << ": receive: " << ec.message() << std::endl;
      continue;
    }
    ++s.received;

    // Answer from the address the request reached (see the top of the file).
    asio_ipv4::control_message reply;
    reply.local = request.local;
    auto [send_ec, sent] = co_await s.socket.async_send_to(net::buffer(buffer.data(), n), client, reply, use_tuple);
    if (!send_ec && sent == n)
      ++s.answered;
  }
}

// Runs the calling thread on `cpu` only; returns the CPU it then runs on,
// or -1 (not Linux, or that CPU is not allowed here: the thread runs
// unpinned and the kernel's scheduler decides).
int pin_to_cpu(unsigned cpu)
{
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set) == 0)
    return ::sched_getcpu();
#else
  (void)cpu;
#endif
  return -1;
}

// The steering program: the number of the CPU handling the datagram,
// modulo the number of shards (BPF_MOD: Linux 3.7), is the index of the
// socket that gets it. Sockets of a group are numbered in the order they
// were bound, which is the shards' order here.
asio_ipv4::reuse_port_steering steer_by_cpu(unsigned shards)
{
#if defined(__linux__)
  return asio_ipv4::reuse_port_steering({
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, std::uint32_t(SKF_AD_OFF + SKF_AD_CPU)), // A = current CPU
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, shards),                               // A %= shards
      BPF_STMT(BPF_RET | BPF_A, 0),                                              // socket index A
  });
#else
  (void)shards;
  return asio_ipv4::reuse_port_steering({}); // no classic BPF here: set_option refuses it
#endif
}

int usage(const char* program)
{
  std::cerr << "Usage: " << program << " <port> [--shards N] [--steer hash|cpu]\n"
            << "Example:\n"
            << "    " << program << " 5000 --steer cpu\n";
  return EXIT_FAILURE;
}

int main(int argc, char* argv[])
{
  if (argc < 2)
    return usage(argv[0]);
  char* end = nullptr;
  const unsigned long port = std::strtoul(argv[1], &end, 10);
  if (*end != '\0' || port == 0 || port > 65535)
  {
    std::cerr << "not a port: " << argv[1] << "\n";
    return EXIT_FAILURE;
  }
  unsigned count = std::max(1u, std::thread::hardware_concurrency());
  bool by_cpu = false;
  for (int i = 2; i < argc; ++i)
  {
    const std::string_view arg = argv[i];
    if (arg == "--shards" && i + 1 < argc)
    {
      count = static_cast<unsigned>(std::strtoul(argv[++i], &end, 10));
      if (*end != '\0' || count == 0 || count > 1024)
      {
        std::cerr << "not a number of shards: " << argv[i] << "\n";
        return EXIT_FAILURE;
      }
    }
    else if (arg == "--steer" && i + 1 < argc && (std::string_view(argv[i + 1]) == "hash"
                                                      || std::string_view(argv[i + 1]) == "cpu"))
      by_cpu = std::string_view(argv[++i]) == "cpu";
    else
      return usage(argv[0]);
  }

  try
  {
    // 1. Open and bind the sockets, in shard order: that order numbers them
    //    in the kernel's group. reuse_port must be on before bind, on every
    //    socket of the group; another program binding the port without it
    //    is refused (EADDRINUSE), so no stranger can take a share.
    std::list<shard> shards; // a list: a shard never moves
    const udp::endpoint local(udp::v4(), static_cast<unsigned short>(port));
    for (unsigned i = 0; i < count; ++i)
    {
      shard& s = shards.emplace_back(i);
      udp::socket& socket = s.socket.next_layer();
      socket.open(udp::v4());
      socket.set_option(asio_ipv4::reuse_port(true));
      if (by_cpu)
      {
        // Also tell the kernel which CPU this socket belongs to. Since Linux
        // 6.2 a group without a program prefers this socket for datagrams
        // handled on that CPU; with the program below, the program decides.
        boost::system::error_code ec;
        socket.set_option(asio_ipv4::incoming_cpu(static_cast<int>(i)), ec);
      }
      // IP_PKTINFO: each receive reports control_message::local.
      socket.set_option(asio_ipv4::ip4::receive_packet_info(true));
      socket.bind(local);
    }

    // 2. The steering program: set once, on any socket of the group, after
    //    it was bound; it serves the whole group.
    if (by_cpu)
      shards.front().socket.next_layer().set_option(steer_by_cpu(count));

    // 3. One thread per shard, pinned to its CPU, running that shard's
    //    io_context and nothing else.
    for (shard& s : shards)
    {
      net::co_spawn(s.ctx, echo(s), [](std::exception_ptr e) {
        if (e)
          std::rethrow_exception(e);
      });
      s.thread = std::thread([&s] {
        s.cpu = pin_to_cpu(s.index);
        try
        {
          s.ctx.run();
        }
        catch (const std::exception& e)
        {
          std::cerr << "shard " << s.index << ": " << e.what() << std::endl;
        }
      });
    }
    std::cout << "listening on " << local << " with " << count << " shards, steering by "
              << (by_cpu ? "CPU" : "hash") << std::endl;

    // 4. Wait for SIGINT or SIGTERM, then close every socket from its own
    //    thread (a socket belongs to its shard's io_context): the pending
    //    receive completes with operation_aborted, echo() returns, run()
    //    runs out of work and the thread ends.
    net::io_context main_ctx;
    net::signal_set signals(main_ctx, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
      for (shard& s : shards)
        net::post(s.ctx, [&s] { s.socket.next_layer().close(); });
    });
    main_ctx.run();

    std::uint64_t received = 0, answered = 0;
    for (shard& s : shards)
    {
      s.thread.join();
      std::cout << "shard " << s.index << " on CPU ";
      if (s.cpu >= 0)
        std::cout << s.cpu;
      else
        std::cout << "any";
      std::cout << ": " << s.received << " received, " << s.answered << " answered\n";
      received += s.received;
      answered += s.answered;
    }
    std::cout << "total: " << received << " received, " << answered << " answered" << std::endl;
  }
  catch (const std::exception& e)
  {
    std::cerr << "error: " << e.what() << std::endl;
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
