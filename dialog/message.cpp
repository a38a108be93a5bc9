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

constexpr std::array<std::pair<StaffEvent, std::string_view>, 3> kStaffEvents = {{
    {StaffEvent::joined, "joined"},
    {StaffEvent::message, "message"},
    {StaffEvent::left, "left"},
}};

// The value named `id` in one of the tables above.
template <class T, size_t N>
std::optional<T> named(const std::array<std::pair<T, std::string_view>, N>& table, std::string_view id) {
  for (const auto& row : table) {
    if (row.second == id) return row.first;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(AnswerKind k) { return kAnswerKinds[static_cast<size_t>(k)].second; }

std::optional<AnswerKind> answer_kind_from_string(std::string_view id) {
  return named(kAnswerKinds, id);
}

std::string_view to_string(StaffEvent e) { return kStaffEvents[static_cast<size_t>(e)].second; }

std::optional<StaffEvent> staff_event_from_string(std::string_view id) {
  return named(kStaffEvents, id);
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
