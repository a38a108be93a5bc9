#include "dialog/state.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

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

std::map<std::string, Value> findings_from(const json& j) {
  std::map<std::string, Value> m;
  for (const auto& [k, v] : j.items()) m[k] = value_from(v.get<std::string>());
  return m;
}

}  // namespace

Value State::get(const std::string& finding) const {
  auto it = findings.find(finding);
  return it == findings.end() ? Value::unknown : it->second;
}

// The state is written to the store on every turn, so it is written
// straight to text rather than built as a JSON tree first (which cost more
// than the engine's turn). Strings are valid UTF-8 here: the engine makes
// every message valid before it reaches the state, and ids come from the
// knowledge base.
namespace {

void put_string(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Shortest text that reads back as the same double; null for NaN and
// infinities, as nlohmann's dump writes them.
void put_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void put_number(std::string& out, const std::optional<double>& v) {
  v ? put_number(out, *v) : void(out += "null");
}

void put_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  put_string(out, key);
  out += ':';
}

void put_strings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    put_string(out, v[i]);
  }
  out += ']';
}

void put_findings(std::string& out, const std::map<std::string, Value>& m) {
  out += '{';
  for (const auto& [k, v] : m) {
    put_key(out, k);
    put_string(out, to_string(v));
  }
  out += '}';
}

// A name -> number object: the state's numbers, or an answer's previous ones.
template <class Numbers>
void put_numbers(std::string& out, const Numbers& m) {
  out += '{';
  for (const auto& [k, v] : m) {
    put_key(out, k);
    put_number(out, v);
  }
  out += '}';
}

}  // namespace

std::string to_json_text(const State& s) {
  std::string out;
  out.reserve(1024 + 256 * s.answers.size());
  out += '{';
  put_key(out, "knowledge_version");
  put_string(out, s.knowledge_version);
  put_key(out, "phase");
  put_string(out, s.phase == State::Phase::done ? "done" : "asking");
  put_key(out, "findings");
  put_findings(out, s.findings);
  put_key(out, "numbers");
  put_numbers(out, s.numbers);
  put_key(out, "asked");
  put_strings(out, s.asked);
  put_key(out, "current");
  put_string(out, s.current);
  put_key(out, "clarifications");
  out += std::to_string(s.clarifications);
  put_key(out, "variant");
  out += std::to_string(s.variant);
  put_key(out, "unanswered");
  put_strings(out, s.unanswered);
  put_key(out, "escalated");
  out += s.escalated ? std::to_string(*s.escalated) : "null";
  put_key(out, "fired_rules");
  put_strings(out, s.fired_rules);
  put_key(out, "answers");
  out += '[';
  for (size_t i = 0; i < s.answers.size(); ++i) {
    const AnswerRecord& a = s.answers[i];
    out += i ? ",{" : "{";
    put_key(out, "slot");
    put_string(out, a.slot);
    put_key(out, "text");
    put_string(out, a.text);
    put_key(out, "previous_findings");
    put_findings(out, a.previous_findings);
    put_key(out, "previous_numbers");
    put_numbers(out, a.previous_numbers);
    if (a.reader_p) {
      put_key(out, "reader_p");
      put_number(out, *a.reader_p);
    }
    out += '}';
  }
  out += ']';
  put_key(out, "patient_words");
  put_strings(out, s.patient_words);
  put_key(out, "started_unix");
  out += std::to_string(s.started_unix);
  put_key(out, "seq");
  out += std::to_string(s.seq);
  if (!s.staff.empty()) {
    put_key(out, "staff");
    put_string(out, s.staff);
  }
  if (s.person_requested) {
    put_key(out, "person_requested");
    out += "true";
  }
  out += '}';
  return out;
}

json to_json(const State& s) { return json::parse(to_json_text(s)); }

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
  // Absent from states stored before repair was added.
  s.variant = j.value("variant", 0);
  if (j.contains("unanswered")) s.unanswered = j.at("unanswered").get<std::vector<std::string>>();
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
    if (a.contains("reader_p")) r.reader_p = a.at("reader_p").get<double>();
    s.answers.push_back(std::move(r));
  }
  s.patient_words = j.at("patient_words").get<std::vector<std::string>>();
  s.started_unix = j.at("started_unix").get<int64_t>();
  s.seq = j.at("seq").get<int>();
  // Absent from states without a handoff, and from those stored before it.
  s.staff = j.value("staff", "");
  s.person_requested = j.value("person_requested", false);
  return s;
}

}  // namespace calfbot::dialog
