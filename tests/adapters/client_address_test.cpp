// The client a connection or request comes from: networks, IPv6 /64 keys,
// and forwarded addresses believed only from trusted proxies.
#include "adapters/server/client_address.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace calfbot::adapters {
namespace {

namespace ip = boost::asio::ip;

ip::address A(const char* s) { return ip::make_address(s); }

TEST(ClientAddress, NetworksParseAndContain) {
  auto n = parse_network("10.0.0.0/8");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->contains(A("10.200.3.4")));
  EXPECT_FALSE(n->contains(A("11.0.0.1")));
  EXPECT_TRUE(n->contains(A("::ffff:10.1.2.3"))) << "an IPv4-mapped address is its IPv4 one";
  auto one = parse_network("192.0.2.7");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains(A("192.0.2.7")));
  EXPECT_FALSE(one->contains(A("192.0.2.8")));
  auto v6 = parse_network("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(A("2001:db8:ffff::1")));
  EXPECT_FALSE(v6->contains(A("2001:db9::1")));
  for (const char* bad : {"", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "hello", "10.0.0.0/x"}) {
    EXPECT_FALSE(parse_network(bad)) << bad;
  }
  EXPECT_THROW(parse_networks({"10.0.0.0/8", "nope"}), std::invalid_argument);
}

TEST(ClientAddress, AnIPv6ClientCountsByItsSlash64) {
  EXPECT_EQ(client_key(A("203.0.113.9")), "203.0.113.9");
  EXPECT_EQ(client_key(A("::ffff:203.0.113.9")), "203.0.113.9");
  EXPECT_EQ(client_key(A("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key(A("2001:db8:1:2:bbbb::2")), client_key(A("2001:db8:1:2::9")));
  EXPECT_NE(client_key(A("2001:db8:1:3::1")), client_key(A("2001:db8:1:2::1")));
}

TEST(ClientAddress, ForwardedHeadersAreBelievedOnlyFromTrustedProxies) {
  const std::vector<Network> trusted = parse_networks({"10.0.0.0/8"});
  // From a trusted proxy: the nearest untrusted hop.
  EXPECT_EQ(client_address(A("10.0.0.5"), "", "198.51.100.1, 203.0.113.7", trusted),
            A("203.0.113.7"));
  EXPECT_EQ(client_address(A("10.0.0.5"), "", "203.0.113.7, 10.0.0.9", trusted), A("203.0.113.7"))
      << "past a second trusted proxy";
  EXPECT_EQ(client_address(A("10.0.0.5"), "for=192.0.2.60;proto=https, for=\"[2001:db8::1]:4711\"",
                           "", trusted),
            A("2001:db8::1"));
  // From anyone else the headers are ignored: anyone can send them.
  EXPECT_EQ(client_address(A("192.0.2.1"), "for=203.0.113.7", "203.0.113.7", trusted),
            A("192.0.2.1"));
  // A header that does not parse, or names only proxies, leaves the peer.
  EXPECT_EQ(client_address(A("10.0.0.5"), "", "not-an-address", trusted), A("10.0.0.5"));
  EXPECT_EQ(client_address(A("10.0.0.5"), "", "10.1.1.1", trusted), A("10.0.0.5"));
  EXPECT_EQ(client_address(A("10.0.0.5"), "", "", trusted), A("10.0.0.5"));
}

}  // namespace
}  // namespace calfbot::adapters
