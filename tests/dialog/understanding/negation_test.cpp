// Denials that are not plain: a denial of a denial, a denial hedged and taken
// back, a phrase said to be fine, a topic said to be fine, a rhetorical
// question, and a reply that only says all is as it should be.
#include <gtest/gtest.h>

#include "tests/dialog/understanding/understanding_fixture.h"

namespace calfbot::dialog::test_support {
namespace {

TEST_F(UnderstandingTest, DenialOfADenial) {
  expect_all({
      {"I couldn't honestly say it isn't puffy", "calf_swelling=yes"},
      {"I wouldn't claim there's no redness", "redness=yes"},
      {"it's not not warm", "warmth=yes"},
      {"I'm not without chest pain", "chest_pain=yes"},
      {"it isn't as if I can't push off", "cannot_push_off=no"},
      // A lone "no" answers; a second "not" after it still denies.
      {"no not swollen", "calf_swelling=no reply=no"},
      {"not swollen, not red", "calf_swelling=no redness=no"},
  });
}

TEST_F(UnderstandingTest, HedgedDenial) {
  expect_all({
      {"not breathless as such, but the stairs leave me gasping", "breathless=yes"},
      {"not a fever exactly, though I keep getting the shivers", "fever=yes"},
      {"it's not really swollen", "calf_swelling=no"},
  });
}

TEST_F(UnderstandingTest, SaidToBeFine) {
  expect_all({
      {"my breathing seems fine", "breathless=no"},
      {"heart and chest are ok", "fast_heartbeat=no chest_pain=no"},
      {"no bother with the waterworks", "saddle_or_bladder=no"},
      {"the swelling is not there anymore", "calf_swelling=no"},
      {"chest pain also not present", "chest_pain=no"},
      {"why would I be coughing blood", "coughing_blood=no"},
      // Not when the calf is said to be swollen and then "ok?" is asked.
      {"my calf is swollen, ok?", "calf_swelling=yes"},
  });
  expect_all({{"they look exactly the same to me", "reply=no"},
              {"both normal", "reply=no"},
              {"no different from the good one", "reply=no"}},
             "calf_bigger");
  // Being back to normal is the finding itself.
  expect_all({{"fine in between, totally normal", "resolves_fully=yes reply=yes"}}, "resolves_fully");
}

TEST_F(UnderstandingTest, AbilitiesAndDeniedTopics) {
  expect_all({
      // An ability a "can't ..." phrase denies says the finding is absent.
      {"I can still walk on it", "cannot_bear_weight=no"},
      {"able to push off ok", "cannot_push_off=no"},
      {"I'm not able to walk", "cannot_bear_weight=yes"},
      {"I can feel a knot", "cramping_tight=yes muscle_knot=yes"},
      // A topic that covers several findings denies them all.
      {"there was no injury", "direct_blow=no major_trauma=no"},
      {"nobody kicked me", "direct_blow=no"},
      {"nothing snapped", "heard_pop=no"},
      // A doubt about when or why is no doubt about what happened.
      {"maybe a week ago after a long flight", "long_travel=yes reply=unsure days=7"},
  });
  expect_all({{"I'm 70, so no.", "reply=no age=70"}, {"so I'd say yes", "reply=yes"}}, "pregnancy");
}

TEST_F(UnderstandingTest, DenialInsideAPhrase) {
  expect_all({
      // A word a "*" of a phrase takes may be a denial: the phrase is denied.
      {"the foot does not look pale", "cold_pale_foot=no"},
      {"my heart is not racing", "fast_heartbeat=no"},
      {"I wouldn't say my heart isn't racing", "fast_heartbeat=yes"},
      // "a normal colour", "the same size": a topic as usual.
      {"toes a normal colour", "cold_pale_foot=no"},
      {"I was on warfarin but I stopped it", "on_anticoagulants=no"},
  });
}

TEST_F(UnderstandingTest, OppositesAndClosingReplies) {
  expect_all({
      // A finding's opposite says it is absent.
      {"it's on the mend now", "getting_worse=no"},
      {"I'm walking normally", "cannot_bear_weight=no"},
      // A word that states one of several findings states the question's.
      {"a small dent, yes", "calf_dent=yes reply=yes"},
  });
  expect_all({{"a small dent, yes", "pitting_oedema=yes reply=yes"},
              {"I haven't pressed it, so I couldn't say", "reply=unsure"},
              {"not that it bothers me, no", "reply=no"}},
             "pitting_oedema");
}

TEST_F(UnderstandingTest, TextingLetters) {
  expect_all({{"swollen n red", "calf_swelling=yes redness=yes"},
              {"n", "reply=no"},
              // A dropped g, a misspelt "doesn't", "himself" as "myself".
              {"my heart's been poundin", "fast_heartbeat=yes"},
              {"it dosent feel hot", "warmth=no"},
              {"he wet himself", "saddle_or_bladder=yes for_someone_else=yes male=yes"}});
}

TEST_F(UnderstandingTest, WhatCannotBeStoppedGoesOn) {
  // "can't stop", "won't stop", "never lets up": the "not" is of the
  // stopping, so what follows is stated, a warning sign above all.
  expect_all({
      {"I can't stop coughing up blood", "coughing_blood=yes"},
      {"the leg won't stop throbbing", "throbbing_heavy=yes"},
      {"it never stops throbbing", "throbbing_heavy=yes"},
      // The stopping of someone, or the phrase itself, still denies.
      {"the pain doesn't stop me walking", ""},
      {"it doesn't stop when I rest", "relieved_by_rest=no"},
  });
}

}  // namespace
}  // namespace calfbot::dialog::test_support
