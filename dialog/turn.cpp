#include "dialog/turn.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "dialog/planner.h"
#include "dialog/render.h"

namespace calfbot::dialog {

using knowledge::Question;
using knowledge::Triage;

Turn::Turn(const knowledge::Knowledge& kb, const knowledge::Model& model,
           const EngineSettings& settings, const std::vector<Message>& question_messages,
           const State& state)
    : kb_(kb),
      model_(model),
      settings_(settings),
      question_messages_(question_messages),
      result_{state, {}},
      facts_(kb, model, result_.state) {}

void Turn::emit(Message m) {
  m["seq"] = ++s().seq;
  result_.outputs.push_back(std::move(m));
}

void Turn::set(const std::string& finding, Value v) {
  const int i = model_.finding_index(finding);
  if (i < 0) return;
  if (!record_.previous_findings.count(finding)) record_.previous_findings[finding] = s().get(finding);
  s().findings[finding] = v;
  facts_.set(i, v);
}

void Turn::restore(const std::string& finding, Value v) {
  if (v == Value::unknown) s().findings.erase(finding);
  else s().findings[finding] = v;
  const int i = model_.finding_index(finding);
  if (i >= 0) facts_.set(i, v);
}

void Turn::reset(State fresh) {
  s() = std::move(fresh);
  facts_.reload();
}

void Turn::set_number(const std::string& name, double value) {
  if (!record_.previous_numbers.count(name)) {
    auto it = s().numbers.find(name);
    record_.previous_numbers[name] =
        it == s().numbers.end() ? std::nullopt : std::optional<double>(it->second);
  }
  s().numbers[name] = value;
  for (const auto& f : kb_.findings) {
    if (f.derived_from != name) continue;
    set(f.id, value >= f.derived_min && value < f.derived_max ? Value::yes : Value::no);
  }
}

bool Turn::changed() const {
  return !record_.previous_findings.empty() || !record_.previous_numbers.empty();
}

bool Turn::interlock() {
  std::vector<Fired> fired = evaluate_rules(facts_);
  std::optional<Triage> level;
  for (const auto& f : fired) {
    if (std::find(s().fired_rules.begin(), s().fired_rules.end(), f.rule->id) ==
        s().fired_rules.end()) {
      s().fired_rules.push_back(f.rule->id);
    }
    if (f.level >= Triage::urgent) level = std::max(level.value_or(f.level), f.level);
  }
  if (level && (!s().escalated || static_cast<int>(*level) > *s().escalated)) {
    s().escalated = static_cast<int>(*level);
    emit(escalation_message(*level, fired, settings_));
  }
  if (s().escalated == static_cast<int>(Triage::emergency) && s().phase != State::Phase::done) {
    finish();
    return true;
  }
  return false;
}

void Turn::finish() {
  s().phase = State::Phase::done;
  s().current.clear();
  emit(outcome_message(kb_, model_, s(), settings_));
}

void Turn::ask(const std::string& slot, const std::string& preface) {
  if (!preface.empty()) emit(info_message(preface));
  s().current = slot;
  const Question* q = kb_.question(slot);
  if (!q) {
    emit(complaint_question());
    return;
  }
  if (std::find(s().asked.begin(), s().asked.end(), slot) == s().asked.end()) {
    s().asked.push_back(slot);
  }
  Message m = question_messages_[static_cast<size_t>(q - kb_.questions.data())];
  m["progress"]["asked"] = questions_asked(s());
  emit(std::move(m));
}

}  // namespace calfbot::dialog
