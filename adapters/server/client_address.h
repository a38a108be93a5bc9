// Which client a connection or a request comes from, as the limits count it.
//
// Behind a reverse proxy every TCP connection comes from the proxy: the
// client's own address is in the proxy's Forwarded or X-Forwarded-For header.
// Those headers are believed only from `server.trusted_proxies`; from anyone
// else they are ignored, since anyone can send them. An IPv6 client counts
// by its /64 network, which one subscriber usually holds whole.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace calfbot::adapters {

// A network in CIDR form ("10.0.0.0/8", "2001:db8::/32"); one address is a
// network of its full length.
struct Network {
  boost::asio::ip::address base;
  int prefix = 0;
  bool contains(const boost::asio::ip::address& a) const;
};

// nullopt when `text` is neither an address nor a network.
std::optional<Network> parse_network(std::string_view text);
// Every entry parsed; throws std::invalid_argument naming the first bad one
// (config/ checked them already, so that is a bug).
std::vector<Network> parse_networks(const std::vector<std::string>& texts);

// The key the per-client limits count by: an IPv4 address as it is (an
// IPv4-mapped IPv6 address as its IPv4 address), an IPv6 address as its /64
// network ("2001:db8:1:2::/64").
std::string client_key(const boost::asio::ip::address& a);

// The client's address: `peer` itself unless it is a trusted proxy; then the
// nearest address in X-Forwarded-For (read from the right, past the trusted
// proxies), or in Forwarded's for= when there is no X-Forwarded-For. A
// header that does not parse leaves the peer's address.
boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                        std::string_view forwarded,
                                        std::string_view x_forwarded_for,
                                        const std::vector<Network>& trusted);

}  // namespace calfbot::adapters
