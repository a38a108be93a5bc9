#include "bot/eval/evaluation.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <ostream>

#include "bot/message_json.h"
#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bot {

namespace {

using knowledge::Triage;

// What one bot message adds to the result: counts, escalation, outcome and
// its line of the transcript. Each returns true for an outcome.
struct Record {
  VignetteResult& r;
  std::optional<Triage>& escalated;

  bool operator()(const dialog::QuestionMessage& m) const {
    ++r.questions;
    std::string line = "bot [" + m.slot + "]: " + m.text;
    if (m.choices && !m.choices->empty()) {
      line += "  (";
      for (size_t i = 0; i < m.choices->size(); ++i) line += (i ? " | " : "") + (*m.choices)[i].label;
      line += ")";
    }
    r.transcript.push_back(line);
    return false;
  }
  bool operator()(const dialog::EscalationMessage& m) const {
    r.transcript.push_back("bot ESCALATION " + std::string(knowledge::to_string(m.level)) + ": " +
                           m.text);
    escalated = std::max(escalated.value_or(m.level), m.level);
    if (m.level == Triage::emergency) r.emergency_escalation = true;
    return false;
  }
  bool operator()(const dialog::OutcomeMessage& m) const {
    r.triage = m.triage;
    std::string line = "bot OUTCOME triage=" + std::string(knowledge::to_string(m.triage)) + ";";
    for (size_t i = 0; i < m.conditions.size(); ++i) {
      const std::string& id = m.conditions[i].id;
      if (id == r.expected_condition && r.rank == 0) r.rank = static_cast<int>(i) + 1;
      if (i < 5) {
        char score[32] = "";
        std::snprintf(score, sizeof score, " %.2f", m.conditions[i].score);
        line += " " + std::to_string(i + 1) + ". " + id + score;
      }
    }
    r.transcript.push_back(line);
    return true;
  }
  bool operator()(const dialog::InfoMessage& m) const {
    r.transcript.push_back("bot: " + m.text);
    return false;
  }
  bool operator()(const dialog::ErrorMessage& m) const {
    r.transcript.push_back("bot error: " + bot::message_text(m));
    return false;
  }
  bool operator()(const dialog::StaffMessage& m) const {  // no staff in an evaluation
    r.transcript.push_back("staff " + m.name + ": " + m.text);
    return false;
  }
};

bool record(const dialog::Message& m, VignetteResult& r, std::optional<Triage>& escalated) {
  return std::visit(Record{r, escalated}, m);
}

double fraction(int n, int d) { return d == 0 ? 1.0 : static_cast<double>(n) / d; }

}  // namespace

VignetteResult run_vignette(const dialog::Engine& engine, const Vignette& v) {
  VignetteResult r;
  r.id = v.id;
  r.expected_triage = v.expected_triage;
  r.expected_condition = v.expected_condition;
  const SimulatedPatient patient(v, engine.knowledge());
  std::optional<Triage> escalated;
  std::map<std::string, int> times_asked;
  std::string last_question_text;
  if (!v.red_flag_first_said.empty() && v.red_flag_first_said == "complaint") r.sign_said_at = 0;
  try {
    dialog::StepResult step = engine.start(kEvalTimeUnix);
    for (int inputs = 0;; ++inputs) {
      const dialog::QuestionMessage* question = nullptr;
      bool outcome = false;
      for (const auto& m : step.outputs) {
        const bool was_emergency = r.emergency_escalation;
        outcome = record(m, r, escalated) || outcome;
        if (!was_emergency && r.emergency_escalation) r.escalated_at = inputs - 1;
        if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) {
          question = q;
          r.repeated_question |= q->text == last_question_text;
          last_question_text = q->text;
        }
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
      if (question) {
        const std::string slot = question->slot;
        const int attempt = times_asked[slot]++;
        reply = patient.answer(*question, attempt);
        if (attempt == 0 && slot == v.red_flag_first_said && r.sign_said_at < 0) {
          r.sign_said_at = inputs;
        }
      }
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
    if (r.expected_triage != Triage::emergency) {
      ++m.non_emergency;
      if (r.rank == 1) ++m.top1_non_emergency;
    } else if (r.sign_said_at >= 0) {
      ++m.emergency_timed;
      if (r.escalated_at >= 0 && r.escalated_at <= r.sign_said_at) ++m.emergency_on_time;
    }
    if (r.repeated_question) ++m.repeated_question;
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

}  // namespace calfbot::bot
