// Batches (recvmmsg / sendmmsg), GSO and GRO on real namespace hosts.
//
// Oracles: an independent Python sender that sets each datagram's TOS with
// its own setsockopt (udp_burst.py), a Python receiver that reports source
// address, TOS and TTL of what arrived (udp_recv.py), the kernel's own
// interface indexes (ip link), and the datagrams' numbered payloads.

#include "prelude.hpp"

#include "io_run.hpp"

#include <asio_ipv4/cmsg_socket.hpp>
#include <asio_ipv4/ip4/value_options.hpp>
#include <asio_ipv4/socket_options.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <thread>

#include <array>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using cmsg_udp = asio_ipv4::cmsg_socket<udp::socket>;
using rx_message = asio_ipv4::message<udp::endpoint>;
using tx_message = asio_ipv4::message<udp::endpoint, net::const_buffer>;

std::uint32_t number_of(const void* data)
{
  std::uint32_t n;
  std::memcpy(&n, data, sizeof(n));
  return n;
}

// Runs udp_recv.py in `where` on `port`; returns once it is bound.
t::process receiver_in(const t::host& where, unsigned short port, unsigned count)
{
  auto p = where.python("udp_recv.py",
      {"--port", std::to_string(port), "--count", std::to_string(count), "--timeout", "20", "--max-payload", "8"});
  p.wait_line("ready");
  return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_test)

BOOST_AUTO_TEST_CASE(batches_of_64_receive_every_datagram_with_its_control, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  cmsg_udp rx = t::cmsg_udp_in(lab.b, ctx, {net::ip::address_v4::any(), 7001});
  rx.next_layer().set_option(asio_ipv4::ip4::receive_packet_info(true));
  rx.next_layer().set_option(asio_ipv4::ip4::receive_ttl(true));
  rx.next_layer().set_option(asio_ipv4::ip4::receive_tos(true));
  rx.next_layer().set_option(net::socket_base::receive_buffer_size(1 << 20));

  constexpr unsigned total = 640;
  auto sender = lab.a.python("udp_burst.py", {"--dst", lab.b_if.address.to_string(), "--port", "7001",
      "--count", std::to_string(total), "--size", "32", "--ttl", "17", "--tos-cycle"});

  std::array<std::array<char, 64>, 64> storage{};
  std::vector<rx_message> batch(64);
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i].buffer = net::buffer(storage[i]);
  std::map<std::uint32_t, int> seen;
  unsigned calls = 0;
  while (seen.size() < total && calls < 10 * total)
  {
    boost::system::error_code ec;
    std::size_t n = 0;
    bool done = false;
    rx.async_receive_batch(batch, [&](boost::system::error_code e, std::size_t count) {
      ec = e;
      n = count;
      done = true;
    });
    BOOST_REQUIRE(t::run_until(ctx, [&] { return done; }, 10s));
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    ++calls;
    for (std::size_t i = 0; i < n; ++i)
    {
      const rx_message& m = batch[i];
      std::uint32_t number = number_of(storage[i].data());
      ++seen[number];
      BOOST_TEST(m.bytes == 32u);
      BOOST_TEST(!m.error, m.error.message());
      BOOST_TEST(m.endpoint.address() == net::ip::address(lab.a_if.address));
      // The control messages of this very datagram (oracle: the sender's
      // own setsockopt for TOS and TTL, the kernel's index of b's veth).
      BOOST_TEST(m.control.tos.value_or(0xff) == ((number % 64) << 2), "datagram " << number);
      BOOST_TEST(m.control.ttl.value_or(0) == 17);
      BOOST_TEST(m.control.destination.value_or(net::ip::address_v4()) == lab.b_if.address);
      BOOST_TEST(m.control.interface_index.value_or(0) == lab.b_if.index);
    }
  }
  BOOST_TEST(sender.wait(10s).value_or(-1) == 0, sender.describe());
  BOOST_TEST(seen.size() == total);
  for (auto& [number, count] : seen)
    BOOST_TEST(count == 1, "datagram " << number << " seen " << count << " times");
  BOOST_TEST_MESSAGE(total << " datagrams in " << calls << " batch receives");
}

BOOST_AUTO_TEST_CASE(batch_send_with_per_message_source_and_destination, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.add_address(lab.a_if.name, "10.0.1.3/24");
  auto second_source = net::ip::make_address_v4("10.0.1.3");
  auto r1 = receiver_in(lab.b, 7101, 6);
  auto r2 = receiver_in(lab.b, 7102, 6);
  net::io_context ctx;
  cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});

  std::vector<std::string> payloads;
  std::vector<tx_message> batch(12);
  for (std::size_t i = 0; i < batch.size(); ++i)
    payloads.push_back("m" + std::to_string(i));
  for (std::size_t i = 0; i < batch.size(); ++i)
  {
    batch[i].buffer = net::buffer(payloads[i]);
    batch[i].endpoint = udp::endpoint(lab.b_if.address, i % 2 ? 7102 : 7101);
    batch[i].control.local = (i / 2) % 2 ? second_source : lab.a_if.address;
    batch[i].control.ttl = static_cast<std::uint8_t>(20 + i);
  }
  std::size_t sent = tx.send_batch(batch);
  BOOST_TEST(sent == batch.size());
  for (auto& m : batch)
    BOOST_TEST(m.bytes == m.buffer.size());

  // Oracle: udp_recv.py's view of each datagram's source and TTL.
  std::map<std::string, t::datagram_record> got;
  for (auto* r : {&r1, &r2})
    while (auto d = t::next_datagram(*r, 5s))
    {
      got[d->payload_text()] = *d;
      if (r->lines().size() > 6 && got.size() == batch.size())
        break;
    }
  BOOST_REQUIRE(got.size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i)
  {
    const auto& d = got.at(payloads[i]);
    BOOST_TEST(d.source == *batch[i].control.local, "message " << i);
    BOOST_TEST(d.ttl.value_or(0) == 20 + i);
    BOOST_TEST(d.fields.at("dst") == lab.b_if.address.to_string());
  }
}

BOOST_AUTO_TEST_CASE(partial_batch_send_reports_the_count_that_went_out, *t::needs_root())
{
  auto lab = t::two_hosts();
  // A slow queue on a's veth keeps the packets charged to the socket, so a
  // tiny send buffer fills (veth alone frees them at once).
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 2mbit burst 4kb latency 2s");
  auto r = receiver_in(lab.b, 7201, 64);
  net::io_context ctx;
  cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});
  tx.next_layer().set_option(net::socket_base::send_buffer_size(4096));

  std::array<char, 1000> payload{};
  std::vector<std::array<char, 1000>> payloads(64, payload);
  std::vector<tx_message> batch(64);
  for (std::size_t i = 0; i < batch.size(); ++i)
  {
    std::uint32_t n = static_cast<std::uint32_t>(i);
    std::memcpy(payloads[i].data(), &n, sizeof(n));
    batch[i].buffer = net::buffer(payloads[i]);
    batch[i].endpoint = udp::endpoint(lab.b_if.address, 7201);
  }
  boost::system::error_code ec;
  std::size_t first = tx.send_batch(batch, ec);
  BOOST_TEST(!ec, ec.message()); // stopped by a full buffer: success
  BOOST_TEST(first > 0u);
  BOOST_TEST(first < batch.size(), "the tiny buffer should have stopped the batch");
  BOOST_TEST(batch[first].bytes == 0u);

  // Resend the rest asynchronously until everything went out.
  std::size_t done = first;
  while (done < batch.size())
  {
    std::vector<tx_message> rest(batch.begin() + static_cast<std::ptrdiff_t>(done), batch.end());
    std::size_t n = 0;
    bool finished = false;
    tx.async_send_batch(rest, [&](boost::system::error_code e, std::size_t count) {
      BOOST_TEST(!e, e.message());
      n = count;
      finished = true;
    });
    t::run_until(ctx, [&] { return finished; }, 10s);
    BOOST_REQUIRE(n > 0u);
    done += n;
  }
  // Oracle: every number arrives exactly once at the Python receiver.
  std::set<std::uint32_t> numbers;
  while (numbers.size() < batch.size())
  {
    auto d = t::next_datagram(r, 10s);
    BOOST_REQUIRE_MESSAGE(d, r.describe());
    BOOST_TEST(d->fields.at("len") == "1000");
    BOOST_TEST(numbers.insert(number_of(d->payload.data())).second);
  }
}

BOOST_AUTO_TEST_CASE(gso_send_arrives_as_separate_datagrams, *t::needs_root())
{
  auto lab = t::two_hosts();
  auto r = receiver_in(lab.b, 7301, 10);
  net::io_context ctx;
  cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});
  std::vector<char> data(10000, 'g');
  asio_ipv4::control_message cm;
  cm.segment_size = 1000;
  std::size_t n = tx.send_to(net::buffer(data), udp::endpoint(lab.b_if.address, 7301), cm);
  BOOST_TEST(n == data.size());
  BOOST_TEST(tx.gso_enabled());
  for (int i = 0; i < 10; ++i)
  {
    auto d = t::next_datagram(r, 5s);
    BOOST_REQUIRE_MESSAGE(d, "datagram " << i << ": " << r.describe());
    BOOST_TEST(d->fields.at("len") == "1000");
  }
  BOOST_TEST(!t::next_datagram(r, 300ms)); // exactly ten
}

BOOST_AUTO_TEST_CASE(gro_reports_the_segment_size, *t::needs_root())
{
  // Loopback hands a GSO send unsegmented to a socket with UDP_GRO on; the
  // sender is Python with its own UDP_SEGMENT setsockopt.
  auto lab = t::two_hosts();
  net::io_context ctx;
  cmsg_udp rx = t::cmsg_udp_in(lab.b, ctx, {net::ip::address_v4::loopback(), 7401});
  rx.next_layer().set_option(asio_ipv4::udp_gro(true));
  auto sender = lab.b.python("udp_burst.py",
      {"--dst", "127.0.0.1", "--port", "7401", "--size", "6000", "--gso", "1200"});
  BOOST_TEST(sender.wait(10s).value_or(-1) == 0, sender.describe());
  std::vector<char> buf(65536);
  udp::endpoint from;
  asio_ipv4::control_message cm;
  std::size_t n = rx.receive_from(net::buffer(buf), from, cm);
  BOOST_TEST(n == 6000u);
  BOOST_TEST(cm.segment_size.value_or(0) == 1200);
}

BOOST_AUTO_TEST_CASE(gso_refused_for_too_many_segments_falls_back, *t::needs_root())
{
  // 200 segments exceed UDP_MAX_SEGMENTS: the kernel answers EINVAL and the
  // same bytes go out as 200 datagrams. GSO stays on for later sends.
  auto lab = t::two_hosts();
  auto r = receiver_in(lab.b, 7501, 200);
  net::io_context ctx;
  cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});
  tx.next_layer().set_option(net::socket_base::send_buffer_size(1 << 20));
  std::vector<char> data(200 * 100);
  for (std::uint32_t i = 0; i < 200; ++i)
    std::memcpy(data.data() + i * 100, &i, sizeof(i));
  asio_ipv4::control_message cm;
  cm.segment_size = 100;
  std::size_t sent = 0;
  bool done = false;
  tx.async_send_to(net::buffer(data), udp::endpoint(lab.b_if.address, 7501), cm,
      [&](boost::system::error_code ec, std::size_t n) {
        BOOST_TEST(!ec, ec.message());
        sent = n;
        done = true;
      });
  t::run_until(ctx, [&] { return done; }, 10s);
  BOOST_TEST(sent == data.size());
  BOOST_TEST(tx.gso_enabled());
  std::set<std::uint32_t> numbers;
  while (numbers.size() < 200)
  {
    auto d = t::next_datagram(r, 5s);
    BOOST_REQUIRE_MESSAGE(d, r.describe());
    BOOST_TEST(d->fields.at("len") == "100");
    numbers.insert(number_of(d->payload.data()));
  }
  BOOST_TEST(numbers.size() == 200u);
}

// Once a message split in user space (GSO refused: 200 segments) has partly
// gone out, total and partial cancellation are not honoured: the operation
// cannot undo what was sent, and completing early would make the caller
// resend those datagrams. Only terminal cancellation could stop it. A slow
// queue and a tiny send buffer make the split wait part-way.
// Oracle: the Python receiver sees every segment exactly once.
BOOST_AUTO_TEST_CASE(split_send_part_way_ignores_total_and_partial_cancellation, *t::needs_root())
{
  auto lab = t::two_hosts();
  lab.a.run("tc qdisc add dev " + lab.a_if.name + " root tbf rate 1mbit burst 4kb latency 5s");
  constexpr std::uint32_t segments = 200;
  auto r = receiver_in(lab.b, 7601, 3 * segments);
  net::io_context ctx;
  cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});
  tx.next_layer().set_option(net::socket_base::send_buffer_size(4096));
  const udp::endpoint to(lab.b_if.address, 7601);
  std::vector<std::vector<char>> data(3, std::vector<char>(segments * 100));
  for (std::uint32_t m = 0; m < 3; ++m)
    for (std::uint32_t i = 0; i < segments; ++i)
    {
      std::uint32_t n = m * segments + i;
      std::memcpy(data[m].data() + i * 100, &n, sizeof(n));
    }
  std::vector<tx_message> batch(2);
  for (std::size_t m = 0; m < 2; ++m)
  {
    batch[m].buffer = net::buffer(data[m]);
    batch[m].endpoint = to;
    batch[m].control.segment_size = 100;
  }
  asio_ipv4::control_message cm;
  cm.segment_size = 100;

  // Starts `op` with a cancellation slot, emits total cancellation after
  // 100 ms and partial after 150 ms (by then the first datagrams are out),
  // and runs until the operation completes.
  const auto run_cancelled = [&](auto op) {
    net::cancellation_signal signal;
    boost::system::error_code ec = net::error::would_block;
    std::size_t n = 0;
    op(net::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code e, std::size_t m) {
      ec = e;
      n = m;
    }));
    net::steady_timer total(ctx, 100ms), partial(ctx, 150ms);
    int fired = 0;
    total.async_wait([&](boost::system::error_code) {
      BOOST_TEST(ec == net::error::would_block, "finished before the cancellation");
      signal.emit(net::cancellation_type::total);
      ++fired;
    });
    partial.async_wait([&](boost::system::error_code) {
      signal.emit(net::cancellation_type::partial);
      ++fired;
    });
    t::run_until(ctx, [&] { return ec != net::error::would_block && fired == 2; }, 20s);
    return std::pair(ec, n);
  };

  auto [send_ec, sent] = run_cancelled([&](auto handler) {
    tx.async_send_to(net::buffer(data[2]), to, cm, std::move(handler));
  });
  BOOST_TEST(t::error_text(send_ec) == "success");
  BOOST_TEST(sent == data[2].size());

  // The batch finishes its split first message; later messages may stop at
  // the full buffer (a partial batch: its count says where).
  auto [batch_ec, batch_count] = run_cancelled([&](auto handler) {
    tx.async_send_batch(batch, std::move(handler));
  });
  BOOST_TEST(t::error_text(batch_ec) == "success");
  BOOST_TEST_REQUIRE(batch_count >= 1u);
  for (std::size_t m = 0; m < batch.size(); ++m)
    BOOST_TEST(batch[m].bytes == (m < batch_count ? data[m].size() : 0u));

  const std::size_t expected = (1 + batch_count) * segments;
  std::map<std::uint32_t, int> seen;
  while (seen.size() < expected)
  {
    auto d = t::next_datagram(r, 10s);
    BOOST_REQUIRE_MESSAGE(d, r.describe());
    ++seen[number_of(d->payload.data())];
  }
  int wrong = 0;
  for (const auto& [number, count] : seen)
    wrong += count != 1 || (number >= batch_count * segments && number < 2 * segments) || number >= 3 * segments;
  BOOST_TEST(wrong == 0);
}

// Makes every sendmsg(2) of the calling thread fail with EIO, the way a
// device without checksum offload refuses UDP GSO on older kernels (6.18
// computes the checksum in software instead, and xfrm is not available
// here). sendmmsg(2) still works. A seccomp filter cannot be removed: call
// this on a thread of its own.
void make_sendmsg_fail_with_eio()
{
  BOOST_REQUIRE(::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EIO & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  BOOST_REQUIRE(::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0);
}

BOOST_AUTO_TEST_CASE(gso_refused_by_the_device_turns_gso_off, *t::needs_root())
{
  // EIO on a GSO send: the datagrams are cut in user space, now and for
  // every later send of the socket, single or batched.
  auto lab = t::two_hosts();
  auto r = receiver_in(lab.b, 7601, 3 * 8);
  std::thread worker([&] {
    make_sendmsg_fail_with_eio();
    net::io_context ctx;
    cmsg_udp tx = t::cmsg_udp_in(lab.a, ctx, {net::ip::address_v4::any(), 0});
    std::vector<char> data(8 * 500, 'x');
    asio_ipv4::control_message cm;
    cm.segment_size = 500;
    udp::endpoint to(lab.b_if.address, 7601);
    BOOST_TEST(tx.gso_enabled());
    std::size_t sent = 0;
    tx.async_send_to(net::buffer(data), to, cm, [&](boost::system::error_code ec, std::size_t n) {
      BOOST_TEST(!ec, ec.message());
      sent = n;
    });
    ctx.run();
    BOOST_TEST(sent == data.size());
    BOOST_TEST(!tx.gso_enabled());
    BOOST_TEST(tx.send_to(net::buffer(data), to, cm) == data.size());
    std::vector<tx_message> batch(1);
    batch[0].buffer = net::buffer(data);
    batch[0].endpoint = to;
    batch[0].control = cm;
    BOOST_TEST(tx.send_batch(batch) == 1u);
    BOOST_TEST(batch[0].bytes == data.size());
    // Without a segment size, sendmsg is really broken on this thread.
    boost::system::error_code ec;
    tx.send_to(net::buffer(data), to, asio_ipv4::control_message(), ec);
    BOOST_TEST(ec.value() == EIO, ec.message());
  });
  worker.join();
  for (int i = 0; i < 24; ++i)
  {
    auto d = t::next_datagram(r, 5s);
    BOOST_REQUIRE_MESSAGE(d, "datagram " << i << ": " << r.describe());
    BOOST_TEST(d->fields.at("len") == "500");
  }
  BOOST_TEST(!t::next_datagram(r, 300ms)); // the broken plain send sent nothing
}

BOOST_AUTO_TEST_CASE(batch_truncation_lands_in_the_message, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  cmsg_udp rx = t::cmsg_udp_in(lab.b, ctx, {lab.b_if.address, 7701});
  auto small = lab.a.python("udp_burst.py", {"--dst", lab.b_if.address.to_string(), "--port", "7701", "--size", "8"});
  BOOST_TEST(small.wait(5s).value_or(-1) == 0);
  auto big = lab.a.python("udp_burst.py", {"--dst", lab.b_if.address.to_string(), "--port", "7701", "--size", "100"});
  BOOST_TEST(big.wait(5s).value_or(-1) == 0);
  std::array<std::array<char, 16>, 4> storage{};
  std::vector<rx_message> batch(4);
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i].buffer = net::buffer(storage[i]);
  BOOST_REQUIRE(t::eventually([&] {
    int avail = 0;
    return ::ioctl(rx.next_layer().native_handle(), FIONREAD, &avail) == 0 && avail > 0;
  }));
  std::size_t n = 0;
  for (int tries = 0; n < 2 && tries < 50; ++tries)
  {
    boost::system::error_code ec;
    std::vector<rx_message> view(batch.begin() + static_cast<std::ptrdiff_t>(n), batch.end());
    std::size_t got = rx.receive_batch(view, ec);
    BOOST_REQUIRE(!ec);
    for (std::size_t i = 0; i < got; ++i)
      batch[n + i] = view[i];
    n += got;
  }
  BOOST_REQUIRE(n == 2u);
  BOOST_TEST(!batch[0].error);
  BOOST_TEST(batch[0].bytes == 8u);
  BOOST_TEST(batch[1].error == net::error::message_size, batch[1].error.message());
  BOOST_TEST(batch[1].bytes == 16u);
}

BOOST_AUTO_TEST_CASE(cancelled_batch_receive_consumes_nothing, *t::needs_root())
{
  auto lab = t::two_hosts();
  net::io_context ctx;
  cmsg_udp rx = t::cmsg_udp_in(lab.b, ctx, {lab.b_if.address, 7801});
  std::array<std::array<char, 16>, 4> storage{};
  std::vector<rx_message> batch(4);
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i].buffer = net::buffer(storage[i]);
  for (auto type : {net::cancellation_type::terminal, net::cancellation_type::partial, net::cancellation_type::total})
  {
    net::cancellation_signal sig;
    boost::system::error_code result;
    rx.async_receive_batch(batch, net::bind_cancellation_slot(sig.slot(),
        [&](boost::system::error_code ec, std::size_t) { result = ec; }));
    ctx.restart();
    ctx.poll();
    sig.emit(type);
    ctx.run();
    BOOST_TEST(result == net::error::operation_aborted);
  }
  auto s = lab.a.python("udp_burst.py", {"--dst", lab.b_if.address.to_string(), "--port", "7801", "--count", "3"});
  BOOST_TEST(s.wait(5s).value_or(-1) == 0);
  std::size_t n = 0;
  for (int tries = 0; n < 3 && tries < 50; ++tries)
  {
    std::vector<rx_message> view(batch.begin() + static_cast<std::ptrdiff_t>(n), batch.end());
    n += rx.receive_batch(view);
  }
  BOOST_TEST(n == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
