//
// test/logic/ssmping_protocol_test.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// The ssmping codec of the CLI (cli/core/ssmping_protocol.hpp), byte by
// byte.
//
// Oracles: message layouts written by hand from draft-ietf-mboned-ssmping
// (type byte, then options of 16-bit type, 16-bit length, value, all
// big-endian; option numbers 1 client id, 2 sequence, 3 timestamp, 4 group
// with address family 1 = IPv4, 5 request server info, 6 server info,
// 7 reply size, 8 pad); and a request Debian's ssmping 0.9.1 sent on
// 2025-12 in a namespace lab, read with strace (its first 32 bytes as strace
// printed them; the group option that follows completed from the layout).

#include "cli/core/ssmping_protocol.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ssm = asio_ipv4::cli::ssmping;
using bytes = std::vector<std::uint8_t>;
using boost::asio::ip::make_address_v4;

namespace {

// Debian ssmping's request: pid 11432 (0x2ca8), sequence 1, sent at
// 0x6b132637 s + 0x25184 us, group 232.43.211.234.
const bytes debian_request = {
  'Q',
  0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x2c, 0xa8,                          // client id
  0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,                          // sequence
  0x00, 0x03, 0x00, 0x08, 0x6b, 0x13, 0x26, 0x37, 0x00, 0x02, 0x51, 0x84,  // timestamp
  0x00, 0x04, 0x00, 0x05, 0x01, 0xe8, 0x2b, 0xd3, 0xea,                    // group, IPv4
};

bytes with_type(bytes b, std::uint8_t type)
{
  b.at(0) = type;
  return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ssmping_protocol_test)

BOOST_AUTO_TEST_CASE(request_encodes_as_debian_ssmping_sends_it)
{
  ssm::request r;
  r.client_id = 11432;
  r.sequence = 1;
  r.sent = {0x6b132637, 0x25184};
  r.group = make_address_v4("232.43.211.234");
  const bytes got = ssm::encode_request(r);
  BOOST_TEST(got == debian_request, boost::test_tools::per_element());
  BOOST_TEST(got.size() == 38u);
}

BOOST_AUTO_TEST_CASE(request_with_server_info_and_reply_size)
{
  ssm::request r;
  r.client_id = 0x01020304;
  r.sequence = 0xa0b0c0d0;
  r.sent = {0x11223344, 0x000f423f};   // 999999 us
  r.group = make_address_v4("239.1.2.234");
  r.want_server_info = true;
  r.reply_size = 0x0400;
  const bytes expected = {
    'Q',
    0x00, 0x01, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
    0x00, 0x02, 0x00, 0x04, 0xa0, 0xb0, 0xc0, 0xd0,
    0x00, 0x03, 0x00, 0x08, 0x11, 0x22, 0x33, 0x44, 0x00, 0x0f, 0x42, 0x3f,
    0x00, 0x05, 0x00, 0x00,                     // request server info: empty
    0x00, 0x07, 0x00, 0x02, 0x04, 0x00,         // reply size 1024
    0x00, 0x04, 0x00, 0x05, 0x01, 239, 1, 2, 234,
  };
  BOOST_TEST(ssm::encode_request(r) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(parse_splits_type_and_options)
{
  ssm::parse_error error{};
  auto m = ssm::parse(debian_request, &error);
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST(m->type == 'Q');
  BOOST_TEST_REQUIRE(m->options.size() == 4u);
  BOOST_TEST(m->options[0].type == 1);
  BOOST_TEST(m->options[0].value == (bytes{0x00, 0x00, 0x2c, 0xa8}), boost::test_tools::per_element());
  BOOST_TEST(m->options[3].type == 4);
  BOOST_TEST(m->options[3].value == (bytes{0x01, 0xe8, 0x2b, 0xd3, 0xea}), boost::test_tools::per_element());
  BOOST_TEST(ssm::encode(*m) == debian_request, boost::test_tools::per_element());
  BOOST_TEST(m->find(ssm::option_type::sequence) == &m->options[1]);
  BOOST_TEST(m->find(ssm::option_type::pad) == nullptr);
}

BOOST_AUTO_TEST_CASE(parse_rejects_what_runs_past_the_end)
{
  ssm::parse_error error{};
  BOOST_TEST(!ssm::parse(bytes{}, &error));
  BOOST_TEST((error == ssm::parse_error::empty));
  // A type byte alone is a message without options.
  auto bare = ssm::parse(bytes{'Q'});
  BOOST_TEST_REQUIRE(bare.has_value());
  BOOST_TEST(bare->options.empty());
  // Every cut inside an option is truncated, at the header or the value.
  for (std::size_t n = 2; n < debian_request.size(); ++n)
  {
    const bytes cut(debian_request.begin(), debian_request.begin() + static_cast<std::ptrdiff_t>(n));
    const bool on_boundary = n == 9 || n == 17 || n == 29;
    error = {};
    auto m = ssm::parse(cut, &error);
    BOOST_TEST(m.has_value() == on_boundary, "cut at " << n);
    if (!on_boundary)
      BOOST_TEST((error == ssm::parse_error::truncated_option), "cut at " << n);
  }
  // A length of 0xffff with 3 bytes behind it.
  BOOST_TEST(!ssm::parse(bytes{'A', 0x00, 0x08, 0xff, 0xff, 0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(decode_reply_reads_the_echoed_fields)
{
  bytes reply = with_type(debian_request, 'A');
  // Server information appended by the server: option 6, "x y".
  reply.insert(reply.end(), {0x00, 0x06, 0x00, 0x03, 'x', ' ', 'y'});
  auto r = ssm::decode_reply(reply.data(), reply.size());
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->client_id == 11432u);
  BOOST_TEST(r->sequence == 1u);
  BOOST_TEST(r->sent.seconds == 0x6b132637u);
  BOOST_TEST(r->sent.microseconds == 0x25184u);
  BOOST_TEST_REQUIRE(r->server_info.has_value());
  BOOST_TEST(*r->server_info == "x y");
  BOOST_TEST_REQUIRE(r->group.has_value());
  BOOST_TEST(r->group->to_string() == "232.43.211.234");
}

BOOST_AUTO_TEST_CASE(decode_reply_refuses_requests_and_incomplete_replies)
{
  BOOST_TEST(!ssm::decode_reply(debian_request.data(), debian_request.size()));   // 'Q'
  const bytes reply = with_type(debian_request, 'A');
  // Without the timestamp option (bytes 17..28 removed).
  bytes no_stamp = reply;
  no_stamp.erase(no_stamp.begin() + 17, no_stamp.begin() + 29);
  BOOST_TEST(ssm::parse(no_stamp).has_value());
  BOOST_TEST(!ssm::decode_reply(no_stamp.data(), no_stamp.size()));
  // A sequence option of the wrong length.
  bytes short_seq = {'A', 0, 1, 0, 4, 0, 0, 0, 1, 0, 2, 0, 2, 0, 1, 0, 3, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0};
  BOOST_TEST(ssm::parse(short_seq).has_value());
  BOOST_TEST(!ssm::decode_reply(short_seq.data(), short_seq.size()));
  // Truncated.
  BOOST_TEST(!ssm::decode_reply(reply.data(), reply.size() - 1));
}

BOOST_AUTO_TEST_CASE(server_echoes_the_request_as_a_reply)
{
  auto a = ssm::answer_request(debian_request.data(), debian_request.size(), "srv");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->datagram == with_type(debian_request, 'A'), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(a->group.has_value());
  BOOST_TEST(a->group->to_string() == "232.43.211.234");
}

BOOST_AUTO_TEST_CASE(server_adds_server_info_and_pads_to_the_reply_size)
{
  ssm::request r;
  r.client_id = 7;
  r.sequence = 9;
  r.want_server_info = true;
  r.reply_size = 100;
  const bytes request = ssm::encode_request(r);
  BOOST_TEST(request.size() == 48u);   // 38 + 4 (server info request) + 6 (reply size)
  auto a = ssm::answer_request(request.data(), request.size(), "v1");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->datagram.size() == 100u);
  bytes expected = with_type(request, 'A');
  expected.insert(expected.end(), {0x00, 0x06, 0x00, 0x02, 'v', '1'});   // 54 bytes
  expected.insert(expected.end(), {0x00, 0x08, 0x00, 42});               // pad: 100 - 54 - 4
  expected.resize(100, 0);
  BOOST_TEST(a->datagram == expected, boost::test_tools::per_element());
  // The client reads it back.
  auto reply = ssm::decode_reply(a->datagram.data(), a->datagram.size());
  BOOST_TEST_REQUIRE(reply.has_value());
  BOOST_TEST(reply->sequence == 9u);
  BOOST_TEST(reply->server_info.value_or("") == "v1");
}

BOOST_AUTO_TEST_CASE(server_pads_only_when_the_pad_option_fits)
{
  ssm::request r;
  r.reply_size = 45;   // request 44 bytes: no room for a 4-byte pad header
  bytes request = ssm::encode_request(r);
  auto a = ssm::answer_request(request.data(), request.size(), "");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->datagram.size() == 44u);
  r.reply_size = 48;   // exactly an empty pad option
  request = ssm::encode_request(r);
  a = ssm::answer_request(request.data(), request.size(), "");
  BOOST_TEST(a->datagram.size() == 48u);
  r.reply_size = 60000;   // above the server's limit: not padded
  request = ssm::encode_request(r);
  a = ssm::answer_request(request.data(), request.size(), "", 1500);
  BOOST_TEST(a->datagram.size() == 44u);
}

BOOST_AUTO_TEST_CASE(server_refuses_groups_it_must_not_send_to)
{
  auto group_of = [](bytes option_value) {
    bytes request = {'Q', 0, 2, 0, 4, 0, 0, 0, 1, 0, 4, 0, static_cast<std::uint8_t>(option_value.size())};
    request.insert(request.end(), option_value.begin(), option_value.end());
    auto a = ssm::answer_request(request.data(), request.size(), "");
    BOOST_TEST_REQUIRE(a.has_value());
    return a->group;
  };
  BOOST_TEST(group_of({1, 239, 9, 9, 234}).value_or(boost::asio::ip::address_v4()).to_string() == "239.9.9.234");
  BOOST_TEST(!group_of({1, 239, 9, 9, 233}));              // not .234
  BOOST_TEST(!group_of({1, 10, 0, 0, 234}));               // unicast
  BOOST_TEST(!group_of({2, 0xff, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43, 0x21, 0x12, 0x34}));   // IPv6
  BOOST_TEST(!group_of({1, 232, 43, 211}));                // short
}

BOOST_AUTO_TEST_CASE(server_ignores_what_is_not_a_request)
{
  const bytes reply = with_type(debian_request, 'A');
  BOOST_TEST(!ssm::answer_request(reply.data(), reply.size(), ""));
  BOOST_TEST(!ssm::answer_request(nullptr, 0, ""));
  // A malformed request is echoed as it came, to the default group.
  const bytes broken = {'Q', 0, 1, 0, 9, 1};
  auto a = ssm::answer_request(broken.data(), broken.size(), "x");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->datagram == (bytes{'A', 0, 1, 0, 9, 1}), boost::test_tools::per_element());
  BOOST_TEST(a->group.value_or(boost::asio::ip::address_v4()).to_string() == "232.43.211.234");
}

BOOST_AUTO_TEST_CASE(hops_count_down_from_the_server_ttl)
{
  BOOST_TEST(ssm::hops_from_ttl(64) == 0);
  BOOST_TEST(ssm::hops_from_ttl(63) == 1);
  BOOST_TEST(ssm::hops_from_ttl(1) == 63);
  BOOST_TEST(ssm::hops_from_ttl(0) == 64);
  BOOST_TEST(ssm::hops_from_ttl(128) == 0);   // a server that sends with 128
  BOOST_TEST(ssm::hops_from_ttl(120) == 8);
  BOOST_TEST(ssm::hops_from_ttl(255) == 0);
  BOOST_TEST(ssm::hops_from_ttl(250) == 5);
}

BOOST_AUTO_TEST_SUITE_END()
