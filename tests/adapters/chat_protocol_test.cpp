// Parsing the WebSocket client messages: each kind, each error with its text.
#include "adapters/api/chat_protocol.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace calfbot::adapters
