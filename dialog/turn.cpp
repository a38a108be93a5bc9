#include "dialog/turn.h"

#include <algorithm>

#include "dialog/planner.h"
#include "dialog/render.h"

namespace calfbot::dialog {

using knowledge::Question;
using knowledge::Triage;

Turn::Turn(const knowledge::Knowledge& kb, const knowledge::Model& model,
           const EngineSettings& settings, const Wordings& wordings, const State& state)
    : kb_(kb),
      model_(model),
      settings_(settings),
      wordings_(wordings),
      result_{state, {}},
      facts_(kb, model, result_.state) {}

void Turn::emit(Message m) {
  set_seq(m, ++s().seq);
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
    if (f.watch) continue;
    if (std::find(s().fired_rules.begin(), s().fired_rules.end(), f.rule->id) ==
        s().fired_rules.end()) {
      s().fired_rules.push_back(f.rule->id);
    }
    if (f.level >= Triage::urgent) level = std::max(level.value_or(f.level), f.level);
  }
  if (level && (!s().escalated || static_cast<int>(*level) > *s().escalated)) {
    s().escalated = static_cast<int>(*level);
    emit(escalation_message(kb_, *level, fired, settings_));
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

void Turn::only_unknown(const Question& q, QuestionMessage& m) const {
  std::vector<std::string> known;
  for (const auto& c : q.choices) {
    const bool is_known = !c.sets.empty() && std::all_of(c.sets.begin(), c.sets.end(), [&](const auto& f) {
      return facts_.get(f) != Value::unknown;
    });
    if (is_known) known.push_back(c.id);
  }
  if (known.empty()) return;
  std::vector<ChoiceOption> choices;
  for (const auto& c : m.choices.value_or(std::vector<ChoiceOption>{})) {
    if (std::find(known.begin(), known.end(), c.id) == known.end()) choices.push_back(c);
  }
  m.choices = std::move(choices);
  m.text = "Besides what you have already told me: " + m.text;
}

void Turn::ask(const std::string& slot, const std::string& preface, int variant) {
  if (!preface.empty()) emit(info_message(preface));
  const bool again = slot == s().current && s().phase == State::Phase::asking;
  if (variant == kOther) variant = again && s().variant == 0 ? 1 : 0;
  s().current = slot;
  const Question* q = kb_.question(slot);
  const size_t i = q ? static_cast<size_t>(q - kb_.questions.data()) : 0;
  if (q && variant == 2 && !wordings_.direct[i]) variant = 1;
  s().variant = variant;
  if (!q) {
    emit(complaint_question(variant));
    return;
  }
  if (std::find(s().asked.begin(), s().asked.end(), slot) == s().asked.end()) {
    s().asked.push_back(slot);
  }
  QuestionMessage m = variant == 0 ? wordings_.text[i] : variant == 1 ? wordings_.rephrase[i]
                                                                      : *wordings_.direct[i];
  if (variant < 2 && q->type == knowledge::AnswerType::multi_choice) only_unknown(*q, m);
  m.asked = questions_asked(s());
  emit(std::move(m));
}

}  // namespace calfbot::dialog
