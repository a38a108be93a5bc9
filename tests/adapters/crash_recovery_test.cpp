// Durability: the real `calfbot serve` is killed with SIGKILL while answers
// are in flight, restarted on the same SQLite file, and every answer whose
// reply reached the client is still stored, exactly once; each session then
// resumes at the right question and runs on to its outcome.
#include <SQLiteCpp/SQLiteCpp.h>

#include <future>

#include <gtest/gtest.h>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

using nlohmann::json;

struct Session {
  bool websocket = true;
  std::unique_ptr<WsClient> client;
  std::string id;
  std::string token;
  std::vector<json> acked;     // answers whose reply the client received, in order
  std::optional<json> unsure;  // an answer sent when the server died, reply unseen
  json question;               // the last question (or outcome) the client saw
};

class CrashRecovery : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    return {{"CALFBOT_STORE__PATH", dir_.file("calfbot.db")},
            {"CALFBOT_STORE__SYNCHRONOUS", "full"},
            {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "1000"},
            {"CALFBOT_SERVER__MESSAGE_BURST", "1000"}};
  }

  HttpResult rest(const Session& s, const std::string& method, const std::string& tail,
                  const std::string& body = "") {
    return http_request(server_->port(), method, "/v1/conversations/" + s.id + tail, body,
                        {{"Authorization", "Bearer " + s.token}});
  }

  void start(Session& s) {
    if (s.websocket) {
      s.client = std::make_unique<WsClient>(server_->port());
      s.client->send(json{{"type", "hello"}});
      auto turn = read_turn(*s.client);
      ASSERT_GE(turn.size(), 2u);
      s.id = turn[0]["conversation_id"];
      s.token = turn[0]["token"];
      s.question = turn.back();
    } else {
      auto r = http_request(server_->port(), "POST", "/v1/conversations");
      ASSERT_EQ(r.status, 201);
      s.id = r.json()["conversation_id"];
      s.token = r.json()["token"];
      s.question = r.json()["messages"].back();
    }
  }

  // One acknowledged answer (none once the outcome is there).
  void answer(Session& s) {
    if (s.question["type"] == "outcome") return;
    json a = plain_answer(s.question);
    if (s.websocket) {
      s.client->send(a);
      auto turn = read_turn(*s.client);
      ASSERT_FALSE(turn.empty());
      s.question = turn.back();
    } else {
      auto r = rest(s, "POST", "/messages", a.dump());
      ASSERT_EQ(r.status, 200) << r.body;
      s.question = r.json()["messages"].back();
    }
    s.acked.push_back(a);
  }

  // Sends one answer on every session without waiting, kills the server at
  // once, then counts as acknowledged the replies that did arrive.
  void kill_with_answers_in_flight(std::vector<Session>& sessions) {
    std::vector<std::future<HttpResult>> rest_replies(sessions.size());
    for (size_t i = 0; i < sessions.size(); ++i) {
      Session& s = sessions[i];
      if (s.question["type"] == "outcome") continue;
      s.unsure = plain_answer(s.question);
      if (s.websocket) {
        s.client->send(*s.unsure);
      } else {
        rest_replies[i] = std::async(std::launch::async, [this, &s] {
          return rest(s, "POST", "/messages", s.unsure->dump());
        });
      }
    }
    server_->kill_hard();
    for (size_t i = 0; i < sessions.size(); ++i) {
      Session& s = sessions[i];
      if (!s.unsure) continue;
      json reply_end;
      if (s.websocket) {
        auto turn = read_turn(*s.client);  // what arrived before the kill
        if (!turn.empty() && turn.back().contains("seq")) reply_end = turn.back();
      } else {
        HttpResult r = rest_replies[i].get();
        if (r.status == 200) reply_end = r.json()["messages"].back();
      }
      if (!reply_end.is_null()) {
        s.acked.push_back(*s.unsure);
        s.unsure.reset();
        s.question = reply_end;
      }
    }
  }

  // Every acknowledged answer is stored once, in order; an unacknowledged
  // one at most once, after them.
  void check_store(const std::vector<Session>& sessions) {
    SQLite::Database db(dir_.file("calfbot.db"), SQLite::OPEN_READONLY);
    for (const auto& s : sessions) {
      std::vector<json> stored = stored_inputs(db, s.id);
      ASSERT_GE(stored.size(), s.acked.size()) << "an acknowledged answer was lost";
      EXPECT_EQ(std::vector<json>(stored.begin(), stored.begin() + static_cast<long>(s.acked.size())),
                s.acked);
      if (stored.size() > s.acked.size()) {
        ASSERT_EQ(stored.size(), s.acked.size() + 1);
        ASSERT_TRUE(s.unsure.has_value());
        EXPECT_EQ(stored.back(), *s.unsure);
      }
    }
  }

  // Reconnects after the restart; afterwards s.question is the question the
  // server holds for the session.
  void resume(Session& s) {
    int seen = s.question["seq"];
    if (s.websocket) {
      s.client = std::make_unique<WsClient>(server_->port());
      s.client->send(json{{"type", "resume"}, {"token", s.token}, {"last_seq", seen}});
      auto hello = s.client->read();
      ASSERT_TRUE(hello) << "close code " << s.client->close_code();
      ASSERT_EQ((*hello)["resumed"], true);
      if ((*hello)["last_seq"] > seen) {  // the in-flight answer was stored: its replies come now
        auto replay = read_turn(*s.client);
        ASSERT_FALSE(replay.empty());
        EXPECT_EQ(replay.front()["seq"], seen + 1);
        s.question = replay.back();
      }
    } else {
      auto t = rest(s, "GET", "/messages?after=" + std::to_string(seen));
      ASSERT_EQ(t.status, 200);
      const json messages = t.json()["messages"];
      for (const auto& m : messages) {
        if (m["direction"] == "out") s.question = m["message"];
      }
    }
    if (s.question["seq"] > seen) {
      ASSERT_TRUE(s.unsure.has_value()) << "new messages without an answer in flight";
      s.acked.push_back(*s.unsure);  // stored, and now its reply has been seen
    }
    s.unsure.reset();
    auto summary = rest(s, "GET", "");
    ASSERT_EQ(summary.status, 200);
    EXPECT_EQ(summary.json()["last_seq"], s.question["seq"]);
    if (s.question["type"] == "question") {
      EXPECT_EQ(summary.json()["current_slot"], s.question["slot"]) << "resumed at the wrong question";
    }
  }

  TempFolder dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CrashRecovery, KilledServerKeepsEveryAcknowledgedAnswerAndSessionsResume) {
  server_ = std::make_unique<ServerProcess>(env());
  std::vector<Session> sessions(9);
  for (size_t i = 0; i < sessions.size(); ++i) {
    sessions[i].websocket = i % 3 != 2;  // six WebSocket sessions, three REST ones
    ASSERT_NO_FATAL_FAILURE(start(sessions[i]));
    for (size_t n = 0; n < i % 4 + 1; ++n) ASSERT_NO_FATAL_FAILURE(answer(sessions[i]));
  }
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    kill_with_answers_in_flight(sessions);
    ASSERT_NO_FATAL_FAILURE(check_store(sessions));
    server_ = std::make_unique<ServerProcess>(env());
    for (auto& s : sessions) ASSERT_NO_FATAL_FAILURE(resume(s));
    for (auto& s : sessions) ASSERT_NO_FATAL_FAILURE(answer(s));
  }
  // Every session runs on to its outcome.
  for (auto& s : sessions) {
    for (int n = 0; n < 70 && s.question["type"] != "outcome"; ++n) {
      ASSERT_NO_FATAL_FAILURE(answer(s));
    }
    EXPECT_EQ(s.question["type"], "outcome");
  }
  ASSERT_NO_FATAL_FAILURE(check_store(sessions));
  EXPECT_EQ(server_->terminate(), 0);
}

TEST_F(CrashRecovery, UnfinishedSessionsAreCountedAtStartUp) {
  server_ = std::make_unique<ServerProcess>(env());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(http_request(server_->port(), "POST", "/v1/conversations").status, 201);
  }
  server_->kill_hard();
  server_ = std::make_unique<ServerProcess>(env());
  EXPECT_NE(server_->output().find("\"unfinished_sessions\":3"), std::string::npos)
      << server_->output();
}

}  // namespace
}  // namespace calfbot::testing_support
