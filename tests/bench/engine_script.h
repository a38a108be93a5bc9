// The scripted patient of the engine benchmarks (engine_bench, engine_turns):
// the embedded knowledge, one engine, and a patient who answers each question
// the same way, so every run is the same conversation.
#pragma once

#include <memory>
#include <string>

#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bench {

constexpr int64_t kNow = 1795600800;

inline std::shared_ptr<const knowledge::Knowledge> kb() {
  static auto k = knowledge::load_embedded().knowledge;
  return k;
}

inline const dialog::Engine& engine() {
  static dialog::Engine e(kb(), dialog::EngineSettings{});
  return e;
}

inline std::string answer_for(const dialog::QuestionMessage& q) {
  const dialog::AnswerKind type = q.answer_type;
  const std::string& slot = q.slot;
  if (slot == "complaint") return "my left calf has been swollen since the flight on Tuesday, no chest pain";
  if (type == dialog::AnswerKind::number) return slot == "age" ? "54" : "4";
  if (type == dialog::AnswerKind::duration) return "3 days ago";
  if (type == dialog::AnswerKind::yes_no) return "no";
  if (type == dialog::AnswerKind::multi_choice) return "none of these";
  return q.choices->at(0).label;
}

// A conversation from start() until it is done or `max_turns` answers were
// given; *turns is the number of answers (start() is not one).
inline dialog::StepResult play(int max_turns, int* turns) {
  dialog::StepResult r = engine().start(kNow);
  *turns = 0;
  while (r.state.phase != dialog::State::Phase::done && *turns < max_turns) {
    const dialog::QuestionMessage* q = nullptr;
    for (const auto& m : r.outputs) {
      if (const auto* asked = std::get_if<dialog::QuestionMessage>(&m)) q = asked;
    }
    if (!q) break;
    r = engine().step(r.state, dialog::Input{dialog::Input::Kind::text, answer_for(*q), kNow, 0});
    ++*turns;
  }
  return r;
}

}  // namespace calfbot::bench
