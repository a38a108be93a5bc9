// WhatsApp Cloud API: stored webhook payloads in, /messages calls out, with
// the platform's limits on buttons, list rows and titles.
#include "adapters/platforms/whatsapp.h"

#include <gtest/gtest.h>

#include "bot/message_json.h"
#include "tests/adapters/platforms/fixture_files.h"

namespace calfbot::adapters::platforms::whatsapp {
namespace {

using nlohmann::json;

// A bot message from its wire JSON (bot/message_json.h), as a channel has it.
dialog::Message msg(const json& j) { return *bot::message_from_json(j); }

using tests::fixture;

const std::string kPhoneId = "106540352242922";

TEST(WhatsApp, VerificationHandshake) {
  EXPECT_EQ(verify_challenge("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
                             "meatyhamhock"),
            "1158201444");
  EXPECT_FALSE(verify_challenge("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong", "meatyhamhock"));
  EXPECT_FALSE(verify_challenge("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=meatyhamhock",
                                "meatyhamhock"));
  EXPECT_FALSE(verify_challenge("hub.mode=subscribe&hub.challenge=1&hub.verify_token=", ""));
  EXPECT_FALSE(verify_challenge("hub.mode=subscribe&hub.verify_token=meatyhamhock", "meatyhamhock"));
}

TEST(WhatsApp, TextMessage) {
  auto p = parse_webhook(fixture("whatsapp_text.json"), kPhoneId);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  const Inbound& e = p->events[0];
  EXPECT_EQ(e.event_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
  EXPECT_EQ(e.user, "16505551234");
  EXPECT_EQ(e.kind, Inbound::Kind::text);
  EXPECT_EQ(e.value, "my left calf is swollen and sore since the flight on tuesday");
  EXPECT_EQ(e.time_unix, 1749416383);
}

TEST(WhatsApp, ButtonAndListReplies) {
  auto b = parse_webhook(fixture("whatsapp_button_reply.json"), kPhoneId);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->events.at(0).kind, Inbound::Kind::choice);
  EXPECT_EQ(b->events.at(0).value, "myself");
  auto l = parse_webhook(fixture("whatsapp_list_reply.json"), kPhoneId);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->events.at(0).kind, Inbound::Kind::choice);
  EXPECT_EQ(l->events.at(0).value, "sudden");
}

TEST(WhatsApp, StatusCallbacksAreSkippedImagesUnsupported) {
  auto s = parse_webhook(fixture("whatsapp_status.json"), kPhoneId);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->events.empty());
  EXPECT_EQ(s->skipped, std::vector<std::string>{"status callback"});
  auto i = parse_webhook(fixture("whatsapp_image.json"), kPhoneId);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->events.at(0).kind, Inbound::Kind::unsupported);
}

TEST(WhatsApp, OtherPhoneNumbersAndBadPayloads) {
  auto p = parse_webhook(fixture("whatsapp_text.json"), "999");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->events.empty());
  EXPECT_EQ(parse_webhook("{}", kPhoneId).error().code, bot::Code::bad_payload);
  EXPECT_EQ(parse_webhook("[", kPhoneId).error().code, bot::Code::bad_payload);
}

// Found by fuzz_whatsapp: fields of another type than the Cloud API's threw
// out of the parser. Each is refused or skipped instead.
TEST(WhatsApp, FieldsOfTheWrongTypeAreRefusedNotThrown) {
  EXPECT_EQ(parse_webhook(R"({"object": 16505})", kPhoneId).error().code, bot::Code::bad_payload);
  auto p = parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"changes":[
      {"field":7},{"field":"messages","value":3},
      {"field":"messages","value":{"metadata":{"phone_number_id":")" + std::string(kPhoneId) + R"("},
       "messages":[{"id":"m1","from":"447700900123","type":"text","text":"plain"}]}}]}]})",
                         kPhoneId);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  EXPECT_EQ(p->events[0].value, "");
  EXPECT_EQ(parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"changes":[
      {"field":"messages","value":{"metadata":{"phone_number_id":")" + std::string(kPhoneId) + R"("},
       "messages":[{"id":5,"from":"447700900123","type":"text"}]}}]}]})", kPhoneId)
                .error().code, bot::Code::bad_payload);
}

json question(const std::string& answer_type, std::vector<std::pair<std::string, std::string>> choices) {
  json q = {{"type", "question"}, {"seq", 4}, {"slot", "s"}, {"text", "Which fits?"},
            {"answer_type", answer_type}, {"choices", json::array()}};
  for (auto& [id, label] : choices) q["choices"].push_back({{"id", id}, {"label", label}});
  return q;
}

TEST(WhatsApp, UpToThreeShortChoicesAreReplyButtons) {
  auto calls = render(msg(question("yes_no", {{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}})), "16505551234");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/messages");
  json b = json::parse(calls[0].body);
  EXPECT_EQ(b.dump(),
            R"({"interactive":{"action":{"buttons":[{"reply":{"id":"yes","title":"Yes"},"type":"reply"},{"reply":{"id":"no","title":"No"},"type":"reply"},{"reply":{"id":"unsure","title":"Not sure"},"type":"reply"}]},"body":{"text":"Which fits?"},"type":"button"},"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive"})");
}

TEST(WhatsApp, LongLabelsOrMoreChoicesBecomeAListWithinLimits) {
  auto q = question("single_choice", {{"sudden", "Suddenly, at a moment I can name"},
                                      {"gradual", "Gradually, over hours or days"},
                                      {"episodic", "It comes and goes in short attacks"}});
  json b = json::parse(render(msg(q), "1")[0].body);
  ASSERT_EQ(b["interactive"]["type"], "list");
  auto rows = b["interactive"]["action"]["sections"][0]["rows"];
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) {
    EXPECT_LE(utf8_length(r["title"].get<std::string>()), kMaxRowTitle);
    EXPECT_LE(utf8_length(r.value("description", "")), kMaxRowDescription);
  }
  EXPECT_EQ(rows[0]["title"], "Suddenly, at a moment I\u2026");
  EXPECT_EQ(rows[0]["description"], "Suddenly, at a moment I can name");
  EXPECT_LE(utf8_length(b["interactive"]["action"]["button"].get<std::string>()), kMaxListButton);
}

TEST(WhatsApp, MoreThanTenChoicesAreNumberedText) {
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 1; i <= 11; ++i) many.emplace_back("c" + std::to_string(i), "Choice " + std::to_string(i));
  json b = json::parse(render(msg(question("single_choice", many)), "1")[0].body);
  EXPECT_EQ(b["type"], "text");
  std::string text = b["text"]["body"];
  EXPECT_NE(text.find("\n11. Choice 11"), std::string::npos);
  EXPECT_NE(text.find("Reply with the number."), std::string::npos);
}

TEST(WhatsApp, EscalationAndLongOutcomeText) {
  json e = {{"type", "escalation"}, {"seq", 7}, {"level", "emergency"}, {"emergency_number", "112"},
            {"text", "Call now."}};
  json b = json::parse(render(msg(e), "1")[0].body);
  EXPECT_EQ(b["text"]["body"], "EMERGENCY: call 112 now.\n\nCall now.");
  json info = {{"type", "info"}, {"text", std::string(5000, 'a')}};
  auto calls = render(msg(info), "1");
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& c : calls) {
    EXPECT_LE(utf8_length(json::parse(c.body)["text"]["body"].get<std::string>()), kMaxText);
  }
}

TEST(WhatsApp, Classify) {
  EXPECT_EQ(classify({200, {}, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]})"}).kind,
            bot::Outcome::Kind::delivered);
  auto pair = classify({400, {}, R"({"error":{"message":"(#131056) pair rate limit hit","type":"OAuthException","code":131056}})"});
  EXPECT_EQ(pair.kind, bot::Outcome::Kind::retry);
  EXPECT_EQ(pair.retry_after_ms, 6000);
  EXPECT_EQ(classify({400, {}, R"({"error":{"code":131047}})"}).kind, bot::Outcome::Kind::failed);
  EXPECT_EQ(classify({500, {}, ""}).kind, bot::Outcome::Kind::retry);
}

}  // namespace
}  // namespace calfbot::adapters::platforms::whatsapp
