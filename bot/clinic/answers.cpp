#include "bot/clinic/answers.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <regex>
#include <sstream>

namespace calfbot::bot::clinic {

using dialog::Value;
using knowledge::AnswerType;

namespace {

// Every finding the choice sets is present.
bool all_yes(const knowledge::Choice& c, const dialog::State& s) {
  return !c.sets.empty() && std::all_of(c.sets.begin(), c.sets.end(),
                                        [&](const std::string& f) { return s.get(f) == Value::yes; });
}

bool any_value(const knowledge::Question& q, const dialog::State& s, Value v) {
  for (const auto& c : q.choices) {
    for (const auto& f : c.sets) {
      if (s.get(f) == v) return true;
    }
  }
  return false;
}

// Every finding of the question's choices is known to be absent.
bool all_no(const knowledge::Question& q, const dialog::State& s) {
  bool any = false;
  for (const auto& c : q.choices) {
    for (const auto& f : c.sets) {
      if (s.get(f) != Value::no) return false;
      any = true;
    }
  }
  return any;
}

const knowledge::Choice* empty_choice(const knowledge::Question& q) {
  for (const auto& c : q.choices) {
    if (c.sets.empty()) return &c;
  }
  return nullptr;
}

bool was_answered(const knowledge::Question& q, const dialog::State& s) {
  return std::any_of(s.answers.begin(), s.answers.end(),
                     [&](const dialog::AnswerRecord& a) { return a.slot == q.slot; });
}

}  // namespace

QuestionAnswer answer_of(const knowledge::Question& q, const dialog::State& s) {
  QuestionAnswer a;
  for (const auto& r : s.answers) {
    if (r.slot == q.slot && !r.text.empty()) a.words.push_back(for_clinician(r.text));
  }
  const bool answered = was_answered(q, s) && s.current != q.slot;
  switch (q.type) {
    case AnswerType::yes_no: {
      Value v = s.get(q.finding);
      a.kind = v == Value::yes ? QuestionAnswer::Kind::yes
               : v == Value::no ? QuestionAnswer::Kind::no
               : v == Value::unsure ? QuestionAnswer::Kind::unsure
               : answered ? QuestionAnswer::Kind::unsure
                          : QuestionAnswer::Kind::none;
      return a;
    }
    case AnswerType::single_choice:
    case AnswerType::multi_choice: {
      for (const auto& c : q.choices) {
        if (all_yes(c, s)) a.chosen.push_back(&c);
      }
      if (q.type == AnswerType::single_choice && a.chosen.size() > 1) a.chosen.resize(1);
      if (!a.chosen.empty()) {
        a.kind = QuestionAnswer::Kind::choices;
      } else if (all_no(q, s)) {
        // Every finding absent: the choice without findings ("none", "myself")
        // is what was meant, or a plain "no" where there is none.
        a.none_choice = empty_choice(q);
        a.kind = a.none_choice ? QuestionAnswer::Kind::choices : QuestionAnswer::Kind::no;
        if (a.none_choice) a.chosen.push_back(a.none_choice);
      } else if (any_value(q, s, Value::unsure) || answered) {
        a.kind = QuestionAnswer::Kind::unsure;
      }
      return a;
    }
    case AnswerType::number:
    case AnswerType::duration: {
      auto it = s.numbers.find(q.number);
      if (it != s.numbers.end()) {
        a.kind = QuestionAnswer::Kind::number;
        a.number = it->second;
      } else if (answered) {
        a.kind = QuestionAnswer::Kind::unsure;
      }
      return a;
    }
  }
  return a;
}

std::vector<std::string> complaint_words(const dialog::State& s) {
  std::vector<std::string> out;
  for (const auto& r : s.answers) {
    if (r.slot == "complaint" && !r.text.empty()) out.push_back(for_clinician(r.text));
  }
  return out;
}

std::vector<std::string> patient_words(const dialog::State& s) {
  std::vector<std::string> out;
  out.reserve(s.patient_words.size());
  for (const auto& w : s.patient_words) out.push_back(for_clinician(w));
  return out;
}

std::string for_clinician(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    // The state keeps valid UTF-8 (the engine sanitises every input), so a
    // lead byte's length can be trusted; a stray byte is passed on as is.
    const size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + n > text.size()) {
      out.append(text.substr(i));
      break;
    }
    uint32_t cp = c;
    if (n == 2) cp = (c & 0x1Fu) << 6 | (text[i + 1] & 0x3Fu);
    if (n == 3) cp = (c & 0x0Fu) << 12 | (text[i + 1] & 0x3Fu) << 6 | (text[i + 2] & 0x3Fu);
    if (n == 4) {
      cp = (c & 0x07u) << 18 | (text[i + 1] & 0x3Fu) << 12 | (text[i + 2] & 0x3Fu) << 6 |
           (text[i + 3] & 0x3Fu);
    }
    const bool control = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
    const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                      cp == 0x200E || cp == 0x200F || cp == 0x061C;
    if (cp == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') out += '\n';  // a lone CR ends a line
    } else if (control || bidi) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string format_number(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return std::to_string(static_cast<long long>(std::round(v)));
  std::ostringstream out;
  out.precision(3);
  out << v;
  return out.str();
}

std::string format_duration_days(double days) {
  auto plural = [](long long n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (days < 1) return "less than a day";
  if (days < 14) return plural(std::llround(days), "day");
  if (days < 61) return plural(std::llround(days / 7), "week");
  if (days < 730) return plural(std::llround(days / 30.4), "month");
  return plural(std::llround(days / 365.25), "year");
}

std::string iso8601_utc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> parse_iso8601(const std::string& text) {
  static const std::regex kTime(
      R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)");
  std::smatch m;
  if (!std::regex_match(text, m, kTime)) return std::nullopt;
  auto num = [&](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  std::tm tm{};
  tm.tm_year = num(1) - 1900;
  tm.tm_mon = num(2) - 1;
  tm.tm_mday = num(3);
  tm.tm_hour = num(4);
  tm.tm_min = num(5);
  tm.tm_sec = num(6);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  int64_t t = timegm(&tm);
  if (m[7].matched && m[7].str() != "Z") {
    const std::string z = m[7].str();
    int offset = (std::stoi(z.substr(1, 2)) * 60 + std::stoi(z.substr(4, 2))) * 60;
    t -= z[0] == '-' ? -offset : offset;
  }
  return t;
}

}  // namespace calfbot::bot::clinic
