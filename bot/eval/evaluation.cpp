#include "bot/eval/evaluation.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bot {

namespace {

using knowledge::Triage;
using nlohmann::json;

std::string str(const json& m, const char* key) {
  auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Writes one bot message into the result: counts, escalation, outcome, transcript.
// Returns true for an outcome.
bool record(const json& m, VignetteResult& r, std::optional<Triage>& escalated) {
  const std::string type = str(m, "type");
  if (type == "question") {
    ++r.questions;
    std::string line = "bot [" + str(m, "slot") + "]: " + str(m, "text");
    if (auto c = m.find("choices"); c != m.end() && c->is_array() && !c->empty()) {
      line += "  (";
      for (size_t i = 0; i < c->size(); ++i) line += (i ? " | " : "") + str((*c)[i], "label");
      line += ")";
    }
    r.transcript.push_back(line);
  } else if (type == "escalation") {
    const std::string level = str(m, "level");
    r.transcript.push_back("bot ESCALATION " + level + ": " + str(m, "text"));
    if (auto t = knowledge::triage_from_string(level)) {
      escalated = std::max(escalated.value_or(*t), *t);
      if (*t == Triage::emergency) r.emergency_escalation = true;
    }
  } else if (type == "outcome") {
    const std::string triage = str(m, "triage");
    r.triage = knowledge::triage_from_string(triage);
    if (!r.triage) r.error = "outcome has an unknown triage \"" + triage + "\"";
    std::string line = "bot OUTCOME triage=" + triage + ";";
    if (auto c = m.find("conditions"); c != m.end() && c->is_array()) {
      for (size_t i = 0; i < c->size(); ++i) {
        const std::string id = str((*c)[i], "id");
        if (id == r.expected_condition && r.rank == 0) r.rank = static_cast<int>(i) + 1;
        if (i < 5) {
          char score[32] = "";
          if (auto s = (*c)[i].find("score"); s != (*c)[i].end() && s->is_number()) {
            std::snprintf(score, sizeof score, " %.2f", s->get<double>());
          }
          line += " " + std::to_string(i + 1) + ". " + id + score;
        }
      }
    }
    r.transcript.push_back(line);
    return true;
  } else if (type == "info") {
    r.transcript.push_back("bot: " + str(m, "text"));
  } else {
    r.transcript.push_back("bot " + (type.empty() ? std::string("?") : type) + ": " + m.dump());
  }
  return false;
}

std::string percent(int n, int d, double fraction) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d/%d (%.1f%%)", n, d, 100.0 * fraction);
  return buf;
}

double fraction(int n, int d) { return d == 0 ? 1.0 : static_cast<double>(n) / d; }

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

struct EvalOptions {
  std::string dir = "tests/vignettes";
  bool strict = false;
  bool verbose = false;
  std::string only;
};

const char* const kUsage =
    "usage: calfbot eval [--vignettes DIR] [--strict] [--verbose] [--only ID]\n";

std::optional<EvalOptions> parse_options(const std::vector<std::string>& args, std::ostream& out) {
  EvalOptions o;
  size_t i = (!args.empty() && args[0] == "eval") ? 1 : 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--strict") {
      o.strict = true;
    } else if (a == "--verbose") {
      o.verbose = true;
    } else if ((a == "--vignettes" || a == "--only") && i + 1 < args.size()) {
      (a == "--vignettes" ? o.dir : o.only) = args[++i];
    } else {
      out << (a == "--vignettes" || a == "--only" ? a + " needs a value" : "unknown option " + a)
          << "\n"
          << kUsage;
      return std::nullopt;
    }
  }
  return o;
}

int run_with(const dialog::Engine& engine, const EvalOptions& o, std::ostream& out) {
  VignetteSet set = load_vignettes(o.dir);
  for (const auto& v : set.vignettes) {
    for (auto& p : check_vignette(v, engine.knowledge())) set.errors.push_back(std::move(p));
  }
  if (!set.ok()) {
    for (const auto& e : set.errors) out << "vignette error: " << e << "\n";
    return 2;
  }
  std::vector<Vignette> chosen;
  for (auto& v : set.vignettes) {
    if (o.only.empty() || v.id == o.only) chosen.push_back(std::move(v));
  }
  if (chosen.empty()) {
    out << "no vignette with id \"" << o.only << "\" in " << o.dir << "\n";
    return 2;
  }
  std::vector<VignetteResult> results;
  for (const auto& v : chosen) results.push_back(run_vignette(engine, v));
  if (o.verbose) {
    for (const auto& r : results) print_transcript(r, out);
  }
  print_table(results, compute_metrics(results), out);
  if (o.strict && has_safety_failure(results)) {
    out << "strict: FAILED (a missed emergency or an under-triaged vignette)\n";
    return 1;
  }
  return 0;
}

}  // namespace

VignetteResult run_vignette(const dialog::Engine& engine, const Vignette& v) {
  VignetteResult r;
  r.id = v.id;
  r.expected_triage = v.expected_triage;
  r.expected_condition = v.expected_condition;
  const SimulatedPatient patient(v, engine.knowledge());
  std::optional<Triage> escalated;
  std::map<std::string, int> times_asked;
  try {
    dialog::StepResult step = engine.start(kEvalTimeUnix);
    for (int inputs = 0;; ++inputs) {
      const json* question = nullptr;
      bool outcome = false;
      for (const auto& m : step.outputs) {
        outcome = record(m, r, escalated) || outcome;
        if (str(m, "type") == "question") question = &m;
      }
      if (outcome) break;
      if (step.state.phase == dialog::State::Phase::done) {
        r.error = "the conversation ended without an outcome";
        break;
      }
      if (inputs >= kEvalStepCap) {
        r.error = "no outcome after " + std::to_string(kEvalStepCap) + " answers";
        break;
      }
      // Nothing asked (only info or an escalation): the patient acknowledges.
      std::string reply = "ok";
      if (question) reply = patient.answer(*question, times_asked[str(*question, "slot")]++);
      r.transcript.push_back("patient: " + reply);
      dialog::Input in;
      in.kind = dialog::Input::Kind::text;
      in.value = reply;
      in.time_unix = kEvalTimeUnix;
      step = engine.step(step.state, in);
    }
  } catch (const std::exception& e) {
    r.error = std::string("engine error: ") + e.what();
  }
  if (!r.triage) r.triage = escalated;
  return r;
}

double Metrics::emergency_sensitivity() const {
  return fraction(emergency_escalated, emergency_total);
}
double Metrics::triage_accuracy() const { return fraction(triage_exact, vignettes); }
double Metrics::under_triage_rate() const {
  return vignettes ? fraction(under_triage, vignettes) : 0;
}
double Metrics::over_triage_rate() const {
  return vignettes ? fraction(over_triage, vignettes) : 0;
}
double Metrics::top1_accuracy() const { return fraction(top1, vignettes); }
double Metrics::top3_accuracy() const { return fraction(top3, vignettes); }

Metrics compute_metrics(const std::vector<VignetteResult>& results) {
  Metrics m;
  std::vector<int> questions;
  for (const auto& r : results) {
    ++m.vignettes;
    if (r.expected_triage == Triage::emergency) {
      ++m.emergency_total;
      if (r.emergency_escalation) ++m.emergency_escalated;
    }
    if (!r.triage || *r.triage < r.expected_triage) {
      ++m.under_triage;
    } else if (*r.triage > r.expected_triage) {
      ++m.over_triage;
    } else {
      ++m.triage_exact;
    }
    if (r.rank == 1) ++m.top1;
    if (r.rank >= 1 && r.rank <= 3) ++m.top3;
    if (!r.error.empty()) ++m.errors;
    questions.push_back(r.questions);
  }
  if (!questions.empty()) {
    std::sort(questions.begin(), questions.end());
    const size_t n = questions.size();
    m.median_questions = n % 2 ? questions[n / 2] : (questions[n / 2 - 1] + questions[n / 2]) / 2.0;
    m.max_questions = questions.back();
  }
  return m;
}

bool has_safety_failure(const std::vector<VignetteResult>& results) {
  return std::any_of(results.begin(), results.end(), [](const VignetteResult& r) {
    const bool missed = r.expected_triage == Triage::emergency && !r.emergency_escalation;
    return missed || !r.triage || *r.triage < r.expected_triage;
  });
}

void print_table(const std::vector<VignetteResult>& results, const Metrics& m, std::ostream& out) {
  size_t w = 8;
  for (const auto& r : results) w = std::max(w, r.id.size());
  w += 2;
  out << pad("vignette", w) << pad("expected", 11) << pad("actual", 11) << pad("rank", 6)
      << pad("questions", 11) << "notes\n";
  for (const auto& r : results) {
    std::string notes;
    if (r.expected_triage == Triage::emergency && !r.emergency_escalation)
      notes += "MISSED EMERGENCY ";
    if (!r.triage || *r.triage < r.expected_triage)
      notes += "UNDER-TRIAGE ";
    else if (*r.triage > r.expected_triage)
      notes += "over-triage ";
    if (!r.error.empty()) notes += "(" + r.error + ")";
    while (!notes.empty() && notes.back() == ' ') notes.pop_back();
    out << pad(r.id, w) << pad(std::string(knowledge::to_string(r.expected_triage)), 11)
        << pad(r.triage ? std::string(knowledge::to_string(*r.triage)) : "none", 11)
        << pad(r.rank ? std::to_string(r.rank) : "-", 6) << pad(std::to_string(r.questions), 11)
        << notes << "\n";
  }
  char median[32];
  std::snprintf(median, sizeof median, "%g", m.median_questions);
  out << "\n"
      << "vignettes              " << m.vignettes << "\n"
      << "emergency sensitivity  "
      << percent(m.emergency_escalated, m.emergency_total, m.emergency_sensitivity()) << "\n"
      << "triage accuracy        " << percent(m.triage_exact, m.vignettes, m.triage_accuracy())
      << "\n"
      << "under-triage           " << percent(m.under_triage, m.vignettes, m.under_triage_rate())
      << "\n"
      << "over-triage            " << percent(m.over_triage, m.vignettes, m.over_triage_rate())
      << "\n"
      << "top-1 accuracy         " << percent(m.top1, m.vignettes, m.top1_accuracy()) << "\n"
      << "top-3 accuracy         " << percent(m.top3, m.vignettes, m.top3_accuracy()) << "\n"
      << "questions              median " << median << ", max " << m.max_questions << "\n"
      << "runs without outcome   " << m.errors << "\n";
}

void print_transcript(const VignetteResult& r, std::ostream& out) {
  out << "=== " << r.id << " (expected " << knowledge::to_string(r.expected_triage) << ", "
      << r.expected_condition << ")\n";
  for (const auto& line : r.transcript) out << line << "\n";
  if (!r.error.empty()) out << "error: " << r.error << "\n";
  out << "\n";
}

int run_eval(const dialog::Engine& engine, const std::vector<std::string>& args,
             std::ostream& out) {
  auto o = parse_options(args, out);
  return o ? run_with(engine, *o, out) : 2;
}

int run_eval(const std::vector<std::string>& args, std::ostream& out) {
  auto o = parse_options(args, out);
  if (!o) return 2;
  auto loaded = knowledge::load_embedded();
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) out << "knowledge error: " << e.what() << "\n";
    return 2;
  }
  const dialog::Engine engine(loaded.knowledge, dialog::EngineSettings{});
  return run_with(engine, *o, out);
}

}  // namespace calfbot::bot
