// Integration tests of the clinic side against the real `calfbot serve` on
// 127.0.0.1 with a temporary SQLite file: API keys from the CLI, links,
// completion over /v1/chat, summary and FHIR reads, expiry, revocation, bad
// keys, a signed alert to a local receiver, and the retention purge.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/clinic/alerts.h"
#include "clinic_server.h"

namespace calfbot {
namespace {

using clinic_test::ClinicServer;
using clinic_test::create_key;
using clinic_test::Receiver;
using clinic_test::run_cli;
using nlohmann::json;
using testing_support::http_request;
using testing_support::ServerProcess;
using testing_support::WsClient;

TEST_F(ClinicServer, LinkCompletionSummaryFhirAndAudit) {
  key_ = create_key(db_);
  ASSERT_FALSE(key_.empty());
  server_ = std::make_unique<ServerProcess>(env());
  json created = post_intake({{"patient_ref", "MRN-1001"}, {"appointment_at", "2026-12-01T09:30:00Z"}});
  EXPECT_EQ(created["status"], "pending");
  std::string token = token_of(created), id = created["id"];
  EXPECT_GE(token.size(), 43u);  // 256 random bits
  auto page = http_request(server_->port(), "GET", "/i/" + token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  std::string session = session_of(page.body);
  ASSERT_FALSE(session.empty());
  // the patient leaves and comes back: the same conversation
  EXPECT_EQ(session_of(http_request(server_->port(), "GET", "/i/" + token).body), session);
  complete(session, "my right calf has ached for a week when I walk, no swelling, no chest pain");
  ASSERT_TRUE(wait_status(id, "completed")) << intake(id).dump();

  auto summary = http_request(server_->port(), "GET", "/v1/clinic/intakes/" + id + "/summary", "", auth());
  ASSERT_EQ(summary.status, 200);
  EXPECT_EQ(summary.json()["complete"], true);
  EXPECT_EQ(summary.json()["intake"]["patient_ref"], "MRN-1001");
  auto html = http_request(server_->port(), "GET", "/v1/clinic/intakes/" + id + "/summary.html", "", auth());
  EXPECT_NE(html.body.find("Calf pain pre-visit summary"), std::string::npos);
  EXPECT_NE(html.headers["content-type"].find("text/html"), std::string::npos);
  auto fhir = http_request(server_->port(), "GET", "/v1/clinic/intakes/" + id + "/fhir", "", auth());
  ASSERT_EQ(fhir.status, 200);
  EXPECT_EQ(fhir.json()["status"], "completed");
  clinic_test::write_fhir("server-QuestionnaireResponse-completed.json", fhir.json());
  auto q = http_request(server_->port(), "GET", "/v1/clinic/fhir/Questionnaire", "", auth());
  clinic_test::write_fhir("server-Questionnaire.json", q.json());
  // The system of the answers' codes is served where it says.
  std::string system;
  const std::function<void(const json&)> find_system = [&](const json& items) {
    for (const auto& i : items) {
      for (const auto& a : i.value("answer", json::array())) {
        std::string s = a.contains("valueCoding") ? a["valueCoding"].value("system", "") : "";
        if (s.find("/v1/clinic/fhir/CodeSystem/") != std::string::npos) system = s;
      }
      if (i.contains("item")) find_system(i["item"]);
    }
  };
  find_system(fhir.json()["item"]);
  ASSERT_FALSE(system.empty()) << "no answer coded by calfbot's own system: " << fhir.json().dump();
  auto cs = http_request(server_->port(), "GET", system.substr(system.find("/v1/")), "", auth());
  ASSERT_EQ(cs.status, 200) << cs.body;
  EXPECT_EQ(cs.json()["url"], system);
  EXPECT_EQ(cs.headers["content-type"], "application/fhir+json");
  clinic_test::write_fhir("server-CodeSystem-answers.json", cs.json());
  EXPECT_EQ(http_request(server_->port(), "GET", system.substr(system.find("/v1/"))).status, 401);

  // a completed link shows a clear page, with nobody's data
  auto done = http_request(server_->port(), "GET", "/i/" + token);
  EXPECT_EQ(done.status, 410);
  EXPECT_NE(done.body.find("have been answered"), std::string::npos);
  EXPECT_EQ(done.body.find("MRN-1001"), std::string::npos);
  EXPECT_EQ(done.body.find("data-session"), std::string::npos);

  auto audit = http_request(server_->port(), "GET", "/v1/clinic/audit?intake=" + id, "", auth()).json();
  std::vector<std::string> actions;
  for (const auto& e : audit["entries"]) {
    actions.push_back(e["action"]);
    EXPECT_EQ(e["actor"], key_.substr(0, key_.find('.')));
  }
  for (const char* a : {"intake.read", "intake.summary", "intake.summary_html", "intake.fhir"}) {
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
  }
}

TEST_F(ClinicServer, WrongMissingOrRevokedKeyIsRejected) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  auto port = server_->port();
  EXPECT_EQ(http_request(port, "GET", "/v1/clinic/intakes").status, 401);
  EXPECT_EQ(http_request(port, "GET", "/v1/clinic/intakes", "", {{"Authorization", "Bearer nope"}}).status, 401);
  std::string wrong = key_.substr(0, key_.size() - 2) + (key_.back() == 'A' ? "BB" : "AA");
  EXPECT_EQ(http_request(port, "GET", "/v1/clinic/intakes", "", {{"Authorization", "Bearer " + wrong}}).status, 401);
  EXPECT_EQ(http_request(port, "GET", "/v1/clinic/intakes", "", auth()).status, 200);
  EXPECT_NE(run_cli(db_, "keys revoke " + key_.substr(0, key_.find('.'))).find("revoked"), std::string::npos);
  auto r = http_request(port, "GET", "/v1/clinic/intakes", "", auth());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["code"], "unauthorized");
}

// A link's life that no clock can hold (1e300 hours) or that is not a
// number is refused with what to send, before any arithmetic on it.
TEST_F(ClinicServer, ABadLinkLifeIsRefusedWithWhatToSend) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  for (const json& hours : {json(1e300), json(-1), json("48"), json(0)}) {
    auto r = http_request(server_->port(), "POST", "/v1/clinic/intakes",
                          json{{"expires_in_hours", hours}}.dump(), auth());
    EXPECT_EQ(r.status, 400) << hours << " " << r.body;
    EXPECT_EQ(r.json()["code"], "bad_request") << r.body;
    EXPECT_NE(r.body.find("expires_in_hours: must be a positive number of hours"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(http_request(server_->port(), "GET", "/healthz").status, 200);
}

TEST_F(ClinicServer, ExpiredRevokedAndUnknownLinksShowAClearPage) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  auto port = server_->port();
  json soon = post_intake({{"patient_ref", "MRN-2"}, {"expires_in_hours", 0.0005}});  // about 2 s
  json other = post_intake({{"patient_ref", "MRN-3"}});
  auto revoke = http_request(port, "POST", "/v1/clinic/intakes/" + other["id"].get<std::string>() + "/revoke", "", auth());
  EXPECT_EQ(revoke.json()["status"], "revoked");
  auto gone = http_request(port, "GET", "/i/" + token_of(other));
  EXPECT_EQ(gone.status, 410);
  EXPECT_NE(gone.body.find("no longer valid"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto expired = http_request(port, "GET", "/i/" + token_of(soon));
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("has expired"), std::string::npos);
  EXPECT_EQ(expired.body.find("MRN-2"), std::string::npos);
  EXPECT_EQ(intake(soon["id"])["status"], "expired");
  EXPECT_EQ(http_request(port, "GET", "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status, 404);
  // the CLI makes links too
  json cli = json::parse(run_cli(db_, "link create --patient MRN-4 --expires-in 24 --json"));
  EXPECT_EQ(http_request(port, "GET", "/i/" + token_of(cli)).status, 200);
}

TEST_F(ClinicServer, EmergencyAlertIsSignedAndDelivered) {
  Receiver receiver;
  const std::string secret = "test-secret-0123456789";
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(
      env({{"CALFBOT_CLINIC__ALERT_WEBHOOK_URL", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/alerts"},
           {"CALFBOT_CLINIC__ALERT_SECRET", secret}}));
  json created = post_intake({{"patient_ref", "MRN-911"}});
  std::string session = session_of(http_request(server_->port(), "GET", "/i/" + token_of(created)).body);
  WsClient ws(server_->port());
  ws.send(json{{"type", "resume"}, {"token", session}, {"last_seq", 0}});
  testing_support::read_turn(ws);
  ws.send(json{{"text", "my left calf is swollen and now I have chest pain and I am short of breath"}});
  testing_support::read_turn(ws);
  auto got = receiver.wait(std::chrono::seconds(20));
  ASSERT_TRUE(got);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(bot::clinic::verify_alert(got->body, got->headers["x-calfbot-signature"],
                                      got->headers["x-calfbot-timestamp"], secret, now), "");
  EXPECT_EQ(bot::clinic::verify_alert(got->body, got->headers["x-calfbot-signature"],
                                      got->headers["x-calfbot-timestamp"], "wrong-secret-000000", now),
            "bad signature");
  json body = json::parse(got->body);
  EXPECT_EQ(body["intake_id"], created["id"]);
  EXPECT_EQ(body["level"], "emergency");
  EXPECT_EQ(body["patient_ref"], "MRN-911");
}

TEST_F(ClinicServer, PurgeDeletesPatientDataPastRetention) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  json created = post_intake({{"patient_ref", "MRN-OLD"}});
  std::string id = created["id"];
  std::string session = session_of(http_request(server_->port(), "GET", "/i/" + token_of(created)).body);
  complete(session, "my calf cramps at night");
  ASSERT_TRUE(wait_status(id, "completed"));
  server_->terminate();
  {  // 100 days pass (retention is 90): the clock is moved by ageing the rows
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE clinic_intakes SET created = created - 8640000, updated = updated - 8640000, "
            "expires = expires - 8640000, completed = completed - 8640000");
    db.exec("UPDATE sessions SET phase = 'expired', updated = updated - 8640000, created = created - 8640000");
  }
  server_ = std::make_unique<ServerProcess>(env());  // the purge runs at start-up
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = http_request(server_->port(), "GET", "/v1/clinic/intakes/" + id, "", auth()).status == 404;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone);
  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sessions").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM messages").getInt(), 0);
  EXPECT_GT(db.execAndGet("SELECT count(*) FROM clinic_audit").getInt(), 0);  // the audit log stays
}

// `calfbot clinic purge` deletes the same, the conversations through the
// session store's own writer (bot::clinic::purge_patient_data), not a
// transaction of the clinic's own on the session store's tables.
TEST_F(ClinicServer, PurgeFromTheCommandLine) {
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  json created = post_intake({{"patient_ref", "MRN-OLD-CLI"}});
  std::string session = session_of(http_request(server_->port(), "GET", "/i/" + token_of(created)).body);
  complete(session, "my calf cramps at night");
  ASSERT_TRUE(wait_status(created["id"], "completed"));
  server_->terminate();
  {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE clinic_intakes SET created = created - 8640000, updated = updated - 8640000, "
            "expires = expires - 8640000, completed = completed - 8640000");
    db.exec("UPDATE sessions SET updated = updated - 8640000, created = created - 8640000");
  }
  std::string out = run_cli(db_, "clinic purge");
  EXPECT_NE(out.find("purged 1 intake(s) and 1 conversation(s)"), std::string::npos) << out;
  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM clinic_intakes").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sessions").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM messages").getInt(), 0);
}

}  // namespace
}  // namespace calfbot
