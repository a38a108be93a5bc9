#include "bot/eval/evidence.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "bot/eval/evaluation.h"
#include "dialog/engine.h"

namespace calfbot::bot {

namespace {

using dialog::Value;
using nlohmann::json;

std::optional<Value> value_of(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s == "yes") return Value::yes;
  if (s == "no") return Value::no;
  if (s == "unsure") return Value::unsure;
  return std::nullopt;
}

// One line of an utterances file; an error names the field that is wrong.
std::optional<Utterance> parse_utterance(const std::string& line, const knowledge::Knowledge& kb,
                                         std::string& error) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  Utterance u;
  for (const auto& [key, target] :
       {std::pair<const char*, std::string*>{"id", &u.id}, {"slot", &u.slot}, {"text", &u.text}}) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
      error = std::string("\"") + key + "\" must be a non-empty string";
      return std::nullopt;
    }
    *target = j[key].get<std::string>();
  }
  if (j.contains("voice") && j["voice"].is_string()) u.voice = j["voice"].get<std::string>();
  if (j.contains("language") && j["language"].is_string()) {
    u.language = j["language"].get<std::string>();
  }
  if (u.slot != "complaint" && !kb.question(u.slot)) {
    error = "no question has slot \"" + u.slot + "\"";
    return std::nullopt;
  }
  if (j.contains("findings")) {
    if (!j["findings"].is_object()) {
      error = "\"findings\" must be an object";
      return std::nullopt;
    }
    for (const auto& [id, v] : j["findings"].items()) {
      const knowledge::Finding* f = kb.finding(id);
      auto value = value_of(v);
      if (!f || !f->derived_from.empty() || !value) {
        error = "findings." + id + ": not a finding asked about, or not yes/no/unsure";
        return std::nullopt;
      }
      u.findings[id] = *value;
    }
  }
  if (j.contains("numbers") && j["numbers"].is_object()) {
    for (const auto& [name, v] : j["numbers"].items()) {
      if (!v.is_number()) continue;
      if (name == "age" || name == "severity" || name == "duration_days") {
        u.numbers[name] = v.get<double>();
      }
    }
  }
  return u;
}

std::vector<std::filesystem::path> files_with(const std::filesystem::path& dir,
                                              const std::string& extension,
                                              std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == extension) files.push_back(it->path());
  }
  if (ec) errors.push_back(dir.string() + ": cannot read the folder (" + ec.message() + ")");
  std::sort(files.begin(), files.end());
  return files;
}

// The findings an emergency rule reads.
void findings_in(const knowledge::Predicate& p, std::set<std::string>& out) {
  if (p.kind == knowledge::Predicate::Kind::finding) out.insert(p.name);
  for (const auto& c : p.children) findings_in(c, out);
}

bool number_close(const std::string& name, double want, double got) {
  if (name == "duration_days") return std::abs(want - got) <= std::max(1.0, 0.15 * want);
  return std::abs(want - got) < 0.5;
}

// Whether `finding` is an item of the current question's choices, whose
// "no" when another item is picked is the question's rule, not a reading.
bool choice_item(const knowledge::Question* q, const std::string& finding) {
  if (!q) return false;
  for (const auto& c : q->choices) {
    if (std::find(c.sets.begin(), c.sets.end(), finding) != c.sets.end()) return true;
  }
  return false;
}

bool side_finding(const std::string& f) {
  return f == "side_left" || f == "side_right" || f == "bilateral";
}

}  // namespace

Half half_of(std::string_view id) {
  std::string key(kSplitSeed);
  key += '/';
  key += id;
  return (stable_hash(key) & 1) ? Half::test : Half::dev;
}

const char* to_string(Half h) { return h == Half::test ? "test" : "dev"; }

std::optional<Half> half_named(std::string_view name) {
  for (Half h : {Half::dev, Half::test}) {
    if (name == to_string(h)) return h;
  }
  return std::nullopt;
}

UtteranceSet load_utterances(const std::filesystem::path& dir, const knowledge::Knowledge& kb) {
  UtteranceSet set;
  for (const auto& path : files_with(dir, ".jsonl", set.errors)) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string error;
      auto u = parse_utterance(line, kb, error);
      if (!u) {
        set.errors.push_back(path.string() + ":" + std::to_string(n) + ": " + error);
        continue;
      }
      u->file = path.string();
      set.utterances.push_back(std::move(*u));
    }
  }
  return set;
}

std::vector<std::string> EvidenceHalf::errors() const {
  std::vector<std::string> out = vignettes.errors;
  out.insert(out.end(), utterances.errors.begin(), utterances.errors.end());
  auto check = [&](const std::string& id, const std::string& file) {
    if (half_of(id) != half) {
      out.push_back(file + ": " + id + " belongs to the " + to_string(half_of(id)) +
                    " half by the draw (bot/eval/evidence.h), not the " + to_string(half));
    }
  };
  for (const auto& v : vignettes.vignettes) check(v.id, v.file);
  for (const auto& u : utterances.utterances) check(u.id, u.file);
  return out;
}

EvidenceHalf load_evidence(const std::filesystem::path& root, Half half,
                           const knowledge::Knowledge& kb) {
  EvidenceHalf e;
  e.half = half;
  const std::filesystem::path dir = root / to_string(half);
  e.vignettes = load_vignettes(dir / "vignettes");
  for (const auto& v : e.vignettes.vignettes) {
    for (auto& p : check_vignette(v, kb)) e.vignettes.errors.push_back(std::move(p));
  }
  e.utterances = load_utterances(dir / "utterances", kb);
  return e;
}

namespace {

// Where a miss was: the utterance's text and slot.
std::string where(const Utterance& u) { return " in \"" + u.text + "\" (" + u.slot + ")"; }

// An utterance in another language: whether it was recognised as that one.
void score_language(const Utterance& u, const dialog::StepResult& r, UnderstandingMetrics& m) {
  ++m.other_language;
  const bool recognised =
      std::any_of(r.outputs.begin(), r.outputs.end(), [&](const dialog::Message& out) {
        const auto* info = std::get_if<dialog::InfoMessage>(&out);
        return info && info->language == u.language;
      });
  m.other_language_recognised += recognised ? 1 : 0;
  if (!recognised) m.misses.push_back(u.id + ": not recognised as " + u.language);
}

// Recall: each labelled finding read as labelled (in another language, only
// the red flags said to be there).
void score_recall(const Utterance& u, const std::map<std::string, Value>& read,
                  const std::set<std::string>& red, bool english, UnderstandingMetrics& m) {
  for (const auto& [f, want] : u.findings) {
    const bool is_red = red.count(f) > 0;
    if (!english && !(is_red && want == Value::yes)) continue;
    auto got = read.find(f);
    const bool same = got != read.end() && got->second == want;
    for (Counts* c : {&m.by_finding[f], &m.all, is_red ? &m.red_flags : nullptr}) {
      if (!c) continue;
      ++c->labels;
      c->recalled += same ? 1 : 0;
    }
    if (!same) {
      m.misses.push_back(u.id + ": " + f + " " + dialog::to_string(want) + " read as " +
                         (got == read.end() ? "nothing" : dialog::to_string(got->second)) +
                         where(u));
    }
  }
}

// Precision: each finding read was labelled so (the question's own "no" for
// what was not picked aside).
void score_precision(const Utterance& u, const knowledge::Knowledge& kb,
                     const knowledge::Question* q, const std::map<std::string, Value>& read,
                     const std::set<std::string>& red, UnderstandingMetrics& m) {
  for (const auto& [f, v] : read) {
    const knowledge::Finding* finding = kb.finding(f);
    if (!finding || !finding->derived_from.empty()) continue;
    auto label = u.findings.find(f);
    if (label == u.findings.end() && v == Value::no && (side_finding(f) || choice_item(q, f))) {
      continue;  // the question's own rule for what was not picked
    }
    const bool right = label != u.findings.end() && label->second == v;
    for (Counts* c : {&m.by_finding[f], &m.all, red.count(f) ? &m.red_flags : nullptr}) {
      if (!c) continue;
      ++c->predicted;
      c->correct += right ? 1 : 0;
    }
    if (label == u.findings.end()) {
      m.misses.push_back(u.id + ": read " + f + " " + dialog::to_string(v) + ", not stated" +
                         where(u));
    }
  }
}

void score_numbers(const Utterance& u, const dialog::State& state, UnderstandingMetrics& m) {
  for (const auto& [name, want] : u.numbers) {
    ++m.numbers;
    auto got = state.numbers.find(name);
    const bool right = got != state.numbers.end() && number_close(name, want, got->second);
    m.numbers_right += right ? 1 : 0;
    if (!right) {
      m.misses.push_back(u.id + ": " + name + " " + std::to_string(want) + " read as " +
                         (got == state.numbers.end() ? "nothing" : std::to_string(got->second)) +
                         where(u));
    }
  }
}

}  // namespace

UnderstandingMetrics score_utterances(const dialog::Engine& engine,
                                      const std::vector<Utterance>& utterances) {
  const knowledge::Knowledge& kb = engine.knowledge();
  std::set<std::string> red;
  for (const auto& rule : kb.red_flags) {
    if (rule.level == knowledge::Triage::emergency) findings_in(rule.when, red);
  }
  const dialog::State start = engine.start(kEvalTimeUnix).state;
  UnderstandingMetrics m;
  for (const Utterance& u : utterances) {
    dialog::State before = start;
    const knowledge::Question* q = kb.question(u.slot);
    if (q) {
      before.current = u.slot;
      before.asked.push_back(u.slot);
    }
    dialog::Input in;
    in.value = u.text;
    in.time_unix = kEvalTimeUnix;
    const dialog::StepResult r = engine.step(before, in);
    std::map<std::string, Value> read;
    for (const auto& [f, v] : r.state.findings) {
      if (before.get(f) != v && v != Value::unknown) read[f] = v;
    }
    const bool english = u.language == "en";
    if (!english) score_language(u, r, m);
    score_recall(u, read, red, english, m);
    if (!english) continue;
    score_precision(u, kb, q, read, red, m);
    score_numbers(u, r.state, m);
  }
  return m;
}

}  // namespace calfbot::bot
