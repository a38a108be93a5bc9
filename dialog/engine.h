// The conversation engine: a pure function step(state, input) -> (state, outputs).
//
// No clock, socket, database or randomness inside: time comes in with the
// input, knowledge is an immutable value. The same state and input always give
// the same result, so every conversation can be replayed and audited.
// Thread-safety: an Engine is immutable after construction and may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialog/message.h"
#include "dialog/state.h"

namespace calfbot::knowledge {
struct Question;
}

namespace calfbot::knowledge {
struct Knowledge;
class Model;
}  // namespace calfbot::knowledge

namespace calfbot::dialog {

class Lexicon;
class Planner;
class Turn;
struct Understanding;
struct Wordings;

// What the patient did. Exactly one of text / choice is meaningful.
struct Input {
  enum class Kind { text, choice };
  Kind kind = Kind::text;
  std::string value;     // the text typed, or the choice id pressed
  int64_t time_unix = 0; // when it was sent (seconds since the epoch, UTC)
  int utc_offset_minutes = 0;  // the patient's local offset, for "since Tuesday"
  // A clinic's staff watch this conversation in the console, so a patient
  // asking for a person can be told one may come (set by the caller from
  // the channel; docs/console.md, "Handoff").
  bool watched = false;
};

// What a member of the clinic's staff does in a conversation (docs/console.md,
// "Handoff"). Not a patient turn: nothing of it is screened or read.
struct StaffAction {
  enum class Kind { take_over, message, hand_back };
  Kind kind = Kind::message;
  std::string name;  // the member of staff, as the patient is told it
  std::string text;  // message: their words (valid UTF-8, checked by the caller)
};

// Per-deployment settings the engine needs; filled from config by the caller.
struct EngineSettings {
  std::string emergency_number = "999";
  int max_questions = 22;     // hard bound on questions before the outcome
  double stop_confidence = 0.8;  // stop early when the leading cause is this likely
  int min_questions = 8;      // never stop before this many (safety screen included)
  double min_information = 0.03;  // bits; a question worth less is not asked
  // Bounds on one conversation (docs/security.md): once it has taken
  // max_turns messages, or kept max_patient_text_bytes of the patient's
  // words, a message is still screened for red flags, and one that raises
  // the level is taken; any other is refused (StepResult::over_limit).
  int max_turns = 100;
  int max_patient_text_bytes = 16384;
};

// The state after a step, and the bot's messages (dialog/message.h), each
// with its seq.
struct StepResult {
  State state;
  std::vector<Message> outputs;
  // The patient's input as the engine read it, its text made valid UTF-8
  // (invalid bytes replaced): the one sanitising of a message, which a
  // caller keeps (the conversation service stores it) rather than repeat.
  Input input = {};
  // The conversation is at its bounds and this message raised nothing: the
  // state is the one given, there are no outputs, and nothing is to be
  // stored; the caller answers with its own "conversation_full" error.
  bool over_limit = false;
  // A staff action that does not fit the conversation (a message or a
  // hand-back with no member of staff in charge): the state is the one
  // given, there are no outputs, and nothing is to be stored.
  bool not_in_charge = false;
};

class Engine {
 public:
  Engine(std::shared_ptr<const knowledge::Knowledge> kb, EngineSettings settings);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new conversation: the greeting and the first question.
  StepResult start(int64_t time_unix) const;

  // Handles one patient input, of any bytes. The red-flag interlock runs on
  // every input before anything else; once escalated, the level never goes
  // down. `turns_taken` is how many messages the conversation has taken
  // before this one (the caller keeps the count); at the conversation's
  // bounds only a message that raises the level is taken.
  StepResult step(const State& state, const Input& input, int turns_taken = 0) const;

  // A member of staff takes the conversation over (the patient is told who
  // joined; the bot stops asking, while every patient message is still
  // screened), writes to the patient, or hands back (the bot asks again the
  // question it left). A message or hand-back with nobody in charge is
  // refused (StepResult::not_in_charge).
  StepResult staff(const State& state, const StaffAction& action) const;

  const knowledge::Knowledge& knowledge() const { return *kb_; }
  // What every conversation records as its knowledge version: the knowledge's
  // content version and, where the statistical reader is built in, its own
  // ("<sha256 of the data files>+reader-<first 16 hex of the model's>").
  const std::string& version() const { return version_; }
  const EngineSettings& settings() const { return settings_; }
  // Whether a conversation in `s` that has taken `turns_taken` messages is at
  // max_turns or keeps max_patient_text_bytes of the patient's words.
  bool at_limit(const State& s, int turns_taken) const;
  const knowledge::Model& model() const { return *model_; }

 private:
  // The steps of step(), on an input already valid UTF-8 (turn): read, take
  // what the message states (the reply included), screen, commands, then the
  // rest of the answer (or what follows the outcome). read() returns nullopt
  // when the turn is over (an empty or unknown input got an error).
  StepResult turn(const State& state, const Input& input) const;
  std::optional<Understanding> read(Turn& t, const State& state, const knowledge::Question* q,
                                    const Input& input) const;
  void answer(Turn& t, const State& state, const knowledge::Question* q, const Understanding& u,
              bool understood) const;
  // A patient message while a member of staff is in charge: screened, its
  // facts taken, nothing asked.
  StepResult staffed(const State& state, const Input& input) const;

  std::shared_ptr<const knowledge::Knowledge> kb_;
  EngineSettings settings_;
  std::string version_;
  std::unique_ptr<Lexicon> lexicon_;
  std::unique_ptr<knowledge::Model> model_;
  std::unique_ptr<Planner> planner_;
  // Every question's message in each wording, built once: a turn copies one
  // and sets its progress.asked.
  std::unique_ptr<Wordings> wordings_;
};

}  // namespace calfbot::dialog
