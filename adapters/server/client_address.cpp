#include "adapters/server/client_address.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace calfbot::adapters {

namespace ip = boost::asio::ip;

namespace {

// An IPv4-mapped IPv6 address as the IPv4 address it is.
ip::address plain(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An address as a header writes it: "203.0.113.7", "[2001:db8::1]",
// "[2001:db8::1]:4711", "203.0.113.7:4711", or quoted.
std::optional<ip::address> header_address(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s = s.substr(1, close - 1);
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    s = s.substr(0, s.find(':'));  // IPv4 with a port
  }
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  return plain(a);
}

// The addresses of a Forwarded header's for= parameters, in order.
std::vector<std::string_view> forwarded_for(std::string_view header) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find_first_of(",;", start);
    std::string_view part = trim(header.substr(start, end == std::string_view::npos ? end : end - start));
    if (part.size() > 4 && (part.substr(0, 4) == "for=" || part.substr(0, 4) == "For=" ||
                            part.substr(0, 4) == "FOR=")) {
      out.push_back(part.substr(4));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::vector<std::string_view> split_commas(std::string_view header) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    out.push_back(header.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool trusted_by(const ip::address& a, const std::vector<Network>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const Network& n) { return n.contains(a); });
}

}  // namespace

bool Network::contains(const ip::address& raw) const {
  const ip::address a = plain(raw);
  if (a.is_v4() != base.is_v4()) return false;
  auto bytes_of = [](const ip::address& x) {
    std::vector<unsigned char> b;
    if (x.is_v4()) {
      auto v = x.to_v4().to_bytes();
      b.assign(v.begin(), v.end());
    } else {
      auto v = x.to_v6().to_bytes();
      b.assign(v.begin(), v.end());
    }
    return b;
  };
  const auto x = bytes_of(a), y = bytes_of(base);
  int bits = prefix;
  for (size_t i = 0; i < x.size() && bits > 0; ++i, bits -= 8) {
    const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
    if ((x[i] & mask) != (y[i] & mask)) return false;
  }
  return true;
}

std::optional<Network> parse_network(std::string_view text) {
  std::string_view addr = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    prefix = std::stoi(std::string(p));
  }
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(addr), ec);
  if (ec) return std::nullopt;
  a = plain(a);
  const int full = a.is_v4() ? 32 : 128;
  if (prefix < 0) prefix = full;
  if (prefix > full) return std::nullopt;
  return Network{a, prefix};
}

std::vector<Network> parse_networks(const std::vector<std::string>& texts) {
  std::vector<Network> out;
  for (const auto& t : texts) {
    auto n = parse_network(t);
    if (!n) throw std::invalid_argument("'" + t + "' is not an address or a network");
    out.push_back(*n);
  }
  return out;
}

std::string client_key(const ip::address& raw) {
  const ip::address a = plain(raw);
  if (a.is_v4()) return a.to_string();
  auto bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::make_address_v6(bytes).to_string() + "/64";
}

ip::address client_address(const ip::address& peer, std::string_view forwarded,
                           std::string_view x_forwarded_for, const std::vector<Network>& trusted) {
  const ip::address p = plain(peer);
  if (!trusted_by(p, trusted)) return p;
  std::vector<std::string_view> hops =
      !x_forwarded_for.empty() ? split_commas(x_forwarded_for) : forwarded_for(forwarded);
  // Read from the right: each trusted proxy appended the address it saw.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto a = header_address(*it);
    if (!a) return p;
    if (!trusted_by(*a, trusted)) return *a;
  }
  return p;
}

}  // namespace calfbot::adapters
