// A conversation's whole state: plain data, serialisable to JSON and back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dialog/understanding/value.h"

namespace calfbot::dialog {

// One answer the patient gave, kept so that "back" can undo it exactly.
struct AnswerRecord {
  std::string slot;                                  // question answered ("" = free text)
  std::string text;                                  // the patient's words
  std::map<std::string, Value> previous_findings;    // values before this answer
  std::map<std::string, std::optional<double>> previous_numbers;
  // The reply was the statistical reader's reading, with this probability
  // (the rules found none): kept so that every decision can be audited.
  std::optional<double> reader_p;
};

struct State {
  std::string knowledge_version;  // the knowledge this conversation was given
  enum class Phase { asking, done } phase = Phase::asking;
  std::map<std::string, Value> findings;   // finding id -> value (absent = unknown)
  std::map<std::string, double> numbers;   // "age", "severity", "duration_days"
  std::vector<std::string> asked;          // slots asked, in order
  std::string current;                     // slot awaiting an answer ("" = none)
  int clarifications = 0;                  // replies to the current slot not understood
  // The wording of the current question last shown: 0 its text, 1 its
  // rephrase, 2 its direct yes/no (repair, never the same text twice).
  int variant = 0;
  std::vector<std::string> unanswered;     // slots left after repair did not help
  std::optional<int> escalated;            // knowledge::Triage as int; never lowered
  std::vector<std::string> fired_rules;    // red-flag rule ids, in order fired
  std::vector<AnswerRecord> answers;       // for "back" and the clinician summary
  std::vector<std::string> patient_words;  // free text the patient wrote, in order
  int64_t started_unix = 0;
  int seq = 0;                             // bot messages sent so far
  // Who is talking (docs/console.md, "Handoff"): the name of the member of
  // staff in charge ("" = the bot, which then asks), and whether the patient
  // asked for a person that no one has come to yet. Written only when set, so
  // a state without a handoff is stored as before.
  std::string staff;
  bool person_requested = false;

  Value get(const std::string& finding) const;
};

// The state as JSON text, as the store keeps it (written directly, without a
// JSON tree: it is written on every turn); to_json parses that text.
std::string to_json_text(const State& s);
nlohmann::json to_json(const State& s);
// Throws nlohmann::json::exception or std::invalid_argument on a malformed state.
State state_from_json(const nlohmann::json& j);

}  // namespace calfbot::dialog
