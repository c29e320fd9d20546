//
// asio_ipv4/classic_bpf.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef ASIO_IPV4_CLASSIC_BPF_HPP
#define ASIO_IPV4_CLASSIC_BPF_HPP

// Classic BPF programs as socket options take them: the instruction type, and
// the one option base that owns a program and hands the kernel its struct
// sock_fprog (bpf_filter, reuse_port_steering).

#include <asio_ipv4/detail/socket_option.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
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
/// The options that take a program (bpf_filter, reuse_port_steering) also
/// take the kernel's own <tt>struct sock_filter</tt>, as a
/// <tt>std::vector<::sock_filter></tt> or a C array such as the one
/// <tt>tcpdump -dd</tt> prints.
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

// True for a type with the members of struct sock_filter, each of the
// kernel's width and unsigned, and nothing else (its size): the kernel's
// ::sock_filter of <linux/filter.h>, or any struct written the same way.
// src/linux/host_checks.cpp checks that the kernel's is one.
template <class T, class = void>
struct is_bpf_instruction : std::false_type
{
};

template <class T>
struct is_bpf_instruction<T, std::void_t<decltype(T::code), decltype(T::jt), decltype(T::jf), decltype(T::k)>>
  : std::bool_constant<std::is_trivially_copyable<T>::value && std::is_standard_layout<T>::value
        && sizeof(T) == sizeof(asio_ipv4::sock_filter) && std::is_unsigned<decltype(T::code)>::value
        && sizeof(T::code) == 2 && std::is_unsigned<decltype(T::jt)>::value && sizeof(T::jt) == 1
        && std::is_unsigned<decltype(T::jf)>::value && sizeof(T::jf) == 1
        && std::is_unsigned<decltype(T::k)>::value && sizeof(T::k) == 4>
{
};

// An instruction type other than the library's own, accepted by copying.
template <class T>
using if_foreign_bpf_instruction
    = std::enable_if_t<is_bpf_instruction<T>::value && !std::is_same<T, asio_ipv4::sock_filter>::value>;

template <class T>
using if_bpf_instruction = std::enable_if_t<is_bpf_instruction<T>::value>;

// The program as asio_ipv4::sock_filter, copied field by field (no cast
// between the two types, whose layouts are the same).
template <class Instruction>
std::vector<asio_ipv4::sock_filter> copy_bpf_program(const Instruction* first, std::size_t count)
{
  static_assert(offsetof(Instruction, code) == 0 && offsetof(Instruction, jt) == 2
          && offsetof(Instruction, jf) == 3 && offsetof(Instruction, k) == 4,
      "laid out as struct sock_filter");
  std::vector<asio_ipv4::sock_filter> program;
  program.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    program.push_back(asio_ipv4::sock_filter{first[i].code, first[i].jt, first[i].jf, first[i].k});
  return program;
}

// The one base of the options that attach a classic BPF program: it owns the
// program and hands the kernel a struct sock_fprog describing it. A program
// that is empty or longer than BPF_MAXINSNS is refused before the kernel.
template <const option_name& Name>
class bpf_program_option : public named_option<Name>
{
public:
  /// Returns the program.
  const std::vector<asio_ipv4::sock_filter>& program() const noexcept { return program_; }

  /// True when the program's size is acceptable to the kernel (1 to 4096
  /// instructions).
  bool valid() const noexcept { return sized(program_); }

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
  std::size_t size(const Protocol&) const noexcept
  {
    return sizeof(fprog_);
  }

protected:
  explicit bpf_program_option(std::vector<asio_ipv4::sock_filter> program) noexcept
    : named_option<Name>(sized(program)), program_(std::move(program))
  {
  }

private:
  static bool sized(const std::vector<asio_ipv4::sock_filter>& p) noexcept
  {
    return !p.empty() && p.size() <= bpf_max_instructions;
  }

  std::vector<asio_ipv4::sock_filter> program_;
  mutable sock_fprog fprog_{};
};

// The options that detach a program: no value (the kernel ignores the int
// it is given).
template <const option_name& Name>
class bpf_detach_option : public named_option<Name>
{
public:
  /// Returns a pointer to the (ignored) option data.
  template <class Protocol>
  const void* data(const Protocol&) const noexcept
  {
    return &dummy_;
  }

  /// Returns the size of the option data.
  template <class Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return sizeof(dummy_);
  }

protected:
  bpf_detach_option() noexcept : named_option<Name>(true) {}

private:
  int dummy_ = 0;
};

} // namespace detail
} // namespace asio_ipv4

#endif // ASIO_IPV4_CLASSIC_BPF_HPP
