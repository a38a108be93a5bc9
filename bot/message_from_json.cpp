// Reading a stored message back (bot/message_json.h): the inverse of
// message_json, field for field, so that a replayed message is sent as it was
// stored. Fields are read without trusting their kind: a missing or odd one
// takes its default.
#include <nlohmann/json.hpp>

#include "bot/message_json.h"

namespace calfbot::bot {

using dialog::Message;
using nlohmann::json;

namespace {

const json& field(const json& j, const char* key) {
  static const json none;
  auto it = j.find(key);
  return it == j.end() ? none : *it;
}

std::string str(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int integer(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_number_integer() ? v.get<int>() : 0;
}

double number(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_number() ? v.get<double>() : 0;
}

bool boolean(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_boolean() && v.get<bool>();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : field(j, key)) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

knowledge::Triage triage(const json& j, const char* key, knowledge::Triage fallback) {
  return knowledge::triage_from_string(str(j, key)).value_or(fallback);
}

dialog::QuestionMessage question_from(const json& j) {
  dialog::QuestionMessage m;
  m.seq = integer(j, "seq");
  m.slot = str(j, "slot");
  m.text = str(j, "text");
  m.answer_type = dialog::answer_kind_from_string(str(j, "answer_type")).value_or(dialog::AnswerKind::text);
  m.why = str(j, "why");
  const json& progress = field(j, "progress");
  m.asked = integer(progress, "asked");
  if (field(progress, "max").is_number_integer()) m.max = integer(progress, "max");
  if (field(j, "choices").is_array()) {
    m.choices.emplace();
    for (const auto& c : field(j, "choices")) m.choices->push_back({str(c, "id"), str(c, "label")});
  }
  m.snomed = str(j, "snomed");
  const json& range = field(j, "range");
  if (range.is_array() && range.size() == 2 && range[0].is_number() && range[1].is_number()) {
    m.range = std::make_pair(range[0].get<double>(), range[1].get<double>());
  }
  m.direct = str(j, "repair") == "direct";
  m.findings = strings(j, "findings");
  return m;
}

dialog::EscalationMessage escalation_from(const json& j) {
  return {integer(j, "seq"), triage(j, "level", knowledge::Triage::urgent), str(j, "text"),
          strings(j, "rules"), str(j, "emergency_number")};
}

std::vector<dialog::Reason> reasons_from(const json& list) {
  std::vector<dialog::Reason> out;
  for (const auto& r : list) out.push_back({str(r, "finding"), str(r, "label"), boolean(r, "present")});
  return out;
}

std::vector<dialog::RankedCause> causes_from(const json& list) {
  std::vector<dialog::RankedCause> out;
  for (const auto& c : list) {
    out.push_back({str(c, "id"), str(c, "name"), str(c, "patient_name"), str(c, "summary"),
                   number(c, "score"), reasons_from(field(c, "for")),
                   reasons_from(field(c, "against")),
                   triage(c, "urgency", knowledge::Triage::self_care), strings(c, "cite")});
  }
  return out;
}

dialog::Value answer_from(const std::string& id) {
  return id == "yes" ? dialog::Value::yes : id == "no" ? dialog::Value::no : dialog::Value::unknown;
}

dialog::WellsResult wells_from(const json& w) {
  dialog::WellsResult out{integer(w, "total"), boolean(w, "likely"), boolean(w, "complete"), {},
                          str(w, "note")};
  for (const auto& p : field(w, "parts")) {
    out.parts.push_back({str(p, "id"), str(p, "label"), integer(p, "points"), answer_from(str(p, "answer"))});
  }
  return out;
}

std::vector<dialog::AdviceLine> advice_from(const json& list) {
  std::vector<dialog::AdviceLine> out;
  for (const auto& a : list) {
    out.push_back({str(a, "id"), str(a, "name"), str(a, "text"), strings(a, "cite")});
  }
  return out;
}

dialog::OutcomeMessage outcome_from(const json& j) {
  dialog::OutcomeMessage m;
  m.seq = integer(j, "seq");
  m.triage = triage(j, "triage", knowledge::Triage::self_care);
  m.text = str(j, "text");
  m.conditions = causes_from(field(j, "conditions"));
  m.wells = wells_from(field(j, "wells"));
  m.tests = advice_from(field(j, "tests"));
  m.self_care = advice_from(field(j, "self_care"));
  m.safety_net = advice_from(field(j, "safety_net"));
  m.red_flags = strings(j, "red_flags");
  m.emergency_number = str(j, "emergency_number");
  m.disclaimer = str(j, "disclaimer");
  m.knowledge_version = str(j, "knowledge_version");
  return m;
}

dialog::InfoMessage info_from(const json& j) {
  return {integer(j, "seq"), str(j, "text"), str(j, "language"),
          str(j, "reason") == "session_expired" ? dialog::InfoReason::session_expired
                                                : dialog::InfoReason::none};
}

Result<Message> error_from(const json& j) {
  auto code = code_from_string(str(j, "code"));
  auto refusal = code ? input_error_of(*code) : std::nullopt;
  if (!refusal) return Error{Code::internal_error, "a stored error message with code '" + str(j, "code") + "'"};
  return Message(dialog::ErrorMessage{integer(j, "seq"), *refusal, str(j, "text")});
}

dialog::StaffMessage staff_from(const json& j) {
  return {integer(j, "seq"),
          dialog::staff_event_from_string(str(j, "event")).value_or(dialog::StaffEvent::message),
          str(j, "name"), str(j, "text")};
}

}  // namespace

Result<Message> message_from_json(const json& j) {
  const std::string type = j.is_object() ? str(j, "type") : "";
  if (type == "question") return Message(question_from(j));
  if (type == "escalation") return Message(escalation_from(j));
  if (type == "outcome") return Message(outcome_from(j));
  if (type == "info") return Message(info_from(j));
  if (type == "error") return error_from(j);
  if (type == "staff") return Message(staff_from(j));
  return Error{Code::internal_error, "not a bot message (type '" + type + "')"};
}

Result<Message> message_from_text(std::string_view text) {
  return message_from_json(json::parse(text, nullptr, false));
}

}  // namespace calfbot::bot
