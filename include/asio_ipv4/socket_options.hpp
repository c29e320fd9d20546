//
// asio_ipv4/socket_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_SOCKET_OPTIONS_HPP
#define ASIO_IPV4_SOCKET_OPTIONS_HPP

#include <asio_ipv4/detail/socket_option.hpp>
#include <asio_ipv4/timestamping.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace asio_ipv4 {

/// One instruction of a classic BPF program.
///
/// Laid out as the kernel's struct sock_filter (<linux/filter.h>), so the
/// BPF_STMT and BPF_JUMP macros of that header fill it with braces:
/// @code
/// asio_ipv4::sock_filter ret = BPF_STMT(BPF_RET | BPF_K, 0xffff);
/// @endcode
struct sock_filter
{
  std::uint16_t code; ///< The operation.
  std::uint8_t jt;    ///< Jump offset if true.
  std::uint8_t jf;    ///< Jump offset if false.
  std::uint32_t k;    ///< The generic field.
};

namespace detail {

// struct sock_fprog: the program's length and address.
struct sock_fprog
{
  unsigned short len;
  const asio_ipv4::sock_filter* filter;
};

// BPF_MAXINSNS of <linux/bpf_common.h>.
constexpr std::size_t bpf_max_instructions = 4096;

} // namespace detail

/// Socket option attaching a classic BPF program that filters received packets.
///
/// Implements SOL_SOCKET/SO_ATTACH_FILTER. The option owns its program (a
/// @c std::vector<sock_filter>); the kernel copies it when the option is set.
/// A program is run on each packet before it is queued: its return value is
/// the number of bytes to keep, 0 drops the packet. An empty program or one
/// above BPF_MAXINSNS (4096) instructions makes @c set_option fail with
/// @c boost::asio::error::invalid_argument; the kernel's verifier rejects
/// other malformed programs with EINVAL. Linux only: elsewhere
/// @c set_option fails with operation_not_supported.
///
/// The instructions are @ref asio_ipv4::sock_filter, laid out as the
/// kernel's; include <linux/filter.h> for the BPF_STMT and BPF_JUMP macros.
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
/// @endcode
///
/// @par Concepts
/// SettableSocketOption.
class bpf_filter : detail::option_guard
{
public:
  /// Takes ownership of a classic BPF program.
  explicit bpf_filter(std::vector<sock_filter> program) noexcept
    : option_guard(state_of(detail::os::so_attach_filter,
          !program.empty() && program.size() <= detail::bpf_max_instructions)),
      program_(std::move(program))
  {
  }

  /// Returns the program.
  const std::vector<sock_filter>& program() const noexcept { return program_; }

  /// True when the program's size is acceptable to the kernel.
  bool valid() const noexcept { return !program_.empty() && program_.size() <= detail::bpf_max_instructions; }

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return level_to_set(detail::os::so_attach_filter.level); }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return name_to_set(detail::os::so_attach_filter.name); }

  /// Returns a pointer to the struct sock_fprog describing the program.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    // Built on demand so that copies of the option point at their own program.
    fprog_.len = static_cast<unsigned short>(program_.size());
    fprog_.filter = program_.data();
    return &fprog_;
  }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return sizeof(fprog_); }

private:
  std::vector<sock_filter> program_;
  mutable detail::sock_fprog fprog_{};
};

/// Socket option removing the socket's BPF filter.
///
/// Implements SOL_SOCKET/SO_DETACH_FILTER (ENOENT when none is attached).
///
/// @par Concepts
/// SettableSocketOption.
class detach_bpf_filter : detail::option_guard
{
public:
  /// Constructs the option.
  detach_bpf_filter() noexcept : option_guard(state_of(detail::os::so_detach_filter, true)) {}

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return level_to_set(detail::os::so_detach_filter.level); }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return name_to_set(detail::os::so_detach_filter.name); }

  /// Returns a pointer to the (ignored) option data.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept { return &dummy_; }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return sizeof(dummy_); }

private:
  int dummy_ = 0;
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
