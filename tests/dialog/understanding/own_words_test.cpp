// Classes of wording the blind evidence showed we missed, each tested on
// phrasings of our own (never the evidence's sentences), so that a fix is
// held to the class and not to the items it was made from.
#include <gtest/gtest.h>

#include "tests/dialog/understanding/understanding_fixture.h"

namespace calfbot::dialog::test_support {
namespace {

TEST_F(UnderstandingTest, ACoughWithBloodInItsOwnWords) {
  // A cough and blood (or a red or pink colour) said of it, some words apart.
  expect_has({
      {"I had a coughing fit and there was red in the sink afterwards", "coughing_blood=yes"},
      {"every time I cough I'm bringing bits of blood up", "coughing_blood=yes"},
      {"after coughing I spat into the basin and it was pinkish", "coughing_blood=yes"},
  });
  // A cough and blood said of other things are not blood in the cough.
  expect_has({{"I've a cough but the blood test last week was normal", ""},
              {"bit of a cough and my calf is red and hot", "redness=yes"},
              {"I coughed and there was no blood", ""}},
             "", "coughing_blood=yes");
}

TEST_F(UnderstandingTest, AHeartRacingInItsOwnWords) {
  expect_has({
      {"my heart has been going like the clappers all evening", "fast_heartbeat=yes"},
      {"I can feel my heart thumping away even sitting still", "fast_heartbeat=yes"},
      {"my pulse feels really quick today", "fast_heartbeat=yes"},
      {"the old ticker is racing for no reason", "fast_heartbeat=yes"},
      {"my heart just will not settle down, it is fluttering all the time",
       "fast_heartbeat=yes"},
  });
  expect_has({{"my heart is fine but I am breathing fast", "breathless=yes"}}, "",
             "fast_heartbeat=yes");
}

TEST_F(UnderstandingTest, ShortOfBreathInItsOwnWords) {
  expect_has({
      {"it's like trying to breathe through a coffee stirrer", "breathless=yes"},
      {"my breathing has gone quick and shallow since lunch", "breathless=yes"},
      {"I can't seem to get a proper breath in", "breathless=yes"},
      {"my breaths are coming short and fast", "breathless=yes"},
      // A phrase with a gap never takes the words of a denial-bearing phrase.
      {"I can't seem to catch my breath and my chest is sore", "breathless=yes chest_pain=yes"},
  });
}

TEST_F(UnderstandingTest, PainOnMovingTheToesInItsOwnWords) {
  expect_has({
      {"bending my big toe back is pure agony", "pain_moving_toes=yes"},
      {"it is unbearable when I try to move my toes", "pain_moving_toes=yes"},
      {"he cries out if you so much as touch his toes", "pain_moving_toes=yes"},
      {"even twitching the toes makes me scream", "pain_moving_toes=yes"},
  });
  expect_has({{"my toes are numb and the pain is unbearable", "numb_tingling=yes"}}, "",
             "pain_moving_toes=yes");
}

TEST_F(UnderstandingTest, PainBeyondTheInjuryInItsOwnWords) {
  expect_has({
      {"the pills the hospital gave me are not doing a thing", "pain_out_of_proportion=yes"},
      {"codeine has made zero difference to it", "pain_out_of_proportion=yes"},
      {"it hurts far more now than the day I fell", "pain_out_of_proportion=yes"},
      {"still screaming in pain even after the strong painkillers",
       "pain_out_of_proportion=yes"},
  });
}

TEST_F(UnderstandingTest, SaddleAndBladderInTheirOwnWords) {
  expect_has({
      {"I've lost control of my bladder since this morning", "saddle_or_bladder=yes"},
      {"I can't feel anything when I wipe", "saddle_or_bladder=yes"},
      {"I soiled myself without realising", "saddle_or_bladder=yes"},
      {"there's no sensation around my backside", "saddle_or_bladder=yes"},
      {"I need to pee but nothing comes", "saddle_or_bladder=yes"},
  });
}

TEST_F(UnderstandingTest, AColdPaleFootInItsOwnWords) {
  expect_has({
      {"my toes have gone a horrible grey and feel like ice", "cold_pale_foot=yes"},
      {"the foot is all waxy and white", "cold_pale_foot=yes"},
      {"the foot is numb and freezing to touch", "cold_pale_foot=yes"},
      {"my toes turned bluish and icy an hour ago", "cold_pale_foot=yes"},
  });
}

TEST_F(UnderstandingTest, AnOpenWoundInItsOwnWords) {
  expect_has({
      {"there's bone showing through the skin of his shin", "open_wound=yes"},
      {"the old scar has split open and is weeping", "open_wound=yes"},
      {"a deep gash right down the front of the leg", "open_wound=yes"},
  });
  expect_has({{"the skin isn't broken at all", "open_wound=no"}});
}

TEST_F(UnderstandingTest, ChestPainInItsOwnWords) {
  expect_has({
      {"feels like a brick is resting on my chest", "chest_pain=yes"},
      {"as if a belt is being pulled round my chest", "chest_pain=yes"},
      {"a stab under the ribs each time I breathe in", "chest_pain=yes"},
      {"my chest feels all squeezed", "chest_pain=yes"},
  });
}

TEST_F(UnderstandingTest, ABiggerCalfIsASwollenOne) {
  expect_has({
      {"my left calf looks chunkier than the right one", "calf_swelling=yes"},
      {"the calf on that side has ballooned since Monday", "calf_swelling=yes"},
      {"his calf is a good bit thicker than the other", "calf_swelling=yes"},
      {"her right calf has got larger over the week", "calf_swelling=yes"},
  });
}

TEST_F(UnderstandingTest, ABlowToTheLegInItsOwnWords) {
  expect_has({
      {"a shopping trolley rammed into the back of my calf", "direct_blow=yes"},
      {"my son booted me right in the shin by accident", "direct_blow=yes"},
      {"a tin of paint dropped onto my shin", "direct_blow=yes"},
      {"someone trod on the back of my calf in the scrum", "direct_blow=yes"},
  });
}

TEST_F(UnderstandingTest, AKickThatWasNotThereInItsOwnWords) {
  // The tear of a tendon felt as a blow from nobody.
  expect_has({
      {"it felt as though somebody had whacked my heel with a bat", "heard_pop=yes"},
      {"like someone had flicked a pebble at the back of my ankle", "heard_pop=yes"},
      {"it was as if a ball had been thrown at my heel but nobody was there",
       "heard_pop=yes"},
  });
}

TEST_F(UnderstandingTest, AFallOrCrashInItsOwnWords) {
  expect_has({
      {"she tumbled off the climbing frame at the park", "major_trauma=yes"},
      {"I came off the quad bike on a bend", "major_trauma=yes"},
      {"he was clipped by a delivery van on his bike", "major_trauma=yes"},
      {"fell about four metres from the hayloft", "major_trauma=yes"},
  });
}

TEST_F(UnderstandingTest, WalkingOnItInItsOwnWords) {
  expect_has({{"he's walking on it fine, just a bit sore", "cannot_bear_weight=no"},
              {"limping but walking", "cannot_bear_weight=no"},
              {"she's been running around the garden since", "cannot_bear_weight=no"}});
  // Walking before it happened is no walking now.
  expect_has({{"I was walking fine until it went, now I can't put weight on it",
               "cannot_bear_weight=yes"}});
}

TEST_F(UnderstandingTest, ABoutThatClearsInItsOwnWords) {
  expect_has({{"the cramp lasted a minute and then it was completely gone", "resolves_fully=yes"},
              {"after a stretch the calf is back to normal", "resolves_fully=yes"},
              {"by the time I'd sat down it had cleared up", "resolves_fully=yes"}});
}

}  // namespace
}  // namespace calfbot::dialog::test_support
