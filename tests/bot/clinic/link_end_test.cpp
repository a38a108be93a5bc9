// A closed link ends its conversation (docs/clinic.md, "The link"): once a
// link is revoked, expires or is completed, its session token is refused on
// resume and on every answer with session_closed, nothing more is stored,
// and what the patient escalated before the end was still alerted. Against
// the real `calfbot serve` on 127.0.0.1 and its SQLite file.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "clinic_server.h"

namespace calfbot {
namespace {

using clinic_test::ClinicServer;
using clinic_test::create_key;
using clinic_test::Receiver;
using nlohmann::json;
using testing_support::http_request;
using testing_support::ServerProcess;
using testing_support::WsClient;

class LinkEnd : public ClinicServer {
 protected:
  // Opens the link as the patient does: the page, then the widget's resume.
  struct Opened {
    std::string id, token, session, conversation;
  };
  Opened open_link(const json& created) {
    Opened o{created["id"], token_of(created), "", ""};
    o.session = session_of(http_request(server_->port(), "GET", "/i/" + o.token).body);
    WsClient ws(server_->port());
    ws.send(json{{"type", "resume"}, {"token", o.session}, {"last_seq", 0}});
    auto hello = ws.read();
    EXPECT_TRUE(hello && (*hello)["type"] == "session") << (hello ? hello->dump() : "closed");
    if (hello) o.conversation = (*hello)["conversation_id"];
    return o;
  }
  // Rows stored for the intake's conversation, read from the database file.
  int stored_messages(const std::string& conversation) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM messages WHERE session = ?");
    q.bind(1, conversation);
    q.executeStep();
    return q.getColumn(0).getInt();
  }
  // The session token resumed and answered: both refused, and nothing stored.
  void expect_refused(const Opened& o) {
    const int before = stored_messages(o.conversation);
    WsClient ws(server_->port());
    ASSERT_TRUE(ws.connected());
    ws.send(json{{"type", "resume"}, {"token", o.session}, {"last_seq", 0}});
    auto got = ws.read();
    EXPECT_FALSE(got) << "resumed: " << got->dump();
    EXPECT_EQ(ws.close_code(), 4410);
    auto rest = http_request(server_->port(), "POST", "/v1/conversations/" + o.conversation + "/messages",
                             json{{"text", "my calf is swollen and I have chest pain"}}.dump(),
                             {{"Authorization", "Bearer " + o.session}, {"Content-Type", "application/json"}});
    EXPECT_EQ(rest.status, 410) << rest.body;
    EXPECT_EQ(rest.json()["code"], "session_closed") << rest.body;
    EXPECT_EQ(stored_messages(o.conversation), before) << "stored after the end";
  }
};

// An escalation said just before the clinic withdraws the link is still
// alerted (an urgent one: an emergency gives the outcome at once, which
// completes the link before any revocation could); the conversation then
// takes nothing more, on the connection the patient still has open or on a
// new one.
TEST_F(LinkEnd, ARevokedLinksSessionIsRefusedAndItsEscalationWasAlerted) {
  Receiver receiver;
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(
      env({{"CALFBOT_CLINIC__ALERT_WEBHOOK_URL", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/alerts"},
           {"CALFBOT_CLINIC__ALERT_SECRET", "test-secret-0123456789"}}));
  Opened o = open_link(post_intake({{"patient_ref", "MRN-R"}}));
  WsClient ws(server_->port());
  ws.send(json{{"type", "resume"}, {"token", o.session}, {"last_seq", 0}});
  testing_support::read_turn(ws);
  ws.send(json{{"text", "my calf is hot swollen and red and I have a fever"}});
  auto turn = testing_support::read_turn(ws);
  ASSERT_FALSE(turn.empty());
  ASSERT_EQ(turn.front()["type"], "escalation") << turn.front().dump();
  ASSERT_EQ(turn.back()["type"], "question") << "the conversation goes on";
  auto revoked = http_request(server_->port(), "POST", "/v1/clinic/intakes/" + o.id + "/revoke", "", auth());
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  auto alert = receiver.wait(std::chrono::seconds(20));
  ASSERT_TRUE(alert) << "the escalation before the revocation was not alerted";
  EXPECT_EQ(json::parse(alert->body)["intake_id"], o.id);
  EXPECT_EQ(json::parse(alert->body)["level"], "urgent");

  const int before = stored_messages(o.conversation);
  ws.send(json{{"text", "I feel faint now"}});  // the connection opened before the end
  auto refused = ws.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["code"], "session_closed") << refused->dump();
  EXPECT_FALSE(ws.read());
  EXPECT_EQ(ws.close_code(), 4410);
  EXPECT_EQ(stored_messages(o.conversation), before);
  expect_refused(o);
}

// The link's own expiry ends the conversation the moment it passes: the
// expiry is moved into the past in the database, no waiting for a clock.
TEST_F(LinkEnd, AnExpiredLinksSessionIsRefused) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  Opened o = open_link(post_intake({{"patient_ref", "MRN-E"}}));
  {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE, 5000);
    SQLite::Statement q(db, "UPDATE clinic_intakes SET expires = expires - 400000 WHERE id = ?");
    q.bind(1, o.id);
    ASSERT_EQ(q.exec(), 1);
  }
  expect_refused(o);
}

// The outcome completes the link and ends its conversation: the patient can
// no longer add to what the clinic reads.
TEST_F(LinkEnd, ACompletedLinksSessionIsRefused) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  Opened o = open_link(post_intake({{"patient_ref", "MRN-C"}}));
  complete(o.session, "my calf cramps at night, no swelling, no chest pain");
  expect_refused(o);
  ASSERT_TRUE(wait_status(o.id, "completed"));
}

}  // namespace
}  // namespace calfbot
