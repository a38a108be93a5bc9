#include "dialog/render.h"

#include <algorithm>
#include <set>
#include <utility>

namespace calfbot::dialog {

using knowledge::AnswerType;
using knowledge::Triage;
using nlohmann::json;

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

json advice_list(const knowledge::Knowledge& kb, const std::vector<std::string>& ids) {
  json out = json::array();
  for (const auto& id : ids) {
    if (const auto* a = kb.advice_item(id)) {
      out.push_back({{"id", a->id}, {"name", a->name}, {"text", a->text}, {"cite", a->cite}});
    }
  }
  return out;
}

json reasons(const knowledge::Knowledge& kb, const std::vector<knowledge::Reason>& rs) {
  json out = json::array();
  for (const auto& r : rs) {
    const auto* f = kb.finding(r.finding);
    out.push_back({{"finding", r.finding},
                   {"label", f ? f->label : r.finding},
                   {"present", r.present}});
  }
  return out;
}

void add_unique(std::vector<std::string>& into, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
  }
}

// A choice of a question. The question is built field by field rather than
// from nested initializer lists, which build every pair as an array first:
// one is built on almost every turn.
json choice(const std::string& id, const std::string& label) {
  json c = json::object();
  c["id"] = id;
  c["label"] = label;
  return c;
}

}  // namespace

std::string fill(std::string text, const EngineSettings& settings) {
  const std::string key = "{emergency_number}";
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
    text.replace(pos, key.size(), settings.emergency_number);
    pos += settings.emergency_number.size();
  }
  return text;
}

Message question_message(const knowledge::Question& q, int asked, const EngineSettings& settings) {
  json choices = json::array();
  if (q.type == AnswerType::yes_no) {
    choices.push_back(choice("yes", "Yes"));
    choices.push_back(choice("no", "No"));
    choices.push_back(choice("unsure", "I'm not sure"));
  }
  for (const auto& c : q.choices) choices.push_back(choice(c.id, c.label));
  json progress = json::object();
  progress["asked"] = asked;
  progress["max"] = settings.max_questions;
  json m = json::object();
  m["type"] = "question";
  m["slot"] = q.slot;
  m["text"] = fill(q.text, settings);
  m["answer_type"] = std::string(to_string(q.type));
  m["why"] = q.why;
  m["progress"] = std::move(progress);
  if (!choices.empty()) m["choices"] = std::move(choices);
  if (!q.snomed.empty()) m["snomed"] = q.snomed;
  if (q.type == AnswerType::number) m["range"] = {q.min, q.max};
  return m;
}

Message complaint_question() {
  return {{"type", "question"},
          {"slot", "complaint"},
          {"text", "In your own words, what is troubling you about your calf or lower leg?"},
          {"answer_type", "text"},
          {"why", "What you say in your own words often answers several questions at once."},
          {"progress", {{"asked", 0}}}};
}

Message info_message(const std::string& text) { return {{"type", "info"}, {"text", text}}; }

Message error_message(const std::string& code, const std::string& text) {
  return {{"type", "error"}, {"code", code}, {"text", text}};
}

Message escalation_message(Triage level, const std::vector<Fired>& fired,
                           const EngineSettings& settings) {
  std::string text;
  json rules = json::array();
  for (const auto& f : fired) {
    if (f.level != level) continue;
    rules.push_back(f.rule->id);
    if (text.empty()) {
      text = fill(f.rule->text, settings);
      if (f.on_unsure) {
        text = "You weren't sure about some of the warning signs I asked about, so to be safe: " +
               text;
      }
    }
  }
  return {{"type", "escalation"},
          {"level", std::string(to_string(level))},
          {"text", text},
          {"rules", rules},
          {"emergency_number", settings.emergency_number}};
}

Triage outcome_triage(const knowledge::Knowledge& kb, const knowledge::Model& model,
                      const State& s) {
  Triage t = s.escalated ? static_cast<Triage>(*s.escalated) : Triage::self_care;
  for (const auto& f : evaluate_rules(kb, model, s)) t = std::max(t, f.level);
  std::vector<double> post = model.posterior(known_of(kb, s));
  size_t lead = static_cast<size_t>(std::max_element(post.begin(), post.end()) - post.begin());
  for (size_t c = 0; c < post.size(); ++c) {
    if (c == lead || post[c] >= kUrgencyFloor) t = std::max(t, kb.conditions[c].urgency);
  }
  return t;
}

Message outcome_message(const knowledge::Knowledge& kb, const knowledge::Model& model,
                        const State& s, Triage triage, const EngineSettings& settings) {
  const knowledge::Known known = known_of(kb, s);
  std::vector<knowledge::Ranked> ranked = model.rank(known);
  json conditions = json::array();
  std::vector<std::string> tests, self_care, safety_net;
  for (size_t i = 0; i < ranked.size() && i < kShownConditions; ++i) {
    const auto& r = ranked[i];
    const auto* c = kb.condition(r.condition);
    conditions.push_back({{"id", r.condition},
                          {"name", c->name},
                          {"patient_name", c->patient_name},
                          {"summary", c->summary},
                          {"score", std::round(r.score * 1000) / 1000},
                          {"for", reasons(kb, r.for_it)},
                          {"against", reasons(kb, r.against_it)},
                          {"urgency", std::string(to_string(c->urgency))},
                          {"cite", c->cite}});
    if (i < 3) {
      add_unique(tests, c->tests);
      add_unique(safety_net, c->safety_net);
      if (i == 0 || r.score >= kUrgencyFloor) add_unique(self_care, c->self_care);
    }
  }
  // Self-care is no answer to an urgent problem; keep only the safety net then.
  if (triage >= Triage::urgent) self_care.clear();
  const knowledge::WellsScore w = model.wells(known);
  json parts = json::array();
  for (const auto& p : w.parts) {
    parts.push_back({{"id", p.id},
                     {"label", p.label},
                     {"points", p.points},
                     {"answer", p.known > 0 ? "yes" : p.known < 0 ? "no" : "unknown"}});
  }
  std::vector<std::string> fired;
  for (const auto& f : evaluate_rules(kb, model, s)) fired.push_back(f.rule->id);
  return {{"type", "outcome"},
          {"triage", std::string(to_string(triage))},
          {"text", fill(triage_text(triage), settings)},
          {"conditions", conditions},
          {"wells",
           {{"total", w.total},
            {"likely", w.likely},
            {"complete", w.complete},
            {"parts", parts},
            {"note", "Two-level DVT Wells score (NICE NG158) from your answers. A clinician also "
                     "weighs whether another cause is as likely (-2 points), which only an "
                     "examination can tell."}}},
          {"tests", advice_list(kb, tests)},
          {"self_care", advice_list(kb, self_care)},
          {"safety_net", advice_list(kb, safety_net)},
          {"red_flags", fired},
          {"emergency_number", settings.emergency_number},
          {"disclaimer", kb.disclaimer},
          {"knowledge_version", kb.version}};
}

}  // namespace calfbot::dialog
