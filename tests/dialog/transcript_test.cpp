// Whole conversations compared as one readable text against
// tests/dialog/transcripts/<name>.txt. After a deliberate change, regenerate
// with CALFBOT_UPDATE_TRANSCRIPTS=1 and read the diff before committing it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/message_json.h"
#include "dialog/engine.h"
#include "knowledge/loader.h"
#include "tests/dialog/recorded_transcript.h"

namespace calfbot::dialog {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795600800;  // 2026-11-25T10:00:00Z, a Wednesday

std::string render(const json& m) {
  const std::string type = m["type"];
  std::string out = "bot " + type;
  if (type == "question") {
    out += " [" + m["slot"].get<std::string>() + "]: " + m["text"].get<std::string>();
    if (m.contains("choices")) {
      out += " (";
      for (size_t i = 0; i < m["choices"].size(); ++i) {
        out += (i ? " | " : "") + m["choices"][i]["id"].get<std::string>();
      }
      out += ")";
    }
  } else if (type == "escalation") {
    out += " [" + m["level"].get<std::string>() + "]: " + m["text"].get<std::string>();
  } else if (type == "outcome") {
    out += " [" + m["triage"].get<std::string>() + "]:";
    for (const auto& c : m["conditions"]) {
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", c["score"].get<double>());
      out += " " + c["id"].get<std::string>() + "=" + score;
    }
    out += "; wells=" + std::to_string(m["wells"]["total"].get<int>());
    out += "; red_flags=" + m["red_flags"].dump();
  } else if (type == "error") {
    out += " [" + m["code"].get<std::string>() + "]: " + m["text"].get<std::string>();
  } else {
    out += ": " + m["text"].get<std::string>();
  }
  return out + "\n";
}

// Plays the patient's lines, each "<slot>> text" (typed) or "<slot># id" (a
// tapped choice): a line answers the question of its slot, lines of one slot
// in their order, so the script still fits when the order of questions
// changes. The conversation ends at the outcome, or where the bot asks a
// question the script has no line left for (said in the transcript).
std::string play(const std::vector<std::string>& script) {
  static auto kb = knowledge::load_embedded().knowledge;
  static Engine engine(kb, EngineSettings{});
  StepResult r = engine.start(kNow);
  std::string out;
  for (const auto& m : r.outputs) out += render(bot::message_json(m));
  std::vector<bool> used(script.size(), false);
  while (r.state.phase == State::Phase::asking || !r.outputs.empty()) {
    const std::string slot = r.state.current;
    size_t i = 0;
    while (i < script.size() && (used[i] || script[i].substr(0, script[i].find_first_of(">#")) != slot)) {
      ++i;
    }
    if (i == script.size()) {
      if (r.state.phase == State::Phase::asking) out += "(no line for [" + slot + "])\n";
      break;
    }
    used[i] = true;
    const size_t mark = script[i].find_first_of(">#");
    const bool choice = script[i][mark] == '#';
    const std::string value = script[i].substr(mark + 2);
    out += (choice ? "patient taps: " : "patient: ") + value + "\n";
    r = engine.step(r.state, Input{choice ? Input::Kind::choice : Input::Kind::text, value, kNow, 0});
    for (const auto& m : r.outputs) out += render(bot::message_json(m));
  }
  return out;
}

void compare(const std::string& name, const std::vector<std::string>& script) {
  const std::string actual = play(script);
  std::string expected;
  recorded_transcript(transcript_path(name), actual, expected);
  if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(actual, expected);
}

TEST(Transcript, DvtAfterAFlight) {
  compare("dvt_after_flight",
          {"complaint> my left calf has been swollen since the flight on Tuesday, no chest pain",
           "age> 58", "sex# female", "location> behind the knee and the middle of the calf",
           "pe_screen> none of those", "onset> it came on gradually",
           "mechanism> no, nothing like that", "character> a dull ache", "cold_pale_foot> no",
           "calf_bigger> I am not sure", "tender_deep_calf> yes, it hurts when I press deep in the calf",
           "lump_behind_knee> no", "severity> about 4 out of 10", "bruising> no",
           "vte_risks> just the long flight", "whole_leg_swollen> not really",
           "pitting_oedema> no", "pregnancy> no", "on_anticoagulants> no", "knee_arthritis> no",
           "fever> no", "redness> no", "warmth> no", "visible_veins> no", "getting_worse> no",
           "worse_on_tiptoe> no", "night_or_rest_pain> no", "numb_tingling> no"});
}

TEST(Transcript, PulmonaryEmbolismInTheFirstMessage) {
  compare("pe_first_message",
          {"complaint> my right calf is swollen and since this morning I get out of breath on the "
           "stairs",
           "> what should I do?", "> restart"});
}

TEST(Transcript, NightCrampsWithWhyAndBack) {
  compare("night_cramps",
          {"complaint> I get cramps in both calves at night, they wake me up and go after a few "
           "minutes",
           "age> 67", "sex# male", "location> why?", "location> middle of the calf",
           "pe_screen> no", "onset> they come in short attacks", "duration> back",
           "onset# episodic", "duration> for about 3 months", "cold_pale_foot> no",
           "muscle_knot> yes it goes rock hard", "woke_at_night> no", "resolves_fully> no",
           "rest_pain_eased_hanging> no", "severity> 6", "vte_risks> none",
           "on_anticoagulants> no", "swelling> no", "eased_by_stretching> no",
           "character> cramping", "radiates_from_back> no", "numb_tingling> no"});
}

}  // namespace
}  // namespace calfbot::dialog
