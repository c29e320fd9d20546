//
// asio_ipv4/socket_options.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_SOCKET_OPTIONS_HPP
#define ASIO_IPV4_SOCKET_OPTIONS_HPP

#include <asio_ipv4/detail/socket_option.hpp>

#include <linux/filter.h>
#include <netinet/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <utility>
#include <vector>

#ifndef UDP_SEGMENT
# define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
# define UDP_GRO 104
#endif

namespace asio_ipv4 {

/// Socket option attaching a classic BPF program that filters received packets.
///
/// Implements SOL_SOCKET/SO_ATTACH_FILTER. The option owns its program (a
/// @c std::vector<sock_filter>); the kernel copies it when the option is set.
/// A program is run on each packet before it is queued: its return value is
/// the number of bytes to keep, 0 drops the packet. An empty program or one
/// above BPF_MAXINSNS (4096) instructions makes @c set_option fail with
/// @c boost::asio::error::invalid_argument; the kernel's verifier rejects
/// other malformed programs with EINVAL.
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
class bpf_filter
{
public:
  /// Takes ownership of a classic BPF program.
  explicit bpf_filter(std::vector<sock_filter> program) noexcept : program_(std::move(program)) {}

  /// Returns the program.
  const std::vector<sock_filter>& program() const noexcept { return program_; }

  /// True when the program's size is acceptable to the kernel.
  bool valid() const noexcept { return !program_.empty() && program_.size() <= BPF_MAXINSNS; }

  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return valid() ? SOL_SOCKET : detail::invalid_option_level; }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return valid() ? SO_ATTACH_FILTER : detail::invalid_option_name; }

  /// Returns a pointer to the struct sock_fprog describing the program.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    // Built on demand so that copies of the option point at their own program.
    fprog_.len = static_cast<unsigned short>(program_.size());
    fprog_.filter = const_cast<sock_filter*>(program_.data());
    return &fprog_;
  }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept { return sizeof(fprog_); }

private:
  std::vector<sock_filter> program_;
  mutable sock_fprog fprog_{};
};

/// Socket option removing the socket's BPF filter.
///
/// Implements SOL_SOCKET/SO_DETACH_FILTER (ENOENT when none is attached).
///
/// @par Concepts
/// SettableSocketOption.
class detach_bpf_filter
{
public:
  /// Returns the level of the option.
  template <class Protocol>
  int level(const Protocol&) const noexcept { return SOL_SOCKET; }

  /// Returns the name of the option.
  template <class Protocol>
  int name(const Protocol&) const noexcept { return SO_DETACH_FILTER; }

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
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class udp_gro : public detail::boolean_option<SOL_UDP, UDP_GRO>
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
/// @par Concepts
/// GettableSocketOption, SettableSocketOption.
class udp_segment : public detail::ranged_option<SOL_UDP, UDP_SEGMENT, 0, 65535>
{
public:
  using ranged_option::ranged_option;
};

} // namespace asio_ipv4

#endif // ASIO_IPV4_SOCKET_OPTIONS_HPP
