// libFuzzer target: detail::decode_control on arbitrary bytes, read with
// every platform's layout (detail::all_cmsg_layouts: Linux 64/32-bit,
// FreeBSD, macOS, QNX, Windows).
//
// The input is copied into an exactly-sized heap buffer (aligned for
// cmsghdr by operator new) and, once more, one byte past an aligned start,
// since the decoder must cope with unaligned data too. Each copy is decoded
// as an ordinary receive and as one flagged MSG_CTRUNC. Under ASan any read
// outside the copy is reported; the result codes are checked against the
// contract in cmsg_codec.hpp.
//
// Seeds: test/fuzz/corpus/decode_control/ (hand-made control buffers).

#include <asio_ipv4/detail/cmsg_codec.hpp>
#include <asio_ipv4/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace {

void decode_both_ways(const unsigned char* data, std::size_t size)
{
  const boost::system::error_code truncated = asio_ipv4::error::control_truncated;
  const boost::system::error_code malformed = asio_ipv4::error::malformed_control;

  for (const asio_ipv4::detail::cmsg_layout* layout : asio_ipv4::detail::all_cmsg_layouts)
  {
    asio_ipv4::control_message m;
    boost::system::error_code ec = asio_ipv4::detail::decode_control(*layout, data, size, false, m);
    if (ec && ec != malformed)
      __builtin_trap(); // only success or malformed_control without MSG_CTRUNC

    ec = asio_ipv4::detail::decode_control(*layout, data, size, true, m);
    if (ec != truncated)
      __builtin_trap(); // MSG_CTRUNC is always reported
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::unique_ptr<unsigned char[]> aligned(new unsigned char[size]);
  if (size != 0)
    std::memcpy(aligned.get(), data, size);
  decode_both_ways(aligned.get(), size);

  std::unique_ptr<unsigned char[]> shifted(new unsigned char[size + 1]);
  if (size != 0)
    std::memcpy(shifted.get() + 1, data, size);
  decode_both_ways(shifted.get() + 1, size);
  return 0;
}
