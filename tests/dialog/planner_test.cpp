// Question choice on a knowledge made for the test: what makes a question a
// must, and when the planner stops.
#include "dialog/planner.h"

#include <gtest/gtest.h>

#include "dialog/interlock.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {
namespace {

using knowledge::Predicate;

Predicate finding(const knowledge::Knowledge& kb, const char* id) {
  Predicate p;
  p.kind = Predicate::Kind::finding;
  p.name = id;
  p.finding = kb.finding_index(id);
  return p;
}

// Findings a, b, c; a yes/no question about each; two causes that a, b and c
// hardly tell apart; an emergency rule "a and b".
knowledge::Knowledge small_kb() {
  knowledge::Knowledge kb;
  for (const char* id : {"a", "b", "c"}) {
    knowledge::Finding f;
    f.id = id;
    f.default_likelihood = 0.5;
    kb.findings.push_back(f);
    knowledge::Question q;
    q.slot = std::string("q") + id;
    q.phase = "associated";
    q.finding = id;
    kb.questions.push_back(q);
  }
  for (const char* id : {"x", "y"}) {
    knowledge::Condition c;
    c.id = id;
    c.prior = 0.5;
    kb.conditions.push_back(c);
  }
  knowledge::RedFlagRule rule;
  rule.id = "a_and_b";
  rule.level = knowledge::Triage::emergency;
  rule.when.kind = Predicate::Kind::all;
  rule.when.children = {finding(kb, "a"), finding(kb, "b")};
  kb.red_flags.push_back(rule);
  return kb;
}

TEST(Planner, AnEmergencyRuleOneFindingShortAsksForIt) {
  const knowledge::Knowledge kb = small_kb();
  const knowledge::Model model(kb);
  const Planner planner(kb, model);
  EngineSettings settings;
  settings.min_questions = 0;
  settings.stop_confidence = 0.0;  // nothing is worth asking for the ranking
  State s;
  // Nothing said yet: no rule has started, so nothing is a must.
  EXPECT_EQ(planner.next(Facts(kb, model, s), settings).next, nullptr);
  // "b" said: the rule is one finding short, so "a" is asked.
  s.findings["b"] = Value::yes;
  const Plan plan = planner.next(Facts(kb, model, s), settings);
  ASSERT_NE(plan.next, nullptr);
  EXPECT_EQ(plan.next->slot, "qa");
  // "a" already answered no: nothing is short, the outcome may come.
  s.findings["a"] = Value::no;
  EXPECT_EQ(planner.next(Facts(kb, model, s), settings).next, nullptr);
}

}  // namespace
}  // namespace calfbot::dialog
