// Parsing the WebSocket client messages: each kind, each error with its text.
#include "adapters/api/chat_protocol.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/api/errors.h"
#include "config/bounded_json.h"

namespace calfbot::adapters {
namespace {

std::string error_of(std::string_view text) {
  auto r = parse_chat_message(text);
  return r ? "" : std::string(bot::to_string(r.error().code)) + ": " + r.error().detail;
}

TEST(ChatProtocol, Hello) {
  auto r = parse_chat_message(R"({"type": "hello"})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(std::holds_alternative<ClientHello>(*r));
}

TEST(ChatProtocol, Resume) {
  auto r = parse_chat_message(R"({"type": "resume", "token": "abc", "last_seq": 7})");
  ASSERT_TRUE(r);
  auto& resume = std::get<ClientResume>(*r);
  EXPECT_EQ(resume.token, "abc");
  EXPECT_EQ(resume.last_seq, 7);
  auto no_seq = parse_chat_message(R"({"type": "resume", "token": "abc"})");
  ASSERT_TRUE(no_seq);
  EXPECT_EQ(std::get<ClientResume>(*no_seq).last_seq, 0);
}

TEST(ChatProtocol, Answers) {
  auto text = parse_chat_message(R"({"text": "my calf hurts", "utc_offset_minutes": 60})");
  ASSERT_TRUE(text);
  const auto& in = std::get<ClientInput>(*text).input;
  EXPECT_EQ(in.kind, dialog::Input::Kind::text);
  EXPECT_EQ(in.value, "my calf hurts");
  EXPECT_EQ(in.utc_offset_minutes, 60);
  auto choice = parse_chat_message(R"({"type": "message", "choice": "left"})");
  ASSERT_TRUE(choice);
  EXPECT_EQ(std::get<ClientInput>(*choice).input.kind, dialog::Input::Kind::choice);
}

TEST(ChatProtocol, ErrorsSayWhatWasWrong) {
  EXPECT_EQ(error_of("{nope"),
            "bad_message: not valid JSON; send one object, e.g. {\"text\": \"my calf hurts\"}");
  EXPECT_EQ(error_of("[1]"), "bad_message: expected a JSON object such as {\"text\": \"...\"}");
  EXPECT_EQ(error_of(R"({"type": 3})"), "bad_message: 'type' must be a string");
  EXPECT_EQ(error_of(R"({"type": "dance"})"), "unknown_type: ");
  EXPECT_EQ(error_of(R"({"type": "hello", "x": 1})"), "bad_message: unknown field 'x' in hello");
  EXPECT_EQ(error_of(R"({"type": "resume"})"),
            "bad_message: resume needs the 'token' the server gave");
  EXPECT_EQ(error_of(R"({"type": "resume", "token": ""})"),
            "bad_message: 'token' must be the token the server gave");
  EXPECT_EQ(error_of(R"({"type": "resume", "token": "a", "last_seq": -1})"),
            "bad_message: 'last_seq' must be a whole number from 0");
  EXPECT_EQ(error_of(R"({"type": "resume", "token": "a", "extra": 1})"),
            "bad_message: unknown field 'extra' in resume");
  EXPECT_EQ(error_of(R"({"text": "a", "token": "t"})"),
            "bad_message: 'token' and 'last_seq' belong in a resume message");
  EXPECT_EQ(error_of(R"({"text": "a", "choice": "b"})"),
            "bad_message: give exactly one of \"text\" or \"choice\"");
  EXPECT_EQ(error_of(R"({"mood": "fine"})"),
            "bad_message: unknown field 'mood'; use \"text\" or \"choice\"");
}

TEST(ChatProtocol, SessionMessage) {
  EXPECT_EQ(session_message("tok", "id1", true, 9),
            (nlohmann::json{{"type", "session"},
                            {"token", "tok"},
                            {"conversation_id", "id1"},
                            {"resumed", true},
                            {"last_seq", 9}}));
}

TEST(ChatProtocol, NestingIsBoundedBeforeAnythingWalksIt) {
  // 100,000 deep: refused by a scan, before a tree is built or dumped.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = parse_chat_message(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bot::Code::too_deep);
  EXPECT_EQ(bot::spec(bot::Code::too_deep).http_status, 400);
  auto objects = parse_input(std::string(50, '{') + "\"a\": 1" + std::string(50, '}'));
  ASSERT_FALSE(objects);
  EXPECT_EQ(objects.error().code, bot::Code::too_deep);
  // Brackets inside strings do not count; 32 levels are fine.
  EXPECT_TRUE(parse_chat_message(R"({"text": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
  EXPECT_FALSE(config::nested_deeper_than(std::string(32, '[') + std::string(32, ']')));
  EXPECT_TRUE(config::nested_deeper_than(std::string(33, '[') + std::string(33, ']')));
  EXPECT_FALSE(config::nested_deeper_than(R"({"a": "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})", 2));
}

TEST(ChatProtocol, NumbersAreNotNarrowedBeforeTheirRangeIsChecked) {
  auto r = parse_chat_message(R"({"text": "hi", "utc_offset_minutes": 4294967356})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bot::Code::bad_message);
  EXPECT_FALSE(parse_chat_message(R"({"text": "hi", "utc_offset_minutes": -4294967236})"));
  EXPECT_FALSE(parse_chat_message(R"({"type": "resume", "token": "t", "last_seq": 18446744073709551615})"));
  EXPECT_TRUE(parse_chat_message(R"({"text": "hi", "utc_offset_minutes": -840})"));
}

}  // namespace
}  // namespace calfbot::adapters
