// SMS through Twilio: the stored form-encoded webhook in, Messages calls out,
// keywords, plain-text choices and sensible splitting.
#include "adapters/platforms/twilio_sms.h"

#include <gtest/gtest.h>

#include "bot/message_json.h"
#include "tests/adapters/platforms/fixture_files.h"

namespace calfbot::adapters::platforms::twilio {
namespace {

using nlohmann::json;

// A bot message from its wire JSON (bot/message_json.h), as a channel has it.
dialog::Message msg(const json& j) { return *bot::message_from_json(j); }

using tests::fixture;

TEST(TwilioSms, IncomingMessage) {
  auto p = parse_webhook(parse_form(fixture("twilio_sms.form")));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->events.size(), 1u);
  EXPECT_EQ(p->events[0].event_id, "SM1f0e8ae6ade43cb3c0ce4525424e404f");
  EXPECT_EQ(p->events[0].user, "+447700900456");
  EXPECT_EQ(p->events[0].kind, Inbound::Kind::text);
  EXPECT_EQ(p->events[0].value, "my left calf is swollen and sore since the flight on tuesday");
}

TEST(TwilioSms, Keywords) {
  auto stop = parse_webhook(parse_form(fixture("twilio_stop.form")));
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->events[0].kind, Inbound::Kind::command);
  EXPECT_EQ(stop->events[0].value, "stop");
  auto with_body = [](const std::string& body) {
    return parse_webhook({{"MessageSid", "SM1"}, {"From", "+1"}, {"Body", body}})->events[0];
  };
  EXPECT_EQ(with_body(" unsubscribe ").value, "stop");
  EXPECT_EQ(with_body("START").value, "unstop");
  EXPECT_EQ(with_body("help").value, "help");
  EXPECT_EQ(with_body("Restart").value, "restart");
  EXPECT_EQ(with_body("please stop the pain").kind, Inbound::Kind::text);
  EXPECT_EQ(with_body("yes").kind, Inbound::Kind::text);
  EXPECT_EQ(parse_webhook({{"Body", "x"}}).error().code, bot::Code::bad_payload);
}

TEST(TwilioSms, ChoicesAreNumberedText) {
  json q = {{"type", "question"}, {"seq", 4}, {"text", "Are you asking about your own leg, or for someone else?"},
            {"answer_type", "single_choice"},
            {"choices", {{{"id", "myself"}, {"label", "My own leg"}}, {{"id", "someone_else"}, {"label", "Someone else"}}}}};
  EXPECT_EQ(sms_text(msg(q)),
            "Are you asking about your own leg, or for someone else?\n1 My own leg\n2 Someone else\n"
            "Reply with a number, or in your own words.");
  q["answer_type"] = "yes_no";
  EXPECT_EQ(sms_text(msg(q)).substr(sms_text(msg(q)).rfind('\n') + 1), "Reply YES, NO or NOT SURE.");
  auto calls = render(msg(q), "+447700900456", "+447700900123", "AC123");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ(calls[0].content_type, "application/x-www-form-urlencoded");
  auto form = parse_form(calls[0].body);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"To", "+447700900456"}));
  EXPECT_EQ(form[1], (std::pair<std::string, std::string>{"From", "+447700900123"}));
}

TEST(TwilioSms, EscalationStartsWithTheNumber) {
  json e = {{"type", "escalation"}, {"level", "emergency"}, {"emergency_number", "999"},
            {"text", "Leg pain with breathlessness can mean a clot in the lungs."}};
  auto form = parse_form(render(msg(e), "+1", "+2", "AC1")[0].body);
  EXPECT_EQ(form[2].second, "EMERGENCY: call 999 now. Leg pain with breathlessness can mean a clot in the lungs.");
}

TEST(TwilioSms, LongRepliesSplitAtSentencesAndAreNumbered) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "This is sentence number " + std::to_string(i) + " of the advice. ";
  json m = {{"type", "info"}, {"text", text + "\u201cQuoted\u201d \u2014 done\u2026"}};
  auto calls = render(msg(m), "+1", "+2", "AC1", 300);
  ASSERT_GT(calls.size(), 1u);
  for (size_t i = 0; i < calls.size(); ++i) {
    std::string body = parse_form(calls[i].body)[2].second;
    EXPECT_LE(utf8_length(body), 300u);
    std::string marker = " (" + std::to_string(i + 1) + "/" + std::to_string(calls.size()) + ")";
    EXPECT_EQ(body.substr(body.size() - marker.size()), marker);
    if (i + 1 < calls.size()) {
      EXPECT_EQ(body[body.size() - marker.size() - 1], '.') << body;
    }
    EXPECT_EQ(body.find("\u201c"), std::string::npos);
  }
  std::string last = parse_form(calls.back().body)[2].second;
  EXPECT_NE(last.find("\"Quoted\" - done..."), std::string::npos);
}

TEST(TwilioSms, Classify) {
  EXPECT_EQ(classify({201, {}, R"({"sid":"SM1","status":"queued"})"}).kind, bot::Outcome::Kind::delivered);
  EXPECT_EQ(classify({400, {}, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400})"}).kind,
            bot::Outcome::Kind::failed);
  EXPECT_EQ(classify({429, {}, R"({"code":20429})"}).kind, bot::Outcome::Kind::retry);
  EXPECT_EQ(classify({503, {}, ""}).kind, bot::Outcome::Kind::retry);
}

}  // namespace
}  // namespace calfbot::adapters::platforms::twilio
