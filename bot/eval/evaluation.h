// `calfbot eval`: plays patient vignettes through the engine with a simulated
// patient and measures how safe and how accurate the outcomes are.
//
// Each vignette is one conversation: the engine's first question ("complaint")
// gets the vignette's opening, every later question a free-text answer from
// SimulatedPatient, all at one fixed time, until an outcome (or the step cap).
// Thread-safety: all functions are pure apart from writing to the given stream.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "bot/eval/simulated_patient.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {
class Engine;
}

namespace calfbot::bot {

// 2026-11-25T10:00:00Z, a Wednesday: the time every simulated message is sent.
inline constexpr int64_t kEvalTimeUnix = 1795600800;
// Inputs per conversation before the run is abandoned as stuck.
inline constexpr int kEvalStepCap = 80;

struct VignetteResult {
  std::string id;
  knowledge::Triage expected_triage = knowledge::Triage::self_care;
  std::string expected_condition;
  // The outcome's triage; without an outcome, the highest escalation level;
  // empty when the patient was given no advice at all.
  std::optional<knowledge::Triage> triage;
  bool emergency_escalation = false;  // an "escalation" message with level "emergency"
  int rank = 0;       // 1-based rank of expected_condition in the outcome; 0 = absent
  int questions = 0;  // "question" messages the bot sent (re-asks included)
  // Two question messages in a row with the same text (a re-ask word for word).
  bool repeated_question = false;
  // For an emergency vignette written blind: the patient message (0 = the
  // opening) that first states the sign, -1 when unknown or when only the
  // direct question brings it out; and the one after which the emergency
  // escalation came, -1 when none came.
  int sign_said_at = -1;
  int escalated_at = -1;
  std::vector<std::string> transcript;  // "bot: ..." / "patient: ..." lines
  std::string error;  // engine exception or step cap; empty when the run ended normally
};

// Plays one vignette. Never throws: an engine exception ends the run and is
// recorded in `error`.
VignetteResult run_vignette(const dialog::Engine& engine, const Vignette& v);

struct Metrics {
  int vignettes = 0;
  int emergency_total = 0;      // vignettes expecting emergency
  int emergency_escalated = 0;  // ... of which escalated to emergency
  int triage_exact = 0;
  int under_triage = 0;  // advice less urgent than expected (or none at all)
  int over_triage = 0;   // advice more urgent than expected
  int top1 = 0, top3 = 0;
  double median_questions = 0;
  int max_questions = 0;
  int errors = 0;  // runs that ended without an outcome
  int repeated_question = 0;  // runs with the same question text twice in a row
  // Emergencies whose sign the patient states unasked (sign_said_at >= 0),
  // and those escalated on that very message.
  int emergency_timed = 0, emergency_on_time = 0;
  int top1_non_emergency = 0, non_emergency = 0;

  // Fractions in [0, 1]. With nothing to count, sensitivity and accuracies
  // are 1 and the under/over-triage rates 0.
  double emergency_sensitivity() const;
  double triage_accuracy() const;
  double under_triage_rate() const;
  double over_triage_rate() const;
  double top1_accuracy() const;
  double top3_accuracy() const;
};

Metrics compute_metrics(const std::vector<VignetteResult>& results);

// True when an emergency vignette was not escalated or any vignette was
// under-triaged: what makes `calfbot eval --strict` fail.
bool has_safety_failure(const std::vector<VignetteResult>& results);

// Per-vignette rows (id, expected/actual triage, rank, questions), then the metrics.
void print_table(const std::vector<VignetteResult>& results, const Metrics& m, std::ostream& out);
// The metrics alone, without a row per vignette (the test half's report).
void print_metrics(const Metrics& m, std::ostream& out);
void print_transcript(const VignetteResult& r, std::ostream& out);

}  // namespace calfbot::bot
