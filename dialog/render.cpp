#include "dialog/render.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <utility>

namespace calfbot::dialog {

using knowledge::AnswerType;
using knowledge::Triage;

namespace {

// How likely a cause must be before its own urgency counts towards the
// triage. Low on purpose: when unsure, err towards care.
constexpr double kUrgencyFloor = 0.2;
constexpr size_t kShownConditions = 5;

const char* triage_text(Triage t) {
  switch (t) {
    case Triage::emergency:
      return "This could be an emergency. Call {emergency_number} now or go to the nearest "
             "emergency department. Do not drive yourself.";
    case Triage::urgent:
      return "Please get an in-person assessment today: contact your clinic or an urgent care "
             "service now and tell them what you told me.";
    case Triage::soon:
      return "Please arrange to see a clinician (doctor or physiotherapist) within the next few "
             "days.";
    case Triage::self_care:
      return "This can usually be looked after at home. The advice below says how, and when to "
             "get help.";
  }
  return "";
}

std::vector<AdviceLine> advice_list(const knowledge::Knowledge& kb,
                                    const std::vector<std::string>& ids) {
  std::vector<AdviceLine> out;
  for (const auto& id : ids) {
    if (const auto* a = kb.advice_item(id)) out.push_back({a->id, a->name, a->text, a->cite});
  }
  return out;
}

std::vector<Reason> reasons(const knowledge::Knowledge& kb, const knowledge::Model& model,
                            const std::vector<knowledge::Reason>& rs) {
  std::vector<Reason> out;
  for (const auto& r : rs) {
    const int f = model.finding_index(r.finding);
    out.push_back({r.finding, f >= 0 ? kb.findings[static_cast<size_t>(f)].label : r.finding,
                   r.present});
  }
  return out;
}

void add_unique(std::vector<std::string>& into, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
  }
}

// The choices of every yes/no, its own or a repair's.
std::vector<ChoiceOption> yes_no_choices() {
  return {{"yes", "Yes"}, {"no", "No"}, {"unsure", "I'm not sure"}};
}

// "a, b or c".
std::string or_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::string unsure_text(const knowledge::Knowledge& kb, const Fired& f,
                        const EngineSettings& settings) {
  std::vector<std::string> labels;
  for (const auto& id : f.unsure) {
    const auto* finding = kb.finding(id);
    labels.push_back(finding ? finding->label : id);
  }
  std::string text = "You weren't sure about " + (labels.empty() ? "a warning sign" : or_list(labels)) +
                     ". To be safe, please get an in-person assessment today: contact your clinic "
                     "or an urgent care service now and tell them what you told me.";
  if (f.rule->level == Triage::emergency) {
    text += " If you find that you do have it, or it gets worse, call {emergency_number} now.";
  }
  return fill(text, settings);
}

std::string replace_all(std::string text, std::string_view key, const std::string& value) {
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
    text.replace(pos, key.size(), value);
    pos += value.size();
  }
  return text;
}

std::string fill(std::string text, const EngineSettings& settings) {
  return replace_all(std::move(text), "{emergency_number}", settings.emergency_number);
}

QuestionMessage question_message(const knowledge::Question& q, int asked,
                                 const EngineSettings& settings) {
  std::vector<ChoiceOption> choices;
  if (q.type == AnswerType::yes_no) choices = yes_no_choices();
  for (const auto& c : q.choices) choices.push_back({c.id, c.label});
  QuestionMessage m;
  m.slot = q.slot;
  m.text = fill(q.text, settings);
  m.answer_type = answer_kind(q.type);
  m.why = q.why;
  m.asked = asked;
  m.max = settings.max_questions;
  if (!choices.empty()) m.choices = std::move(choices);
  m.snomed = q.snomed;
  if (q.type == AnswerType::number) m.range = std::make_pair(q.min, q.max);
  return m;
}

QuestionMessage complaint_question(int variant) {
  QuestionMessage m;
  m.slot = "complaint";
  m.text = variant == 0
               ? "In your own words, what is troubling you about your calf or lower leg?"
               : "Tell me in a sentence or two what is wrong with your leg: where it hurts, "
                 "since when, and anything else you have noticed.";
  m.answer_type = AnswerKind::text;
  m.why = "What you say in your own words often answers several questions at once.";
  return m;
}

std::optional<knowledge::Question::Direct> direct_of(const knowledge::Question& q) {
  if (q.direct) return q.direct;
  if (q.type != AnswerType::yes_no) return std::nullopt;
  return knowledge::Question::Direct{"Please just answer yes or no: " + q.text, {q.finding},
                                     {q.finding}};
}

Wordings question_wordings(const knowledge::Knowledge& kb, const EngineSettings& settings) {
  Wordings w;
  for (const auto& q : kb.questions) {
    QuestionMessage text = question_message(q, 0, settings);
    QuestionMessage rephrase = text;
    if (!q.rephrase.empty()) rephrase.text = fill(q.rephrase, settings);
    std::optional<QuestionMessage> direct;
    if (auto d = direct_of(q)) {
      direct = question_message(q, 0, settings);
      direct->text = fill(d->text, settings);
      direct->answer_type = AnswerKind::yes_no;
      direct->choices = yes_no_choices();
      direct->range.reset();
      direct->direct = true;
      std::vector<std::string>& findings = direct->findings;
      for (const auto* list : {&d->yes, &d->no}) {
        for (const auto& f : *list) {
          if (std::find(findings.begin(), findings.end(), f) == findings.end()) {
            findings.push_back(f);
          }
        }
      }
    }
    w.text.push_back(std::move(text));
    w.rephrase.push_back(std::move(rephrase));
    w.direct.push_back(std::move(direct));
  }
  return w;
}

InfoMessage info_message(const std::string& text) { return {0, text, "", InfoReason::none}; }

ErrorMessage error_message(InputError code, const std::string& text) { return {0, code, text}; }

EscalationMessage escalation_message(const knowledge::Knowledge& kb, Triage level,
                                     const std::vector<Fired>& fired,
                                     const EngineSettings& settings) {
  EscalationMessage m{0, level, "", {}, settings.emergency_number};
  for (const auto& f : fired) {
    if (f.watch || f.level != level) continue;
    m.rules.push_back(f.rule->id);
    if (m.text.empty()) {
      m.text = f.on_unsure ? unsure_text(kb, f, settings) : fill(f.rule->text, settings);
    }
  }
  return m;
}

namespace {

// The triage of the outcome: the escalation level, every rule that holds, and
// the urgency of the leading cause and of any cause at least kUrgencyFloor likely.
Triage triage_of(const knowledge::Knowledge& kb, const State& s, const std::vector<Fired>& fired,
                 const std::vector<double>& post) {
  Triage t = s.escalated ? static_cast<Triage>(*s.escalated) : Triage::self_care;
  for (const auto& f : fired) {
    if (!f.watch) t = std::max(t, f.level);
  }
  size_t lead = static_cast<size_t>(std::max_element(post.begin(), post.end()) - post.begin());
  for (size_t c = 0; c < post.size(); ++c) {
    if (c == lead || post[c] >= kUrgencyFloor) t = std::max(t, kb.conditions[c].urgency);
  }
  return t;
}

// The highest level of the rules that read any of `findings`.
std::optional<Triage> level_reading(const knowledge::Knowledge& kb,
                                    const std::vector<std::string>& findings) {
  std::optional<Triage> level;
  std::function<bool(const knowledge::Predicate&)> reads = [&](const knowledge::Predicate& p) {
    if (p.kind == knowledge::Predicate::Kind::finding &&
        std::find(findings.begin(), findings.end(), p.name) != findings.end()) {
      return true;
    }
    return std::any_of(p.children.begin(), p.children.end(), reads);
  };
  for (const auto& rule : kb.red_flags) {
    if (reads(rule.when)) level = std::max(level.value_or(rule.level), rule.level);
  }
  return level;
}

// Precise safety-net lines: for each warning sign the patient was unsure of
// where the rest of the story did not make it plausible (the rule's own
// line), and for each warning-sign question left unanswered after repair.
std::vector<AdviceLine> watch_lines(const knowledge::Knowledge& kb, const State& s,
                                    const std::vector<Fired>& fired,
                                    const EngineSettings& settings) {
  std::vector<AdviceLine> out;
  auto line = [&](const std::string& id, const std::string& text,
                  const std::vector<std::string>& cite) {
    out.push_back({id, "What to watch for", fill(text, settings), cite});
  };
  for (const auto& f : fired) {
    if (f.watch) line("watch_" + f.rule->id, f.rule->safety_net, f.rule->cite);
  }
  for (const auto& slot : s.unanswered) {
    const knowledge::Question* q = kb.question(slot);
    if (!q) continue;
    std::vector<std::string> findings;
    if (!q->finding.empty()) findings.push_back(q->finding);
    for (const auto& c : q->choices) findings.insert(findings.end(), c.sets.begin(), c.sets.end());
    const auto level = level_reading(kb, findings);
    if (!level || *level < Triage::urgent) continue;
    line("unanswered_" + slot,
         "I couldn't tell from your answer: \"" + q->text + "\" If the answer is yes, " +
             (*level == Triage::emergency ? "call {emergency_number} now."
                                          : "get an in-person assessment today."),
         {});
  }
  return out;
}

// The advice the leading causes call for, gathered while they are ranked.
struct CauseAdvice {
  std::vector<std::string> tests, self_care, safety_net;
};

// The most likely causes, with reasons, and the advice of the first three.
std::vector<RankedCause> ranked_causes(const knowledge::Knowledge& kb,
                                       const knowledge::Model& model,
                                       const knowledge::Known& known, CauseAdvice& advice) {
  std::vector<knowledge::Ranked> ranked = model.rank(known, 3, kShownConditions);
  std::vector<RankedCause> conditions;
  for (size_t i = 0; i < ranked.size() && i < kShownConditions; ++i) {
    const auto& r = ranked[i];
    const auto* c = kb.condition(r.condition);
    conditions.push_back({r.condition, c->name, c->patient_name, c->summary,
                          std::round(r.score * 1000) / 1000, reasons(kb, model, r.for_it),
                          reasons(kb, model, r.against_it), c->urgency, c->cite});
    if (i < 3) {
      add_unique(advice.tests, c->tests);
      add_unique(advice.safety_net, c->safety_net);
      if (i == 0 || r.score >= kUrgencyFloor) add_unique(advice.self_care, c->self_care);
    }
  }
  return conditions;
}

WellsResult wells_result(const knowledge::WellsScore& w) {
  WellsResult out{w.total, w.likely, w.complete, {}, ""};
  for (const auto& p : w.parts) {
    out.parts.push_back({p.id, p.label, p.points,
                         p.known > 0 ? Value::yes : p.known < 0 ? Value::no : Value::unknown});
  }
  out.note =
      "Two-level DVT Wells score (NICE NG158) from your answers. A clinician also weighs whether "
      "another cause is as likely (-2 points), which only an examination can tell.";
  return out;
}

// The outcome message from the rules that hold and the findings, each worked
// out once.
OutcomeMessage outcome_of(const knowledge::Knowledge& kb, const knowledge::Model& model,
                          const State& s, const std::vector<Fired>& fired,
                          const knowledge::Known& known, Triage triage,
                          const EngineSettings& settings) {
  OutcomeMessage m;
  CauseAdvice advice;
  m.conditions = ranked_causes(kb, model, known, advice);
  // Self-care is no answer to an urgent problem; keep only the safety net then.
  if (triage >= Triage::urgent) advice.self_care.clear();
  m.wells = wells_result(model.wells(known));
  for (const auto& f : fired) {
    if (!f.watch) m.red_flags.push_back(f.rule->id);
  }
  m.triage = triage;
  m.text = fill(triage_text(triage), settings);
  m.tests = advice_list(kb, advice.tests);
  m.self_care = advice_list(kb, advice.self_care);
  m.safety_net = advice_list(kb, advice.safety_net);
  for (auto& line : watch_lines(kb, s, fired, settings)) m.safety_net.push_back(std::move(line));
  m.emergency_number = settings.emergency_number;
  m.disclaimer = kb.disclaimer;
  m.knowledge_version = s.knowledge_version;
  return m;
}

}  // namespace

Triage outcome_triage(const knowledge::Knowledge& kb, const knowledge::Model& model,
                      const State& s) {
  const Facts facts(kb, model, s);
  return triage_of(kb, s, evaluate_rules(facts), model.posterior(facts.known()));
}

OutcomeMessage outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                               const State& s, Triage triage, const EngineSettings& settings) {
  const Facts facts(kb, model, s);
  return outcome_of(kb, model, s, evaluate_rules(facts), facts.known(), triage, settings);
}

OutcomeMessage outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                               const State& s, const EngineSettings& settings) {
  const Facts facts(kb, model, s);
  const std::vector<Fired> fired = evaluate_rules(facts);
  const knowledge::Known known = facts.known();
  const Triage triage = triage_of(kb, s, fired, model.posterior(known));
  return outcome_of(kb, model, s, fired, known, triage, settings);
}

}  // namespace calfbot::dialog
