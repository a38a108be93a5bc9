// Building the wire messages (docs/protocol.md) from engine decisions. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "dialog/message.h"
#include "knowledge/inference.h"

namespace calfbot::dialog {

// Replaces every `key` in text with `value`.
std::string replace_all(std::string text, std::string_view key, const std::string& value);
// Replaces every "{emergency_number}" in text.
std::string fill(std::string text, const EngineSettings& settings);

QuestionMessage question_message(const knowledge::Question& q, int asked,
                                 const EngineSettings& settings);
// The opening question; variant 1 is its other wording (asked again).
QuestionMessage complaint_question(int variant = 0);

// The yes/no a question falls back on when its answers were not understood
// twice: its own `direct`, or a yes/no question itself put plainly; nullopt
// where it has none.
std::optional<knowledge::Question::Direct> direct_of(const knowledge::Question& q);

// Every question's message in each wording, built once per engine (asked 0):
// its text, its rephrase (with examples or its choices), its direct yes/no
// (none where it has none; direct, with the findings it asks about).
struct Wordings {
  std::vector<QuestionMessage> text, rephrase;  // by Knowledge::questions index
  std::vector<std::optional<QuestionMessage>> direct;
};
Wordings question_wordings(const knowledge::Knowledge& kb, const EngineSettings& settings);
InfoMessage info_message(const std::string& text);
ErrorMessage error_message(InputError code, const std::string& text);
// The escalation for the rules of `level` among those fired; a rule that
// holds only on "not sure" answers gets unsure_text.
EscalationMessage escalation_message(const knowledge::Knowledge& kb, knowledge::Triage level,
                                     const std::vector<Fired>& fired,
                                     const EngineSettings& settings);

// For a rule that holds only if "not sure" answers are yes: names what the
// patient was unsure of and asks for an assessment today (the level such a
// rule raises to at the most), with the emergency number as a safety net
// when the rule itself is an emergency.
std::string unsure_text(const knowledge::Knowledge& kb, const Fired& f,
                        const EngineSettings& settings);

// The outcome: triage, ranked causes with reasons, Wells score, tests,
// self-care, safety-netting and the disclaimer.
OutcomeMessage outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                               const State& s, knowledge::Triage triage,
                               const EngineSettings& settings);

// The outcome with the triage it gives (outcome_triage), the rules and the
// findings worked out once: what the engine sends.
OutcomeMessage outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                               const State& s, const EngineSettings& settings);

// The triage the outcome gives: the escalation level, or more where the
// leading causes call for it.
knowledge::Triage outcome_triage(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                 const State& s);

}  // namespace calfbot::dialog
