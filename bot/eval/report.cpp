// The tables `calfbot eval` prints.
#include <cstdio>
#include <ostream>

#include "bot/eval/evaluation.h"
#include "bot/eval/evidence.h"

namespace calfbot::bot {

namespace {

using knowledge::Triage;

double fraction(int n, int d) { return d == 0 ? 1.0 : static_cast<double>(n) / d; }

std::string percent(int n, int d, double f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d/%d (%.1f%%)", n, d, 100.0 * f);
  return buf;
}

std::string percent(int n, int d) { return percent(n, d, fraction(n, d)); }

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

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
    if (r.sign_said_at >= 0 && r.escalated_at > r.sign_said_at) notes += "late ";
    if (r.repeated_question) notes += "repeated-question ";
    if (!r.error.empty()) notes += "(" + r.error + ")";
    while (!notes.empty() && notes.back() == ' ') notes.pop_back();
    out << pad(r.id, w) << pad(std::string(knowledge::to_string(r.expected_triage)), 11)
        << pad(r.triage ? std::string(knowledge::to_string(*r.triage)) : "none", 11)
        << pad(r.rank ? std::to_string(r.rank) : "-", 6) << pad(std::to_string(r.questions), 11)
        << notes << "\n";
  }
  out << "\n";
  print_metrics(m, out);
}

void print_metrics(const Metrics& m, std::ostream& out) {
  char median[32];
  std::snprintf(median, sizeof median, "%g", m.median_questions);
  out << "vignettes              " << m.vignettes << "\n"
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
      << "top-1, not emergencies "
      << percent(m.top1_non_emergency, m.non_emergency,
                 fraction(m.top1_non_emergency, m.non_emergency))
      << "\n"
      << "questions              median " << median << ", max " << m.max_questions << "\n"
      << "same question twice    " << m.repeated_question << " conversation(s)\n";
  if (m.emergency_timed > 0) {
    out << "emergency on the turn  "
        << percent(m.emergency_on_time, m.emergency_timed,
                   fraction(m.emergency_on_time, m.emergency_timed))
        << " (of those whose sign the patient states unasked)\n";
  }
  out << "runs without outcome   " << m.errors << "\n";
}

void print_transcript(const VignetteResult& r, std::ostream& out) {
  out << "=== " << r.id << " (expected " << knowledge::to_string(r.expected_triage) << ", "
      << r.expected_condition << ")\n";
  for (const auto& line : r.transcript) out << line << "\n";
  if (!r.error.empty()) out << "error: " << r.error << "\n";
  out << "\n";
}

void print_understanding(const UnderstandingMetrics& m, std::ostream& out, bool details) {
  if (details) {
    out << pad("finding", 26) << pad("labels", 8) << pad("recall", 20) << "precision\n";
    for (const auto& [id, c] : m.by_finding) {
        out << pad(id, 26) << pad(std::to_string(c.labels), 8)
          << pad(percent(c.recalled, c.labels), 20) << percent(c.correct, c.predicted) << "\n";
    }
    out << "\n";
  }
  out
      << "understanding, red flags  recall " << percent(m.red_flags.recalled, m.red_flags.labels)
      << ", precision " << percent(m.red_flags.correct, m.red_flags.predicted) << "\n"
      << "understanding, all        recall " << percent(m.all.recalled, m.all.labels)
      << ", precision " << percent(m.all.correct, m.all.predicted) << "\n"
      << "numbers (age, severity, duration)  " << percent(m.numbers_right, m.numbers) << "\n";
  if (m.other_language > 0) {
    out << "other languages recognised          "
        << percent(m.other_language_recognised, m.other_language) << "\n";
  }
  if (details && !m.misses.empty()) {
    out << "\nmisreadings:\n";
    for (const auto& line : m.misses) out << "  " << line << "\n";
  }
}

}  // namespace calfbot::bot
