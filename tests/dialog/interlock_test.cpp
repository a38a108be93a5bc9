// The red-flag interlock over the real knowledge: each rule fires when its
// condition holds, clinical scenarios get the right level, and "not sure"
// answers err towards care without claiming an emergency.
#include "dialog/interlock.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "knowledge/loader.h"

namespace calfbot::dialog {
namespace {

using knowledge::Predicate;
using knowledge::Triage;

class Interlock : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = knowledge::load_embedded();
    ASSERT_TRUE(r.ok());
    kb_ = r.knowledge;
    model_ = std::make_unique<knowledge::Model>(*kb_);
  }

  static State with(std::initializer_list<std::pair<const char*, Value>> fs) {
    State s;
    for (const auto& [f, v] : fs) s.findings[f] = v;
    return s;
  }

  // The highest level any rule gives, or nullopt.
  static std::optional<Triage> level(const State& s) {
    std::optional<Triage> out;
    for (const auto& f : evaluate_rules(*kb_, *model_, s)) out = std::max(out.value_or(f.level), f.level);
    return out;
  }

  static bool fired(const State& s, const std::string& rule) {
    auto fs = evaluate_rules(*kb_, *model_, s);
    return std::any_of(fs.begin(), fs.end(), [&](const Fired& f) { return f.rule->id == rule; });
  }

  // Makes a predicate hold by setting the findings it needs (first branch of
  // every "any"; "not" is left unknown, which never satisfies its child).
  static void satisfy(const Predicate& p, State& s) {
    switch (p.kind) {
      case Predicate::Kind::finding: s.findings[p.name] = Value::yes; break;
      case Predicate::Kind::all:
        for (const auto& c : p.children) satisfy(c, s);
        break;
      case Predicate::Kind::any: satisfy(p.children.front(), s); break;
      case Predicate::Kind::wells_at_least:
        for (const auto& w : kb_->wells) s.findings[w.finding] = Value::yes;
        break;
      case Predicate::Kind::number_at_least: s.numbers[p.name] = p.value; break;
      default: break;
    }
  }

  static std::shared_ptr<const knowledge::Knowledge> kb_;
  static std::unique_ptr<knowledge::Model> model_;
};

std::shared_ptr<const knowledge::Knowledge> Interlock::kb_;
std::unique_ptr<knowledge::Model> Interlock::model_;

TEST_F(Interlock, EveryRuleFiresWhenItsConditionHolds) {
  ASSERT_GE(kb_->red_flags.size(), 10u);
  for (const auto& rule : kb_->red_flags) {
    State s;
    satisfy(rule.when, s);
    EXPECT_TRUE(fired(s, rule.id)) << rule.id;
    EXPECT_GE(level(s).value_or(Triage::self_care), rule.level) << rule.id;
  }
}

TEST_F(Interlock, NothingFiresOnAPlainCramp) {
  State s = with({{"cramping_tight", Value::yes}, {"bilateral", Value::yes},
                  {"woke_at_night", Value::yes}, {"breathless", Value::no},
                  {"chest_pain", Value::no}, {"calf_swelling", Value::no}});
  EXPECT_FALSE(level(s).has_value());
}

TEST_F(Interlock, AnyPulmonaryEmbolismSignIsAnEmergency) {
  for (const char* f : {"breathless", "chest_pain", "coughing_blood", "fainting",
                        "pe_symptom_unspecified"}) {
    EXPECT_EQ(level(with({{f, Value::yes}})), Triage::emergency) << f;
  }
}

TEST_F(Interlock, ColdPaleFootIsAnEmergency) {
  EXPECT_EQ(level(with({{"cold_pale_foot", Value::yes}})), Triage::emergency);
}

TEST_F(Interlock, TenseSeverePainAfterABlowIsAnEmergency) {
  State s = with({{"tense_calf", Value::yes}, {"pain_out_of_proportion", Value::yes},
                  {"direct_blow", Value::yes}});
  EXPECT_TRUE(fired(s, "compartment_syndrome"));
  EXPECT_EQ(level(s), Triage::emergency);
}

TEST_F(Interlock, DeformedLegIsAnEmergency) {
  EXPECT_EQ(level(with({{"deformity", Value::yes}, {"major_trauma", Value::yes}})),
            Triage::emergency);
}

TEST_F(Interlock, FeverWithHotRedLegAndSeverePainIsAnEmergency) {
  State s = with({{"fever", Value::yes}, {"redness", Value::yes}, {"warmth", Value::yes},
                  {"severe_pain", Value::yes}});
  EXPECT_EQ(level(s), Triage::emergency);
  s.findings["severe_pain"] = Value::no;
  EXPECT_EQ(level(s), Triage::urgent);  // still same-day: infection
}

TEST_F(Interlock, PopWithoutPushOffIsUrgent) {
  EXPECT_EQ(level(with({{"heard_pop", Value::yes}, {"cannot_push_off", Value::yes}})),
            Triage::urgent);
}

TEST_F(Interlock, WellsLikelyIsUrgent) {
  State s = with({{"active_cancer", Value::yes}, {"previous_dvt", Value::yes}});
  EXPECT_TRUE(fired(s, "dvt_likely"));
  EXPECT_GE(level(s), Triage::urgent);
}

TEST_F(Interlock, OneSidedSwellingAfterAFlightIsUrgent) {
  State s = with({{"calf_swelling", Value::yes}, {"side_left", Value::yes},
                  {"bilateral", Value::no}, {"long_travel", Value::yes}});
  EXPECT_EQ(level(s), Triage::urgent);
}

TEST_F(Interlock, UnsureAboutABreathingSymptomIsUrgentNotEmergency) {
  State s = with({{"breathless", Value::unsure}});
  auto fs = evaluate_rules(*kb_, *model_, s);
  ASSERT_TRUE(fired(s, "pe_signs"));
  for (const auto& f : fs) {
    if (f.rule->id == "pe_signs") {
      EXPECT_TRUE(f.on_unsure);
      EXPECT_EQ(f.level, Triage::urgent);
    }
  }
}

TEST_F(Interlock, UnsureInsideNotDoesNotHideARule) {
  // "swelling on one side with a risk factor": unsure whether both legs are
  // affected must not stop the rule from being considered.
  State s = with({{"calf_swelling", Value::yes}, {"bilateral", Value::unsure},
                  {"long_travel", Value::yes}});
  EXPECT_TRUE(fired(s, "swelling_with_vte_risk"));
}

TEST_F(Interlock, WellsScoreCountsEachItemOnce) {
  State s = with({{"bedridden", Value::yes}, {"recent_surgery", Value::yes}});
  auto w = model_->wells(known_of(*kb_, s));
  EXPECT_EQ(w.total, 1);
  EXPECT_FALSE(w.likely);
  EXPECT_FALSE(w.complete);
  s.findings["calf_bigger"] = Value::yes;
  w = model_->wells(known_of(*kb_, s));
  EXPECT_EQ(w.total, 2);
  EXPECT_TRUE(w.likely);
}

TEST_F(Interlock, WellsScoreIsCompleteWhenEveryItemIsAnswered) {
  State s;
  for (const auto& item : kb_->wells) s.findings[item.finding] = Value::no;
  auto w = model_->wells(known_of(*kb_, s));
  EXPECT_TRUE(w.complete);
  EXPECT_EQ(w.total, 0);
  for (const auto& p : w.parts) EXPECT_EQ(p.known, -1) << p.id;
}

}  // namespace
}  // namespace calfbot::dialog
