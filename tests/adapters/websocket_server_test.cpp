// The WebSocket channel against the real `calfbot serve`: whole
// conversations, resume with last_seq, and every kind of bad input, each
// with its documented error or close code (docs/errors.md).
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

using nlohmann::json;

std::map<std::string, std::string> base_env(const TempFolder& dir) {
  return {{"CALFBOT_STORE__PATH", dir.file("calfbot.db")},
          {"CALFBOT_STORE__SYNCHRONOUS", "normal"},
          {"CALFBOT_SERVER__MAX_FRAME_BYTES", "4096"},
          {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "1000"},
          {"CALFBOT_SERVER__MESSAGE_BURST", "1000"},
          {"CALFBOT_SERVER__ALLOWED_ORIGINS", "https://clinic.example"}};
}

// One server for the tests that do not need settings of their own.
class WebSocketServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempFolder();
    server_ = new ServerProcess(base_env(*dir_));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static unsigned short port() { return server_->port(); }

  // hello -> the session message and the first turn.
  static json hello(WsClient& c) {
    c.send(json{{"type", "hello"}});
    auto turn = read_turn(c);
    EXPECT_GE(turn.size(), 2u);
    if (turn.empty()) return json();
    EXPECT_EQ(turn[0]["type"], "session");
    EXPECT_EQ(turn[0]["resumed"], false);
    EXPECT_EQ(turn.back()["type"], "question");
    return turn[0];
  }

  static TempFolder* dir_;
  static ServerProcess* server_;
};

// Answers each question plainly until the outcome (at most 70 answers),
// checking that bot messages are numbered 1, 2, 3, ...; returns the last
// message and counts the answers sent.
json answer_to_outcome(WsClient& c, int& answers) {
  json question = c.seen().back();
  int last_seq = question["seq"];
  for (int turn = 0; turn < 70 && question["type"] != "outcome"; ++turn) {
    c.send(plain_answer(question));
    ++answers;
    auto replies = read_turn(c);
    if (replies.empty()) {
      ADD_FAILURE() << "no reply; close code " << c.close_code();
      return json();
    }
    for (const auto& m : replies) {
      EXPECT_EQ(m.value("seq", -1), ++last_seq) << "bot messages are numbered 1, 2, 3, ...";
    }
    question = replies.back();
  }
  return question;
}

TempFolder* WebSocketServer::dir_ = nullptr;
ServerProcess* WebSocketServer::server_ = nullptr;

TEST_F(WebSocketServer, WholeConversationToTheOutcome) {
  WsClient c(port());
  ASSERT_TRUE(c.connected());
  json session = hello(c);
  const std::string token = session["token"];
  EXPECT_EQ(token.size(), 43u);
  int answers = 0;
  json question = answer_to_outcome(c, answers);
  ASSERT_EQ(question["type"], "outcome") << "the conversation reached no outcome";
  EXPECT_TRUE(question.contains("triage"));
  const int last_seq = question["seq"];
  // The same conversation through REST: every answer stored once, the outcome there.
  std::string id = session["conversation_id"];
  auto t = http_request(port(), "GET", "/v1/conversations/" + id + "/messages", "",
                        {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(t.status, 200) << t.body;
  int inputs = 0;
  const json transcript = t.json()["messages"];
  for (const auto& m : transcript) inputs += m["direction"] == "in" ? 1 : 0;
  EXPECT_EQ(inputs, answers);
  auto s = http_request(port(), "GET", "/v1/conversations/" + id, "",
                        {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(s.json()["phase"], "done");
  EXPECT_EQ(s.json()["outcome"]["seq"], last_seq);
}

TEST_F(WebSocketServer, ReconnectWithLastSeqGetsWhatWasMissed) {
  json session;
  json first_reply_end;
  json missed_question;
  {
    WsClient c(port());
    session = hello(c);
    c.send(json{{"text", "my right calf hurts when I walk"}});
    first_reply_end = read_turn(c).back();
    c.send(plain_answer(first_reply_end));
    missed_question = read_turn(c).back();  // seen here, then "lost" with the connection
  }
  WsClient again(port());
  again.send(json{{"type", "resume"}, {"token", session["token"]}, {"last_seq", first_reply_end["seq"]}});
  auto resumed = again.read();
  ASSERT_TRUE(resumed);
  EXPECT_EQ(*resumed, (json{{"type", "session"},
                            {"token", session["token"]},
                            {"conversation_id", session["conversation_id"]},
                            {"resumed", true},
                            {"last_seq", missed_question["seq"]}}));
  auto replay = read_turn(again);
  ASSERT_FALSE(replay.empty());
  EXPECT_EQ(replay.front()["seq"], first_reply_end["seq"].get<int>() + 1);
  EXPECT_EQ(replay.back(), missed_question) << "the current question is sent again";
  // A second resume with everything seen replays nothing, and the chat goes on.
  WsClient third(port());
  third.send(json{{"type", "resume"}, {"token", session["token"]}, {"last_seq", missed_question["seq"]}});
  ASSERT_TRUE(third.read());
  third.send(plain_answer(missed_question));
  auto next = read_turn(third);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.front()["seq"], missed_question["seq"].get<int>() + 1);
}

TEST_F(WebSocketServer, MalformedMessagesGetAnErrorAndTheConnectionStays) {
  WsClient c(port());
  c.send(std::string("{not json"));
  EXPECT_EQ(*c.read(), (json{{"type", "error"},
                             {"code", "bad_message"},
                             {"text", "not valid JSON; send one object, e.g. {\"text\": \"my calf hurts\"}"}}));
  c.send(json{{"type", "dance"}});
  EXPECT_EQ((*c.read())["code"], "unknown_type");
  c.send(json{{"text", "hello"}});
  EXPECT_EQ((*c.read())["code"], "no_session") << "answers need hello or resume first";
  c.send(json{{"type", "hello"}, {"colour", "blue"}});
  EXPECT_EQ(*c.read(), (json{{"type", "error"},
                             {"code", "bad_message"},
                             {"text", "unknown field 'colour' in hello"}}));
  hello(c);
  c.send(json{{"type", "hello"}});
  EXPECT_EQ((*c.read())["code"], "already_started");
  c.send(json{{"text", 5}});
  EXPECT_EQ(*c.read(), (json{{"type", "error"}, {"code", "bad_message"}, {"text", "'text' must be a string"}}));
  c.send(json{{"choice", "not-a-choice"}});
  auto turn = read_turn(c);
  ASSERT_FALSE(turn.empty());
  EXPECT_EQ(turn.front()["code"], "unknown_choice") << "the engine's own error, with a seq";
  EXPECT_EQ(turn.back()["type"], "question");
}

TEST_F(WebSocketServer, UnknownTokenIsClosedWith4404) {
  WsClient c(port());
  c.send(json{{"type", "resume"}, {"token", "no-such-token"}, {"last_seq", 3}});
  EXPECT_FALSE(c.read());
  EXPECT_EQ(c.close_code(), 4404);
}

TEST_F(WebSocketServer, OversizedMessageIsClosedWith1009AndOthersCarryOn) {
  WsClient other(port());
  hello(other);
  WsClient c(port());
  c.send(json{{"text", std::string(5000, 'a')}});
  EXPECT_FALSE(c.read());
  EXPECT_EQ(c.close_code(), 1009);
  other.send(json{{"text", "my calf aches"}});
  auto turn = read_turn(other);
  ASSERT_FALSE(turn.empty());
  EXPECT_EQ(turn.back()["type"], "question");
}

TEST_F(WebSocketServer, BinaryMessageIsClosedWith1003) {
  WsClient c(port());
  c.send_binary("\x01\x02");
  EXPECT_FALSE(c.read());
  EXPECT_EQ(c.close_code(), 1003);
}

TEST_F(WebSocketServer, InvalidUtf8IsClosedWith1007) {
  WsClient c(port());
  c.send(std::string("{\"text\": \"\xff\xfe\"}"));
  EXPECT_FALSE(c.read());
  EXPECT_EQ(c.close_code(), 1007);
}

TEST_F(WebSocketServer, OriginsAreChecked) {
  WsClient bad(port(), "https://evil.example");
  ASSERT_TRUE(bad.connected());
  EXPECT_FALSE(bad.read());
  EXPECT_EQ(bad.close_code(), 1008);
  WsClient allowed(port(), "https://clinic.example");
  hello(allowed);
  WsClient same_origin(port(), "http://127.0.0.1:" + std::to_string(port()));
  hello(same_origin);
}

TEST_F(WebSocketServer, OperationsEndpoints) {
  auto health = http_request(port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json(), (json{{"status", "ok"}}));
  auto ready = http_request(port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json(), (json{{"status", "ready"}}));
  WsClient c(port());
  hello(c);
  c.send(json{{"text", "my calf is swollen and now I have chest pain when I breathe in"}});
  auto turn = read_turn(c);
  ASSERT_FALSE(turn.empty());
  EXPECT_EQ(turn.front()["type"], "escalation");
  auto metrics = http_request(port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  for (const char* line :
       {"# TYPE calfbot_connections_open gauge", "# TYPE calfbot_websockets_open gauge",
        "# TYPE calfbot_sessions_active gauge", "# TYPE calfbot_turns_total counter",
        "calfbot_escalations_total{level=\"urgent\"} ",
        "# TYPE calfbot_turn_latency_seconds histogram", "calfbot_turn_latency_seconds_bucket{le=\"+Inf\"} ",
        "# TYPE calfbot_store_commit_batch_size histogram", "calfbot_store_commit_batch_size_count ",
        "# TYPE calfbot_store_checkpoint_seconds histogram", "calfbot_store_checkpoint_seconds_count "}) {
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line;
  }
  EXPECT_EQ(metrics.body.find("calfbot_escalations_total{level=\"emergency\"} 0"), std::string::npos);
  EXPECT_EQ(metrics.body.find("calfbot_turns_total 0\n"), std::string::npos);
}

TEST_F(WebSocketServer, WidgetFilesWithTheirHeaders) {
  auto index = http_request(port(), "GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<html"), std::string::npos);
  EXPECT_NE(index.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_NE(index.headers["content-security-policy"].find("frame-ancestors 'self' https://clinic.example"),
            std::string::npos);
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  auto js = http_request(port(), "GET", "/widget.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers["cache-control"], "public, max-age=300");
  auto again = http_request(port(), "GET", "/widget.js", "", {{"If-None-Match", js.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(http_request(port(), "GET", "/no-such-file.js").status, 404);
  EXPECT_EQ(http_request(port(), "GET", "/v1/chat").status, 426);
}

TEST(WebSocketLimits, FloodIsRateLimitedThenClosedWith1008) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MESSAGES_PER_SECOND"] = "1";
  env["CALFBOT_SERVER__MESSAGE_BURST"] = "3";
  ServerProcess server(env);
  WsClient c(server.port());
  for (int i = 0; i < 20; ++i) c.send(json{{"type", "nonsense"}});
  int rate_limited = 0;
  while (auto m = c.read()) rate_limited += (*m)["code"] == "rate_limited" ? 1 : 0;
  // 3 pass, 9 get rate_limited, the 10th in a row closes (more only if a
  // slow machine let a token refill on the way).
  EXPECT_GE(rate_limited, 9);
  EXPECT_LE(rate_limited, 17);
  EXPECT_EQ(c.close_code(), 1008);
  // The server itself is fine.
  WsClient next(server.port());
  next.send(json{{"type", "hello"}});
  auto m = next.read();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["type"], "session");
}

TEST(WebSocketLimits, SigtermClosesOpenSocketsWith1001AndExitsCleanly) {
  TempFolder dir;
  ServerProcess server(base_env(dir));
  WsClient a(server.port());
  WsClient b(server.port());
  a.send(json{{"type", "hello"}});
  ASSERT_FALSE(read_turn(a).empty());
  ASSERT_TRUE(b.connected());
  // The clients answer the server's close while it shuts down.
  std::thread clients([&] {
    while (a.read()) {
    }
    while (b.read()) {
    }
  });
  EXPECT_EQ(server.terminate(), 0) << server.output();
  clients.join();
  EXPECT_EQ(a.close_code(), 1001);
  EXPECT_EQ(b.close_code(), 1001);
  std::string log = server.output();
  EXPECT_NE(log.find("\"event\":\"shutdown_started\""), std::string::npos);
  EXPECT_NE(log.find("\"event\":\"stopped\""), std::string::npos);
  EXPECT_EQ(log.find("shutdown_forced"), std::string::npos);
}

// server.memory_done_seconds: a finished conversation leaves memory (the
// calfbot_sessions_active gauge), and its patient is read back from the store.
TEST(WebSocketMemory, AFinishedConversationLeavesMemoryAndResumesFromTheStore) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MEMORY_DONE_SECONDS"] = "1";
  ServerProcess server(env);
  auto active = [&] {
    std::string body = http_request(server.port(), "GET", "/metrics").body;
    const std::string name = "\ncalfbot_sessions_active ";
    size_t at = body.find(name);
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + name.size()));
  };
  json session, outcome;
  {
    WsClient c(server.port());
    c.send(json{{"type", "hello"}});
    auto first = read_turn(c);
    ASSERT_GE(first.size(), 2u);
    session = first.front();
    int answers = 0;
    outcome = answer_to_outcome(c, answers);
    ASSERT_EQ(outcome["type"], "outcome");
  }
  EXPECT_EQ(active(), 1);
  int held = 1;
  for (int i = 0; i < 50 && held != 0; ++i) {  // the sweep runs every second here
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    held = active();
  }
  EXPECT_EQ(held, 0) << "a finished conversation stayed in memory 5 s after its outcome";
  WsClient again(server.port());
  again.send(json{{"type", "resume"}, {"token", session["token"]}, {"last_seq", 0}});
  auto resumed = again.read();
  ASSERT_TRUE(resumed);
  EXPECT_EQ((*resumed)["resumed"], true);
  EXPECT_EQ((*resumed)["last_seq"], outcome["seq"]);
  bool outcome_again = false;
  while (auto m = again.read(std::chrono::seconds(2))) {
    outcome_again = outcome_again || *m == outcome;
  }
  EXPECT_TRUE(outcome_again) << "the resumed conversation's outcome, read back from the store";
}

TEST(WebSocketLimits, TooManyConnectionsAreRefused) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MAX_CONNECTIONS"] = "2";
  ServerProcess server(env);
  WsClient a(server.port());
  WsClient b(server.port());
  ASSERT_TRUE(a.connected() && b.connected());
  WsClient c(server.port());
  EXPECT_FALSE(c.connected());
  auto busy = http_request(server.port(), "GET", "/");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.json()["code"], "server_busy");
  // Health checks still get through, on the reserve beyond max_connections.
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(WebSocketLimits, OneAddressGetsOnlyItsShareOfConnections) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MAX_CONNECTIONS_PER_ADDRESS"] = "2";
  ServerProcess server(env);
  {
    WsClient a(server.port());
    WsClient b(server.port());
    ASSERT_TRUE(a.connected() && b.connected());
    WsClient c(server.port());
    EXPECT_FALSE(c.connected()) << "a third connection from 127.0.0.1";
    a.send(json{{"type", "hello"}});
    EXPECT_FALSE(read_turn(a).empty()) << "the two admitted carry on";
  }
  // Closed connections give their places back, once the server has seen
  // them close (it learns of a client's close a moment later).
  for (int i = 0; i < 3; ++i) {
    bool connected = false;
    for (int attempt = 0; attempt < 40 && !connected; ++attempt) {
      if (attempt) std::this_thread::sleep_for(50ms);
      WsClient again(server.port());
      connected = again.connected();
    }
    EXPECT_TRUE(connected) << "round " << i;
  }
}

TEST(WebSocketLimits, NewConversationsPerAddressAreCappedAndRunningOnesCarryOn) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__CONVERSATIONS_PER_ADDRESS_PER_MINUTE"] = "3";
  ServerProcess server(env);
  std::vector<std::unique_ptr<WsClient>> started;
  for (int i = 0; i < 3; ++i) {
    started.push_back(std::make_unique<WsClient>(server.port()));
    started.back()->send(json{{"type", "hello"}});
    auto m = started.back()->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["type"], "session") << "conversation " << i;
  }
  WsClient fourth(server.port());
  fourth.send(json{{"type", "hello"}});
  auto refused = fourth.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["code"], "too_many_conversations");
  EXPECT_NE((*refused)["text"].get<std::string>().find("wait"), std::string::npos);
  // the REST channel counts against the same address
  auto rest = http_request(server.port(), "POST", "/v1/conversations");
  EXPECT_EQ(rest.status, 429);
  EXPECT_EQ(rest.json()["code"], "too_many_conversations");
  // the conversations already going are not limited
  read_turn(*started[0]);
  started[0]->send(json{{"text", "my calf aches"}});
  auto turn = read_turn(*started[0]);
  ASSERT_FALSE(turn.empty());
  EXPECT_EQ(turn.back()["type"], "question");
  // and the refused connection is still open: it may try again later
  fourth.send(json{{"type", "nonsense"}});
  auto still = fourth.read();
  ASSERT_TRUE(still);
  EXPECT_EQ((*still)["code"], "unknown_type");
}

}  // namespace
}  // namespace calfbot::testing_support
