#include "dialog/interlock.h"

#include <algorithm>

namespace calfbot::dialog {

using knowledge::Predicate;
using knowledge::Triage;

knowledge::Known known_of(const knowledge::Knowledge& kb, const State& s) {
  knowledge::Known k(kb.findings.size(), 0);
  for (const auto& [id, v] : s.findings) {
    int i = kb.finding_index(id);
    if (i < 0) continue;
    k[static_cast<size_t>(i)] = v == Value::yes ? 1 : v == Value::no ? -1 : 0;
  }
  return k;
}

namespace {

// The Wells total (Model::wells) of what the state says, read from it directly;
// with unsure_as_yes a "not sure" counts as present. Sets read_unsure when it
// reads a "not sure".
int wells_total(const knowledge::Knowledge& kb, const knowledge::Model& model, const State& s,
                bool unsure_as_yes, bool& read_unsure) {
  int total = 0;
  for (const auto& item : model.wells_items()) {
    bool present = std::any_of(item.findings.begin(), item.findings.end(), [&](int f) {
      if (f < 0) return false;
      Value v = s.get(kb.findings[static_cast<size_t>(f)].id);
      read_unsure |= v == Value::unsure;
      return v == Value::yes || (unsure_as_yes && v == Value::unsure);
    });
    if (present) total += item.points;
  }
  return total;
}

// holds(), and whether it read a "not sure" answer (read_unsure is set, never
// cleared). When it read none, the other reading of "not sure" gives the same
// result: every value read compares the same, so the same path is taken.
bool judge(const Predicate& p, const knowledge::Knowledge& kb, const knowledge::Model& model,
           const State& s, bool unsure_as_yes, bool& read_unsure) {
  switch (p.kind) {
    case Predicate::Kind::always: return true;
    case Predicate::Kind::finding: {
      Value v = s.get(p.name);
      read_unsure |= v == Value::unsure;
      return v == Value::yes || (unsure_as_yes && v == Value::unsure);
    }
    case Predicate::Kind::all:
      return std::all_of(p.children.begin(), p.children.end(), [&](const Predicate& c) {
        return judge(c, kb, model, s, unsure_as_yes, read_unsure);
      });
    case Predicate::Kind::any:
      return std::any_of(p.children.begin(), p.children.end(), [&](const Predicate& c) {
        return judge(c, kb, model, s, unsure_as_yes, read_unsure);
      });
    case Predicate::Kind::negate:
      // Three-valued: "not X" is possible unless X is certain, and certain only
      // if X is not even possible. So an unsure X never hides a rule.
      return !judge(p.children.at(0), kb, model, s, !unsure_as_yes, read_unsure);
    case Predicate::Kind::wells_at_least:
      return wells_total(kb, model, s, unsure_as_yes, read_unsure) >= p.value;
    case Predicate::Kind::number_at_least: {
      auto it = s.numbers.find(p.name);
      return it != s.numbers.end() && it->second >= p.value;
    }
  }
  return false;
}

}  // namespace

bool holds(const Predicate& p, const knowledge::Knowledge& kb, const knowledge::Model& model,
           const State& s, bool unsure_as_yes) {
  bool read_unsure = false;
  return judge(p, kb, model, s, unsure_as_yes, read_unsure);
}

std::vector<Fired> evaluate_rules(const knowledge::Knowledge& kb, const knowledge::Model& model,
                                  const State& s) {
  std::vector<Fired> out;
  for (const auto& rule : kb.red_flags) {
    // Judged again with "not sure" as yes only when that could change the result.
    bool read_unsure = false;
    if (judge(rule.when, kb, model, s, false, read_unsure)) {
      out.push_back({&rule, rule.level, false});
    } else if (read_unsure && holds(rule.when, kb, model, s, true)) {
      out.push_back({&rule, std::min(rule.level, Triage::urgent), true});
    }
  }
  return out;
}

}  // namespace calfbot::dialog
