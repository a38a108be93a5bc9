#include "bot/message_json.h"

#include <nlohmann/json.hpp>

namespace calfbot::bot {

using dialog::Message;
using nlohmann::json;

// JSON objects keep their keys sorted (nlohmann::json is a std::map), so the
// text is the same whatever order the fields are set in here.
namespace {

json strings(const std::vector<std::string>& v) { return v; }

void put_seq(json& j, int seq) {
  if (seq != 0) j["seq"] = seq;
}

json choices_json(const std::vector<dialog::ChoiceOption>& cs) {
  json out = json::array();
  for (const auto& c : cs) out.push_back({{"id", c.id}, {"label", c.label}});
  return out;
}

json to(const dialog::QuestionMessage& m) {
  json j = json::object();
  j["type"] = "question";
  put_seq(j, m.seq);
  j["slot"] = m.slot;
  j["text"] = m.text;
  j["answer_type"] = std::string(to_string(m.answer_type));
  j["why"] = m.why;
  j["progress"] = {{"asked", m.asked}};
  if (m.max) j["progress"]["max"] = *m.max;
  if (m.choices) j["choices"] = choices_json(*m.choices);
  if (!m.snomed.empty()) j["snomed"] = m.snomed;
  if (m.range) j["range"] = {m.range->first, m.range->second};
  if (m.direct) {
    j["repair"] = "direct";
    j["findings"] = strings(m.findings);
  }
  return j;
}

json to(const dialog::EscalationMessage& m) {
  json j = {{"type", "escalation"},
            {"level", std::string(knowledge::to_string(m.level))},
            {"text", m.text},
            {"rules", strings(m.rules)},
            {"emergency_number", m.emergency_number}};
  put_seq(j, m.seq);
  return j;
}

json reasons_json(const std::vector<dialog::Reason>& rs) {
  json out = json::array();
  for (const auto& r : rs) out.push_back({{"finding", r.finding}, {"label", r.label}, {"present", r.present}});
  return out;
}

json cause_json(const dialog::RankedCause& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"patient_name", c.patient_name},
          {"summary", c.summary},
          {"score", c.score},
          {"for", reasons_json(c.for_it)},
          {"against", reasons_json(c.against)},
          {"urgency", std::string(knowledge::to_string(c.urgency))},
          {"cite", strings(c.cite)}};
}

json wells_json(const dialog::WellsResult& w) {
  json parts = json::array();
  for (const auto& p : w.parts) {
    parts.push_back({{"id", p.id},
                     {"label", p.label},
                     {"points", p.points},
                     {"answer", std::string(dialog::to_string(p.answer))}});
  }
  return {{"total", w.total},
          {"likely", w.likely},
          {"complete", w.complete},
          {"parts", std::move(parts)},
          {"note", w.note}};
}

json advice_json(const std::vector<dialog::AdviceLine>& lines) {
  json out = json::array();
  for (const auto& a : lines) {
    out.push_back({{"id", a.id}, {"name", a.name}, {"text", a.text}, {"cite", strings(a.cite)}});
  }
  return out;
}

json to(const dialog::OutcomeMessage& m) {
  json conditions = json::array();
  for (const auto& c : m.conditions) conditions.push_back(cause_json(c));
  json j = json::object();
  j["type"] = "outcome";
  put_seq(j, m.seq);
  j["triage"] = std::string(knowledge::to_string(m.triage));
  j["text"] = m.text;
  j["conditions"] = std::move(conditions);
  j["wells"] = wells_json(m.wells);
  j["tests"] = advice_json(m.tests);
  j["self_care"] = advice_json(m.self_care);
  j["safety_net"] = advice_json(m.safety_net);
  j["red_flags"] = strings(m.red_flags);
  j["emergency_number"] = m.emergency_number;
  j["disclaimer"] = m.disclaimer;
  j["knowledge_version"] = m.knowledge_version;
  return j;
}

json to(const dialog::InfoMessage& m) {
  json j = {{"type", "info"}, {"text", m.text}};
  put_seq(j, m.seq);
  if (!m.language.empty()) j["language"] = m.language;
  if (m.reason == dialog::InfoReason::session_expired) j["reason"] = "session_expired";
  return j;
}

json to(const dialog::ErrorMessage& m) { return error_json(code_of(m.code), m.text, m.seq); }

json to(const dialog::StaffMessage& m) {
  json j = {{"type", "staff"}, {"event", std::string(dialog::to_string(m.event))}, {"name", m.name},
            {"text", m.text}};
  put_seq(j, m.seq);
  return j;
}

}  // namespace

json message_json(const Message& m) {
  return std::visit([](const auto& x) { return to(x); }, m);
}

std::string message_text(const Message& m) { return message_json(m).dump(); }

json messages_json(const std::vector<Message>& ms) {
  json out = json::array();
  for (const auto& m : ms) out.push_back(message_json(m));
  return out;
}

json error_json(Code code, std::string_view text, int seq) {
  json j = {{"type", "error"}, {"code", std::string(to_string(code))}, {"text", std::string(text)}};
  put_seq(j, seq);
  return j;
}

std::string patient_text(const std::string& words) {
  return json{{"type", "patient"}, {"text", words}}.dump();
}

Code code_of(dialog::InputError e) {
  switch (e) {
    case dialog::InputError::empty_message: return Code::empty_message;
    case dialog::InputError::message_too_long: return Code::message_too_long;
    case dialog::InputError::unknown_choice: return Code::unknown_choice;
  }
  return Code::internal_error;
}

std::optional<dialog::InputError> input_error_of(Code c) {
  for (auto e : {dialog::InputError::empty_message, dialog::InputError::message_too_long,
                 dialog::InputError::unknown_choice}) {
    if (code_of(e) == c) return e;
  }
  return std::nullopt;
}

}  // namespace calfbot::bot
