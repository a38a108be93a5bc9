#include "bot/clinic/summary.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "bot/clinic/answers.h"
#include "bot/message_json.h"
#include "dialog/interlock.h"
#include "dialog/render.h"

namespace calfbot::bot::clinic {

using dialog::Value;
using knowledge::AnswerType;
using nlohmann::json;

namespace {

constexpr size_t kExaminationItems = 6;
constexpr double kMinExaminationBits = 0.01;

const char* phase_title(std::string_view phase) {
  if (phase == "about") return "Patient";
  if (phase == "site") return "Site";
  if (phase == "safety") return "Safety screen";
  if (phase == "onset") return "Onset";
  if (phase == "character") return "Character";
  if (phase == "radiation") return "Radiation";
  if (phase == "associated") return "Associated symptoms";
  if (phase == "timing") return "Time course";
  if (phase == "triggers") return "Exacerbating and relieving factors";
  if (phase == "severity") return "Severity";
  if (phase == "risk") return "Risk factors and background";
  return "Other";
}

void predicate_findings(const knowledge::Predicate& p, std::set<std::string>& out) {
  if (p.kind == knowledge::Predicate::Kind::finding) out.insert(p.name);
  for (const auto& c : p.children) predicate_findings(c, out);
}

// Findings whose absence a clinician wants written down: those of red-flag
// rules, of the Wells score and of the yes/no questions.
std::set<std::string> pertinent_findings(const knowledge::Knowledge& kb) {
  std::set<std::string> out;
  for (const auto& r : kb.red_flags) predicate_findings(r.when, out);
  for (const auto& w : kb.wells) out.insert(w.finding);
  for (const auto& q : kb.questions) {
    if (q.type == AnswerType::yes_no) out.insert(q.finding);
  }
  return out;
}

// The phase of the first question that asks about each finding.
std::map<std::string, std::string> phase_of_findings(const knowledge::Knowledge& kb) {
  std::map<std::string, std::string> out;
  for (const auto& q : kb.questions) {
    if (!q.finding.empty()) out.emplace(q.finding, q.phase);
    for (const auto& c : q.choices) {
      for (const auto& f : c.sets) out.emplace(f, q.phase);
    }
  }
  return out;
}

json finding_item(const knowledge::Knowledge& kb, const std::string& id, const std::string& slot) {
  const auto* f = kb.finding(id);
  json j = {{"finding", id}, {"label", f ? f->label : id}};
  if (!slot.empty()) j["slot"] = slot;
  if (f && !f->snomed.empty()) j["snomed"] = f->snomed;
  return j;
}

std::string number_text(const knowledge::Question& q, double v) {
  if (q.type == AnswerType::duration) return format_duration_days(v);
  if (q.number == "severity") return format_number(v) + " out of 10";
  if (q.number == "age") return format_number(v) + " years";
  return format_number(v);
}

struct Builder {
  const knowledge::Knowledge& kb;
  const dialog::State& s;
  std::set<std::string> pertinent;
  std::set<std::string> placed;  // findings already written somewhere
  std::map<std::string, json> phases;  // phase -> {reported, negatives, unsure}
  json negatives = json::array();
  json unsure = json::array();

  json& phase(const std::string& p) {
    auto it = phases.find(p);
    if (it == phases.end()) {
      it = phases.emplace(p, json{{"phase", p},
                                  {"title", phase_title(p)},
                                  {"reported", json::array()},
                                  {"negatives", json::array()},
                                  {"unsure", json::array()}})
               .first;
    }
    return it->second;
  }

  void negative(const std::string& p, const std::string& finding, const std::string& slot) {
    if (!placed.insert(finding).second || !pertinent.count(finding)) return;
    json item = finding_item(kb, finding, slot);
    phase(p)["negatives"].push_back(item);
    negatives.push_back(item);
  }

  void not_sure(const std::string& p, json item) {
    if (item.contains("finding") && !placed.insert(item["finding"].get<std::string>()).second) return;
    phase(p)["unsure"].push_back(item);
    unsure.push_back(std::move(item));
  }

  void question(const knowledge::Question& q) {
    QuestionAnswer a = answer_of(q, s);
    json words = a.words;
    switch (a.kind) {
      case QuestionAnswer::Kind::none: return;
      case QuestionAnswer::Kind::yes: {
        json item = finding_item(kb, q.finding, q.slot);
        if (!words.empty()) item["patient_words"] = words;
        if (!placed.insert(q.finding).second) return;
        phase(q.phase)["reported"].push_back(item);
        return;
      }
      case QuestionAnswer::Kind::no:
        if (!q.finding.empty()) return negative(q.phase, q.finding, q.slot);
        for (const auto& c : q.choices) {
          for (const auto& f : c.sets) negative(q.phase, f, q.slot);
        }
        return;
      case QuestionAnswer::Kind::unsure:
        if (!q.finding.empty()) return not_sure(q.phase, finding_item(kb, q.finding, q.slot));
        return not_sure(q.phase, {{"slot", q.slot}, {"label", q.text}});
      case QuestionAnswer::Kind::number:
        phase(q.phase)["reported"].push_back(
            {{"slot", q.slot}, {"question", q.text}, {"answer", number_text(q, a.number)},
             {"value", a.number}});
        return;
      case QuestionAnswer::Kind::choices: break;
    }
    std::string labels;
    json ids = json::array();
    for (const auto* c : a.chosen) {
      labels += (labels.empty() ? "" : ", ") + c->label;
      ids.push_back(c->id);
      for (const auto& f : c->sets) placed.insert(f);
    }
    json item = {{"slot", q.slot}, {"question", q.text}, {"answer", labels}, {"choices", ids}};
    if (!q.snomed.empty()) item["snomed"] = q.snomed;
    if (!words.empty()) item["patient_words"] = words;
    phase(q.phase)["reported"].push_back(item);
    // The items not chosen: absences worth noting, and the ones not known.
    for (const auto& c : q.choices) {
      for (const auto& f : c.sets) {
        if (s.get(f) == Value::no) negative(q.phase, f, q.slot);
        if (s.get(f) == Value::unsure) not_sure(q.phase, finding_item(kb, f, q.slot));
      }
    }
  }

  // Findings the patient stated that no question's answer has covered.
  void remaining(const std::map<std::string, std::string>& phase_of) {
    for (const auto& [id, v] : s.findings) {
      const auto* f = kb.finding(id);
      if (!f || !f->derived_from.empty() || placed.count(id)) continue;
      auto it = phase_of.find(id);
      std::string p = it == phase_of.end() ? "associated" : it->second;
      if (v == Value::yes) {
        placed.insert(id);
        phase(p)["reported"].push_back(finding_item(kb, id, ""));
      } else if (v == Value::no) {
        negative(p, id, "");
      } else if (v == Value::unsure) {
        not_sure(p, finding_item(kb, id, ""));
      }
    }
  }
};

json red_flags(const knowledge::Knowledge& kb, const knowledge::Model& model,
               const dialog::State& s, const dialog::EngineSettings& settings) {
  std::vector<dialog::Fired> now = dialog::evaluate_rules(kb, model, s);
  std::vector<std::string> ids = s.fired_rules;
  for (const auto& f : now) {
    if (std::find(ids.begin(), ids.end(), f.rule->id) == ids.end()) ids.push_back(f.rule->id);
  }
  json out = json::array();
  for (const auto& id : ids) {
    auto rule = std::find_if(kb.red_flags.begin(), kb.red_flags.end(),
                             [&](const knowledge::RedFlagRule& r) { return r.id == id; });
    if (rule == kb.red_flags.end()) continue;
    auto fired = std::find_if(now.begin(), now.end(),
                              [&](const dialog::Fired& f) { return f.rule->id == id; });
    knowledge::Triage level = fired == now.end() ? rule->level : fired->level;
    out.push_back({{"id", id},
                   {"level", std::string(knowledge::to_string(level))},
                   {"text", dialog::fill(rule->text, settings)},
                   {"holds_now", fired != now.end()},
                   {"on_unsure", fired != now.end() && fired->on_unsure},
                   {"cite", rule->cite}});
  }
  return out;
}

json examination(const knowledge::Knowledge& kb, const knowledge::Model& model,
                 const knowledge::Known& known, const json& wells) {
  json out = json::array();
  std::set<std::string> seen;
  for (const auto& p : wells["parts"]) {
    if (p["answer"] != "unknown") continue;
    out.push_back({{"label", p["label"]}, {"reason", "wells"}});
  }
  std::vector<double> posterior = model.posterior(known);
  std::vector<std::pair<double, size_t>> open;
  for (size_t i = 0; i < kb.findings.size(); ++i) {
    if (known[i] != 0 || !kb.findings[i].derived_from.empty()) continue;
    double bits = model.information(posterior, {static_cast<int>(i)}, false);
    if (bits >= kMinExaminationBits) open.emplace_back(bits, i);
  }
  std::sort(open.begin(), open.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; k < open.size() && k < kExaminationItems; ++k) {
    json item = finding_item(kb, kb.findings[open[k].second].id, "");
    item["reason"] = "separates the leading causes";
    item["information_bits"] = std::round(open[k].first * 1000) / 1000;
    out.push_back(item);
  }
  return out;
}

}  // namespace

json build_summary(const knowledge::Knowledge& kb, const knowledge::Model& model,
                   const dialog::State& s, const dialog::EngineSettings& settings) {
  const knowledge::Known known = dialog::known_of(kb, s);
  const knowledge::Triage triage = dialog::outcome_triage(kb, model, s);
  // The causes, Wells score and tests as the outcome shows them to the patient.
  const json outcome = message_json(dialog::outcome_message(kb, model, s, triage, settings));

  Builder b{kb, s, pertinent_findings(kb), {}, {}, json::array(), json::array()};
  for (std::string_view p : knowledge::kPhases) {
    for (const auto& q : kb.questions) {
      if (q.phase == p) b.question(q);
    }
  }
  b.remaining(phase_of_findings(kb));
  json history = json::array();
  for (std::string_view p : knowledge::kPhases) {
    auto it = b.phases.find(std::string(p));
    if (it != b.phases.end()) history.push_back(it->second);
  }

  json causes = json::array();
  for (const auto& c : outcome["conditions"]) {
    const auto* cond = kb.condition(c["id"].get<std::string>());
    json item = {{"id", c["id"]},  {"name", c["name"]},   {"score", c["score"]},
                 {"urgency", c["urgency"]}, {"for", c["for"]}, {"against", c["against"]},
                 {"cite", c["cite"]}};
    if (cond && !cond->snomed.empty()) item["snomed"] = cond->snomed;
    if (cond && !cond->icd10.empty()) item["icd10"] = cond->icd10;
    causes.push_back(item);
  }
  json wells = outcome["wells"];
  wells["note"] =
      "Two-level DVT Wells score (NICE NG158) from the patient's answers. The item 'an "
      "alternative diagnosis at least as likely as DVT' (-2) needs an examination and is not "
      "scored here.";
  json tests = json::array();
  for (const auto& t : outcome["tests"]) {
    tests.push_back({{"id", t["id"]}, {"name", t["name"]}, {"text", t["text"]}, {"cite", t["cite"]}});
  }
  json escalation = s.escalated
                        ? json(std::string(knowledge::to_string(static_cast<knowledge::Triage>(*s.escalated))))
                        : json(nullptr);
  return {{"complete", s.phase == dialog::State::Phase::done},
          {"triage", std::string(knowledge::to_string(triage))},
          {"escalation", escalation},
          {"started", iso8601_utc(s.started_unix)},
          {"questions_asked", s.asked.size()},
          {"complaint", complaint_words(s)},
          {"history", history},
          {"pertinent_negatives", b.negatives},
          {"dont_know", b.unsure},
          {"red_flags", red_flags(kb, model, s, settings)},
          {"wells", wells},
          {"causes", causes},
          {"examination", examination(kb, model, known, wells)},
          {"tests", tests},
          {"patient_words", patient_words(s)},
          {"knowledge_version", s.knowledge_version}};
}

}  // namespace calfbot::bot::clinic
