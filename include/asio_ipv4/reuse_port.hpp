//
// asio_ipv4/reuse_port.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_REUSE_PORT_HPP
#define ASIO_IPV4_REUSE_PORT_HPP

// Sharding a port across sockets: reuse_port makes a group of sockets bound
// to one address and port, reuse_port_steering and incoming_cpu decide which
// of them receives a datagram.

#include <asio_ipv4/classic_bpf.hpp>
#include <asio_ipv4/detail/socket_option.hpp>

#include <climits>
#include <cstddef>
#include <utility>
#include <vector>

namespace asio_ipv4 {

/// Socket option letting several sockets bind the same address and port.
///
/// Implements SOL_SOCKET/SO_REUSEPORT. Set it on every socket before
/// @c bind: each socket of the group must have it, and (Linux) belong to the
/// same effective user; a socket without it cannot bind the port while the
/// group exists (EADDRINUSE).
///
/// Linux balances the datagrams of the group: each flow (source address and
/// port) goes to one socket, chosen by a hash, unless a reuse_port_steering
/// program or incoming_cpu chooses. The usual way a UDP server uses more
/// than one core: one socket, thread and io_context per core.
///
/// macOS, FreeBSD and the other BSDs: SO_REUSEPORT lets the sockets share the
/// port, but a unicast datagram reaches one of them only (multicast and
/// broadcast reach all): no load balancing. FreeBSD 12's SO_REUSEPORT_LB
/// balances like Linux; this option does not set it. Windows has no such
/// option: @c set_option and @c get_option fail without touching the socket
/// (SO_REUSEADDR is not used in its place: its meaning differs).
///
/// @par Example
/// @code
/// boost::asio::ip::udp::socket shard(ctx, boost::asio::ip::udp::v4());
/// shard.set_option(asio_ipv4::reuse_port(true));
/// shard.bind({boost::asio::ip::udp::v4(), 5353});
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class reuse_port : public detail::boolean_option<detail::os::so_reuseport>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option attaching a classic BPF program that picks the socket of a
/// reuse_port group.
///
/// Implements SOL_SOCKET/SO_ATTACH_REUSEPORT_CBPF (Linux 4.5). The program
/// runs on each datagram for the group and returns the index of the socket
/// that receives it: sockets are numbered 0, 1, ... in the order they were
/// bound. An index beyond the group falls back to the hash. Offset 0 of
/// the packet is the UDP payload; the ancillary loads of <linux/filter.h>
/// (<tt>SKF_AD_OFF + SKF_AD_CPU</tt>: the CPU handling the datagram,
/// <tt>SKF_AD_RXHASH</tt>...) reach the rest. Set it on one socket of the
/// group, after that socket's bind: it serves the whole group. The kernel
/// answers EINVAL on a socket bound without reuse_port.
///
/// The option owns its program, of @ref asio_ipv4::sock_filter or of the
/// kernel's <tt>struct sock_filter</tt>, as @ref bpf_filter does; an empty
/// program or one above 4096 instructions makes @c set_option fail with
/// @c boost::asio::error::invalid_argument. Linux only: elsewhere
/// @c set_option fails without touching the socket.
///
/// @par Example
/// @code
/// // Each datagram to the socket whose index is the CPU that received it
/// // (the kernel's reuseport_bpf_cpu selftest does the same).
/// shard0.set_option(asio_ipv4::reuse_port_steering({
///     BPF_STMT(BPF_LD | BPF_W | BPF_ABS, std::uint32_t(SKF_AD_OFF + SKF_AD_CPU)),
///     BPF_STMT(BPF_RET | BPF_A, 0)}));
/// @endcode
///
/// @par Concepts
/// SettableSocketOption.
class reuse_port_steering : public detail::bpf_program_option<detail::os::so_attach_reuseport_cbpf>
{
public:
  /// Takes ownership of a classic BPF program returning a socket index.
  explicit reuse_port_steering(std::vector<sock_filter> program) noexcept : bpf_program_option(std::move(program))
  {
  }

  /// Copies a program of the kernel's <tt>struct sock_filter</tt> (built
  /// with <linux/filter.h>).
  template <class Instruction, class = detail::if_foreign_bpf_instruction<Instruction>>
  explicit reuse_port_steering(const std::vector<Instruction>& program)
    : bpf_program_option(detail::copy_bpf_program(program.data(), program.size()))
  {
  }

  /// Copies a program from an array of instructions.
  template <class Instruction, std::size_t N, class = detail::if_bpf_instruction<Instruction>>
  explicit reuse_port_steering(const Instruction (&program)[N])
    : bpf_program_option(detail::copy_bpf_program(program, N))
  {
  }
};

/// Socket option removing the steering program of a reuse_port group.
///
/// Implements SOL_SOCKET/SO_DETACH_REUSEPORT_BPF (Linux 5.8): the group goes
/// back to choosing by hash. ENOENT when the group has no program, EINVAL on
/// a socket bound without reuse_port. Linux only.
///
/// @par Concepts
/// SettableSocketOption.
class detach_reuse_port_steering : public detail::bpf_detach_option<detail::os::so_detach_reuseport_bpf>
{
public:
  /// Constructs the option.
  detach_reuse_port_steering() noexcept = default;
};

/// Socket option for the CPU a socket is associated with.
///
/// Implements SOL_SOCKET/SO_INCOMING_CPU (Linux 3.19). Get: the CPU that
/// last processed a datagram for the socket, as the kernel records it for
/// connected UDP sockets (and TCP); -1 when none did. Set: associate the
/// socket with a CPU; since Linux 6.2 a reuse_port group without a steering
/// program then prefers, for a datagram, the socket whose CPU is the one
/// processing it. Values are -1 (none) and CPU numbers 0 and up; other
/// negative values make @c set_option fail with
/// @c boost::asio::error::invalid_argument. Linux only.
///
/// @par Example
/// @code
/// shard.set_option(asio_ipv4::incoming_cpu(cpu));   // before bind
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class incoming_cpu : public detail::ranged_option<detail::os::so_incoming_cpu, -1, INT_MAX>
{
public:
  using ranged_option::ranged_option;
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_REUSE_PORT_HPP
