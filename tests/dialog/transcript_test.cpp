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

// Plays the patient's lines ("> text" typed, "# id" a tapped choice).
std::string play(const std::vector<std::string>& script) {
  static auto kb = knowledge::load_embedded().knowledge;
  static Engine engine(kb, EngineSettings{});
  StepResult r = engine.start(kNow);
  std::string out;
  for (const auto& m : r.outputs) out += render(bot::message_json(m));
  for (const auto& line : script) {
    bool choice = line.rfind("# ", 0) == 0;
    std::string value = line.substr(2);
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
          {"> my left calf has been swollen since the flight on Tuesday, no chest pain", "> 58",
           "# female", "> behind the knee and the middle of the calf", "> none of those",
           "> it came on gradually", "> no, nothing like that", "> a dull ache", "> no",
           "> I am not sure", "> yes, it hurts when I press deep in the calf", "> no",
           "> about 4 out of 10", "> no", "> just the long flight", "> not really", "> no", "> no",
           "> no", "> no"});
}

TEST(Transcript, PulmonaryEmbolismInTheFirstMessage) {
  compare("pe_first_message",
          {"> my right calf is swollen and since this morning I get out of breath on the stairs",
           "> what should I do?", "> restart"});
}

TEST(Transcript, NightCrampsWithWhyAndBack) {
  compare("night_cramps",
          {"> I get cramps in both calves at night, they wake me up and go after a few minutes",
           "> 67", "# male", "> why?", "> middle of the calf", "> no",
           "> they come in short attacks", "> back", "# episodic", "> for about 3 months",
           "> no", "> yes it goes rock hard", "> no", "> no", "> no", "> 6", "> none", "> no"});
}

}  // namespace
}  // namespace calfbot::dialog
