//
// asio_ipv4/socket_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_SOCKET_OPTIONS_HPP
#define ASIO_IPV4_SOCKET_OPTIONS_HPP

#include <asio_ipv4/classic_bpf.hpp>
#include <asio_ipv4/detail/socket_option.hpp>
#include <asio_ipv4/device_options.hpp>
#include <asio_ipv4/reuse_port.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace asio_ipv4 {

/// Socket option attaching a classic BPF program that filters received packets.
///
/// Implements SOL_SOCKET/SO_ATTACH_FILTER. The option owns its program; the
/// kernel copies it when the option is set. A program is run on each packet
/// before it is queued: its return value is the number of bytes to keep, 0
/// drops the packet. An empty program or one above BPF_MAXINSNS (4096)
/// instructions makes @c set_option fail with
/// @c boost::asio::error::invalid_argument; the kernel's verifier rejects
/// other malformed programs with EINVAL. Linux only: elsewhere
/// @c set_option fails with operation_not_supported.
///
/// The instructions are @ref asio_ipv4::sock_filter or the kernel's own
/// <tt>struct sock_filter</tt> (same layout); include <linux/filter.h> for
/// the BPF_STMT and BPF_JUMP macros.
///
/// @par Example
/// @code
/// // Keep only UDP datagrams whose payload is 8 bytes (UDP length 16).
/// asio_ipv4::bpf_filter f({
///     BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),            // udp length
///     BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 1),
///     BPF_STMT(BPF_RET | BPF_K, 0xffff),
///     BPF_STMT(BPF_RET | BPF_K, 0)});
/// socket.set_option(f);
///
/// // A program from `tcpdump -dd udp`, in the kernel's type.
/// struct sock_filter code[] = {
///     {0x28, 0, 0, 0x0000000c}, // ...as tcpdump printed it
///     {0x6, 0, 0, 0x00040000}};
/// socket.set_option(asio_ipv4::bpf_filter(code));
/// @endcode
///
/// @par Concepts
/// SettableSocketOption.
class bpf_filter : public detail::bpf_program_option<detail::os::so_attach_filter>
{
public:
  /// Takes ownership of a classic BPF program.
  explicit bpf_filter(std::vector<sock_filter> program) noexcept : bpf_program_option(std::move(program)) {}

  /// Copies a program of the kernel's <tt>struct sock_filter</tt> (built
  /// with <linux/filter.h>).
  template <class Instruction, class = detail::if_foreign_bpf_instruction<Instruction>>
  explicit bpf_filter(const std::vector<Instruction>& program)
    : bpf_program_option(detail::copy_bpf_program(program.data(), program.size()))
  {
  }

  /// Copies a program from an array of instructions (the form
  /// <tt>tcpdump -dd</tt> prints).
  template <class Instruction, std::size_t N, class = detail::if_bpf_instruction<Instruction>>
  explicit bpf_filter(const Instruction (&program)[N]) : bpf_program_option(detail::copy_bpf_program(program, N))
  {
  }
};

/// Socket option removing the socket's BPF filter.
///
/// Implements SOL_SOCKET/SO_DETACH_FILTER (ENOENT when none is attached).
///
/// @par Concepts
/// SettableSocketOption.
class detach_bpf_filter : public detail::bpf_detach_option<detail::os::so_detach_filter>
{
public:
  /// Constructs the option.
  detach_bpf_filter() noexcept = default;
};

/// Socket option for UDP generic receive offload.
///
/// Implements SOL_UDP/UDP_GRO (Linux 5.0): the kernel may hand several
/// datagrams of one flow as one buffer of equal-sized segments (the last may
/// be shorter); a cmsg_socket receive reports the segment size in
/// @c control_message::segment_size. Receive into buffers of at least 64 KiB,
/// or coalesced data is truncated.
///
/// Linux only: elsewhere @c set_option and @c get_option fail with
/// operation_not_supported.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class udp_gro : public detail::boolean_option<detail::os::udp_gro>
{
public:
  using boolean_option::boolean_option;
};

/// Socket option for UDP generic segmentation offload.
///
/// Implements SOL_UDP/UDP_SEGMENT (Linux 4.18): each send of a larger buffer
/// leaves as datagrams of this many payload bytes (the last may be shorter).
/// 0 turns it off. Valid values are 0..65535; a single send may carry at most
/// UDP_MAX_SEGMENTS segments (128 on current kernels, 64 on older ones)
/// and the segment must fit the path MTU (EMSGSIZE otherwise). Per-send control: @c control_message::segment_size.
///
/// Linux only: elsewhere @c set_option and @c get_option fail with
/// operation_not_supported.
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class udp_segment : public detail::ranged_option<detail::os::udp_segment, 0, 65535>
{
public:
  using ranged_option::ranged_option;
};

/// Socket option counting the datagrams the kernel dropped on this socket.
///
/// Implements the Linux SOL_SOCKET/SO_RXQ_OVFL socket option: each datagram a
/// cmsg_socket receives then reports in @c control_message::dropped how many
/// datagrams the socket has dropped so far because its receive buffer was
/// full (a running 32-bit count; the difference between two receives is what
/// was lost in between). Linux only: elsewhere @c set_option and
/// @c get_option fail with operation_not_supported.
///
/// @par Example
/// @code
/// socket.next_layer().set_option(asio_ipv4::receive_drop_count(true));
/// @endcode
///
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class receive_drop_count : public detail::boolean_option<detail::os::so_rxq_ovfl>
{
public:
  using boolean_option::boolean_option;
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_SOCKET_OPTIONS_HPP
