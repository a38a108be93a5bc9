// The small policies of the server: the rate limiter, the Origin check, the
// error table and the metrics text.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/api/errors.h"
#include "adapters/metrics.h"
#include "adapters/server/origin_policy.h"
#include "adapters/server/rate_limiter.h"

namespace calfbot::adapters {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenSteadyRate) {
  RateLimiter limiter(2, 3);  // 2 a second, 3 at once
  auto t = RateLimiter::Clock::time_point{} + 100s;
  EXPECT_TRUE(limiter.allow(t));
  EXPECT_TRUE(limiter.allow(t));
  EXPECT_TRUE(limiter.allow(t));
  EXPECT_FALSE(limiter.allow(t));
  EXPECT_FALSE(limiter.allow(t + 400ms));
  EXPECT_TRUE(limiter.allow(t + 500ms)) << "one token back after half a second";
  EXPECT_FALSE(limiter.allow(t + 500ms));
  EXPECT_TRUE(limiter.allow(t + 60s));
  EXPECT_TRUE(limiter.allow(t + 60s));
  EXPECT_TRUE(limiter.allow(t + 60s));
  EXPECT_FALSE(limiter.allow(t + 60s)) << "never more than the burst saved up";
}

TEST(RateLimiter, FullAgainOnceTheBurstHasRefilled) {
  RateLimiter limiter(1, 2);
  auto t = RateLimiter::Clock::time_point{} + 100s;
  EXPECT_TRUE(limiter.full(t)) << "never used";
  limiter.allow(t);
  limiter.allow(t);
  EXPECT_FALSE(limiter.full(t + 1s));
  EXPECT_TRUE(limiter.full(t + 2s));
}

TEST(OriginPolicy, AllowedAndAbsent) {
  const std::vector<std::string> allowed = {"https://clinic.example", "http://localhost:8080",
                                            "http://calfbot.example"};
  EXPECT_TRUE(origin_allowed("", allowed)) << "not a browser";
  EXPECT_TRUE(origin_allowed("https://clinic.example", allowed));
  EXPECT_TRUE(origin_allowed("HTTPS://Clinic.Example", allowed));
  EXPECT_TRUE(origin_allowed("https://clinic.example:443", allowed));
  EXPECT_TRUE(origin_allowed("http://localhost:8080", allowed));
  EXPECT_TRUE(origin_allowed("http://calfbot.example:80", allowed));
}

TEST(OriginPolicy, Refused) {
  const std::vector<std::string> allowed = {"https://clinic.example", "http://127.0.0.1:9000"};
  EXPECT_FALSE(origin_allowed("https://evil.example", allowed));
  EXPECT_FALSE(origin_allowed("http://clinic.example", allowed)) << "scheme";
  EXPECT_FALSE(origin_allowed("https://clinic.example:8443", allowed));
  EXPECT_FALSE(origin_allowed("null", allowed));
  EXPECT_FALSE(origin_allowed("https://clinic.example.evil.example", allowed));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:9001", allowed));
  // A DNS-rebinding page has the attacker's name as its origin, whatever Host says.
  EXPECT_FALSE(origin_allowed("http://rebind.evil.example:9000", allowed));
}

}  // namespace
}  // namespace calfbot::adapters
