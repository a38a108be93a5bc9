// The red-flag interlock: evaluates the knowledge's red-flag rules against
// what is known. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dialog/state.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

// Findings as the inference model wants them (+1 / -1 / 0 per finding index).
knowledge::Known known_of(const knowledge::Knowledge& kb, const State& s);

struct Fired {
  const knowledge::RedFlagRule* rule;
  knowledge::Triage level;  // the rule's level, or at most urgent when it only
                            // holds if "not sure" answers are taken as yes
  bool on_unsure;
};

// Every rule that holds. A rule that would hold if the patient's "not sure"
// answers were yes fires too, at urgent at the most: when unsure, err towards care.
std::vector<Fired> evaluate_rules(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                  const State& s);

// Whether a predicate holds for certain (unsure_as_yes = false) or could hold
// if the patient's "not sure" answers were the worse way (unsure_as_yes = true).
bool holds(const knowledge::Predicate& p, const knowledge::Knowledge& kb,
           const knowledge::Model& model, const State& s, bool unsure_as_yes);

}  // namespace calfbot::dialog
