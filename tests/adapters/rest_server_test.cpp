// The REST channel against the real `calfbot serve` (docs/openapi.yaml): a
// whole conversation, the transcript and the outcome, and each error status.
#include <gtest/gtest.h>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

using nlohmann::json;

class RestServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempFolder();
    server_ = new ServerProcess({{"CALFBOT_STORE__PATH", dir_->file("calfbot.db")},
                                 {"CALFBOT_SERVER__MAX_FRAME_BYTES", "4096"},
                                 {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "1000"},
                                 {"CALFBOT_SERVER__MESSAGE_BURST", "1000"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static unsigned short port() { return server_->port(); }

  static HttpResult call(const std::string& method, const std::string& target,
                         const std::string& token = "", const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http_request(port(), method, target, body, headers);
  }

  static json start() {
    auto r = call("POST", "/v1/conversations");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static TempFolder* dir_;
  static ServerProcess* server_;
};

TempFolder* RestServer::dir_ = nullptr;
ServerProcess* RestServer::server_ = nullptr;

TEST_F(RestServer, WholeConversationTranscriptAndOutcome) {
  auto created = call("POST", "/v1/conversations", "", R"({"external_user": "clinic-42"})");
  ASSERT_EQ(created.status, 201) << created.body;
  json c = created.json();
  const std::string id = c["conversation_id"];
  const std::string token = c["token"];
  EXPECT_EQ(created.headers["location"], "/v1/conversations/" + id);
  EXPECT_EQ(created.headers["cache-control"], "no-store");
  ASSERT_EQ(c["messages"].back()["type"], "question");
  EXPECT_EQ(c["last_seq"], c["messages"].back()["seq"]);
  json last = c["messages"].back();
  json previous;  // the question before `last`
  int answers = 0;
  while (last["type"] != "outcome" && answers < 70) {
    auto r = call("POST", "/v1/conversations/" + id + "/messages", token, plain_answer(last).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ++answers;
    previous = last;
    json body = r.json();
    EXPECT_EQ(body["conversation_id"], id);
    EXPECT_EQ(body["messages"].front()["seq"], last["seq"].get<int>() + 1);
    last = body["messages"].back();
    EXPECT_EQ(body["last_seq"], last["seq"]);
  }
  ASSERT_EQ(last["type"], "outcome");

  auto summary = call("GET", "/v1/conversations/" + id, token);
  ASSERT_EQ(summary.status, 200);
  json s = summary.json();
  EXPECT_EQ(s["phase"], "done");
  EXPECT_EQ(s["channel"], "rest");
  EXPECT_EQ(s["outcome"], last);
  EXPECT_EQ(s["last_seq"], last["seq"]);
  EXPECT_TRUE(s["current_slot"].is_null());
  // The knowledge's SHA-256 and the statistical reader's (docs/protocol.md).
  const std::string version = s["knowledge_version"];
  ASSERT_EQ(version.size(), 64u + 8u + 16u) << version;
  EXPECT_EQ(version.substr(64, 8), "+reader-") << version;
  EXPECT_EQ(version.find_first_not_of("0123456789abcdef"), 64u) << version;

  auto transcript = call("GET", "/v1/conversations/" + id + "/messages", token);
  ASSERT_EQ(transcript.status, 200);
  json all = transcript.json()["messages"];
  int inputs = 0;
  int out_seq = 0;
  for (const auto& m : all) {
    if (m["direction"] == "in") {
      EXPECT_EQ(m["seq"], ++inputs);
    } else {
      EXPECT_EQ(m["seq"], ++out_seq);
      EXPECT_EQ(m["message"]["seq"], m["seq"]);
    }
  }
  EXPECT_EQ(inputs, answers);
  EXPECT_EQ(all.back()["message"], last);
  // After the last question: the patient's last answer, then the replies to it.
  auto tail = call("GET", "/v1/conversations/" + id + "/messages?after=" +
                              std::to_string(previous["seq"].get<int>()), token);
  ASSERT_EQ(tail.status, 200);
  const json after = tail.json()["messages"];
  ASSERT_GE(after.size(), 2u);
  EXPECT_EQ(after[0]["direction"], "in");
  EXPECT_EQ(after[0]["message"], plain_answer(previous));
  EXPECT_EQ(after.back()["message"], last);
}

TEST_F(RestServer, EachErrorHasItsStatusAndCode) {
  json c = start();
  const std::string id = c["conversation_id"];
  const std::string token = c["token"];
  auto expect = [](const HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json()["type"], "error");
    EXPECT_EQ(r.json()["code"], code) << r.body;
    EXPECT_FALSE(r.json()["text"].get<std::string>().empty());
  };
  const std::string messages = "/v1/conversations/" + id + "/messages";
  expect(call("POST", messages, "", R"({"text": "hi"})"), 401, "missing_token");
  expect(call("POST", messages, "wrong-token", R"({"text": "hi"})"), 404, "unknown_session");
  expect(call("GET", "/v1/conversations/0123456789abcdef0123456789abcdef", token), 404,
         "unknown_session");
  expect(call("POST", messages, token, "{oops"), 400, "bad_message");
  expect(call("POST", messages, token, R"({"text": "hi", "mood": "ok"})"), 400, "bad_message");
  expect(call("POST", messages, token, R"({"text": ")" + std::string(5000, 'a') + "\"}"), 413,
         "too_large");
  expect(call("POST", "/v1/conversations", "", R"({"channel": "x"})"), 400, "bad_message");
  expect(call("DELETE", "/v1/conversations/" + id, token), 405, "method_not_allowed");
  expect(call("GET", "/v1/conversations"), 405, "method_not_allowed");
  expect(call("GET", "/v1/conversations/" + id + "/other", token), 404, "not_found");
  expect(call("GET", messages + "?after=abc", token), 400, "bad_message");
  expect(call("GET", "/nowhere"), 404, "not_found");
  // Nothing above touched the conversation.
  auto t = call("GET", messages, token);
  ASSERT_EQ(t.status, 200);
  EXPECT_EQ(t.json()["messages"].size(), c["messages"].size());
}

TEST_F(RestServer, EngineErrorsAreRepliesNotFailures) {
  json c = start();
  const std::string id = c["conversation_id"];
  auto r = call("POST", "/v1/conversations/" + id + "/messages", c["token"], R"({"text": "   "})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["messages"][0]["code"], "empty_message");
  EXPECT_EQ(r.json()["messages"].back()["slot"], "complaint");
}

}  // namespace
}  // namespace calfbot::testing_support
