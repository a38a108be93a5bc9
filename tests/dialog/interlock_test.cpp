// The red-flag interlock over the real knowledge: each rule fires when its
// condition holds, clinical scenarios get the right level, and "not sure"
// answers err towards care without claiming an emergency.
#include "dialog/interlock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

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

// Night cramps that are severe but fully resolving and only now and then are
// self care (clinical notes 2.10, item 10); most nights, a new medicine,
// weakness or numbness, or soreness between attacks make them worth a visit.
TEST_F(Interlock, SevereNightCrampsAreSoonOnlyWhenTheyAreDisabling) {
  auto cramps = [](std::initializer_list<std::pair<const char*, Value>> more) {
    State s = with({{"cramping_tight", Value::yes}, {"woke_at_night", Value::yes},
                    {"severe_pain", Value::yes}, {"resolves_fully", Value::yes}});
    for (const auto& [f, v] : more) s.findings[f] = v;
    return s;
  };
  EXPECT_FALSE(fired(cramps({{"frequent_attacks", Value::no}}), "disabling_night_cramps"));
  EXPECT_TRUE(fired(cramps({{"frequent_attacks", Value::yes}}), "disabling_night_cramps"));
  EXPECT_TRUE(fired(cramps({{"new_medicine", Value::yes}}), "disabling_night_cramps"));
  EXPECT_TRUE(fired(cramps({{"leg_weakness", Value::yes}}), "disabling_night_cramps"));
  EXPECT_TRUE(fired(cramps({{"resolves_fully", Value::no}}), "disabling_night_cramps"));
  EXPECT_EQ(level(cramps({{"frequent_attacks", Value::yes}})), Triage::soon);
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

TEST_F(Interlock, ARecurringStrainInARunnerIsSoonButARecurringCrampIsNot) {
  State strain = with({{"recurrent_episodes", Value::yes}, {"runner", Value::yes}});
  EXPECT_TRUE(fired(strain, "recurrent_strain"));
  EXPECT_EQ(level(strain), Triage::soon);
  State cramp = with({{"recurrent_episodes", Value::yes}, {"during_sport", Value::yes},
                      {"muscle_knot", Value::yes}, {"resolves_fully", Value::yes}});
  EXPECT_FALSE(fired(cramp, "recurrent_strain"));
}

TEST_F(Interlock, LastingTendonPainWithMorningStiffnessIsSoonEvenIfCalledAKnot) {
  State s = with({{"muscle_knot", Value::yes}, {"morning_stiffness", Value::yes}});
  s.numbers["duration_days"] = 200;
  EXPECT_TRUE(fired(s, "persistent_pain"));
  State cramp = with({{"muscle_knot", Value::yes}});
  cramp.numbers["duration_days"] = 200;
  EXPECT_FALSE(fired(cramp, "persistent_pain"));
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

// The interlock as first written, kept as the reference its faster form must
// agree with: a rule holds for certain, or else with every "not sure" taken as
// yes, each judged on its own copy of the state; Wells by way of known_of.
knowledge::WellsScore reference_wells(const knowledge::Knowledge& kb, const knowledge::Known& known) {
  std::map<std::string, knowledge::WellsPart> by_id;
  std::vector<std::string> order;
  for (const auto& item : kb.wells) {
    int f = kb.finding_index(item.finding);
    int8_t k = (f >= 0 && static_cast<size_t>(f) < known.size()) ? known[static_cast<size_t>(f)] : 0;
    auto [it, inserted] = by_id.try_emplace(item.id, knowledge::WellsPart{item.id, item.label, item.points, k});
    if (inserted) {
      order.push_back(item.id);
      continue;
    }
    int8_t& merged = it->second.known;
    merged = (k > 0 || merged > 0) ? 1 : (k < 0 && merged < 0) ? -1 : 0;
  }
  knowledge::WellsScore w;
  w.complete = true;
  for (const auto& id : order) {
    const knowledge::WellsPart& part = by_id[id];
    if (part.known > 0) w.total += part.points;
    if (part.known == 0) w.complete = false;
    w.parts.push_back(part);
  }
  w.likely = w.total >= 2;
  return w;
}

bool reference_holds(const Predicate& p, const knowledge::Knowledge& kb, const State& s,
                     bool unsure_as_yes) {
  switch (p.kind) {
    case Predicate::Kind::always: return true;
    case Predicate::Kind::finding: {
      Value v = s.get(p.name);
      return v == Value::yes || (unsure_as_yes && v == Value::unsure);
    }
    case Predicate::Kind::all:
      return std::all_of(p.children.begin(), p.children.end(),
                         [&](const Predicate& c) { return reference_holds(c, kb, s, unsure_as_yes); });
    case Predicate::Kind::any:
      return std::any_of(p.children.begin(), p.children.end(),
                         [&](const Predicate& c) { return reference_holds(c, kb, s, unsure_as_yes); });
    case Predicate::Kind::negate: return !reference_holds(p.children.at(0), kb, s, !unsure_as_yes);
    case Predicate::Kind::wells_at_least: {
      State view = s;
      if (unsure_as_yes) {
        for (auto& [id, v] : view.findings) {
          if (v == Value::unsure) v = Value::yes;
        }
      }
      return reference_wells(kb, known_of(kb, view)).total >= p.value;
    }
    case Predicate::Kind::number_at_least: {
      auto it = s.numbers.find(p.name);
      return it != s.numbers.end() && it->second >= p.value;
    }
  }
  return false;
}

std::vector<Fired> reference_rules(const knowledge::Knowledge& kb, const State& s) {
  std::vector<Fired> out;
  for (const auto& rule : kb.red_flags) {
    if (reference_holds(rule.when, kb, s, false)) {
      out.push_back({&rule, rule.level, false, false, {}});
    } else if (reference_holds(rule.when, kb, s, true)) {
      const bool watch = rule.plausible_if && !reference_holds(*rule.plausible_if, kb, s, false);
      out.push_back({&rule, std::min(rule.level, Triage::urgent), true, watch, {}});
    }
  }
  return out;
}

TEST_F(Interlock, AgreesWithTheReferenceOnRandomStates) {
  // Random states, sparse to dense, with every value a finding can have (and
  // ids the knowledge does not have), and the numbers the rules read: every
  // rule and every question's ask_if must come out as the reference says.
  std::mt19937 rng(20240611);
  std::uniform_real_distribution<double> unit(0, 1);
  std::set<std::string> fired_for_certain, fired_on_unsure;
  for (int n = 0; n < 4000; ++n) {
    State s;
    const double p_set = unit(rng) * 0.6, p_yes = unit(rng) * 0.5, p_unsure = unit(rng) * 0.3;
    for (const auto& f : kb_->findings) {
      if (unit(rng) >= p_set) continue;
      double r = unit(rng);
      s.findings[f.id] = r < p_yes ? Value::yes : r < p_yes + p_unsure ? Value::unsure : Value::no;
    }
    if (unit(rng) < 0.1) s.findings["not_a_finding"] = Value::yes;
    if (unit(rng) < 0.1) s.findings[kb_->findings.front().id] = Value::unknown;
    if (unit(rng) < 0.5) s.numbers["duration_days"] = std::floor(unit(rng) * 60);
    if (unit(rng) < 0.5) s.numbers["age"] = std::floor(unit(rng) * 90);
    if (unit(rng) < 0.5) s.numbers["severity"] = std::floor(unit(rng) * 11);

    const knowledge::Known known = known_of(*kb_, s);
    const knowledge::WellsScore w = model_->wells(known), rw = reference_wells(*kb_, known);
    ASSERT_EQ(w.total, rw.total) << n;
    ASSERT_EQ(w.likely, rw.likely) << n;
    ASSERT_EQ(w.complete, rw.complete) << n;
    ASSERT_EQ(w.parts.size(), rw.parts.size()) << n;
    for (size_t i = 0; i < w.parts.size(); ++i) {
      EXPECT_EQ(w.parts[i].id, rw.parts[i].id);
      EXPECT_EQ(w.parts[i].label, rw.parts[i].label);
      EXPECT_EQ(w.parts[i].points, rw.parts[i].points);
      EXPECT_EQ(w.parts[i].known, rw.parts[i].known);
    }

    const std::vector<Fired> got = evaluate_rules(*kb_, *model_, s), want = reference_rules(*kb_, s);
    ASSERT_EQ(got.size(), want.size()) << n;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].rule, want[i].rule) << n;
      EXPECT_EQ(got[i].level, want[i].level) << n << " " << want[i].rule->id;
      EXPECT_EQ(got[i].on_unsure, want[i].on_unsure) << n << " " << want[i].rule->id;
      EXPECT_EQ(got[i].watch, want[i].watch) << n << " " << want[i].rule->id;
      (want[i].on_unsure ? fired_on_unsure : fired_for_certain).insert(want[i].rule->id);
    }
    for (const auto& q : kb_->questions) {
      for (bool unsure_as_yes : {false, true}) {
        ASSERT_EQ(holds(q.ask_if, *kb_, *model_, s, unsure_as_yes),
                  reference_holds(q.ask_if, *kb_, s, unsure_as_yes))
            << n << " " << q.slot;
      }
    }
  }
  // The states reach every rule both ways.
  for (const auto& rule : kb_->red_flags) {
    EXPECT_TRUE(fired_for_certain.count(rule.id)) << rule.id;
    EXPECT_TRUE(fired_on_unsure.count(rule.id)) << rule.id;
  }
}

}  // namespace
}  // namespace calfbot::dialog
