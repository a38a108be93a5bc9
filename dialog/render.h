// Building the wire messages (docs/protocol.md) from engine decisions. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "knowledge/inference.h"

namespace calfbot::dialog {

// Replaces every "{emergency_number}" in text.
std::string fill(std::string text, const EngineSettings& settings);

Message question_message(const knowledge::Question& q, int asked, const EngineSettings& settings);
Message complaint_question();
Message info_message(const std::string& text);
Message error_message(const std::string& code, const std::string& text);
Message escalation_message(knowledge::Triage level, const std::vector<Fired>& fired,
                           const EngineSettings& settings);

// The outcome: triage, ranked causes with reasons, Wells score, tests,
// self-care, safety-netting and the disclaimer.
Message outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                        const State& s, knowledge::Triage triage, const EngineSettings& settings);

// The outcome with the triage it gives (outcome_triage), the rules and the
// findings worked out once: what the engine sends.
Message outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                        const State& s, const EngineSettings& settings);

// The triage the outcome gives: the escalation level, or more where the
// leading causes call for it.
knowledge::Triage outcome_triage(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                 const State& s);

}  // namespace calfbot::dialog
