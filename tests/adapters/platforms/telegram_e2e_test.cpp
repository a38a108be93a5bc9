// Telegram end to end: real Update payloads posted to the running server
// with the secret-token header, replies checked where they land, the fake
// Bot API.
#include <algorithm>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/adapters/platforms/e2e_support.h"

namespace calfbot::tests {
namespace {

using nlohmann::json;

json update(const std::string& fixture, int64_t update_id, int64_t chat) {
  json u = fixture_json(fixture);
  u["update_id"] = update_id;
  json& m = u.contains("message") ? u["message"] : u["callback_query"]["message"];
  m["chat"]["id"] = chat;
  if (u.contains("callback_query")) u["callback_query"]["from"]["id"] = chat;
  return u;
}

json text_update(int64_t update_id, int64_t chat, const std::string& text) {
  json u = update("telegram_message_text.json", update_id, chat);
  u["message"]["text"] = text;
  return u;
}

TEST(TelegramE2e, ConversationWithButtonsAndDuplicates) {
  E2e t;
  t.start();
  ASSERT_EQ(t.post_telegram(update("telegram_command_start.json", 100, 5001).dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", 2)) << t.server->output();
  auto sent = t.api.accepted("/sendMessage");
  EXPECT_EQ(sent[0].target, "/bot" + t.secrets.telegram_token + "/sendMessage");
  EXPECT_EQ(sent[0].json()["chat_id"], "5001");
  EXPECT_NE(texts(sent)[0].find("calfbot"), std::string::npos);  // the greeting first
  EXPECT_EQ(texts(sent)[1], "In your own words, what is troubling you about your calf or lower leg?");

  // Answer in words until a question comes with buttons.
  json last;
  std::string answer = "my left calf hurts when I walk";
  for (int i = 0; i < 6 && !last.contains("reply_markup"); ++i) {
    size_t n = t.settle();
    ASSERT_EQ(t.post_telegram(text_update(101 + i * 1000, 5001, answer).dump()).status, 200);
    ASSERT_TRUE(t.api.wait_accepted("/sendMessage", n + 1)) << t.server->output();
    t.settle();
    last = t.api.accepted("/sendMessage").back().json();
    answer = last["text"].get<std::string>().find("old") != std::string::npos ? "45" : "no";
  }
  ASSERT_TRUE(last.contains("reply_markup")) << last.dump();
  std::string data = last["reply_markup"]["inline_keyboard"][0][0]["callback_data"];
  size_t before = t.api.accepted("/sendMessage").size();

  json press = update("telegram_callback_query.json", 102, 5001);
  press["callback_query"]["data"] = data;
  ASSERT_EQ(t.post_telegram(press.dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/answerCallbackQuery", 1));
  EXPECT_EQ(t.api.accepted("/answerCallbackQuery")[0].json()["callback_query_id"], "4382bfdwdsb323b2d9");
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", before + 1));
  EXPECT_NE(t.api.accepted("/sendMessage").back().json()["text"], last["text"]);  // moved on

  // The same update delivered again is answered once.
  size_t total = t.settle();
  ASSERT_EQ(t.post_telegram(press.dump()).status, 200);
  EXPECT_EQ(t.settle(), total);
  // Logged as what it is: the update is the line's "delivery", not its "event".
  int duplicates = 0;
  for (const auto& l : t.server->lines()) {
    json j = json::parse(l, nullptr, false);
    if (j.is_object() && j["event"] == "platform_duplicate") {
      EXPECT_EQ(j.value("delivery", ""), "update:102") << l;
      ++duplicates;
    }
  }
  EXPECT_EQ(duplicates, 1) << t.server->output();
  // No secret reaches the log.
  EXPECT_EQ(t.server->output().find(t.secrets.telegram_token), std::string::npos);
  EXPECT_EQ(t.server->output().find(t.secrets.telegram_secret), std::string::npos);
}

TEST(TelegramE2e, EmergencyLeadsWithTheNumber) {
  E2e t;
  t.start();
  ASSERT_EQ(t.post_telegram(text_update(200, 5002, "my calf is swollen and now I am coughing up blood and "
                                                   "short of breath").dump()).status, 200);
  EXPECT_TRUE(t.wait_text("EMERGENCY: call 999 now.")) << t.server->output();
  // Conversations through a platform are in the server's metrics too.
  auto metrics = t.post("/metrics", "", {}, "GET");
  ASSERT_EQ(metrics.status, 200);
  for (const char* line : {"\ncalfbot_sessions_started_total 1\n", "\ncalfbot_turns_total 1\n",
                           "\ncalfbot_escalations_total{level=\"emergency\"} 1\n"}) {
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line << "\n" << metrics.body;
  }
}

TEST(TelegramE2e, ForgedOrMissingSecretChangesNothing) {
  E2e t;
  t.start();
  std::string body = update("telegram_command_start.json", 300, 5003).dump();
  auto forged = t.post("/webhooks/telegram", body,
                       {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", "guess"}});
  EXPECT_EQ(forged.status, 403);
  auto missing = t.post("/webhooks/telegram", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(t.settle(), 0u);
  // The update id was not recorded: the genuine delivery is still handled.
  ASSERT_EQ(t.post_telegram(body).status, 200);
  EXPECT_TRUE(t.api.wait_accepted("/sendMessage", 2));
}

TEST(TelegramE2e, OutageRetriedAndDeliveredOnceEvenAcrossARestart) {
  E2e t;
  t.start();
  t.api.fail_next(3, 502);
  ASSERT_EQ(t.post_telegram(update("telegram_command_start.json", 400, 5004).dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", 2)) << t.server->output();
  auto sent = texts(t.api.accepted("/sendMessage"));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].find("calfbot"), std::string::npos);  // still in order
  EXPECT_EQ(t.api.requests().size(), 5u);

  // Down for longer than the server runs: the restart resumes delivery.
  t.api.fail_next(1000, 503);
  ASSERT_EQ(t.post_telegram(text_update(401, 5004, "my right calf aches").dump()).status, 200);
  ASSERT_TRUE(t.server->wait_for_output("outbox_retry"));
  t.stop();
  t.api.fail_next(0);
  t.start();
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", 4)) << t.server->output();
  t.settle();
  auto after = texts(t.api.accepted("/sendMessage"));
  std::set<std::string> unique(after.begin(), after.end());
  EXPECT_EQ(unique.size(), after.size());  // each reply once
}

}  // namespace
}  // namespace calfbot::tests
