// Internal to dialog/: one step's work on a copy of the conversation state.
// Every change to a finding or number is remembered, so that "back" can undo
// the answer exactly; findings change only through set(), restore() and
// reset(), which keep facts() in step with the state. Not thread-safe: a Turn
// lives inside one Engine::step.
#pragma once

#include <string>
#include <vector>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "dialog/render.h"
#include "dialog/state.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

class Turn {
 public:
  Turn(const knowledge::Knowledge& kb, const knowledge::Model& model,
       const EngineSettings& settings, const Wordings& wordings, const State& state);

  State& s() { return result_.state; }
  const Facts& facts() const { return facts_; }
  const knowledge::Knowledge& kb() const { return kb_; }
  const EngineSettings& settings() const { return settings_; }
  AnswerRecord& record() { return record_; }
  StepResult take() { return std::move(result_); }

  // Sends a bot message: it gets the next seq.
  void emit(Message m);

  // Sets a finding, remembering its value before this answer.
  void set(const std::string& finding, Value v);
  // A finding as it was before an answer ("back").
  void restore(const std::string& finding, Value v);
  // Another conversation in place of this one ("restart").
  void reset(State fresh);
  // Sets a number and the findings derived from it.
  void set_number(const std::string& name, double value);
  // Whether this turn changed a finding or a number.
  bool changed() const;

  // Runs the red-flag rules; sends an escalation when the level rises.
  // Returns true when the conversation is over (an emergency: the outcome
  // follows at once).
  bool interlock();
  // Ends the conversation with the outcome.
  void finish();
  // Asks the question of `slot` (the complaint when no question has it) in
  // wording `variant` (0 its text, 1 its rephrase, 2 its direct yes/no),
  // after an info message with `preface` when that is not empty. kOther:
  // its text, or when it is the question just asked the other of text and
  // rephrase, so that no question is shown twice in a row word for word.
  static constexpr int kOther = -1;
  void ask(const std::string& slot, const std::string& preface = "", int variant = kOther);

 private:
  // A multi-choice question some of whose choices the patient has already
  // answered in passing asks only about the others.
  void only_unknown(const knowledge::Question& q, QuestionMessage& m) const;

  const knowledge::Knowledge& kb_;
  const knowledge::Model& model_;
  const EngineSettings& settings_;
  const Wordings& wordings_;  // Engine::wordings_
  StepResult result_;
  Facts facts_;  // of result_.state
  AnswerRecord record_;
};

}  // namespace calfbot::dialog
