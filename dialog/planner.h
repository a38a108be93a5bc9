// Question choice: which question to ask next, or whether to give the outcome.
// Follows the SOCRATES phase order and, within a phase, asks what best
// separates the leading causes (expected information gain). Pure.
#pragma once

#include <string>
#include <vector>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "dialog/state.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

struct Plan {
  const knowledge::Question* next = nullptr;  // nullptr: give the outcome now
  std::string reason;                          // why it stops ("confident", "limit", ...)
};

// Whether what the patient has said already answers the question.
bool answered(const knowledge::Question& q, const Facts& facts);

// Questions asked and answered so far (the opening complaint excluded).
int questions_asked(const State& s);

Plan plan_next(const knowledge::Knowledge& kb, const knowledge::Model& model, const State& s,
               const EngineSettings& settings);

}  // namespace calfbot::dialog
