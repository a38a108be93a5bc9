// Lay, figurative and hedged words for the warning signs, and words that must
// not be over-read, in phrasings of our own.
#include <gtest/gtest.h>

#include "tests/dialog/understanding/understanding_fixture.h"

namespace calfbot::dialog::test_support {
namespace {

TEST_F(UnderstandingTest, WarningSignsInLayWords) {
  expect_all({
      {"I get winded just walking to the car", "breathless=yes"},
      {"can't get enough air in", "breathless=yes"},
      {"there's a weight on my chest", "chest_pain=yes"},
      {"the phlegm had pink froth in it", "coughing_blood=yes"},
      {"the room went swimmy and I nearly went down", "fainting=yes"},
      {"my heart has been hammering", "fast_heartbeat=yes"},
      {"the foot is icy and a bit grey", "cold_pale_foot=yes"},
      {"calf is tight as a drum", "tense_calf=yes"},
      {"my cast feels far too tight", "tense_calf=yes cast_or_paralysis=yes"},
      {"the painkillers are doing nothing", "pain_out_of_proportion=yes"},
      {"numb down below and I can't start peeing", "saddle_or_bladder=yes"},
      {"my shin is bent at a funny angle", "deformity=yes"},
      {"I'm shaking like a leaf and burning up", "fever=yes"},
      {"a catch on the left side of my chest", "chest_pain=yes"},
      {"like I'd sat on a hard saddle for hours, but not numb",
       "saddle_or_bladder=yes numb_tingling=no"},
  });
}

TEST_F(UnderstandingTest, ImplicationsAndDialect) {
  expect_all({
      // What one finding states of another, as people use the words.
      {"the top of my foot is numb", "numb_top_of_foot=yes numb_tingling=yes loc_foot=yes"},
      {"my finger leaves a dent", "pitting_oedema=yes"},
      // "me" for "my" before a part of the body.
      {"I've done me achilles", "loc_lower_calf=yes"},
      // An object pronoun matches a phrase written with "me"; short misspellings.
      {"the cramp wakes him up", "cramping_tight=yes woke_at_night=yes for_someone_else=yes male=yes"},
      {"sudden pain in my rite calf", "onset_sudden=yes side_right=yes side_left=no bilateral=no"},
  });
}

TEST_F(UnderstandingTest, AFootThatDropsInLayWords) {
  // A foot that flops, slaps or drags, toes that catch: a dropped foot.
  expect_all({
      {"my foot flaps and slaps down when I walk", "foot_drop=yes"},
      {"his right foot just flops", "side_right=yes foot_drop=yes for_someone_else=yes male=yes side_left=no bilateral=no"},
      {"I keep scuffing my toes on the pavement", "foot_drop=yes"},
      {"I can't raise my foot up off the floor", "foot_drop=yes"},
  });
}

TEST_F(UnderstandingTest, TemperaturesAndSeverityInWords) {
  expect_all({
      {"thermometer says 38.9", "fever=yes"},
      {"he was 36.7 this morning", "for_someone_else=yes male=yes fever=no days=0.2"},
      {"temp 101 F", "fever=yes"},
      // An age with a sex letter is no temperature.
      {"37f with a sore calf", "female=yes age=37"},
  });
  // In answer to the severity question, words score the pain; in passing
  // they do not, so that the number is still asked.
  expect_all({{"honestly unbearable", "number=9 severity=9"},
              {"not really bad, no", "reply=no"},
              {"a solid 8", "number=8 severity=8"}},
             "severity");
  expect_all({{"the pain is unbearable", ""}});
}

TEST_F(UnderstandingTest, NotOverRead) {
  expect_all({
      // A cold foot is not pain in the foot; "foot" in passing is no site.
      {"my foot feels cold", "cold_pale_foot=yes"},
      {"I was on my feet all day", ""},
      {"a hot poker in my calf", "burning_shooting=yes"},
      // A "*" never takes "of": the bottoms of the feet are not the bottom.
      {"the bottoms of my feet tingle", "numb_tingling=yes"},
      // Inflections are not taken for other words one letter away.
      {"it swells up by evening", "calf_swelling=yes"},
  });
}

}  // namespace
}  // namespace calfbot::dialog::test_support
