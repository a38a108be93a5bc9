// Question choice: which question to ask next, or whether to give the outcome.
// Follows the SOCRATES phase order and, within a phase, asks what best
// separates the leading causes (expected information gain). Pure.
#pragma once

#include <string>
#include <string_view>
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

// Questions asked and answered so far (the opening complaint excluded).
int questions_asked(const State& s);

// Question choice over one knowledge. What it needs of each question (its
// phase, the findings it reads and the findings it tells about) is worked out
// once, when the engine is made, rather than on every turn.
class Planner {
 public:
  Planner(const knowledge::Knowledge& kb, const knowledge::Model& model);

  // The next question, or the outcome; facts are the state's.
  Plan next(const Facts& facts, const EngineSettings& settings) const;

 private:
  // A finding a question reads: its index, -1 when the knowledge lacks it.
  struct Read {
    int index;
    std::string_view id;
  };
  struct Asks {
    std::vector<Read> reads;      // yes_no: its finding; choices: every finding they set
    std::vector<int> informs;     // what Model::information weighs
  };

  // Whether what the patient has said already answers question i.
  bool answered(size_t i, const Facts& facts) const;

  // The questions an emergency rule is one finding short on: the rule would
  // hold were that unknown finding present, and the story already has
  // another of the rule's findings. Such a question is a must, whatever its
  // must_if says: a warning sign the story points at is always asked.
  std::vector<bool> one_short(const Facts& facts) const;

  // Per emergency rule: the finding indexes it reads.
  struct EmergencyRule {
    const knowledge::RedFlagRule* rule;
    std::vector<int> findings;
  };
  std::vector<EmergencyRule> emergencies_;
  std::vector<std::vector<size_t>> asking_;  // finding index -> questions that ask about it

  const knowledge::Knowledge& kb_;
  const knowledge::Model& model_;
  std::vector<Asks> asks_;  // per Knowledge::questions
  // Per knowledge::kPhases, its questions' Knowledge::questions indexes in order.
  std::vector<std::vector<size_t>> by_phase_;
};

}  // namespace calfbot::dialog
