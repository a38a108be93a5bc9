#include "dialog/state.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace calfbot::dialog {

using nlohmann::json;

namespace {

Value value_from(const std::string& s) {
  if (s == "yes") return Value::yes;
  if (s == "no") return Value::no;
  if (s == "unsure") return Value::unsure;
  if (s == "unknown") return Value::unknown;
  throw std::invalid_argument("state: finding value '" + s + "' is not yes, no, unsure or unknown");
}

json findings_json(const std::map<std::string, Value>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = to_string(v);
  return j;
}

std::map<std::string, Value> findings_from(const json& j) {
  std::map<std::string, Value> m;
  for (const auto& [k, v] : j.items()) m[k] = value_from(v.get<std::string>());
  return m;
}

}  // namespace

const char* to_string(Value v) {
  switch (v) {
    case Value::yes: return "yes";
    case Value::no: return "no";
    case Value::unsure: return "unsure";
    case Value::unknown: return "unknown";
  }
  return "unknown";
}

Value State::get(const std::string& finding) const {
  auto it = findings.find(finding);
  return it == findings.end() ? Value::unknown : it->second;
}

json to_json(const State& s) {
  json answers = json::array();
  for (const auto& a : s.answers) {
    json prev_numbers = json::object();
    for (const auto& [k, v] : a.previous_numbers) prev_numbers[k] = v ? json(*v) : json(nullptr);
    answers.push_back({{"slot", a.slot},
                       {"text", a.text},
                       {"previous_findings", findings_json(a.previous_findings)},
                       {"previous_numbers", prev_numbers}});
  }
  json j = {{"knowledge_version", s.knowledge_version},
            {"phase", s.phase == State::Phase::done ? "done" : "asking"},
            {"findings", findings_json(s.findings)},
            {"numbers", s.numbers},
            {"asked", s.asked},
            {"current", s.current},
            {"clarifications", s.clarifications},
            {"escalated", s.escalated ? json(*s.escalated) : json(nullptr)},
            {"fired_rules", s.fired_rules},
            {"answers", answers},
            {"patient_words", s.patient_words},
            {"started_unix", s.started_unix},
            {"seq", s.seq}};
  return j;
}

State state_from_json(const json& j) {
  State s;
  s.knowledge_version = j.at("knowledge_version").get<std::string>();
  const std::string phase = j.at("phase").get<std::string>();
  if (phase != "asking" && phase != "done") {
    throw std::invalid_argument("state: phase '" + phase + "' is not asking or done");
  }
  s.phase = phase == "done" ? State::Phase::done : State::Phase::asking;
  s.findings = findings_from(j.at("findings"));
  s.numbers = j.at("numbers").get<std::map<std::string, double>>();
  s.asked = j.at("asked").get<std::vector<std::string>>();
  s.current = j.at("current").get<std::string>();
  s.clarifications = j.at("clarifications").get<int>();
  if (!j.at("escalated").is_null()) s.escalated = j.at("escalated").get<int>();
  s.fired_rules = j.at("fired_rules").get<std::vector<std::string>>();
  for (const auto& a : j.at("answers")) {
    AnswerRecord r;
    r.slot = a.at("slot").get<std::string>();
    r.text = a.at("text").get<std::string>();
    r.previous_findings = findings_from(a.at("previous_findings"));
    for (const auto& [k, v] : a.at("previous_numbers").items()) {
      r.previous_numbers[k] = v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
    }
    s.answers.push_back(std::move(r));
  }
  s.patient_words = j.at("patient_words").get<std::vector<std::string>>();
  s.started_unix = j.at("started_unix").get<int64_t>();
  s.seq = j.at("seq").get<int>();
  return s;
}

}  // namespace calfbot::dialog
