// The sans-io cores (include/asio_ipv4/detail/core/), run by hand without a
// socket: the test is the driver. It calls prepare(), checks the frame the
// core filled (every msghdr field, byte by byte), plays the kernel (writes
// what a recvmsg would, sets msg_len, msg_namelen, msg_flags, answers
// would_block or an errno), calls complete() and checks what the core
// decided: the next action, the result, the slots and the progress.
//
// Oracles: the bytes the test placed in the user's buffers and in the
// frame; control messages the test wrote itself from the layout's numbers
// (the codec is tested byte by byte in cmsg_codec_test and
// cmsg_layout_test); for sends, what encode_control makes of the same
// control_message.

#include <asio_ipv4/detail/core/error_receive.hpp>
#include <asio_ipv4/detail/core/error_store.hpp>
#include <asio_ipv4/detail/core/frame.hpp>
#include <asio_ipv4/detail/core/gso.hpp>
#include <asio_ipv4/detail/core/receive.hpp>
#include <asio_ipv4/detail/core/receive_batch.hpp>
#include <asio_ipv4/detail/core/send.hpp>
#include <asio_ipv4/detail/core/send_batch.hpp>
#include <asio_ipv4/error.hpp>
#include <asio_ipv4/message.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace core = asio_ipv4::detail::core;
using asio_ipv4::control_message;
using boost::system::error_code;
using net::ip::udp;
using core::next_action;
using rx_message = asio_ipv4::message<udp::endpoint>;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;
#if defined(ASIO_IPV4_PLATFORM_WINDOWS)
// Windows has no msghdr or iovec: the cores use the library's own
// (detail/win/msghdr.hpp).
using asio_ipv4::detail::iovec;
using asio_ipv4::detail::msghdr;
#endif

// A source address: a per-datagram control field every platform sends
// (IP_PKTINFO, IP_SENDSRCADDR, Windows' IN_PKTINFO; a TTL is refused on
// Windows and the BSDs, a TOS with DSCP bits on Windows).
const net::ip::address_v4 source_address = net::ip::make_address_v4("127.0.0.2");

const error_code would_block = net::error::would_block;
const error_code refused = net::error::connection_refused;
const error_code aborted = net::error::operation_aborted;
error_code errno_code(int e) { return error_code(e, boost::system::system_category()); }

const char* name(next_action a)
{
  return a == next_action::call ? "call" : a == next_action::wait ? "wait" : "done";
}

#define CHECK_ACTION(got, expected) BOOST_TEST(name(got) == name(expected))

// A control buffer holding one TTL message as the host's layout writes it
// (cmsg_len, cmsg_level, cmsg_type, data at CMSG_LEN(0)): the kernel's part.
std::size_t put_ttl(unsigned char* buffer, std::uint8_t ttl)
{
  const asio_ipv4::detail::cmsg_layout& layout = asio_ipv4::detail::os::host_cmsg_layout;
  for (const auto& e : layout.receive)
  {
    if (e.kind != asio_ipv4::detail::cmsg_kind::ttl_int && e.kind != asio_ipv4::detail::cmsg_kind::ttl_byte)
      continue;
    const std::size_t data = e.kind == asio_ipv4::detail::cmsg_kind::ttl_int ? 4 : 1;
    std::memset(buffer, 0, layout.space(data));
    const std::uint64_t length = layout.length(data);
    if (layout.length_size == 8)
      std::memcpy(buffer, &length, 8);
    else
    {
      const std::uint32_t short_length = static_cast<std::uint32_t>(length);
      std::memcpy(buffer, &short_length, 4);
    }
    std::memcpy(buffer + layout.length_size, &e.level, 4);
    std::memcpy(buffer + layout.length_size + 4, &e.type, 4);
    const int value = ttl;
    if (data == 4)
      std::memcpy(buffer + layout.data_offset(), &value, 4);
    else
      buffer[layout.data_offset()] = ttl;
    return layout.space(data);
  }
  BOOST_FAIL("the host layout receives no TTL");
  return 0;
}

// The kernel's part of a receive into message `i` of a frame: `payload`
// copied into its iovecs (cut to fit), the sender's address, a TTL message
// and the flags.
template <class Frame>
std::size_t kernel_receive(Frame& f, std::size_t i, const std::string& payload, const udp::endpoint& from,
    std::uint8_t ttl, int flags = 0)
{
  msghdr& m = f.messages[i].msg_hdr;
  std::size_t copied = 0;
  for (std::size_t v = 0; v < static_cast<std::size_t>(m.msg_iovlen) && copied < payload.size(); ++v)
  {
    const std::size_t take = std::min<std::size_t>(m.msg_iov[v].iov_len, payload.size() - copied);
    std::memcpy(m.msg_iov[v].iov_base, payload.data() + copied, take);
    copied += take;
  }
  if (copied < payload.size())
    flags |= MSG_TRUNC;
  if (m.msg_name)
  {
    BOOST_TEST_REQUIRE(static_cast<std::size_t>(m.msg_namelen) >= from.size());
    std::memcpy(m.msg_name, from.data(), from.size());
    m.msg_namelen = static_cast<decltype(m.msg_namelen)>(from.size());
  }
  if (m.msg_control)
    m.msg_controllen = static_cast<decltype(m.msg_controllen)>(put_ttl(static_cast<unsigned char*>(m.msg_control), ttl));
  m.msg_flags = flags;
  f.messages[i].msg_len = static_cast<unsigned>(copied);
  return copied;
}

// The bytes the iovecs of header `m` describe, in order.
std::string bytes_of(const msghdr& m)
{
  std::string s;
  for (std::size_t v = 0; v < static_cast<std::size_t>(m.msg_iovlen); ++v)
    s.append(static_cast<const char*>(m.msg_iov[v].iov_base), m.msg_iov[v].iov_len);
  return s;
}

// The control bytes of header `m`.
std::string control_of(const msghdr& m)
{
  return m.msg_control ? std::string(static_cast<const char*>(m.msg_control), m.msg_controllen) : std::string();
}

// What encode_control makes of `c` (the send side's oracle).
std::string encoded(const control_message& c)
{
  unsigned char bytes[asio_ipv4::detail::send_control_space];
  error_code ec;
  const std::size_t n = asio_ipv4::detail::encode_control(c, bytes, sizeof(bytes), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  return std::string(reinterpret_cast<const char*>(bytes), n);
}

std::string text(std::size_t n, char first = 'a')
{
  std::string s(n, ' ');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>(first + i % 26);
  return s;
}

const udp::endpoint peer(net::ip::make_address_v4("192.0.2.7"), 4242);
const udp::endpoint other(net::ip::make_address_v4("198.51.100.9"), 53);

} // namespace

BOOST_AUTO_TEST_SUITE(io_core_test)

// ---- receive ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(receive_prepares_one_recvmsg_into_the_buffers_sender_and_control)
{
  char a[3], b[5], c[8];
  std::array<net::mutable_buffer, 3> buffers{net::buffer(a), net::buffer(b), net::buffer(c)};
  udp::endpoint sender;
  control_message control;
  control.ttl = 1; // cleared when the operation starts
  core::receive_core<std::array<net::mutable_buffer, 3>, udp::endpoint> rx(buffers, &sender, control);
  BOOST_TEST(!control.ttl.has_value());
  core::receive_core<std::array<net::mutable_buffer, 3>, udp::endpoint>::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::receive));
  BOOST_TEST(call.count == 1u);
  BOOST_TEST(!call.error_queue);
  const msghdr& m = f.messages[0].msg_hdr;
  BOOST_TEST_REQUIRE(static_cast<std::size_t>(m.msg_iovlen) == 3u);
  BOOST_TEST(m.msg_iov[0].iov_base == static_cast<void*>(a));
  BOOST_TEST(m.msg_iov[0].iov_len == 3u);
  BOOST_TEST(m.msg_iov[1].iov_base == static_cast<void*>(b));
  BOOST_TEST(m.msg_iov[2].iov_len == 8u);
  BOOST_TEST(m.msg_name == static_cast<void*>(sender.data()));
  BOOST_TEST(static_cast<std::size_t>(m.msg_namelen) == sender.capacity());
  BOOST_TEST(m.msg_control == static_cast<void*>(f.control[0].bytes));
  BOOST_TEST(static_cast<std::size_t>(m.msg_controllen) == asio_ipv4::detail::receive_control_space);
  BOOST_TEST(m.msg_flags == 0);

  // The kernel: 12 bytes from `peer`, TTL 9.
  const std::size_t n = kernel_receive(f, 0, "hello, world", peer, 9);
  CHECK_ACTION(rx.complete(f, call, {}, n), next_action::done);
  BOOST_TEST(!rx.result().ec, rx.result().ec.message());
  BOOST_TEST(rx.result().n == 12u);
  BOOST_TEST(std::string(a, 3) + std::string(b, 5) + std::string(c, 4) == "hello, world");
  BOOST_TEST(sender == peer);
  BOOST_TEST(control.ttl.value_or(0) == 9);
}

BOOST_AUTO_TEST_CASE(receive_without_sender_passes_no_name)
{
  char a[4];
  control_message control;
  core::receive_core<net::mutable_buffer, udp::endpoint> rx(net::buffer(a), nullptr, control);
  core::receive_core<net::mutable_buffer, udp::endpoint>::frame_type<1> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(f.messages[0].msg_hdr.msg_name == nullptr);
  BOOST_TEST(f.messages[0].msg_hdr.msg_namelen == 0);
  const std::size_t n = kernel_receive(f, 0, "abcd", peer, 1);
  CHECK_ACTION(rx.complete(f, call, {}, n), next_action::done);
  BOOST_TEST(rx.result().n == 4u);
}

BOOST_AUTO_TEST_CASE(receive_refuses_more_buffers_than_an_iovec_array_holds)
{
  char byte;
  std::vector<net::mutable_buffer> many(core::max_iov + 1, net::buffer(&byte, 1));
  control_message control;
  core::receive_core<std::vector<net::mutable_buffer>, udp::endpoint> rx(many, nullptr, control);
  core::receive_core<std::vector<net::mutable_buffer>, udp::endpoint>::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::done);
  BOOST_TEST(rx.result().ec == net::error::invalid_argument, rx.result().ec.message());
  // Exactly max_iov is fine.
  many.pop_back();
  core::receive_core<std::vector<net::mutable_buffer>, udp::endpoint> fits(many, nullptr, control);
  CHECK_ACTION(fits.prepare(f, call), next_action::call);
  BOOST_TEST(static_cast<std::size_t>(f.messages[0].msg_hdr.msg_iovlen) == core::max_iov);
}

BOOST_AUTO_TEST_CASE(receive_waits_on_would_block_then_calls_again)
{
  char a[8];
  udp::endpoint sender;
  control_message control;
  core::receive_core<net::mutable_buffer, udp::endpoint> rx(net::buffer(a), &sender, control);
  core::receive_core<net::mutable_buffer, udp::endpoint>::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  CHECK_ACTION(rx.complete(f, call, would_block, 0), next_action::wait);
  BOOST_TEST(!rx.started()); // every cancellation type stays possible
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  const std::size_t n = kernel_receive(f, 0, "x", other, 3);
  CHECK_ACTION(rx.complete(f, call, {}, n), next_action::done);
  BOOST_TEST(rx.result().n == 1u);
  BOOST_TEST(sender == other);
}

BOOST_AUTO_TEST_CASE(receive_reports_truncation_data_over_control)
{
  struct
  {
    int flags;
    std::size_t payload;
    error_code expected;
  } cases[] = {
      {0, 4, {}},
      {MSG_CTRUNC, 4, asio_ipv4::error::control_truncated},
      {0, 9, net::error::message_size},                        // MSG_TRUNC set by the "kernel"
      {MSG_CTRUNC, 9, net::error::message_size},               // both: message_size wins
  };
  for (const auto& c : cases)
  {
    char a[4];
    udp::endpoint sender;
    control_message control;
    core::receive_core<net::mutable_buffer, udp::endpoint> rx(net::buffer(a), &sender, control);
    core::receive_core<net::mutable_buffer, udp::endpoint>::frame_type<1> f;
    core::call call;
    rx.prepare(f, call);
    const std::size_t n = kernel_receive(f, 0, text(c.payload), peer, 7, c.flags);
    CHECK_ACTION(rx.complete(f, call, {}, n), next_action::done);
    BOOST_TEST(rx.result().ec == c.expected, rx.result().ec.message() << " for flags " << c.flags);
    BOOST_TEST(rx.result().n == 4u); // what was stored
    BOOST_TEST(std::string(a, 4) == "abcd");
    BOOST_TEST(control.ttl.value_or(0) == 7); // what fit is decoded
  }
}

BOOST_AUTO_TEST_CASE(receive_errors_and_stops_report_no_bytes)
{
  char a[4];
  control_message control;
  core::receive_core<net::mutable_buffer, udp::endpoint> rx(net::buffer(a), nullptr, control);
  core::receive_core<net::mutable_buffer, udp::endpoint>::frame_type<1> f;
  core::call call;
  rx.prepare(f, call);
  CHECK_ACTION(rx.complete(f, call, refused, 0), next_action::done);
  BOOST_TEST(rx.result().ec == refused);
  BOOST_TEST(rx.result().n == 0u);
  core::receive_core<net::mutable_buffer, udp::endpoint> cancelled(net::buffer(a), nullptr, control);
  cancelled.prepare(f, call);
  cancelled.complete(f, call, would_block, 0);
  const core::outcome o = cancelled.stop(aborted);
  BOOST_TEST(o.ec == aborted);
  BOOST_TEST(o.n == 0u);
  BOOST_TEST(cancelled.result().ec == aborted);
}

// ---- send ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(send_prepares_one_sendmsg_with_name_and_encoded_control)
{
  const std::string head = "0123", tail = "456789";
  std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(tail)};
  control_message control;
  control.local = source_address;
  core::gso_state gso;
  using send_type = core::send_core<std::array<net::const_buffer, 2>, udp::endpoint>;
  send_type tx(buffers, &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::send));
  const msghdr& m = f.messages[0].msg_hdr;
  BOOST_TEST(bytes_of(m) == "0123456789");
  BOOST_TEST(static_cast<std::size_t>(m.msg_iovlen) == 2u);
  BOOST_TEST(m.msg_name == static_cast<const void*>(peer.data()));
  BOOST_TEST(static_cast<std::size_t>(m.msg_namelen) == peer.size());
  BOOST_TEST(control_of(m) == encoded(control));
  CHECK_ACTION(tx.complete(f, call, would_block, 0), next_action::wait);
  BOOST_TEST(!tx.started());
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  CHECK_ACTION(tx.complete(f, call, {}, 10), next_action::done);
  BOOST_TEST(!tx.result().ec);
  BOOST_TEST(tx.result().n == 10u);
}

BOOST_AUTO_TEST_CASE(send_without_destination_or_control_passes_neither)
{
  const std::string payload = "abc";
  control_message control;
  core::gso_state gso;
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), nullptr, control, gso);
  send_type::frame_type<1> f;
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST(f.messages[0].msg_hdr.msg_name == nullptr);
  BOOST_TEST(f.messages[0].msg_hdr.msg_namelen == 0);
  BOOST_TEST(f.messages[0].msg_hdr.msg_control == nullptr);
  BOOST_TEST(f.messages[0].msg_hdr.msg_controllen == 0u);
}

BOOST_AUTO_TEST_CASE(send_with_bad_control_fails_before_any_call)
{
  const std::string payload = "abc";
  control_message control;
  control.ttl = 0;
  core::gso_state gso;
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::done);
  BOOST_TEST(tx.result().ec == net::error::invalid_argument, tx.result().ec.message());
  BOOST_TEST(tx.result().n == 0u);
}

BOOST_AUTO_TEST_CASE(send_error_without_segment_size_is_the_result)
{
  const std::string payload = "abc";
  control_message control;
  core::gso_state gso;
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  // EIO without a segment size is no GSO refusal.
  CHECK_ACTION(tx.complete(f, call, errno_code(EIO), 0), next_action::done);
  BOOST_TEST(tx.result().ec == errno_code(EIO));
  BOOST_TEST(gso.enabled() == asio_ipv4::detail::os::has_gso);
}

// GSO refused: EIO turns GSO off for the socket, EINVAL only for this send;
// either way the same bytes go out at once as datagrams cut in user space,
// each slice exact, across the buffers' boundaries.
void check_gso_refused(int refusal)
{
  const std::string head = text(130), tail = text(120, 'A');
  std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(tail)};
  control_message control;
  control.segment_size = 100;
  control.local = source_address;
  core::gso_state gso;
  using send_type = core::send_core<std::array<net::const_buffer, 2>, udp::endpoint>;
  send_type tx(buffers, &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  control_message without = control;
  without.segment_size.reset();
  if (asio_ipv4::detail::os::has_gso)
  {
    BOOST_TEST(int(call.type) == int(core::call_type::send));
    BOOST_TEST(control_of(f.messages[0].msg_hdr) == encoded(control)); // with UDP_SEGMENT
    BOOST_TEST(encoded(control).size() > encoded(without).size());
    CHECK_ACTION(tx.complete(f, call, errno_code(refusal), 0), next_action::call);
    BOOST_TEST(gso.enabled() == (refusal != EIO));
    CHECK_ACTION(tx.prepare(f, call), next_action::call);
  }
  BOOST_TEST_REQUIRE(int(call.type) == int(core::call_type::send_many));
  BOOST_TEST_REQUIRE(call.count == 3u);
  const std::string all = head + tail;
  for (unsigned i = 0; i < 3; ++i)
  {
    const msghdr& m = f.messages[i].msg_hdr;
    BOOST_TEST(bytes_of(m) == all.substr(i * 100, 100), "datagram " << i);
    BOOST_TEST(m.msg_name == static_cast<const void*>(peer.data()));
    BOOST_TEST(control_of(m) == encoded(without)); // no UDP_SEGMENT on a datagram cut by hand
    f.messages[i].msg_len = static_cast<unsigned>(bytes_of(m).size());
  }
  // The second datagram straddles the buffers: 30 bytes of one, 70 of the other.
  BOOST_TEST(static_cast<std::size_t>(f.messages[1].msg_hdr.msg_iovlen) == 2u);
  CHECK_ACTION(tx.complete(f, call, {}, 3), next_action::done);
  BOOST_TEST(!tx.result().ec, tx.result().ec.message());
  BOOST_TEST(tx.result().n == 250u);
}

BOOST_AUTO_TEST_CASE(gso_refused_with_eio_splits_and_turns_gso_off) { check_gso_refused(EIO); }
BOOST_AUTO_TEST_CASE(gso_refused_with_einval_splits_this_send_only) { check_gso_refused(EINVAL); }

// The refusal as the platform reports it: invalid_argument is EINVAL on
// Linux and WSAEINVAL from Windows' UDP send offload (USO), where a
// refused segment size is also cut in user space, for this send only.
BOOST_AUTO_TEST_CASE(gso_refused_with_the_platforms_invalid_argument)
{
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  const bool before = gso.enabled();
  BOOST_TEST(gso.refused(control, 300, make_error_code(net::error::invalid_argument)));
  BOOST_TEST(gso.enabled() == before);
  // Not for a payload that fits one segment, nor for another error.
  BOOST_TEST(!gso.refused(control, 100, make_error_code(net::error::invalid_argument)));
  BOOST_TEST(!gso.refused(control, 300, make_error_code(net::error::message_size)));
}

BOOST_AUTO_TEST_CASE(gso_other_errors_are_the_result)
{
  const std::string payload = text(300);
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  if (!gso.enabled())
    return; // no GSO here: never refused (the split is checked above)
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  CHECK_ACTION(tx.complete(f, call, errno_code(EPERM), 0), next_action::done);
  BOOST_TEST(tx.result().ec == errno_code(EPERM));
  BOOST_TEST(tx.result().n == 0u);
  BOOST_TEST(gso.enabled());
}

BOOST_AUTO_TEST_CASE(payload_within_one_segment_is_never_split)
{
  const std::string payload = text(100);
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  gso.refused(control, 200, errno_code(EIO)); // GSO off for the socket
  BOOST_TEST(!gso.enabled());
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(int(call.type) == int(core::call_type::send));
  // UDP_SEGMENT still rides along (the kernel segments nothing that fits
  // one segment, so it cannot refuse it); without GSO it is never encoded.
  control_message without = control;
  without.segment_size.reset();
  BOOST_TEST(control_of(f.messages[0].msg_hdr) == encoded(asio_ipv4::detail::os::has_gso ? control : without));
  // A socket whose GSO is off cuts larger payloads at once.
  const std::string larger = text(101);
  send_type cut(net::buffer(larger), &peer, control, gso);
  cut.prepare(f, call);
  BOOST_TEST(int(call.type) == int(core::call_type::send_many));
  BOOST_TEST(call.count == 2u);
  BOOST_TEST(bytes_of(f.messages[1].msg_hdr) == larger.substr(100));
}

// A split across calls: the frame's capacity bounds each call, a short
// count asks again, a full buffer waits and keeps the progress, which
// started() and stop() report.
BOOST_AUTO_TEST_CASE(split_progress_survives_short_counts_and_waits)
{
  const std::string payload = text(520);
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  gso.refused(control, payload.size(), errno_code(EIO));
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<2> f; // two datagrams per call
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST_REQUIRE(call.count == 2u);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == payload.substr(0, 100));
  BOOST_TEST(bytes_of(f.messages[1].msg_hdr) == payload.substr(100, 100));
  f.messages[0].msg_len = 100;
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call); // short count: ask again
  BOOST_TEST(tx.started());
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == payload.substr(100, 100));
  CHECK_ACTION(tx.complete(f, call, would_block, 0), next_action::wait);
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == payload.substr(100, 100));
  f.messages[0].msg_len = 100;
  f.messages[1].msg_len = 100;
  CHECK_ACTION(tx.complete(f, call, {}, 2), next_action::call);
  tx.prepare(f, call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == payload.substr(300, 100));
  BOOST_TEST(bytes_of(f.messages[1].msg_hdr) == payload.substr(400, 100));
  const core::outcome o = tx.stop(aborted); // cancelled while waiting for room
  BOOST_TEST(o.ec == aborted);
  BOOST_TEST(o.n == 300u); // what went out
}

BOOST_AUTO_TEST_CASE(split_error_reports_what_went_out)
{
  const std::string payload = text(300);
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  gso.refused(control, payload.size(), errno_code(EIO));
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(call.count == 3u);
  f.messages[0].msg_len = 100;
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call);
  tx.prepare(f, call);
  CHECK_ACTION(tx.complete(f, call, errno_code(ENOBUFS), 0), next_action::done);
  BOOST_TEST(tx.result().ec == errno_code(ENOBUFS));
  BOOST_TEST(tx.result().n == 100u);
}

// The completion driver's frame: one datagram per call, the same core.
BOOST_AUTO_TEST_CASE(split_in_a_frame_of_one_message)
{
  const std::string payload = text(250);
  control_message control;
  control.segment_size = 100;
  core::gso_state gso;
  gso.refused(control, payload.size(), errno_code(EIO));
  using send_type = core::send_core<net::const_buffer, udp::endpoint>;
  send_type tx(net::buffer(payload), &peer, control, gso);
  send_type::frame_type<1> f;
  std::string sent;
  core::call call;
  next_action next = next_action::call;
  while (next == next_action::call)
  {
    CHECK_ACTION(tx.prepare(f, call), next_action::call);
    BOOST_TEST_REQUIRE(call.count == 1u);
    sent += bytes_of(f.messages[0].msg_hdr);
    f.messages[0].msg_len = static_cast<unsigned>(bytes_of(f.messages[0].msg_hdr).size());
    next = tx.complete(f, call, {}, 1);
  }
  CHECK_ACTION(next, next_action::done);
  BOOST_TEST(sent == payload);
  BOOST_TEST(tx.result().n == 250u);
}

// Cutting itself: many small buffers, a pool too small for a whole call.
BOOST_AUTO_TEST_CASE(cut_segments_slices_exactly_and_respects_the_pool)
{
  const std::string payload = text(60);
  std::vector<iovec> iov;
  for (std::size_t at = 0; at < payload.size(); at += 7)
  {
    iovec v;
    v.iov_base = const_cast<char*>(payload.data() + at);
    v.iov_len = std::min<std::size_t>(7, payload.size() - at);
    iov.push_back(v);
  }
  msghdr base{};
  asio_ipv4::detail::os::multi_message out[8];
  iovec pool[6];
  // From byte 5, datagrams of 10 bytes: each spans 2 or 3 buffers, so the
  // six-entry pool holds only two of them.
  const std::size_t n = core::cut_segments(base, iov.data(), iov.size(), payload.size(), 10, 5, out, 8, pool, 6);
  BOOST_TEST_REQUIRE(n == 2u);
  BOOST_TEST(bytes_of(out[0].msg_hdr) == payload.substr(5, 10));
  BOOST_TEST(bytes_of(out[1].msg_hdr) == payload.substr(15, 10));
  BOOST_TEST(out[0].msg_len == 0u);
  // The last datagram is short.
  const std::size_t last = core::cut_segments(base, iov.data(), iov.size(), payload.size(), 10, 55, out, 8, pool, 6);
  BOOST_TEST_REQUIRE(last == 1u);
  BOOST_TEST(bytes_of(out[0].msg_hdr) == payload.substr(55));
  // Zero-length buffers are skipped.
  iovec gaps[3] = {{const_cast<char*>(payload.data()), 3}, {const_cast<char*>(payload.data()), 0},
      {const_cast<char*>(payload.data() + 3), 3}};
  BOOST_TEST(core::cut_segments(base, gaps, 3, 6, 4, 0, out, 8, pool, 6) == 2u);
  BOOST_TEST(bytes_of(out[0].msg_hdr) == payload.substr(0, 4));
  BOOST_TEST(static_cast<std::size_t>(out[0].msg_hdr.msg_iovlen) == 2u);
  BOOST_TEST(bytes_of(out[1].msg_hdr) == payload.substr(4, 2));
}

// ---- receive batch ---------------------------------------------------------

struct rx_batch
{
  std::vector<std::array<char, 8>> storage;
  std::vector<rx_message> slots;

  explicit rx_batch(std::size_t n) : storage(n), slots(n)
  {
    for (std::size_t i = 0; i < n; ++i)
    {
      slots[i].buffer = net::buffer(storage[i]);
      // Left over from an earlier use: a slot that gets nothing is cleared.
      slots[i].bytes = 99;
      slots[i].error = refused;
      slots[i].control.ttl = 99;
    }
  }

  std::string payload(std::size_t i) const { return std::string(storage[i].data(), slots[i].bytes); }
};

BOOST_AUTO_TEST_CASE(receive_batch_takes_chunks_then_only_what_is_queued)
{
  rx_batch b(5);
  core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
  core::receive_batch_core<rx_message>::frame_type<2> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::receive_many));
  BOOST_TEST(call.count == 2u);
  BOOST_TEST(!call.queued_only); // the first call may wait
  for (std::size_t i = 0; i < 2; ++i)
  {
    const msghdr& m = f.messages[i].msg_hdr;
    BOOST_TEST(static_cast<std::size_t>(m.msg_iovlen) == 1u);
    BOOST_TEST(m.msg_iov[0].iov_base == static_cast<void*>(b.storage[i].data()));
    BOOST_TEST(m.msg_iov[0].iov_len == 8u);
    BOOST_TEST(m.msg_name == static_cast<void*>(b.slots[i].endpoint.data()));
    BOOST_TEST(m.msg_control == static_cast<void*>(f.control[i].bytes));
  }
  CHECK_ACTION(rx.complete(f, call, would_block, 0), next_action::wait);
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  kernel_receive(f, 0, "one", peer, 1);
  kernel_receive(f, 1, "two", other, 2);
  CHECK_ACTION(rx.complete(f, call, {}, 2), next_action::call); // full: more may be queued
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(call.count == 2u);
  BOOST_TEST(call.queued_only);
  BOOST_TEST(f.messages[0].msg_hdr.msg_iov[0].iov_base == static_cast<void*>(b.storage[2].data()));
  kernel_receive(f, 0, "three", peer, 3);
  CHECK_ACTION(rx.complete(f, call, {}, 1), next_action::done); // short: the queue is empty
  BOOST_TEST(!rx.result().ec);
  BOOST_TEST(rx.result().n == 3u);
  BOOST_TEST(b.payload(0) == "one");
  BOOST_TEST(b.payload(1) == "two");
  BOOST_TEST(b.payload(2) == "three");
  BOOST_TEST(b.slots[1].endpoint == other);
  BOOST_TEST(b.slots[2].control.ttl.value_or(0) == 3);
  BOOST_TEST(!b.slots[2].error);
  for (std::size_t i = 3; i < 5; ++i)
  {
    BOOST_TEST(b.slots[i].bytes == 0u, "slot " << i);
    BOOST_TEST(!b.slots[i].error, "slot " << i);
    BOOST_TEST(!b.slots[i].control.ttl.has_value(), "slot " << i);
  }
}

BOOST_AUTO_TEST_CASE(receive_batch_ends_on_an_empty_queue_or_a_later_error)
{
  {
    rx_batch b(4);
    core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
    core::receive_batch_core<rx_message>::frame_type<2> f;
    core::call call;
    rx.prepare(f, call);
    kernel_receive(f, 0, "a", peer, 1);
    kernel_receive(f, 1, "b", peer, 1);
    rx.complete(f, call, {}, 2);
    rx.prepare(f, call);
    CHECK_ACTION(rx.complete(f, call, would_block, 0), next_action::done); // later: success
    BOOST_TEST(!rx.result().ec);
    BOOST_TEST(rx.result().n == 2u);
    BOOST_TEST(b.slots[3].bytes == 0u);
  }
  {
    rx_batch b(4);
    core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
    core::receive_batch_core<rx_message>::frame_type<2> f;
    core::call call;
    rx.prepare(f, call);
    kernel_receive(f, 0, "a", peer, 1);
    kernel_receive(f, 1, "b", peer, 1);
    rx.complete(f, call, {}, 2);
    rx.prepare(f, call);
    CHECK_ACTION(rx.complete(f, call, refused, 0), next_action::done);
    BOOST_TEST(rx.result().ec == refused); // the error, with the count so far
    BOOST_TEST(rx.result().n == 2u);
    BOOST_TEST(b.payload(1) == "b");
    BOOST_TEST(b.slots[2].bytes == 0u);
    BOOST_TEST(!b.slots[2].error);
  }
  {
    rx_batch b(2);
    core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
    core::receive_batch_core<rx_message>::frame_type<2> f;
    core::call call;
    rx.prepare(f, call);
    CHECK_ACTION(rx.complete(f, call, refused, 0), next_action::done);
    BOOST_TEST(rx.result().ec == refused);
    BOOST_TEST(rx.result().n == 0u);
    BOOST_TEST(b.slots[0].bytes == 0u);
  }
}

BOOST_AUTO_TEST_CASE(receive_batch_truncation_lands_in_the_slot)
{
  rx_batch b(2);
  core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
  core::receive_batch_core<rx_message>::frame_type<core::max_batch_chunk> f;
  core::call call;
  rx.prepare(f, call);
  BOOST_TEST(call.count == 2u);
  kernel_receive(f, 0, "short", peer, 1);
  kernel_receive(f, 1, "far too long", peer, 1, MSG_CTRUNC);
  CHECK_ACTION(rx.complete(f, call, {}, 2), next_action::done);
  BOOST_TEST(!rx.result().ec); // the batch succeeded
  BOOST_TEST(rx.result().n == 2u);
  BOOST_TEST(!b.slots[0].error);
  BOOST_TEST(b.slots[1].error == net::error::message_size, b.slots[1].error.message());
  BOOST_TEST(b.slots[1].bytes == 8u);
  BOOST_TEST(b.payload(1) == "far too ");
}

BOOST_AUTO_TEST_CASE(receive_batch_stop_keeps_what_it_got)
{
  rx_batch b(3);
  core::receive_batch_core<rx_message> rx(b.slots.data(), b.slots.size());
  core::receive_batch_core<rx_message>::frame_type<1> f; // a completion driver: one per call
  core::call call;
  rx.prepare(f, call);
  BOOST_TEST(!rx.started());
  kernel_receive(f, 0, "got", peer, 1);
  CHECK_ACTION(rx.complete(f, call, {}, 1), next_action::call);
  rx.prepare(f, call);
  BOOST_TEST(call.queued_only);
  BOOST_TEST(rx.started());
  const core::outcome o = rx.stop(aborted); // cancelled with a datagram: completes with it
  BOOST_TEST(!o.ec);
  BOOST_TEST(o.n == 1u);
  BOOST_TEST(b.slots[1].bytes == 0u);
  BOOST_TEST(b.slots[2].bytes == 0u);

  rx_batch empty(2);
  core::receive_batch_core<rx_message> nothing(empty.slots.data(), empty.slots.size());
  nothing.prepare(f, call);
  nothing.complete(f, call, would_block, 0);
  const core::outcome none = nothing.stop(aborted);
  BOOST_TEST(none.ec == aborted);
  BOOST_TEST(none.n == 0u);
  BOOST_TEST(empty.slots[0].bytes == 0u);
  BOOST_TEST(!empty.slots[0].control.ttl.has_value());
}

BOOST_AUTO_TEST_CASE(receive_batch_of_no_slots_is_done_at_once)
{
  core::receive_batch_core<rx_message> rx(nullptr, 0);
  core::receive_batch_core<rx_message>::frame_type<2> f;
  core::call call;
  CHECK_ACTION(rx.prepare(f, call), next_action::done);
  BOOST_TEST(!rx.result().ec);
  BOOST_TEST(rx.result().n == 0u);
}

// ---- send batch ------------------------------------------------------------

struct tx_batch
{
  std::vector<std::string> payloads;
  std::vector<tx_message> slots;

  explicit tx_batch(std::size_t n) : slots(n)
  {
    for (std::size_t i = 0; i < n; ++i)
      payloads.push_back("message " + std::to_string(i));
    for (std::size_t i = 0; i < n; ++i)
    {
      slots[i].buffer = net::buffer(payloads[i]);
      slots[i].endpoint = i % 2 ? other : peer;
      slots[i].bytes = 77; // cleared when the operation starts
      slots[i].error = refused;
    }
  }

  // The kernel took the first `n` messages of the call.
  template <class Frame>
  static void take(Frame& f, std::size_t n)
  {
    for (std::size_t i = 0; i < n; ++i)
      f.messages[i].msg_len = static_cast<unsigned>(bytes_of(f.messages[i].msg_hdr).size());
  }
};

BOOST_AUTO_TEST_CASE(send_batch_chunks_short_counts_and_partial_sends)
{
  tx_batch b(5);
  b.slots[1].control.local = source_address;
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  for (const auto& m : b.slots)
  {
    BOOST_TEST(m.bytes == 0u);
    BOOST_TEST(!m.error);
  }
  core::send_batch_core<tx_message>::frame_type<2> f;
  core::call call;
  CHECK_ACTION(tx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::send_many));
  BOOST_TEST_REQUIRE(call.count == 2u);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == "message 0");
  BOOST_TEST(f.messages[1].msg_hdr.msg_name == static_cast<const void*>(b.slots[1].endpoint.data()));
  BOOST_TEST(control_of(f.messages[1].msg_hdr) == encoded(b.slots[1].control));
  BOOST_TEST(f.messages[0].msg_hdr.msg_control == nullptr);
  CHECK_ACTION(tx.complete(f, call, would_block, 0), next_action::wait); // nothing sent: wait
  BOOST_TEST(!tx.started());
  tx.prepare(f, call);
  tx_batch::take(f, 2);
  CHECK_ACTION(tx.complete(f, call, {}, 2), next_action::call);
  BOOST_TEST(tx.started());
  tx.prepare(f, call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == "message 2");
  tx_batch::take(f, 1);
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call); // short, no error: ask again
  tx.prepare(f, call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == "message 3");
  CHECK_ACTION(tx.complete(f, call, would_block, 0), next_action::done); // partial
  BOOST_TEST(!tx.result().ec);
  BOOST_TEST(tx.result().n == 3u);
  BOOST_TEST(b.slots[2].bytes == 9u);
  BOOST_TEST(b.slots[3].bytes == 0u);
  BOOST_TEST(!b.slots[3].error);
}

BOOST_AUTO_TEST_CASE(send_batch_error_stops_at_its_message)
{
  tx_batch b(3);
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  core::send_batch_core<tx_message>::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(call.count == 3u);
  tx_batch::take(f, 1);
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call);
  tx.prepare(f, call);
  CHECK_ACTION(tx.complete(f, call, errno_code(ENOBUFS), 0), next_action::done);
  BOOST_TEST(tx.result().ec == errno_code(ENOBUFS));
  BOOST_TEST(tx.result().n == 1u);
  BOOST_TEST(b.slots[1].error == errno_code(ENOBUFS));
  BOOST_TEST(!b.slots[2].error);
}

BOOST_AUTO_TEST_CASE(send_batch_bad_control_sends_what_comes_before)
{
  tx_batch b(3);
  b.slots[1].control.ttl = 0;
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  core::send_batch_core<tx_message>::frame_type<core::max_batch_chunk> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(call.count == 1u); // message 0 only
  tx_batch::take(f, 1);
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call);
  CHECK_ACTION(tx.prepare(f, call), next_action::done); // message 1 first: reported
  BOOST_TEST(tx.result().ec == net::error::invalid_argument);
  BOOST_TEST(tx.result().n == 1u);
  BOOST_TEST(b.slots[1].error == net::error::invalid_argument);
}

// A message with a segment size goes out alone (sendmsg with UDP_SEGMENT);
// refused, it is cut; it is finished before the next chunk, even across a
// wait after other messages went out.
BOOST_AUTO_TEST_CASE(send_batch_message_with_segment_size_goes_alone)
{
  tx_batch b(3);
  b.payloads[1] = text(250);
  b.slots[1].buffer = net::buffer(b.payloads[1]);
  b.slots[1].control.segment_size = 100;
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  core::send_batch_core<tx_message>::frame_type<2> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(call.count == 1u); // message 0, then 1 alone
  tx_batch::take(f, 1);
  tx.complete(f, call, {}, 1);
  tx.prepare(f, call);
  if (asio_ipv4::detail::os::has_gso)
  {
    BOOST_TEST(int(call.type) == int(core::call_type::send));
    BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == b.payloads[1]);
    BOOST_TEST(control_of(f.messages[0].msg_hdr) == encoded(b.slots[1].control));
    CHECK_ACTION(tx.complete(f, call, errno_code(EIO), 0), next_action::call);
    tx.prepare(f, call);
  }
  BOOST_TEST_REQUIRE(int(call.type) == int(core::call_type::send_many));
  BOOST_TEST_REQUIRE(call.count == 2u); // the frame holds two
  BOOST_TEST(bytes_of(f.messages[1].msg_hdr) == b.payloads[1].substr(100, 100));
  tx_batch::take(f, 2);
  CHECK_ACTION(tx.complete(f, call, {}, 2), next_action::call);
  BOOST_TEST(b.slots[1].bytes == 200u);
  tx.prepare(f, call);
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == b.payloads[1].substr(200));
  // No room: the cut message waits (other messages went out already).
  CHECK_ACTION(tx.complete(f, call, would_block, 0), next_action::wait);
  const auto progress = tx.started();
  BOOST_TEST(progress);
  tx.prepare(f, call);
  tx_batch::take(f, 1);
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call);
  BOOST_TEST(b.slots[1].bytes == 250u);
  tx.prepare(f, call);
  BOOST_TEST(int(call.type) == int(core::call_type::send_many));
  BOOST_TEST(bytes_of(f.messages[0].msg_hdr) == "message 2");
  tx_batch::take(f, 1);
  CHECK_ACTION(tx.complete(f, call, {}, 1), next_action::call);
  CHECK_ACTION(tx.prepare(f, call), next_action::done);
  BOOST_TEST(tx.result().n == 3u);
  BOOST_TEST(!tx.result().ec);
}

BOOST_AUTO_TEST_CASE(send_batch_stop_reports_the_count_sent)
{
  tx_batch b(3);
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  core::send_batch_core<tx_message>::frame_type<1> f;
  core::call call;
  tx.prepare(f, call);
  tx_batch::take(f, 1);
  tx.complete(f, call, {}, 1);
  const core::outcome o = tx.stop(aborted);
  BOOST_TEST(o.ec == aborted);
  BOOST_TEST(o.n == 1u);
}

BOOST_AUTO_TEST_CASE(send_batch_default_endpoint_means_the_connected_peer)
{
  tx_batch b(1);
  b.slots[0].endpoint = udp::endpoint();
  core::gso_state gso;
  core::send_batch_core<tx_message> tx(b.slots.data(), b.slots.size(), gso);
  core::send_batch_core<tx_message>::frame_type<1> f;
  core::call call;
  tx.prepare(f, call);
  BOOST_TEST(f.messages[0].msg_hdr.msg_name == nullptr);
  BOOST_TEST(f.messages[0].msg_hdr.msg_namelen == 0);
}

// ---- the error queue -------------------------------------------------------

BOOST_AUTO_TEST_CASE(error_receive_reads_the_error_queue)
{
  char a[16];
  udp::endpoint destination;
  control_message control;
  core::error_store store;
  using error_type = core::error_receive_core<net::mutable_buffer, udp::endpoint>;
  error_type rx(net::buffer(a), &destination, control, &store);
  error_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  if (!asio_ipv4::detail::os::has_error_queue)
  {
    CHECK_ACTION(rx.prepare(f, call), next_action::done);
    BOOST_TEST(rx.result().ec == net::error::operation_not_supported);
    return;
  }
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::receive));
  BOOST_TEST(call.error_queue);
  const std::size_t n = kernel_receive(f, 0, "quoted", peer, 4);
  CHECK_ACTION(rx.complete(f, call, {}, n), next_action::done);
  BOOST_TEST(rx.result().n == 6u);
  BOOST_TEST(destination == peer);
}

// Woken with nothing queued: the pending error decides, never a spin.
BOOST_AUTO_TEST_CASE(error_receive_takes_the_pending_error_after_an_empty_wakeup)
{
  if (!asio_ipv4::detail::os::has_error_queue)
    return;
  char a[16];
  udp::endpoint destination;
  control_message control;
  using error_type = core::error_receive_core<net::mutable_buffer, udp::endpoint>;
  error_type rx(net::buffer(a), &destination, control, nullptr);
  error_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  rx.prepare(f, call);
  CHECK_ACTION(rx.complete(f, call, would_block, 0), next_action::wait); // nothing yet: wait
  rx.prepare(f, call);
  BOOST_TEST(call.error_queue);
  CHECK_ACTION(rx.complete(f, call, would_block, 0), next_action::call); // woken for nothing
  CHECK_ACTION(rx.prepare(f, call), next_action::call);
  BOOST_TEST(int(call.type) == int(core::call_type::pending_error));
  CHECK_ACTION(rx.complete(f, call, {}, 0), next_action::wait); // none: wait again
  rx.prepare(f, call);
  BOOST_TEST(int(call.type) == int(core::call_type::receive)); // the queue first, each time
  rx.complete(f, call, would_block, 0);
  rx.prepare(f, call);
  BOOST_TEST(int(call.type) == int(core::call_type::pending_error));
  CHECK_ACTION(rx.complete(f, call, refused, 0), next_action::done);
  BOOST_TEST(rx.result().ec == refused);
  BOOST_TEST(rx.result().n == 0u);
  // A socket shut down both ways can never wait for an error.
  error_type shut(net::buffer(a), &destination, control, nullptr);
  shut.prepare(f, call);
  shut.complete(f, call, would_block, 0);
  shut.prepare(f, call);
  shut.complete(f, call, would_block, 0);
  shut.prepare(f, call);
  CHECK_ACTION(shut.complete(f, call, net::error::shut_down, 0), next_action::done);
  BOOST_TEST(shut.result().ec == net::error::shut_down);
}

// Fills the next store entry as recvmsg(MSG_ERRQUEUE) would.
void store_entry(core::error_store& store, const std::string& quote, const udp::endpoint& to, std::uint8_t ttl,
    int flags = 0)
{
  core::error_store::entry* e = store.reserve();
  if (!e)
  {
    store.drop();
    return;
  }
  msghdr m;
  iovec v;
  e->prepare(m, v);
  BOOST_TEST_REQUIRE(v.iov_len == core::error_store::quote_capacity);
  std::memcpy(v.iov_base, quote.data(), quote.size());
  std::memcpy(m.msg_name, to.data(), to.size());
  m.msg_namelen = static_cast<decltype(m.msg_namelen)>(to.size());
  m.msg_controllen = static_cast<decltype(m.msg_controllen)>(put_ttl(static_cast<unsigned char*>(m.msg_control), ttl));
  m.msg_flags = flags;
  e->assign(m, quote.size());
  store.commit();
}

BOOST_AUTO_TEST_CASE(error_receive_hands_out_the_store_first_in_order)
{
  if (!asio_ipv4::detail::os::has_error_queue)
    return;
  core::error_store store;
  BOOST_TEST(store.empty());
  store_entry(store, "first", peer, 11);
  store_entry(store, "second quote", other, 12, MSG_CTRUNC);
  BOOST_TEST(store.size() == 2u);
  using error_type = core::error_receive_core<net::mutable_buffer, udp::endpoint>;
  error_type::frame_type<core::max_batch_chunk> f;
  core::call call;
  char a[8];
  udp::endpoint destination;
  control_message control;
  error_type one(net::buffer(a), &destination, control, &store);
  CHECK_ACTION(one.prepare(f, call), next_action::done); // no system call
  BOOST_TEST(!one.result().ec, one.result().ec.message());
  BOOST_TEST(one.result().n == 5u);
  BOOST_TEST(std::string(a, 5) == "first");
  BOOST_TEST(destination == peer);
  BOOST_TEST(control.ttl.value_or(0) == 11);
  error_type two(net::buffer(a), &destination, control, &store);
  CHECK_ACTION(two.prepare(f, call), next_action::done);
  BOOST_TEST(two.result().ec == net::error::message_size, two.result().ec.message()); // 12 bytes into 8
  BOOST_TEST(two.result().n == 8u);
  BOOST_TEST(std::string(a, 8) == "second q");
  BOOST_TEST(destination == other);
  BOOST_TEST(control.ttl.value_or(0) == 12);
  BOOST_TEST(store.empty());
  error_type three(net::buffer(a), &destination, control, &store);
  CHECK_ACTION(three.prepare(f, call), next_action::call); // then the kernel's queue
  BOOST_TEST(call.error_queue);
}

BOOST_AUTO_TEST_CASE(error_store_is_bounded_and_counts_what_it_drops)
{
  core::error_store store;
  for (std::size_t i = 0; i < core::error_store::capacity + 3; ++i)
    store_entry(store, "#" + std::to_string(i), peer, 1);
  BOOST_TEST(store.size() == core::error_store::capacity);
  BOOST_TEST(store.dropped() == 3u);
  char a[8];
  udp::endpoint destination;
  control_message control;
  // FIFO across the ring's end.
  for (std::size_t i = 0; i < 10; ++i)
  {
    const core::outcome o = store.take(net::buffer(a), &destination, control);
    BOOST_TEST(std::string(a, o.n) == "#" + std::to_string(i));
  }
  for (std::size_t i = 0; i < 10; ++i)
    store_entry(store, "late" + std::to_string(i), peer, 1);
  BOOST_TEST(store.size() == core::error_store::capacity);
  for (std::size_t i = 10; i < core::error_store::capacity; ++i)
  {
    const core::outcome o = store.take(net::buffer(a), &destination, control);
    BOOST_TEST(std::string(a, o.n) == "#" + std::to_string(i));
  }
  const core::outcome late = store.take(net::buffer(a), static_cast<udp::endpoint*>(nullptr), control);
  BOOST_TEST(std::string(a, late.n) == "late0");
  // A quote cut when it was stored stays reported as cut.
  store.clear();
  BOOST_TEST(store.empty());
  store_entry(store, "cut", peer, 1, MSG_TRUNC);
  BOOST_TEST(store.take(net::buffer(a), &destination, control).ec == net::error::message_size);
}

BOOST_AUTO_TEST_SUITE_END()
