#include "dialog/message.h"

#include <array>

namespace calfbot::dialog {

namespace {

constexpr std::array<std::pair<AnswerKind, std::string_view>, 6> kAnswerKinds = {{
    {AnswerKind::text, "text"},
    {AnswerKind::yes_no, "yes_no"},
    {AnswerKind::single_choice, "single_choice"},
    {AnswerKind::multi_choice, "multi_choice"},
    {AnswerKind::number, "number"},
    {AnswerKind::duration, "duration"},
}};

}  // namespace

std::string_view to_string(AnswerKind k) { return kAnswerKinds[static_cast<size_t>(k)].second; }

std::optional<AnswerKind> answer_kind_from_string(std::string_view id) {
  for (const auto& [kind, name] : kAnswerKinds) {
    if (name == id) return kind;
  }
  return std::nullopt;
}

AnswerKind answer_kind(knowledge::AnswerType t) {
  // The same ids: the knowledge's answer types are the message's, text aside.
  return *answer_kind_from_string(knowledge::to_string(t));
}

int seq_of(const Message& m) {
  return std::visit([](const auto& x) { return x.seq; }, m);
}

void set_seq(Message& m, int seq) {
  std::visit([seq](auto& x) { x.seq = seq; }, m);
}

}  // namespace calfbot::dialog
