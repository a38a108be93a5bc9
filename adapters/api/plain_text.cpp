#include "adapters/api/plain_text.h"

namespace calfbot::adapters {

namespace {

void append_items(std::string& out, const std::vector<dialog::AdviceLine>& items,
                  const char* heading) {
  if (items.empty()) return;
  out += std::string("\n") + heading + "\n";
  for (const auto& a : items) out += "  - " + a.name + ": " + a.text + "\n";
}

struct Plain {
  std::string operator()(const dialog::QuestionMessage& m) const {
    std::string out = m.text;
    int i = 1;
    for (const auto& c : m.choices.value_or(std::vector<dialog::ChoiceOption>{})) {
      out += "\n  " + std::to_string(i++) + ") " + c.label;
    }
    return out;
  }
  std::string operator()(const dialog::EscalationMessage& m) const {
    return (m.level == knowledge::Triage::emergency ? "*** EMERGENCY *** " : "*** URGENT *** ") +
           m.text;
  }
  std::string operator()(const dialog::OutcomeMessage& m) const {
    std::string out = "Summary (" + std::string(knowledge::to_string(m.triage)) +
                      "): " + m.text + "\n\nMost likely:";
    for (const auto& c : m.conditions) {
      out += "\n  " + std::to_string(static_cast<int>(c.score * 100 + 0.5)) + "%  " +
             c.patient_name;
    }
    append_items(out, m.tests, "What a clinician may check:");
    append_items(out, m.self_care, "What you can do:");
    append_items(out, m.safety_net, "Get help at once if:");
    return out + "\n" + m.disclaimer;
  }
  std::string operator()(const dialog::InfoMessage& m) const { return m.text; }
  std::string operator()(const dialog::ErrorMessage& m) const { return m.text; }
  // Staff words are signed: on a platform they come from the bot's account.
  std::string operator()(const dialog::StaffMessage& m) const {
    return m.event == dialog::StaffEvent::message ? m.name + ": " + m.text : m.text;
  }
};

}  // namespace

std::string render_plain(const dialog::Message& m) { return std::visit(Plain{}, m); }

}  // namespace calfbot::adapters
