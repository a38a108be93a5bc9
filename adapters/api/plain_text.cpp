#include "adapters/api/plain_text.h"

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

using nlohmann::json;

namespace {

void append_items(std::string& out, const json& m, const char* key, const char* heading) {
  if (!m.contains(key) || m[key].empty()) return;
  out += std::string("\n") + heading + "\n";
  for (const auto& a : m[key]) out += "  - " + a.value("name", "") + ": " + a.value("text", "") + "\n";
}

}  // namespace

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

}  // namespace calfbot::adapters
