#include "dialog/interlock.h"

#include <algorithm>

namespace calfbot::dialog {

using knowledge::Predicate;
using knowledge::Triage;

namespace {

// A finding's value as the inference model reads it: +1 yes, -1 no, 0 else.
int8_t known_value(Value v) { return v == Value::yes ? 1 : v == Value::no ? -1 : 0; }

}  // namespace

knowledge::Known known_of(const knowledge::Knowledge& kb, const State& s) {
  knowledge::Known k(kb.findings.size(), 0);
  for (const auto& [id, v] : s.findings) {
    int i = kb.finding_index(id);
    if (i < 0) continue;
    k[static_cast<size_t>(i)] = known_value(v);
  }
  return k;
}

Facts::Facts(const knowledge::Knowledge& kb, const knowledge::Model& model, const State& s)
    : kb_(kb), model_(model), s_(s) {
  reload();
}

void Facts::reload() {
  by_index_.assign(kb_.findings.size(), Value::unknown);
  for (const auto& [id, v] : s_.findings) {
    int i = model_.finding_index(id);
    if (i >= 0) by_index_[static_cast<size_t>(i)] = v;
  }
}

Value Facts::get(std::string_view finding) const {
  int i = model_.finding_index(finding);
  // A finding the knowledge does not have can still be in a stored state.
  return i >= 0 ? at(i) : s_.get(std::string(finding));
}

knowledge::Known Facts::known() const {
  knowledge::Known k(by_index_.size(), 0);
  for (size_t i = 0; i < by_index_.size(); ++i) {
    k[i] = known_value(by_index_[i]);
  }
  return k;
}

namespace {

// What a judgement read: whether any answer was "not sure", and (when asked
// for) which findings those were.
struct Read {
  bool unsure = false;
  std::vector<int>* which = nullptr;
  void note(int f, Value v) {
    if (v != Value::unsure) return;
    unsure = true;
    if (which && std::find(which->begin(), which->end(), f) == which->end()) which->push_back(f);
  }
};

// The Wells total (Model::wells) of what the state says, read from it directly;
// with unsure_as_yes a "not sure" counts as present.
int wells_total(const Facts& facts, bool unsure_as_yes, Read& read) {
  int total = 0;
  for (const auto& item : facts.model().wells_items()) {
    bool present = std::any_of(item.findings.begin(), item.findings.end(), [&](int f) {
      if (f < 0) return false;
      Value v = facts.at(f);
      read.note(f, v);
      return v == Value::yes || (unsure_as_yes && v == Value::unsure);
    });
    if (present) total += item.points;
  }
  return total;
}

// holds(), and whether it read a "not sure" answer (read.unsure is set, never
// cleared). When it read none, the other reading of "not sure" gives the same
// result: every value read compares the same, so the same path is taken.
bool judge(const Predicate& p, const Facts& facts, bool unsure_as_yes, Read& read) {
  switch (p.kind) {
    case Predicate::Kind::always: return true;
    case Predicate::Kind::finding: {
      Value v = facts.get(p.finding, p.name);
      read.note(p.finding, v);
      return v == Value::yes || (unsure_as_yes && v == Value::unsure);
    }
    case Predicate::Kind::all:
      return std::all_of(p.children.begin(), p.children.end(), [&](const Predicate& c) {
        return judge(c, facts, unsure_as_yes, read);
      });
    case Predicate::Kind::any:
      return std::any_of(p.children.begin(), p.children.end(), [&](const Predicate& c) {
        return judge(c, facts, unsure_as_yes, read);
      });
    case Predicate::Kind::negate:
      // Three-valued: "not X" is possible unless X is certain, and certain only
      // if X is not even possible. So an unsure X never hides a rule.
      return !judge(p.children.at(0), facts, !unsure_as_yes, read);
    case Predicate::Kind::wells_at_least:
      return wells_total(facts, unsure_as_yes, read) >= p.value;
    case Predicate::Kind::number_at_least: {
      const auto& numbers = facts.state().numbers;
      auto it = numbers.find(p.name);
      return it != numbers.end() && it->second >= p.value;
    }
  }
  return false;
}

}  // namespace

bool holds(const Predicate& p, const knowledge::Knowledge& kb, const knowledge::Model& model,
           const State& s, bool unsure_as_yes) {
  return holds(p, Facts(kb, model, s), unsure_as_yes);
}

bool holds(const Predicate& p, const Facts& facts, bool unsure_as_yes) {
  Read read;
  return judge(p, facts, unsure_as_yes, read);
}

std::vector<Fired> evaluate_rules(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                  const State& s) {
  return evaluate_rules(Facts(kb, model, s));
}

std::vector<Fired> evaluate_rules(const Facts& facts) {
  std::vector<Fired> out;
  for (const auto& rule : facts.kb().red_flags) {
    // Judged again with "not sure" as yes only when that could change the result.
    Read read;
    if (judge(rule.when, facts, false, read)) {
      out.push_back({&rule, rule.level, false, false, {}});
      continue;
    }
    if (!read.unsure) continue;
    std::vector<int> which;
    Read again{false, &which};
    if (!judge(rule.when, facts, true, again)) continue;
    Fired f{&rule, std::min(rule.level, Triage::urgent), true, false, {}};
    f.watch = rule.plausible_if && !holds(*rule.plausible_if, facts, false);
    for (int i : which) {
      if (i >= 0) f.unsure.push_back(facts.kb().findings[static_cast<size_t>(i)].id);
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace calfbot::dialog
