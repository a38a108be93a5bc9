#include "bot/eval/simulated_patient.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace calfbot::bot {

namespace {

using dialog::Value;
using nlohmann::json;

const char* const kTriageList = "emergency, urgent, soon, self_care";

std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

// Picks one of several equivalent phrasings.
template <size_t N>
std::string pick(const char* const (&forms)[N], uint64_t h) {
  return forms[h % N];
}

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string format_number(double n) {
  if (std::abs(n - std::round(n)) < 1e-9) return std::to_string(std::llround(n));
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << n;
  return s.str();
}

// "a", "a and b", "a, b and c".
std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
    out += words[i];
  }
  return out;
}

bool is_unsure_choice(const std::string& id) {
  for (const char* w : {"unsure", "not_sure", "dont_know", "unknown"}) {
    if (id.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

uint64_t stable_hash(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Value Vignette::fact(const std::string& finding) const {
  auto it = facts.find(finding);
  return it == facts.end() ? Value::no : it->second;
}

// ---------------------------------------------------------------- loading

namespace {

// Each step below reads part of a vignette's JSON object into `v` and
// returns what is wrong with it ("" when nothing is).

// Only known keys; id, description, expected_condition and opening
// non-empty strings; expected_triage a triage id; the id the file's name.
std::string read_head(const json& j, const std::string& file_name, Vignette& v) {
  static const char* const kKeys[] = {
      "id",      "description", "expected_triage", "expected_condition",
      "opening", "facts",       "numbers",         "answers",
      "voice",   "red_flag",    "red_flag_first_said"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return "unknown key " + in_quotes(key);
    }
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"id", &v.id},
      {"description", &v.description},
      {"expected_condition", &v.expected_condition},
      {"opening", &v.opening}};
  for (const auto& [key, target] : strings) {
    if (!j.contains(key)) return "missing " + in_quotes(key);
    if (!j[key].is_string()) return in_quotes(key) + " must be a string";
    *target = j[key].get<std::string>();
    if (target->empty()) return in_quotes(key) + " is empty";
  }
  if (!j.contains("expected_triage")) return "missing \"expected_triage\"";
  if (!j["expected_triage"].is_string()) return "\"expected_triage\" must be a string";
  const auto triage_id = j["expected_triage"].get<std::string>();
  auto triage = knowledge::triage_from_string(triage_id);
  if (!triage) {
    return "\"expected_triage\" is " + in_quotes(triage_id) + ", not one of " + kTriageList;
  }
  v.expected_triage = *triage;
  const std::string stem = std::filesystem::path(file_name).stem().string();
  if (std::filesystem::path(file_name).extension() == ".json" && stem != v.id) {
    return "id " + in_quotes(v.id) + " does not match the file name";
  }
  return "";
}

// facts: each yes, no or unsure; numbers (optional): each 0 or more.
std::string read_facts(const json& j, Vignette& v) {
  if (!j.contains("facts")) return "missing \"facts\"";
  if (!j["facts"].is_object()) return "\"facts\" must be an object";
  for (const auto& [finding, value] : j["facts"].items()) {
    const std::string s = value.is_string() ? value.get<std::string>() : value.dump();
    if (s == "yes") {
      v.facts[finding] = Value::yes;
    } else if (s == "no") {
      v.facts[finding] = Value::no;
    } else if (s == "unsure") {
      v.facts[finding] = Value::unsure;
    } else {
      return "facts." + finding + " is " + (value.is_string() ? in_quotes(s) : s) +
             ", not one of yes, no, unsure";
    }
  }
  if (j.contains("numbers")) {
    if (!j["numbers"].is_object()) return "\"numbers\" must be an object";
    for (const auto& [name, value] : j["numbers"].items()) {
      if (!value.is_number() || value.get<double>() < 0) {
        return "numbers." + name + " must be a number of 0 or more";
      }
      v.numbers[name] = value.get<double>();
    }
  }
  return "";
}

// The optional strings: voice, red_flag, red_flag_first_said, answers.
std::string read_wording(const json& j, Vignette& v) {
  for (const auto& [key, target] : {std::pair<const char*, std::string*>{"voice", &v.voice},
                                    {"red_flag", &v.red_flag},
                                    {"red_flag_first_said", &v.red_flag_first_said}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string()) return in_quotes(key) + " must be a string";
    *target = j[key].get<std::string>();
  }
  if (j.contains("answers")) {
    if (!j["answers"].is_object()) return "\"answers\" must be an object";
    for (const auto& [slot, value] : j["answers"].items()) {
      if (!value.is_string()) return "answers." + slot + " must be a string";
      v.answers[slot] = value.get<std::string>();
    }
  }
  return "";
}

}  // namespace

VignetteParse parse_vignette(std::string_view json_text, const std::string& file_name) {
  auto fail = [&](const std::string& what) {
    return VignetteParse{std::nullopt, file_name + ": " + what};
  };
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return fail("not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!j.is_object()) return fail("must be a JSON object");
  Vignette v;
  v.file = file_name;
  if (auto wrong = read_head(j, file_name, v); !wrong.empty()) return fail(wrong);
  if (auto wrong = read_facts(j, v); !wrong.empty()) return fail(wrong);
  if (auto wrong = read_wording(j, v); !wrong.empty()) return fail(wrong);
  return {std::move(v), ""};
}

VignetteSet load_vignettes(const std::filesystem::path& dir) {
  VignetteSet set;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) {
    set.errors.push_back(dir.string() + ": cannot read the folder (" + ec.message() + ")");
    return set;
  }
  if (files.empty()) {
    set.errors.push_back(dir.string() + ": no vignette files (*.json)");
    return set;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      set.errors.push_back(path.string() + ": cannot be read");
      continue;
    }
    auto parsed = parse_vignette(text.str(), path.string());
    if (parsed.vignette) {
      set.vignettes.push_back(std::move(*parsed.vignette));
    } else {
      set.errors.push_back(parsed.error);
    }
  }
  return set;
}

std::vector<std::string> check_vignette(const Vignette& v, const knowledge::Knowledge& kb) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& what) { problems.push_back(v.file + ": " + what); };
  for (const auto& [id, value] : v.facts) {
    const knowledge::Finding* f = kb.finding(id);
    if (!f) {
      problem("facts: unknown finding " + in_quotes(id));
    } else if (!f->derived_from.empty()) {
      problem("facts: " + in_quotes(id) + " is derived from " + f->derived_from +
              "; give numbers." + f->derived_from + " instead");
    }
  }
  if (!kb.condition(v.expected_condition)) {
    problem("expected_condition " + in_quotes(v.expected_condition) +
            " is not a condition in the knowledge");
  }
  for (const auto& [slot, text] : v.answers) {
    if (slot != "complaint" && !kb.question(slot))
      problem("answers: no question has slot " + in_quotes(slot));
  }
  return problems;
}

// ---------------------------------------------------------------- answering

std::string duration_phrase(double days, uint64_t variant) {
  if (days < 0.5) {
    static const char* const f[] = {"a few hours ago", "since this morning",
                                    "a couple of hours ago"};
    return pick(f, variant);
  }
  if (days < 1.5) {
    static const char* const f[] = {"since yesterday", "yesterday", "1 day ago"};
    return pick(f, variant);
  }
  std::string form;
  long n = 0;
  if (days < 7) {
    static const char* const f[] = {"{n} days ago", "about {n} days", "for {n} days now"};
    form = pick(f, variant);
    n = std::lround(days);
  } else if (days < 14) {
    static const char* const f[] = {"about a week", "{n} days ago", "a week or so"};
    form = pick(f, variant);
    n = std::lround(days);
  } else if (days < 60) {
    static const char* const f[] = {"about {n} weeks", "{n} weeks ago", "for {n} weeks or so"};
    form = pick(f, variant);
    n = std::lround(days / 7);
  } else if (days < 365) {
    static const char* const f[] = {"about {n} months", "{n} months ago", "for {n} months now"};
    form = pick(f, variant);
    n = std::lround(days / 30.4);
  } else {
    static const char* const f[] = {"over a year", "more than a year"};
    return pick(f, variant);
  }
  return replace_all(form, "{n}", std::to_string(n));
}

std::string SimulatedPatient::answer(const dialog::QuestionMessage& question, int attempt) const {
  const std::string& slot = question.slot;
  if (attempt == 0) {
    if (auto it = v_.answers.find(slot); it != v_.answers.end()) return it->second;
  }
  if (slot == "complaint") return v_.opening;
  if (question.direct) return answer_direct(question);
  const knowledge::Question* q = kb_.question(slot);
  const std::string type(dialog::to_string(question.answer_type));

  if (type == "yes_no") {
    return answer_yes_no(slot, q && !q->finding.empty() ? v_.fact(q->finding) : Value::unsure,
                         attempt);
  }
  if (type == "single_choice" || type == "multi_choice") {
    return answer_choice(slot, q, type == "multi_choice", attempt);
  }
  if (type == "number")
    return answer_number(slot, q && !q->number.empty() ? q->number : slot, attempt);
  if (type == "duration") return answer_duration(slot, attempt);
  // Any other free-text question ("anything else?").
  static const char* const f[] = {"no, that's everything", "nothing else", "no, that's all"};
  return pick(f, stable_hash(v_.id + "/" + slot));
}

// A plain yes/no about a few findings (repair): yes when any is present,
// "not sure" when any is unsure. A finding derived from a number is read
// from the vignette's numbers.
std::string SimulatedPatient::answer_direct(const dialog::QuestionMessage& question) const {
  Value v = Value::no;
  for (const auto& id : question.findings) {
    const knowledge::Finding* f = kb_.finding(id);
    Value fv = v_.fact(id);
    if (f && !f->derived_from.empty()) {
      auto n = v_.numbers.find(f->derived_from);
      fv = n == v_.numbers.end()
               ? Value::unsure
               : (n->second >= f->derived_min && n->second < f->derived_max ? Value::yes
                                                                             : Value::no);
    }
    if (fv == Value::yes) return "yes";
    if (fv == Value::unsure) v = Value::unsure;
  }
  return v == Value::unsure ? "not sure" : "no";
}

std::string SimulatedPatient::answer_yes_no(const std::string& slot, Value v, int attempt) const {
  const uint64_t h = stable_hash(v_.id + "/" + slot);
  if (v == Value::yes) {
    static const char* const f[] = {"yes", "Yes", "yeah", "yep", "yes I have", "yes, that's right"};
    return attempt > 0 ? "yes" : pick(f, h);
  }
  if (v == Value::unsure) {
    static const char* const f[] = {"I'm not sure", "not sure", "don't know",
                                    "hard to say, not sure"};
    return attempt > 0 ? "not sure" : pick(f, h);
  }
  static const char* const f[] = {"no", "No", "nope", "no, I haven't", "not that I've noticed",
                                  "nah"};
  return attempt > 0 ? "no" : pick(f, h);
}

std::string SimulatedPatient::answer_choice(const std::string& slot, const knowledge::Question* q,
                                            bool multi, int attempt) const {
  const uint64_t h = stable_hash(v_.id + "/" + slot);
  if (!q) return "I'm not sure";  // no sets to answer from
  // The button label, or the first of the choice's own free-text synonyms.
  auto words_for = [&](const knowledge::Choice& c) {
    const bool synonym =
        attempt == 0 && !c.synonyms.empty() && stable_hash(v_.id + "/" + c.id) % 2 == 1;
    if (synonym) return c.synonyms.front();
    // People type the gist, not the button's examples in brackets.
    std::string label = lower(c.label);
    if (auto open = label.find(" ("); open != std::string::npos && attempt == 0) label.erase(open);
    return label;
  };
  std::vector<std::string> words;
  bool any_unsure = false;
  for (const auto& c : q->choices) {
    bool yes = false;
    for (const auto& f : c.sets) {
      yes = yes || v_.fact(f) == Value::yes;
      any_unsure = any_unsure || v_.fact(f) == Value::unsure;
    }
    // A single choice takes the first that fits.
    if (yes && (multi || words.empty())) words.push_back(words_for(c));
  }
  if (words.empty() && !multi) {
    // A single choice with no findings ("my own leg", "no"): the plain option.
    for (const auto& c : q->choices) {
      if (c.sets.empty() && !is_unsure_choice(c.id)) return words_for(c);
    }
  }
  if (words.empty()) {
    if (any_unsure) return attempt > 0 ? "not sure" : "I'm not sure";
    static const char* const f[] = {"none of these", "no, none of those", "no"};
    return attempt > 0 ? "none of these" : pick(f, h);
  }
  std::string text = join_words(words);
  // "Do any of these apply?" screens (they offer "none") invite a "yes, ...".
  const bool screen = std::any_of(q->choices.begin(), q->choices.end(),
                                  [](const knowledge::Choice& c) { return c.id == "none"; });
  if (multi && screen && attempt == 0 && h % 3 == 1) text.insert(0, "yes, ");
  return text;
}

std::string SimulatedPatient::answer_number(const std::string& slot, const std::string& name,
                                            int attempt) const {
  auto it = v_.numbers.find(name);
  if (it == v_.numbers.end()) return "I don't know";
  const std::string n = format_number(it->second);
  if (attempt > 0) return n;
  const uint64_t h = stable_hash(v_.id + "/" + slot);
  if (name == "age") {
    if (v_.fact("for_someone_else") == Value::yes) {
      static const char* const f[] = {"{n}", "{n} years old", "they're {n}"};
      return replace_all(pick(f, h), "{n}", n);
    }
    static const char* const f[] = {"I'm {n}", "{n}", "{n} years old"};
    return replace_all(pick(f, h), "{n}", n);
  }
  if (name == "severity") {
    static const char* const f[] = {"about a {n} out of 10", "{n}/10", "I'd say {n}"};
    return replace_all(pick(f, h), "{n}", n);
  }
  return n;
}

std::string SimulatedPatient::answer_duration(const std::string& slot, int attempt) const {
  auto it = v_.numbers.find("duration_days");
  if (it == v_.numbers.end()) return "not sure";
  if (attempt > 0) {
    return it->second < 1 ? "today" : std::to_string(std::lround(it->second)) + " days";
  }
  return duration_phrase(it->second, stable_hash(v_.id + "/" + slot));
}

}  // namespace calfbot::bot
