#include "bot/chat.h"

#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

namespace calfbot::bot {

using nlohmann::json;

namespace {

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void append_items(std::string& out, const json& m, const char* key, const char* heading) {
  if (!m.contains(key) || m[key].empty()) return;
  out += std::string("\n") + heading + "\n";
  for (const auto& a : m[key]) out += "  - " + a.value("name", "") + ": " + a.value("text", "") + "\n";
}

}  // namespace

std::optional<dialog::Input> parse_client_message(const std::string& line, std::string& error) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) {
    error = "not valid JSON; send one object a line, e.g. {\"text\": \"my calf hurts\"}";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = "expected a JSON object such as {\"text\": \"...\"} or {\"choice\": \"...\"}";
    return std::nullopt;
  }
  dialog::Input in;
  int fields = 0;
  for (const auto& [k, v] : j.items()) {
    if (k == "text" || k == "choice") {
      if (!v.is_string()) {
        error = "'" + k + "' must be a string";
        return std::nullopt;
      }
      in.kind = k == "text" ? dialog::Input::Kind::text : dialog::Input::Kind::choice;
      in.value = v.get<std::string>();
      ++fields;
    } else if (k == "utc_offset_minutes") {
      if (!v.is_number_integer() || v.get<int>() < -840 || v.get<int>() > 840) {
        error = "'utc_offset_minutes' must be a whole number from -840 to 840";
        return std::nullopt;
      }
      in.utc_offset_minutes = v.get<int>();
    } else if (k != "type" && k != "last_seq" && k != "token") {
      error = "unknown field '" + k + "'; use \"text\" or \"choice\"";
      return std::nullopt;
    }
  }
  if (fields != 1) {
    error = "give exactly one of \"text\" or \"choice\"";
    return std::nullopt;
  }
  return in;
}

std::string render_plain(const json& m) {
  const std::string type = m.value("type", "");
  std::string out;
  if (type == "question") {
    out = m.value("text", "");
    if (m.contains("choices")) {
      int i = 1;
      for (const auto& c : m["choices"]) {
        out += "\n  " + std::to_string(i++) + ") " + c.value("label", "");
      }
    }
  } else if (type == "escalation") {
    out = (m.value("level", "") == "emergency" ? "*** EMERGENCY *** " : "*** URGENT *** ") +
          m.value("text", "");
  } else if (type == "outcome") {
    out = "Summary (" + m.value("triage", "") + "): " + m.value("text", "") + "\n\nMost likely:";
    for (const auto& c : m["conditions"]) {
      out += "\n  " + std::to_string(static_cast<int>(c.value("score", 0.0) * 100 + 0.5)) +
             "%  " + c.value("patient_name", "");
    }
    append_items(out, m, "tests", "What a clinician may check:");
    append_items(out, m, "self_care", "What you can do:");
    append_items(out, m, "safety_net", "Get help at once if:");
    out += "\n" + m.value("disclaimer", "");
  } else {
    out = m.value("text", "");
  }
  return out;
}

int run_terminal_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out) {
  dialog::StepResult r = engine.start(now_unix());
  json last_question;
  auto show = [&](const dialog::StepResult& res) {
    for (const auto& m : res.outputs) {
      out << "\ncalfbot: " << render_plain(m) << "\n";
      if (m.value("type", "") == "question") last_question = m;
    }
  };
  show(r);
  std::string line;
  while (out << "\nyou: " << std::flush, std::getline(in, line)) {
    if (line == "quit" || line == "exit") break;
    dialog::Input input{dialog::Input::Kind::text, line, now_unix(), 0};
    // A bare number picks the numbered choice, except where a number is the answer.
    if (last_question.contains("choices") && !line.empty() &&
        line.find_first_not_of("0123456789") == std::string::npos) {
      size_t i = std::stoul(line);
      if (i >= 1 && i <= last_question["choices"].size()) {
        input.kind = dialog::Input::Kind::choice;
        input.value = last_question["choices"][i - 1].value("id", "");
      }
    }
    r = engine.step(r.state, input);
    show(r);
  }
  return 0;
}

int run_json_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  dialog::StepResult r = engine.start(now_unix());
  for (const auto& m : r.outputs) out << m.dump() << "\n";
  out << std::flush;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string error;
    auto input = parse_client_message(line, error);
    if (!input) {
      out << json{{"type", "error"}, {"code", "bad_message"}, {"text", error}}.dump() << "\n"
          << std::flush;
      continue;
    }
    input->time_unix = now_unix();
    r = engine.step(r.state, *input);
    for (const auto& m : r.outputs) out << m.dump() << "\n";
    out << std::flush;
  }
  (void)err;
  return 0;
}

}  // namespace calfbot::bot
