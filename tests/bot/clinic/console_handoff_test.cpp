// The handoff against the real `calfbot serve` over loopback sockets
// (docs/console.md, "Handoff"): a link patient on the widget's WebSocket asks
// for a person, the clinic's staff take over (CSRF and clinic checked,
// audited), write, and hand back; staff messages reach the patient's socket.
#include <gtest/gtest.h>

#include "console_fixture.h"

namespace calfbot {
namespace {

using namespace clinic_test;  // the console fixture's helpers
using testing_support::WsClient;

class Handoff : public Console {
 protected:
  // The server with Ann (and Bob, of another clinic), and a link patient
  // talking; returns the intake's id.
  std::string start(const std::string& ref) {
    make_staff(db_, "ann@clinic.example", "default");
    make_staff(db_, "bob@north.example", "north");
    key_ = create_key(db_);
    server_ = std::make_unique<ServerProcess>(env());
    json created = post_intake({{"patient_ref", ref}});
    open_patient(created);
    return created["id"];
  }
  // A clinic link's patient, on the widget's socket, past the first question.
  void open_patient(const json& intake) {
    std::string session = session_of(http_request(server_->port(), "GET", "/i/" + token_of(intake)).body);
    ws_ = std::make_unique<WsClient>(server_->port());
    ws_->send(json{{"type", "resume"}, {"token", session}, {"last_seq", 0}});
    ASSERT_FALSE(testing_support::read_turn(*ws_).empty());
    ws_->send(json{{"text", "my left calf hurts"}});
    ASSERT_FALSE(testing_support::read_turn(*ws_).empty());
  }
  testing_support::HttpResult act(const Login& l, const std::string& id, const std::string& what,
                                  const std::string& body = "") {
    std::map<std::string, std::string> headers = {{"X-CSRF-Token", l.csrf}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return post(l, "/console/api/intakes/" + id + "/" + what, headers, body);
  }
  std::unique_ptr<WsClient> ws_;
};

TEST_F(Handoff, StaffTakeOverWriteAndHandBackOnThePatientsSocket) {
  const std::string id = start("MRN-3001");
  ASSERT_FALSE(HasFatalFailure());
  Login ann = login("ann@clinic.example", kPassword);
  ASSERT_EQ(ann.status, 200);

  ws_->send(json{{"text", "I'd like to talk to someone"}});
  auto asked = testing_support::read_turn(*ws_);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_NE(asked[0]["text"].get<std::string>().find("clinic's staff"), std::string::npos);
  const std::string slot = asked[1]["slot"];
  json listed = get(ann, "/console/api/intakes").json()["intakes"][0];
  EXPECT_EQ(listed["handoff"]["requested"], true);

  auto took = act(ann, id, "take-over");
  ASSERT_EQ(took.status, 200) << took.body;
  EXPECT_EQ(took.json()["messages"][0]["event"], "joined");
  auto joined = ws_->read_until("staff");
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["name"], "Ann Lee");
  EXPECT_EQ(get(ann, "/console/api/intakes/" + id).json()["handoff"]["staff"], "Ann Lee");

  ws_->send(json{{"text", "is it something serious?"}});
  auto said = act(ann, id, "messages", json{{"text", "Nothing you've said so far is worrying."}}.dump());
  ASSERT_EQ(said.status, 200) << said.body;
  // The next thing the patient gets is the staff's answer: the bot said nothing.
  auto words = ws_->read();
  ASSERT_TRUE(words);
  EXPECT_EQ((*words)["type"], "staff") << words->dump();
  EXPECT_EQ((*words)["text"], "Nothing you've said so far is worrying.");
  EXPECT_EQ(act(ann, id, "messages", json{{"text", "  "}}.dump()).status, 400);

  ASSERT_EQ(act(ann, id, "hand-back").status, 200);
  auto back = testing_support::read_turn(*ws_);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0]["event"], "left");
  EXPECT_EQ(back[1]["slot"], slot);
  EXPECT_EQ(act(ann, id, "hand-back").json()["code"], "not_in_charge");

  // Everything a person wrote is in the transcript, and every action audited.
  std::string transcript = get(ann, "/console/api/intakes/" + id + "/transcript").body;
  EXPECT_NE(transcript.find("is it something serious?"), std::string::npos);
  EXPECT_NE(transcript.find("Nothing you've said so far is worrying."), std::string::npos);
  const std::string staff_id = ann.body["staff"]["id"];
  for (const char* action : {"intake.take_over", "intake.staff_message", "intake.hand_back"}) {
    EXPECT_TRUE(audited(staff_id, action)) << action;
  }
}

TEST_F(Handoff, ATakeOverWithoutTheCsrfTokenOrFromAnotherClinicIsRefused) {
  const std::string id = start("MRN-3002");
  ASSERT_FALSE(HasFatalFailure());
  Login ann = login("ann@clinic.example", kPassword), bob = login("bob@north.example", kPassword);

  auto bare = post(ann, "/console/api/intakes/" + id + "/take-over");
  EXPECT_EQ(bare.status, 403);
  EXPECT_EQ(bare.json()["code"], "csrf_invalid");
  auto theirs = act(bob, id, "take-over");
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.json()["code"], "intake_not_found");
  EXPECT_EQ(get(ann, "/console/api/intakes/" + id).json()["handoff"]["staff"], nullptr);
  EXPECT_FALSE(audited(bob.body["staff"]["id"], "intake.take_over"));
}

TEST_F(Handoff, TheRedFlagScreenStillEscalatesToPatientAndStaffWhileStaffAreInCharge) {
  const std::string id = start("MRN-3003");
  ASSERT_FALSE(HasFatalFailure());
  Login ann = login("ann@clinic.example", kPassword);
  ASSERT_EQ(act(ann, id, "take-over").status, 200);
  ASSERT_TRUE(ws_->read_until("staff"));

  ws_->send(json{{"text", "now I have chest pain and I can't catch my breath"}});
  auto escalation = ws_->read_until("escalation");
  ASSERT_TRUE(escalation);
  EXPECT_EQ((*escalation)["level"], "emergency");
  json listed = get(ann, "/console/api/intakes").json()["intakes"][0];
  EXPECT_EQ(listed["level"], "emergency");
}

}  // namespace
}  // namespace calfbot
