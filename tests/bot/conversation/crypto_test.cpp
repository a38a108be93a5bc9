// Random tokens, hashes, HMAC and the sealed session token.
#include "bot/conversation/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace calfbot::bot {
namespace {

TEST(Crypto, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(base64url(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(hex(std::string("\x01\xab", 2)), "01ab");
}

TEST(Crypto, RandomBytesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto b = random_bytes(16);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->size(), 16u);
    EXPECT_TRUE(seen.insert(*b).second);
  }
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Crypto, SealOpensOnlyWithTheSameKey) {
  auto box = seal("link-token", "ctx", "session-token-123");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->find("session-token"), std::string::npos);
  EXPECT_EQ(open("link-token", "ctx", *box), "session-token-123");
  EXPECT_FALSE(open("other-token", "ctx", *box));
  EXPECT_FALSE(open("link-token", "other", *box));
  std::string tampered = *box;
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open("link-token", "ctx", tampered));
  EXPECT_FALSE(open("link-token", "ctx", "short"));
  EXPECT_FALSE(open("link-token", "ctx", "not base64 !"));
  // a fresh nonce each time
  EXPECT_NE(*seal("k", "c", "s"), *seal("k", "c", "s"));
}

}  // namespace
}  // namespace calfbot::bot
