// The handoff to a person (docs/console.md, "Handoff"), in the engine alone:
// a patient asks for one, a member of staff takes over, writes and hands
// back; while staff are in charge the bot asks nothing, and the red-flag
// screen still runs on every patient message and still escalates.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/message_json.h"
#include "dialog/engine.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::dialog {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795600800;  // 2026-11-25T10:00:00Z

class HandoffTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = std::make_unique<Engine>(knowledge::load_embedded().knowledge, EngineSettings{});
  }
  // The patient writes (where staff watch, or not); the replies as the wire carries them.
  static json write(State& s, const std::string& text, bool watched = true) {
    Input in{Input::Kind::text, text, kNow, 0};
    in.watched = watched;
    StepResult r = engine_->step(s, in);
    s = r.state;
    return bot::messages_json(r.outputs);
  }
  static json staff(State& s, StaffAction::Kind kind, const std::string& text = "") {
    StepResult r = engine_->staff(s, StaffAction{kind, "Ann Lee", text});
    EXPECT_FALSE(r.not_in_charge);
    s = r.state;
    return bot::messages_json(r.outputs);
  }
  // Opened with a calf complaint, at the question that follows.
  static State opened() {
    State s = engine_->start(kNow).state;
    write(s, "my left calf hurts");
    return s;
  }
  static inline std::unique_ptr<Engine> engine_;
};

TEST_F(HandoffTest, AskingForAPersonWhereStaffWatchMarksTheRequestAndKeepsAsking) {
  State s = opened();
  const std::string slot = s.current;
  json out = write(s, "I want to talk to someone please");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["type"], "info");
  EXPECT_NE(out[0]["text"].get<std::string>().find("clinic's staff"), std::string::npos);
  EXPECT_EQ(out[1]["type"], "question");
  EXPECT_EQ(out[1]["slot"], slot);
  EXPECT_TRUE(s.person_requested);
  EXPECT_TRUE(s.staff.empty());
}

TEST_F(HandoffTest, WhereNobodyWatchesThePatientIsToldSoAndWhereToGetCare) {
  State s = opened();
  json out = write(s, "can I speak to a real person", false);
  ASSERT_GE(out.size(), 1u);
  const std::string text = out[0]["text"];
  EXPECT_NE(text.find("Nobody from a clinic reads this conversation"), std::string::npos);
  EXPECT_NE(text.find("call 999"), std::string::npos);
  EXPECT_FALSE(s.person_requested);
}

TEST_F(HandoffTest, TakeOverStopsTheQuestionsAndHandBackAsksTheOneLeft) {
  State s = opened();
  write(s, "talk to someone");
  const std::string slot = s.current;
  json joined = staff(s, StaffAction::Kind::take_over);
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0]["type"], "staff");
  EXPECT_EQ(joined[0]["event"], "joined");
  EXPECT_EQ(joined[0]["name"], "Ann Lee");
  EXPECT_NE(joined[0]["text"].get<std::string>().find("Ann Lee from the clinic has joined"), std::string::npos);
  EXPECT_EQ(s.staff, "Ann Lee");
  EXPECT_FALSE(s.person_requested);

  // The patient's words go to the staff: the bot says nothing, asks nothing.
  EXPECT_TRUE(write(s, "is it serious?").empty());
  EXPECT_EQ(s.current, slot);
  json said = staff(s, StaffAction::Kind::message, "Not from what you've told us so far.");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0]["event"], "message");
  EXPECT_EQ(said[0]["text"], "Not from what you've told us so far.");

  json back = staff(s, StaffAction::Kind::hand_back);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0]["event"], "left");
  EXPECT_EQ(back[1]["type"], "question");
  EXPECT_EQ(back[1]["slot"], slot);
  EXPECT_TRUE(s.staff.empty());
  // And the bot answers again.
  EXPECT_FALSE(write(s, "yesterday").empty());
}

TEST_F(HandoffTest, TheInterlockStillEscalatesWhileStaffAreInCharge) {
  State s = opened();
  staff(s, StaffAction::Kind::take_over);
  json out = write(s, "now I have chest pain and I'm short of breath");
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(out[0]["type"], "escalation");
  EXPECT_EQ(out[0]["level"], "emergency");
  ASSERT_TRUE(s.escalated);
  EXPECT_EQ(*s.escalated, static_cast<int>(knowledge::Triage::emergency));
  EXPECT_EQ(s.staff, "Ann Lee");  // still in charge, and told through the console
  // Never lowered: a calmer message later changes nothing.
  write(s, "actually the chest pain is gone");
  EXPECT_EQ(*s.escalated, static_cast<int>(knowledge::Triage::emergency));
}

TEST_F(HandoffTest, FactsStatedToStaffAreKeptForTheSummary) {
  State s = opened();
  staff(s, StaffAction::Kind::take_over);
  write(s, "my calf is swollen");
  EXPECT_EQ(s.get("calf_swelling"), Value::yes);
  EXPECT_EQ(s.patient_words.back(), "my calf is swollen");
}

TEST_F(HandoffTest, AMessageOrHandBackWithNobodyInChargeIsRefused) {
  State s = opened();
  for (auto kind : {StaffAction::Kind::message, StaffAction::Kind::hand_back}) {
    StepResult r = engine_->staff(s, StaffAction{kind, "Ann Lee", "hello"});
    EXPECT_TRUE(r.not_in_charge);
    EXPECT_TRUE(r.outputs.empty());
    EXPECT_EQ(to_json_text(r.state), to_json_text(s));
  }
}

TEST_F(HandoffTest, TheHandoffRoundTripsThroughTheStoredStateAndOldStatesParse) {
  State s = opened();
  write(s, "talk to someone");
  State requested = state_from_json(to_json(s));
  EXPECT_TRUE(requested.person_requested);
  staff(s, StaffAction::Kind::take_over);
  EXPECT_EQ(state_from_json(to_json(s)).staff, "Ann Lee");
  // A state with no handoff is written as before: no new keys.
  const std::string plain = to_json_text(opened());
  EXPECT_EQ(plain.find("\"staff\""), std::string::npos);
  EXPECT_EQ(plain.find("person_requested"), std::string::npos);
}

}  // namespace
}  // namespace calfbot::dialog
