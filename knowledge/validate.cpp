// Cross-reference checks over a parsed Knowledge: every id an entry names
// must exist, ids must be unique, every condition of DESIGN.md must be there.
#include <map>
#include <set>

#include "knowledge/parse.h"

namespace calfbot::knowledge::detail {

namespace {

class Checker {
 public:
  Checker(const Knowledge& kb, std::vector<LoadError>& errors) : kb_(kb), errors_(errors) {
    for (const auto& s : kb.sources) sources_.insert(s.id);
    for (const auto& f : kb.findings) findings_.insert(f.id);
  }

  void fail(const std::string& file, const std::string& entry, const std::string& msg) {
    errors_.push_back({file, entry, msg});
  }

  void cites(const std::string& file, const std::string& entry,
             const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (!sources_.count(id)) fail(file, entry, "cites unknown source '" + id + "'");
    }
  }

  void finding(const std::string& file, const std::string& entry, const std::string& where,
               const std::string& id) {
    if (!findings_.count(id)) fail(file, entry, where + ": unknown finding '" + id + "'");
  }

  void predicate(const std::string& file, const std::string& entry, const std::string& where,
                 const Predicate& p) {
    if (p.kind == Predicate::Kind::finding) finding(file, entry, where, p.name);
    for (const auto& ch : p.children) predicate(file, entry, where, ch);
  }

  template <typename T>
  void unique(const std::string& file, const std::vector<T>& items, std::string T::*key) {
    std::set<std::string> seen;
    for (const auto& it : items) {
      if (!seen.insert(it.*key).second) fail(file, it.*key, "duplicate id");
    }
  }

  void advice_refs(const std::string& file, const Condition& c) {
    const std::pair<const char*, const std::vector<std::string>*> lists[] = {
        {"test", &c.tests},           {"treatment", &c.treatments}, {"self_care", &c.self_care},
        {"prevention", &c.prevention}, {"safety_net", &c.safety_net}};
    for (const auto& [kind, ids] : lists) {
      for (const auto& id : *ids) {
        const AdviceItem* a = kb_.advice_item(id);
        if (!a) fail(file, c.id, std::string(kind) + ": unknown advice '" + id + "'");
        else if (a->kind != kind) {
          fail(file, c.id, std::string(kind) + ": advice '" + id + "' is of kind '" + a->kind + "'");
        }
      }
    }
  }

 private:
  const Knowledge& kb_;
  std::vector<LoadError>& errors_;
  std::set<std::string> sources_, findings_;
};

// Every wording of every question differs from every other, so that no
// question is ever shown twice in a row word for word.
void check_wordings(const Knowledge& kb, Checker& ck) {
  std::set<std::string> texts;
  for (const auto& q : kb.questions) {
    for (const std::string* t : {&q.text, &q.rephrase}) {
      if (!t->empty() && !texts.insert(*t).second) {
        ck.fail("questions.json", q.slot, "the wording \"" + *t + "\" is used twice");
      }
    }
  }
}

// A question's references; the findings its answers set go to `reachable`.
void check_question(const Question& q, Checker& ck, std::set<std::string>& reachable) {
  const std::string file = "questions.json";
  if (q.type == AnswerType::yes_no) {
    ck.finding(file, q.slot, "finding", q.finding);
    reachable.insert(q.finding);
  }
  std::set<std::string> choice_ids;
  for (const auto& ch : q.choices) {
    if (!choice_ids.insert(ch.id).second) ck.fail(file, q.slot, "duplicate choice '" + ch.id + "'");
    for (const auto& s : ch.sets) {
      ck.finding(file, q.slot, "choice '" + ch.id + "'", s);
      reachable.insert(s);
    }
  }
  for (const auto& s : q.on_yes) {
    ck.finding(file, q.slot, "on_yes", s);
    reachable.insert(s);
  }
  ck.predicate(file, q.slot, "ask_if", q.ask_if);
  if (q.must_if) ck.predicate(file, q.slot, "must_if", *q.must_if);
  if (q.direct) {
    for (const auto& f : q.direct->yes) {
      ck.finding(file, q.slot, "direct.yes", f);
      reachable.insert(f);
    }
    for (const auto& f : q.direct->no) ck.finding(file, q.slot, "direct.no", f);
  }
}

// Every finding cites known sources and is set by some question's answer
// (or derived from others); every question names known findings.
void check_findings(const Knowledge& kb, Checker& ck) {
  std::set<std::string> reachable;
  for (const auto& f : kb.findings) {
    ck.cites("findings.json", f.id, f.cite);
    if (!f.derived_from.empty()) reachable.insert(f.id);
  }
  for (const auto& q : kb.questions) check_question(q, ck, reachable);
  for (const auto& f : kb.findings) {
    if (!reachable.count(f.id)) ck.fail("findings.json", f.id, "no question asks about this finding");
  }
}

// Each condition once, in its own file, naming known findings, advice and
// sources; every condition DESIGN.md requires is there.
void check_conditions(const Knowledge& kb, const std::vector<std::string>& condition_files,
                      Checker& ck) {
  std::map<std::string, std::string> condition_file_of;
  for (size_t i = 0; i < kb.conditions.size(); ++i) {
    const Condition& c = kb.conditions[i];
    const std::string& file = condition_files.at(i);
    auto [seen, fresh] = condition_file_of.emplace(c.id, file);
    if (!fresh) ck.fail(file, c.id, "duplicate id (also in " + seen->second + ")");
    if (file != "conditions/" + c.id + ".json") {
      ck.fail(file, c.id, "the file name must be conditions/" + c.id + ".json");
    }
    for (const auto& [fid, _] : c.likelihoods) ck.finding(file, c.id, "likelihoods", fid);
    ck.advice_refs(file, c);
    ck.cites(file, c.id, c.cite);
  }
  for (const auto& id : required_condition_ids()) {
    if (!kb.condition(id)) ck.fail("conditions/" + id + ".json", id, "missing: DESIGN.md requires it");
  }
}

// The red flags, languages, advice and Wells items name known findings and sources.
void check_rules(const Knowledge& kb, Checker& ck) {
  for (const auto& r : kb.red_flags) {
    ck.predicate("red_flags.json", r.id, "when", r.when);
    ck.cites("red_flags.json", r.id, r.cite);
    if (r.plausible_if) ck.predicate("red_flags.json", r.id, "unsure.plausible_if", *r.plausible_if);
  }
  ck.unique("languages.json", kb.languages, &Language::id);
  for (const auto& l : kb.languages) {
    for (const auto& [f, _] : l.red_flags) ck.finding("languages.json", l.id, "red_flags", f);
    ck.cites("languages.json", l.id, l.cite);
  }
  for (const auto& a : kb.advice) ck.cites("advice.json", a.id, a.cite);
  for (const auto& w : kb.wells) ck.finding("wells.json", w.id, "finding", w.finding);
}

}  // namespace

void check_references(const Knowledge& kb, const std::vector<std::string>& condition_files,
                      std::vector<LoadError>& errors) {
  Checker ck(kb, errors);
  ck.unique("sources.json", kb.sources, &Source::id);
  ck.unique("findings.json", kb.findings, &Finding::id);
  ck.unique("questions.json", kb.questions, &Question::slot);
  ck.unique("red_flags.json", kb.red_flags, &RedFlagRule::id);
  ck.unique("advice.json", kb.advice, &AdviceItem::id);
  check_wordings(kb, ck);
  check_findings(kb, ck);
  check_conditions(kb, condition_files, ck);
  check_rules(kb, ck);
  if (kb.wells.empty()) errors.push_back({"wells.json", "", "missing: the Wells score items"});
  if (kb.questions.empty()) errors.push_back({"questions.json", "", "missing: no questions"});
}

}  // namespace calfbot::knowledge::detail
