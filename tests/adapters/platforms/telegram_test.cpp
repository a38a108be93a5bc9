// Telegram: stored Update payloads in, sendMessage / answerCallbackQuery out.
#include "adapters/platforms/telegram.h"

#include <gtest/gtest.h>

#include "bot/message_json.h"
#include "tests/adapters/platforms/fixture_files.h"

namespace calfbot::adapters::platforms::telegram {
namespace {

using nlohmann::json;

// A bot message from its wire JSON (bot/message_json.h), as a channel has it.
dialog::Message msg(const json& j) { return *bot::message_from_json(j); }

using tests::fixture;

TEST(Telegram, TextMessage) {
  auto p = parse_update(fixture("telegram_message_text.json"));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  const Inbound& e = p->events[0];
  EXPECT_EQ(e.event_id, "update:864191220");
  EXPECT_EQ(e.user, "111222333");
  EXPECT_EQ(e.kind, Inbound::Kind::text);
  EXPECT_EQ(e.value, "my left calf is swollen and sore since the flight on tuesday");
  EXPECT_EQ(e.time_unix, 1732550400);
}

TEST(Telegram, Commands) {
  auto p = parse_update(fixture("telegram_command_start.json"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->events[0].kind, Inbound::Kind::command);
  EXPECT_EQ(p->events[0].value, "start");
  json u = json::parse(fixture("telegram_message_text.json"));
  for (const char* cmd : {"/restart", "/help@calf_bot", "/HELP"}) {
    u["message"]["text"] = cmd;
    auto q = parse_update(u.dump());
    ASSERT_TRUE(q);
    EXPECT_EQ(q->events[0].kind, Inbound::Kind::command) << cmd;
  }
  u["message"]["text"] = "/unknown";
  EXPECT_EQ(parse_update(u.dump())->events[0].kind, Inbound::Kind::text);
}

TEST(Telegram, ButtonPress) {
  auto p = parse_update(fixture("telegram_callback_query.json"));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  EXPECT_EQ(p->events[0].kind, Inbound::Kind::choice);
  EXPECT_EQ(p->events[0].value, "myself");
  EXPECT_EQ(p->events[0].callback_id, "4382bfdwdsb323b2d9");
  EXPECT_EQ(p->events[0].user, "111222333");
  EXPECT_EQ(p->events[0].event_id, "update:864191221");
}

TEST(Telegram, SkipsGroupsAndEditsAndMarksStickersUnsupported) {
  auto g = parse_update(fixture("telegram_group_message.json"));
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->events.empty());
  EXPECT_EQ(g->skipped, std::vector<std::string>{"message in a supergroup chat"});
  auto ed = parse_update(fixture("telegram_edited_message.json"));
  ASSERT_TRUE(ed);
  EXPECT_TRUE(ed->events.empty());
  auto s = parse_update(fixture("telegram_sticker.json"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->events.at(0).kind, Inbound::Kind::unsupported);
}

TEST(Telegram, RejectsWhatIsNotAnUpdate) {
  EXPECT_EQ(parse_update("not json").error().code, bot::Code::bad_payload);
  EXPECT_EQ(parse_update(R"({"message":{}})").error().code, bot::Code::bad_payload);
  EXPECT_EQ(parse_update(R"({"update_id":"1"})").error().code, bot::Code::bad_payload);
}

// Found by fuzz_telegram: fields of another type than the Bot API's threw
// out of the parser. Each is skipped or refused instead.
TEST(Telegram, FieldsOfTheWrongTypeAreRefusedNotThrown) {
  EXPECT_EQ(parse_update(R"({"update_id":1,"callback_query":{"id":5,"message":3,"from":{"id":[]}}})")
                .error().code, bot::Code::bad_payload);
  EXPECT_EQ(parse_update(R"({"update_id":1,"message":{"chat":7,"text":"hi"}})")->skipped,
            std::vector<std::string>{"message in a unknown chat"});
  EXPECT_EQ(parse_update(R"({"update_id":1,"message":{"chat":{"type":2,"id":9}}})")->skipped,
            std::vector<std::string>{"message in a unknown chat"});
  auto p = parse_update(R"({"update_id":1,"message":{"chat":{"type":"private","id":9},"date":"x","text":"hi"}})");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  EXPECT_EQ(p->events[0].user, "9");
  EXPECT_EQ(p->events[0].time_unix, 0);
  auto q = parse_update(R"({"update_id":2,"callback_query":{"id":"q","from":{"id":9},"data":{}}})");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->events.at(0).value, "");
}

json yes_no() {
  return json::parse(R"({"type":"question","seq":5,"slot":"calf_swelling","text":"Is the calf swollen?",
    "answer_type":"yes_no","choices":[{"id":"yes","label":"Yes"},{"id":"no","label":"No"},
    {"id":"unsure","label":"Not sure"}]})");
}

TEST(Telegram, QuestionGetsInlineKeyboard) {
  auto calls = render(msg(yes_no()), "111222333");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/sendMessage");
  json b = json::parse(calls[0].body);
  EXPECT_EQ(b["chat_id"], "111222333");
  EXPECT_EQ(b["text"], "Is the calf swollen?");
  EXPECT_EQ(b["reply_markup"].dump(),
            R"({"inline_keyboard":[[{"callback_data":"yes","text":"Yes"},{"callback_data":"no","text":"No"},{"callback_data":"unsure","text":"Not sure"}]]})");
}

TEST(Telegram, LongLabelsOneARowAndLongIdsByIndex) {
  json q = yes_no();
  q["answer_type"] = "multi_choice";
  q["choices"] = json::array({{{"id", "travel"}, {"label", "A journey of 4 hours or more in the last 4 weeks"}},
                              {{"id", std::string(70, 'x')}, {"label", "Something else entirely"}}});
  json b = json::parse(render(msg(q), "1")[0].body);
  auto rows = b["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0]["callback_data"], "#2");
  EXPECT_NE(b["text"].get<std::string>().find("1. A journey of 4 hours"), std::string::npos);
  EXPECT_NE(b["text"].get<std::string>().find("e.g. 1,3"), std::string::npos);
}

TEST(Telegram, EscalationLeadsWithTheNumber) {
  json m = {{"type", "escalation"}, {"seq", 7}, {"level", "emergency"}, {"emergency_number", "999"},
            {"text", "Leg pain with breathlessness can mean a clot in the lungs."}};
  auto calls = render(msg(m), "1");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(json::parse(calls[0].body)["text"],
            "EMERGENCY: call 999 now.\n\nLeg pain with breathlessness can mean a clot in the lungs.");
}

TEST(Telegram, LongTextIsSplitWithinTheLimit) {
  std::string para(3000, 'a');
  json m = {{"type", "info"}, {"text", para + "\n\n" + para}};
  auto calls = render(msg(m), "1");
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& c : calls) {
    EXPECT_LE(utf8_length(json::parse(c.body)["text"].get<std::string>()), kMaxText);
  }
}

TEST(Telegram, AnswerCallbackAndClassify) {
  EXPECT_EQ(answer_callback("abc").body, R"({"callback_query_id":"abc"})");
  EXPECT_EQ(answer_callback("abc").path, "/answerCallbackQuery");
  bot::OutboundResponse flood{429, {}, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"};
  auto o = classify(flood);
  EXPECT_EQ(o.kind, bot::Outcome::Kind::retry);
  EXPECT_EQ(o.retry_after_ms, 7000);
  bot::OutboundResponse blocked{403, {}, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"};
  EXPECT_EQ(classify(blocked).kind, bot::Outcome::Kind::failed);
  EXPECT_EQ(classify({200, {}, R"({"ok":true,"result":{}})"}).kind, bot::Outcome::Kind::delivered);
  EXPECT_EQ(classify({502, {}, "Bad Gateway"}).kind, bot::Outcome::Kind::retry);
  EXPECT_EQ(classify({400, {}, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"}).kind,
            bot::Outcome::Kind::failed);
}

}  // namespace
}  // namespace calfbot::adapters::platforms::telegram
