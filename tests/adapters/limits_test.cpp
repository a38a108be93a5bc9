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

TEST(Errors, AResponseHasTheStatusAndTextOfItsCode) {
  HttpResponse r = error_response(bot::Code::missing_token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(nlohmann::json::parse(r.body),
            (nlohmann::json{{"type", "error"},
                            {"code", "missing_token"},
                            {"text", "Send the conversation's token as the header "
                                     "'Authorization: Bearer <token>'."}}));
  EXPECT_EQ(error_json(bot::Code::bad_message, "detail")["text"], "detail");
  EXPECT_EQ(error_response(bot::Code::session_expired).status, 410);
  // A code no HTTP API answers (an engine refusal) is a server error if it ever gets there.
  EXPECT_EQ(error_response(bot::Code::empty_message).status, 500);
}

TEST(Metrics, PrometheusText) {
  Metrics m;
  m.sessions_active = [] { return int64_t{4}; };
  m.record_turn(0.003, {dialog::EscalationMessage{1, knowledge::Triage::urgent, "", {}, "999"},
                        dialog::QuestionMessage{}});
  m.record_turn(2.0, {});
  m.record_commit(3, 0.001);
  m.record_error(bot::Code::rate_limited);
  std::string text = m.render();
  for (const char* line : {
           "# TYPE calfbot_turns_total counter\ncalfbot_turns_total 2\n",
           "calfbot_sessions_active 4\n",
           "calfbot_escalations_total{level=\"emergency\"} 0\n",
           "calfbot_escalations_total{level=\"urgent\"} 1\n",
           "calfbot_errors_total{code=\"rate_limited\"} 1\n",
           "calfbot_turn_latency_seconds_bucket{le=\"0.0025\"} 0\n",
           "calfbot_turn_latency_seconds_bucket{le=\"0.005\"} 1\n",
           "calfbot_turn_latency_seconds_bucket{le=\"2.5\"} 2\n",
           "calfbot_turn_latency_seconds_bucket{le=\"+Inf\"} 2\n",
           "calfbot_turn_latency_seconds_sum 2.003\n",
           "calfbot_turn_latency_seconds_count 2\n",
           "calfbot_store_commit_batch_size_bucket{le=\"2\"} 0\n",
           "calfbot_store_commit_batch_size_bucket{le=\"4\"} 1\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

}  // namespace
}  // namespace calfbot::adapters
