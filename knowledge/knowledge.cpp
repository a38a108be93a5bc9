#include "knowledge/knowledge.h"

#include <algorithm>

namespace calfbot::knowledge {

namespace {
constexpr std::string_view kTriageIds[] = {"self_care", "soon", "urgent", "emergency"};

template <typename T, typename Key>
const T* find_by(const std::vector<T>& items, std::string_view id, Key key) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.*key == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

std::string_view to_string(Triage t) { return kTriageIds[static_cast<int>(t)]; }

std::optional<Triage> triage_from_string(std::string_view id) {
  for (int i = 0; i < 4; ++i) {
    if (kTriageIds[i] == id) return static_cast<Triage>(i);
  }
  return std::nullopt;
}

std::string_view to_string(AnswerType t) {
  switch (t) {
    case AnswerType::yes_no: return "yes_no";
    case AnswerType::single_choice: return "single_choice";
    case AnswerType::multi_choice: return "multi_choice";
    case AnswerType::number: return "number";
    case AnswerType::duration: return "duration";
  }
  return "yes_no";
}

const Finding* Knowledge::finding(std::string_view id) const {
  return find_by(findings, id, &Finding::id);
}
const Question* Knowledge::question(std::string_view slot) const {
  return find_by(questions, slot, &Question::slot);
}
const Condition* Knowledge::condition(std::string_view id) const {
  return find_by(conditions, id, &Condition::id);
}
const AdviceItem* Knowledge::advice_item(std::string_view id) const {
  return find_by(advice, id, &AdviceItem::id);
}
const Source* Knowledge::source(std::string_view id) const {
  return find_by(sources, id, &Source::id);
}
int Knowledge::finding_index(std::string_view id) const {
  const Finding* f = finding(id);
  return f ? static_cast<int>(f - findings.data()) : -1;
}

}  // namespace calfbot::knowledge
