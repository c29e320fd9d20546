//
// src/linux/network_interface.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0.
//
// ip4::interfaces() over rtnetlink: an RTM_GETLINK and an AF_INET
// RTM_GETADDR dump on a NETLINK_ROUTE socket (see rtnetlink(7), netlink(7)).
// The byte-level reading is in the pure functions of detail/netlink.hpp.
// The finders over the list are in src/network_interface.cpp.

#include <asio_ipv4/detail/platform.hpp>

#if defined(ASIO_IPV4_PLATFORM_LINUX)

#include <asio_ipv4/detail/netlink.hpp>
#include <asio_ipv4/ip4/network_interface.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace asio_ipv4 {

// The public flag constants are the kernel's IFF_* values.
static_assert(ip4::network_interface::flag_up == IFF_UP, "IFF_UP");
static_assert(ip4::network_interface::flag_broadcast == IFF_BROADCAST, "IFF_BROADCAST");
static_assert(ip4::network_interface::flag_loopback == IFF_LOOPBACK, "IFF_LOOPBACK");
static_assert(ip4::network_interface::flag_point_to_point == IFF_POINTOPOINT, "IFF_POINTOPOINT");
static_assert(ip4::network_interface::flag_running == IFF_RUNNING, "IFF_RUNNING");
static_assert(ip4::network_interface::flag_noarp == IFF_NOARP, "IFF_NOARP");
static_assert(ip4::network_interface::flag_multicast == IFF_MULTICAST, "IFF_MULTICAST");
static_assert(ip4::network_interface::flag_lower_up == IFF_LOWER_UP, "IFF_LOWER_UP");

namespace detail {
namespace netlink {
namespace {

const unsigned char* bytes_of(boost::asio::const_buffer buffer)
{
  return static_cast<const unsigned char*>(buffer.data());
}

void set_bad_message(boost::system::error_code& ec)
{
  ec = boost::system::error_code(EBADMSG, boost::system::system_category());
}

// Netlink data may sit at any address in a test's buffer: copy, never cast.
template <class T>
T load(const unsigned char* at)
{
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

std::size_t align4(std::size_t length)
{
  return (length + 3) & ~std::size_t(3);
}

// Walks the route attributes (struct rtattr) in [data, data + size) and calls
// f(type, payload) for each. Returns false (and sets ec) when a length is
// impossible; never reads outside the range.
template <class F>
bool for_each_attribute(const unsigned char* data, std::size_t size, boost::system::error_code& ec,
    F f)
{
  while (size > 0)
  {
    if (size < sizeof(rtattr))
    {
      set_bad_message(ec);
      return false;
    }
    auto header = load<rtattr>(data);
    if (header.rta_len < sizeof(rtattr) || header.rta_len > size)
    {
      set_bad_message(ec);
      return false;
    }
    // NLA_F_NESTED and NLA_F_NET_BYTEORDER are flags, not part of the type.
    unsigned type = header.rta_type & NLA_TYPE_MASK;
    if (!f(type, boost::asio::const_buffer(data + sizeof(rtattr), header.rta_len - sizeof(rtattr))))
      return false;
    // The last attribute may lack its alignment padding.
    std::size_t step = std::min(align4(header.rta_len), size);
    data += step;
    size -= step;
  }
  return true;
}

} // namespace

std::vector<unsigned char> dump_request(std::uint16_t type, std::uint8_t family,
    std::uint32_t sequence)
{
  // ifinfomsg (16 bytes) and ifaddrmsg (8 bytes) both start with the family.
  std::size_t body = type == RTM_GETLINK ? sizeof(ifinfomsg) : sizeof(ifaddrmsg);
  std::vector<unsigned char> request(NLMSG_LENGTH(body), 0);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(request.size());
  header.nlmsg_type = type;
  header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header.nlmsg_seq = sequence;
  header.nlmsg_pid = 0;
  std::memcpy(request.data(), &header, sizeof header);
  request[NLMSG_HDRLEN] = family;
  return request;
}

link_record parse_link(boost::asio::const_buffer payload, boost::system::error_code& ec)
{
  link_record record;
  if (payload.size() < sizeof(ifinfomsg))
  {
    set_bad_message(ec);
    return record;
  }
  auto info = load<ifinfomsg>(bytes_of(payload));
  if (info.ifi_index <= 0)
  {
    set_bad_message(ec);
    return record;
  }
  record.index = static_cast<unsigned>(info.ifi_index);
  record.flags = info.ifi_flags;
  std::size_t start = NLMSG_ALIGN(sizeof(ifinfomsg));
  if (start > payload.size())
    start = payload.size();
  for_each_attribute(bytes_of(payload) + start, payload.size() - start, ec,
      [&](unsigned type, boost::asio::const_buffer value) {
        const auto* text = static_cast<const char*>(value.data());
        switch (type)
        {
        case IFLA_IFNAME:
          // NUL-terminated by the kernel; stop at the end of the attribute anyway.
          record.name.assign(text, std::find(text, text + value.size(), '\0'));
          return true;
        case IFLA_MTU:
          if (value.size() != sizeof(std::uint32_t))
          {
            set_bad_message(ec);
            return false;
          }
          record.mtu = load<std::uint32_t>(bytes_of(value));
          return true;
        default:
          return true;
        }
      });
  return record;
}

bool parse_address(boost::asio::const_buffer payload, address_record& record,
    boost::system::error_code& ec)
{
  if (payload.size() < sizeof(ifaddrmsg))
  {
    set_bad_message(ec);
    return false;
  }
  auto info = load<ifaddrmsg>(bytes_of(payload));
  if (info.ifa_family != AF_INET)
    return false;
  if (info.ifa_prefixlen > 32 || info.ifa_index == 0)
  {
    set_bad_message(ec);
    return false;
  }
  const unsigned char* local = nullptr;
  const unsigned char* address = nullptr;
  std::size_t start = NLMSG_ALIGN(sizeof(ifaddrmsg));
  bool ok = for_each_attribute(bytes_of(payload) + start, payload.size() - start, ec,
      [&](unsigned type, boost::asio::const_buffer value) {
        if (type != IFA_LOCAL && type != IFA_ADDRESS)
          return true;
        if (value.size() != 4)
        {
          set_bad_message(ec);
          return false;
        }
        (type == IFA_LOCAL ? local : address) = bytes_of(value);
        return true;
      });
  const unsigned char* chosen = local ? local : address;
  if (!ok || !chosen)
    return false;
  boost::asio::ip::address_v4::bytes_type bytes;
  std::memcpy(bytes.data(), chosen, 4);
  record.index = info.ifa_index;
  record.network = boost::asio::ip::network_v4(boost::asio::ip::address_v4(bytes), info.ifa_prefixlen);
  return true;
}

void parse_datagram(boost::asio::const_buffer datagram, dump_state& state,
    boost::system::error_code& ec)
{
  ec.clear();
  const unsigned char* data = bytes_of(datagram);
  std::size_t size = datagram.size();
  while (size > 0)
  {
    if (size < NLMSG_HDRLEN)
    {
      set_bad_message(ec);
      return;
    }
    auto header = load<nlmsghdr>(data);
    if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > size)
    {
      set_bad_message(ec);
      return;
    }
    boost::asio::const_buffer payload(data + NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN);
    std::size_t step = std::min<std::size_t>(NLMSG_ALIGN(header.nlmsg_len), size);
    data += step;
    size -= step;

    if (header.nlmsg_seq != state.sequence ||
        (state.port_id != 0 && header.nlmsg_pid != state.port_id))
      continue;   // an answer to some other request
    if (header.nlmsg_flags & NLM_F_DUMP_INTR)
      state.interrupted = true;

    switch (header.nlmsg_type)
    {
    case NLMSG_NOOP:
      break;
    case NLMSG_OVERRUN:
      state.interrupted = true;
      break;
    case NLMSG_DONE:
      state.done = true;
      // A dump's DONE carries an int: 0, or a negative errno if it failed.
      if (payload.size() >= sizeof(int))
      {
        int error = load<int>(bytes_of(payload));
        if (error < 0)
          ec = boost::system::error_code(-error, boost::system::system_category());
      }
      return;
    case NLMSG_ERROR:
    {
      if (payload.size() < sizeof(int))
      {
        set_bad_message(ec);
        return;
      }
      int error = load<int>(bytes_of(payload));
      if (error != 0)   // 0 is an acknowledgement
      {
        ec = boost::system::error_code(error < 0 ? -error : error, boost::system::system_category());
        return;
      }
      break;
    }
    case RTM_NEWLINK:
    {
      link_record link = parse_link(payload, ec);
      if (ec)
        return;
      state.links.push_back(std::move(link));
      break;
    }
    case RTM_NEWADDR:
    {
      address_record address;
      if (parse_address(payload, address, ec))
        state.addresses.push_back(address);
      if (ec)
        return;
      break;
    }
    default:
      break;
    }
  }
}

std::vector<ip4::network_interface> assemble(const dump_state& state)
{
  std::vector<ip4::network_interface> result;
  result.reserve(state.links.size());
  for (const auto& link : state.links)
  {
    ip4::network_interface nic;
    nic.index = link.index;
    nic.name = link.name;
    nic.mtu = link.mtu;
    nic.flags = link.flags;
    for (const auto& address : state.addresses)
      if (address.index == link.index)
        nic.addresses.push_back(address.network);
    result.push_back(std::move(nic));
  }
  return result;
}

namespace {

class route_socket
{
public:
  explicit route_socket(boost::system::error_code& ec)
  {
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0)
    {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return;
    }
    // The kernel answers a dump at once; a silent kernel must not hang us.
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;   // nl_pid 0: the kernel picks our port id
    socklen_t length = sizeof local;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length) != 0)
    {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return;
    }
    port_id_ = local.nl_pid;
  }

  route_socket(const route_socket&) = delete;
  route_socket& operator=(const route_socket&) = delete;

  ~route_socket()
  {
    if (fd_ >= 0)
      ::close(fd_);
  }

  // Sends one dump request and reads answers into `state` until NLMSG_DONE.
  void dump(std::uint16_t type, std::uint8_t family, dump_state& state, boost::system::error_code& ec)
  {
    state.sequence += 1;
    state.port_id = port_id_;
    state.done = false;
    auto request = dump_request(type, family, state.sequence);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do
      sent = ::sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
          sizeof kernel);
    while (sent < 0 && errno == EINTR);
    if (sent < 0)
    {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return;
    }
    while (!state.done)
    {
      ssize_t size = receive(ec);
      if (ec)
        return;
      if (size < 0)   // ENOBUFS: the socket overflowed and messages were lost
      {
        state.interrupted = true;
        return;
      }
      parse_datagram(boost::asio::const_buffer(buffer_.data(), static_cast<std::size_t>(size)),
          state, ec);
      if (ec)
        return;
    }
  }

private:
  // One whole datagram into buffer_ (grown to fit: MSG_PEEK | MSG_TRUNC
  // reports the real size). Returns its size, or -1 after ENOBUFS.
  ssize_t receive(boost::system::error_code& ec)
  {
    for (;;)
    {
      ssize_t size = ::recv(fd_, buffer_.data(), buffer_.size(), MSG_PEEK | MSG_TRUNC);
      if (size >= 0 && static_cast<std::size_t>(size) > buffer_.size())
      {
        buffer_.resize(static_cast<std::size_t>(size));
        continue;
      }
      if (size >= 0)
      {
        sockaddr_nl sender{};
        socklen_t length = sizeof sender;
        size = ::recvfrom(fd_, buffer_.data(), buffer_.size(), 0,
            reinterpret_cast<sockaddr*>(&sender), &length);
        if (size >= 0 && sender.nl_pid != 0)
          continue;   // not from the kernel
      }
      if (size < 0 && errno == EINTR)
        continue;
      if (size < 0 && errno == ENOBUFS)
        return -1;
      if (size < 0)
      {
        int error = errno == EAGAIN ? ETIMEDOUT : errno;
        ec = boost::system::error_code(error, boost::system::system_category());
        return 0;
      }
      if (size == 0)
      {
        set_bad_message(ec);   // netlink never sends an empty datagram
        return 0;
      }
      return size;
    }
  }

  int fd_ = -1;
  std::uint32_t port_id_ = 0;
  std::vector<unsigned char> buffer_ = std::vector<unsigned char>(32768);
};

} // namespace
} // namespace netlink
} // namespace detail

namespace ip4 {

std::vector<network_interface> interfaces(boost::system::error_code& ec)
{
  ec.clear();
  constexpr int attempts = 10;
  for (int attempt = 0; attempt < attempts; ++attempt)
  {
    detail::netlink::route_socket socket(ec);
    if (ec)
      return {};
    detail::netlink::dump_state state;
    socket.dump(RTM_GETLINK, AF_UNSPEC, state, ec);
    if (!ec && !state.interrupted)
      socket.dump(RTM_GETADDR, AF_INET, state, ec);
    if (ec)
      return {};
    if (!state.interrupted)
      return detail::netlink::assemble(state);
  }
  ec = boost::system::error_code(EAGAIN, boost::system::system_category());
  return {};
}

} // namespace ip4
} // namespace asio_ipv4

#endif // ASIO_IPV4_PLATFORM_LINUX
