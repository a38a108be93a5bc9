// The red-flag interlock: evaluates the knowledge's red-flag rules against
// what is known. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/state.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

// Findings as the inference model wants them (+1 / -1 / 0 per finding index).
knowledge::Known known_of(const knowledge::Knowledge& kb, const State& s);

// The state's findings by Knowledge::findings index, made once and then read
// many times by the rules and the planner: a look-up by name in the state's
// map compares strings at every level of its tree. A Facts follows the state
// it was made from only where told: a finding changed in the state must be
// given to set() too, and a state replaced as a whole calls for reload().
class Facts {
 public:
  Facts(const knowledge::Knowledge& kb, const knowledge::Model& model, const State& s);

  void set(int index, Value v) { by_index_[static_cast<size_t>(index)] = v; }
  void reload();

  // What State::get says.
  Value get(std::string_view finding) const;
  Value at(int index) const { return by_index_[static_cast<size_t>(index)]; }
  // By index where the knowledge has the finding (index >= 0), else by id.
  Value get(int index, std::string_view finding) const {
    return index >= 0 ? at(index) : get(finding);
  }
  // What known_of says.
  knowledge::Known known() const;

  const knowledge::Knowledge& kb() const { return kb_; }
  const knowledge::Model& model() const { return model_; }
  const State& state() const { return s_; }

 private:
  const knowledge::Knowledge& kb_;
  const knowledge::Model& model_;
  const State& s_;
  std::vector<Value> by_index_;
};

struct Fired {
  const knowledge::RedFlagRule* rule;
  knowledge::Triage level;  // the rule's level, or at most urgent when it only
                            // holds if "not sure" answers are taken as yes
  bool on_unsure;
  // Holds only if "not sure" answers are yes, and the rest of the story does
  // not make that plausible (the rule's plausible_if): no level, only the
  // rule's safety-net line in the outcome.
  bool watch = false;
  std::vector<std::string> unsure;  // the "not sure" findings it read (on_unsure)
};

// Every rule that holds. A rule that would hold if the patient's "not sure"
// answers were yes fires too, at urgent at the most, when the rest of the
// story makes the sign plausible (or the rule gives no test of that); else it
// is returned with watch set: when unsure, err towards care, in proportion.
std::vector<Fired> evaluate_rules(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                  const State& s);
std::vector<Fired> evaluate_rules(const Facts& facts);

// Whether a predicate holds for certain (unsure_as_yes = false) or could hold
// if the patient's "not sure" answers were the worse way (unsure_as_yes = true).
bool holds(const knowledge::Predicate& p, const knowledge::Knowledge& kb,
           const knowledge::Model& model, const State& s, bool unsure_as_yes);
bool holds(const knowledge::Predicate& p, const Facts& facts, bool unsure_as_yes);

}  // namespace calfbot::dialog
