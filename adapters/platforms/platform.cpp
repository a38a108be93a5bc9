#include "adapters/platforms/platform.h"

#include <algorithm>
#include <cctype>

namespace calfbot::adapters::platforms {

nlohmann::json QuestionMemo::to_json() const {
  return {{"answer_type", answer_type}, {"choices", choice_ids}};
}

QuestionMemo QuestionMemo::from_json(const nlohmann::json& j) {
  QuestionMemo m;
  if (!j.is_object()) return m;
  m.answer_type = j.value("answer_type", "");
  if (j.contains("choices") && j["choices"].is_array()) {
    for (const auto& c : j["choices"]) {
      if (c.is_string()) m.choice_ids.push_back(c.get<std::string>());
    }
  }
  return m;
}

QuestionMemo QuestionMemo::from_message(const dialog::QuestionMessage& q) {
  QuestionMemo m;
  m.answer_type = std::string(dialog::to_string(q.answer_type));
  if (q.choices) {
    for (const auto& c : *q.choices) m.choice_ids.push_back(c.id);
  }
  return m;
}

std::optional<std::string> choice_from_digits(const std::string& text, const QuestionMemo& memo) {
  if (memo.choice_ids.empty() || memo.answer_type == "number" || memo.answer_type == "duration") {
    return std::nullopt;
  }
  std::string t = text;
  bool hash = !t.empty() && t[0] == '#';
  if (hash) t.erase(0, 1);
  // Numbers separated by commas, spaces or "and"; nothing else.
  std::vector<size_t> picks;
  std::string lowered;
  for (unsigned char c : t) lowered += static_cast<char>(std::tolower(c));
  size_t i = 0;
  while (i < lowered.size()) {
    char c = lowered[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < lowered.size() && std::isdigit(static_cast<unsigned char>(lowered[j]))) ++j;
      if (j - i > 3) return std::nullopt;
      picks.push_back(std::stoul(lowered.substr(i, j - i)));
      i = j;
    } else if (c == ',' || c == ' ' || c == ';' || c == '.' || c == '&') {
      ++i;
    } else if (lowered.compare(i, 3, "and") == 0) {
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  if (picks.empty()) return std::nullopt;
  if (picks.size() > 1 && memo.answer_type != "multi_choice" && !hash) return std::nullopt;
  std::string out;
  for (size_t p : picks) {
    if (p < 1 || p > memo.choice_ids.size()) return std::nullopt;
    const std::string& id = memo.choice_ids[p - 1];
    if (out.find(id) != std::string::npos) continue;
    out += (out.empty() ? "" : ",") + id;
  }
  return out;
}

size_t utf8_length(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string utf8_prefix(const std::string& s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

std::string utf8_truncate(const std::string& s, size_t n) {
  if (utf8_length(s) <= n) return s;
  std::string cut = utf8_prefix(s, n == 0 ? 0 : n - 1);
  while (!cut.empty() && cut.back() == ' ') cut.pop_back();
  return cut + "\u2026";
}

std::vector<std::string> split_text(const std::string& text, size_t max_chars) {
  std::vector<std::string> parts;
  std::string rest = text;
  while (utf8_length(rest) > max_chars) {
    std::string window = utf8_prefix(rest, max_chars);
    size_t cut = std::string::npos;
    size_t skip = 0;
    size_t floor = window.size() / 3;  // a break too early leaves tiny parts
    for (const char* sep : {"\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "}) {
      size_t at = window.rfind(sep);
      if (at != std::string::npos && at > floor) {
        std::string s(sep);
        bool keep = s[0] != ' ' && s[0] != '\n';  // keep the punctuation in the first part
        cut = at + (keep ? 1 : 0);
        skip = s.size() - (keep ? 1 : 0);
        break;
      }
    }
    if (cut == std::string::npos) {
      cut = window.size();
      skip = 0;
    }
    std::string part = rest.substr(0, cut);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\n')) part.pop_back();
    if (!part.empty()) parts.push_back(part);
    rest = rest.substr(cut + skip);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n')) rest.erase(0, 1);
  }
  if (!rest.empty() || parts.empty()) parts.push_back(rest);
  return parts;
}

std::string emergency_headline(const dialog::EscalationMessage& m) {
  const std::string& number = m.emergency_number;
  if (m.level == knowledge::Triage::emergency) {
    return number.empty() ? "EMERGENCY: get emergency help now."
                          : "EMERGENCY: call " + number + " now.";
  }
  return "URGENT: please get seen in person today.";
}

namespace {

const nlohmann::json* field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

std::string text_field(const nlohmann::json& j, const char* key) {
  const nlohmann::json* v = field(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

int64_t int_field(const nlohmann::json& j, const char* key) {
  const nlohmann::json* v = field(j, key);
  return v && v->is_number_integer() ? v->get<int64_t>() : 0;
}

const nlohmann::json& object_field(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* v = field(j, key);
  return v && v->is_object() ? *v : empty;
}

}  // namespace calfbot::adapters::platforms
