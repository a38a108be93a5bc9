// Free-text understanding against the real knowledge data: each phenomenon
// (negation, time, sides, locations, severity, replies, choices, commands,
// misspellings) in several phrasings, compared as one readable line.
#include "dialog/understanding/understanding.h"

#include <gtest/gtest.h>

#include "dialog/understanding/text_normal.h"
#include "tests/dialog/understanding/understanding_fixture.h"

namespace calfbot::dialog::test_support {
namespace {

TEST_F(UnderstandingTest, DesignExample) {
  Understanding u =
      understand("my left calf has been swollen since the flight on Tuesday, no chest pain");
  EXPECT_EQ(summary(u),
            "side_left=yes calf_swelling=yes long_travel=yes chest_pain=no side_right=no "
            "bilateral=no days=2");
  EXPECT_EQ(evidence(u, "side_left"), "left calf");
  EXPECT_EQ(evidence(u, "calf_swelling"), "swollen");
  EXPECT_EQ(evidence(u, "long_travel"), "flight");
  EXPECT_EQ(evidence(u, "chest_pain"), "no chest pain");
  EXPECT_EQ(evidence(u, "bilateral"), "left calf");
}

TEST_F(UnderstandingTest, Tokenizer) {
  auto words = [](std::string_view s) {
    std::string out;
    for (const auto& t : text::tokenize(s)) out += (out.empty() ? "" : " ") + t.text;
    return out;
  };
  EXPECT_EQ(words("I DON'T know"), "i do not know");
  EXPECT_EQ(words("i dont know"), "i do not know");
  EXPECT_EQ(words("I don\u2019t know"), "i do not know");
  EXPECT_EQ(words("can't, cannot, won't"), "can not , can not , will not");
  EXPECT_EQ(words("it's my calf's fault, I'm sure"), "it is my calf fault , i am sure");
  EXPECT_EQ(words("7/10"), "7 / 10");
  EXPECT_EQ(words("7.5/10"), "7.5 / 10");
  EXPECT_EQ(words("twenty-three"), "twenty three");
  EXPECT_EQ(words("3-4 days"), "3 to 4 days");
  EXPECT_EQ(words("3days since the 3rd"), "3 days since the 3rd");
  EXPECT_EQ(words("Swolllen calff\nnite"), "swollen calf . night");
  EXPECT_EQ(text::stem("swollen"), "swell");
  EXPECT_EQ(text::stem("swelling"), "swell");
  EXPECT_EQ(text::stem("swells"), "swell");
  EXPECT_EQ(text::stem("swellings"), "swell");
  EXPECT_EQ(text::stem("throbbing"), "throb");
}

TEST_F(UnderstandingTest, Misspellings) {
  expect_all({
      {"my calff is swolen", "calf_swelling=yes"},
      {"im brethless at nite", "breathless=yes night_or_rest_pain=yes"},
      {"rigth calf", "side_right=yes side_left=no bilateral=no"},
      {"pain in my lft leg", "side_left=yes side_right=no bilateral=no"},
      {"my achillies tendon", "loc_lower_calf=yes"},
      {"sweling since tusday", "calf_swelling=yes days=2"},
      {"pain in my chesst", "chest_pain=yes"},
      // One letter away from the vocabulary.
      {"palpitatons", "fast_heartbeat=yes"},
      {"shortnes of breath", "breathless=yes"},
      {"i have been coughng blood", "coughing_blood=yes"},
      {"since wendesday", "days=1"},
      {"the calf is tendr", "tender_deep_calf=yes"},
      // Ordinary words are left alone, and not taken for their look-alikes.
      {"I was talking to my doctor", ""},
      {"I went horse riding", ""},
      {"I hope it's nothing, I plan to rest", ""},
      {"my lungs are fine and my pulse is normal", "breathless=no fast_heartbeat=no"},
      {"I put a sticking plaster on it", ""},
  });
}

TEST_F(UnderstandingTest, Inflections) {
  expect_all({
      {"it swells up", "calf_swelling=yes"},
      {"there is some swelling", "calf_swelling=yes"},
      {"it keeps cramping", "cramping_tight=yes"},
      {"I coughed up blood", "coughing_blood=yes"},
      {"the pain is throbbing", "throbbing_heavy=yes"},
  });
}

TEST_F(UnderstandingTest, Negation) {
  expect_all({
      {"neither red nor warm", "redness=no warmth=no"},
      {"I don't think it's swollen", "calf_swelling=no"},
      {"I dont think its swollen", "calf_swelling=no"},
      {"no chest pain or breathlessness", "chest_pain=no breathless=no"},
      {"without any swelling", "calf_swelling=no"},
      {"I've never had a clot", "previous_dvt=no"},
      {"denies chest pain", "chest_pain=no"},
      {"it isn't swollen", "calf_swelling=no"},
      {"it wasn't red", "redness=no"},
      {"I haven't had any chest pain", "chest_pain=no"},
      {"it hasn't been swollen", "calf_swelling=no"},
      {"no swelling, redness or warmth", "calf_swelling=no redness=no warmth=no"},
      {"no swelling/redness", "calf_swelling=no redness=no"},
      {"I'm a non-smoker", "smoker=no"},
      {"chest pain: no, swelling: yes", "chest_pain=no calf_swelling=yes"},
      // The scope ends.
      {"no swelling but it's red", "calf_swelling=no redness=yes"},
      {"not swollen, just red", "calf_swelling=no redness=yes"},
      {"not swollen just red", "calf_swelling=no redness=yes"},
      {"no chest pain and my calf is swollen", "chest_pain=no calf_swelling=yes"},
      {"I don't have chest pain but I am short of breath", "chest_pain=no breathless=yes"},
      {"No fever. It is red.", "fever=no redness=yes"},
      // Phrases that hold a negation are not negated by it.
      {"I can't catch my breath", "breathless=yes"},
      {"I can't put weight on it", "cannot_bear_weight=yes"},
      // Family history and hypotheticals are not the patient's own.
      {"my dad had a clot in his leg", ""},
      {"my mum had cancer", ""},
      {"what should I do if I get chest pain?", ""},
      {"not sure if I have chest pain", "chest_pain=unsure"},
  });
  Understanding u = understand("neither red nor warm");
  EXPECT_EQ(evidence(u, "redness"), "neither red");
  EXPECT_EQ(evidence(u, "warmth"), "nor warm");
  EXPECT_EQ(evidence(understand("I don't think it's swollen"), "calf_swelling"),
            "don't think it's swollen");
}

TEST_F(UnderstandingTest, Uncertainty) {
  expect_all({
      {"not sure if it's swollen", "calf_swelling=unsure"},
      {"maybe a bit swollen", "calf_swelling=unsure"},
      {"it might be warm", "warmth=unsure"},
      {"possibly red", "redness=unsure"},
      {"I think maybe it is warm", "warmth=unsure"},
      {"I don't know if it's red", "redness=unsure"},
      {"swollen, not sure about red", "calf_swelling=yes redness=unsure"},
  });
  // Doubt about the finding asked is an unsure reply.
  EXPECT_EQ(said("not sure if it's swollen", "swelling"), "calf_swelling=unsure reply=unsure");
  EXPECT_EQ(said("maybe a little", "swelling"), "reply=unsure");
}

TEST_F(UnderstandingTest, Replies) {
  for (const char* yes : {"yes", "Yeah", "yep", "y", "sure", "correct", "it is", "I think so",
                          "definitely", "yes it is", "well, yes"}) {
    EXPECT_EQ(said(yes), "reply=yes") << yes;
  }
  for (const char* no :
       {"no", "Nope", "n", "nah", "not really", "none", "none of them", "neither", "no it isn't",
        "I don't think so", "not that I've noticed", "I haven't noticed"}) {
    EXPECT_EQ(said(no), "reply=no") << no;
  }
  for (const char* unsure : {"I don't know", "dunno", "not sure", "unsure", "maybe", "idk",
                             "can't tell", "I'm not sure"}) {
    EXPECT_EQ(said(unsure), "reply=unsure") << unsure;
  }
  // The start of a message answers; the rest still counts.
  EXPECT_EQ(said("no, but it's red"), "redness=yes reply=no");
  EXPECT_EQ(said("yes and it is warm"), "warmth=yes reply=yes");
  // A negated finding answers only its own question.
  EXPECT_EQ(said("no swelling", "swelling"), "calf_swelling=no reply=no");
  EXPECT_EQ(said("no chest pain", "swelling"), "chest_pain=no");
  EXPECT_EQ(said("my calf is swollen", "swelling"), "calf_swelling=yes reply=yes");
  EXPECT_EQ(said("it is not swollen", "swelling"), "calf_swelling=no reply=no");
}

TEST_F(UnderstandingTest, Choices) {
  expect_all(
      {
          {"chest pain and I fainted", "chest_pain=yes fainting=yes choices=chest_pain,fainting"},
          {"no", "reply=no choices=none"},
          {"none of these", "reply=no choices=none"},
          {"no chest pain", "chest_pain=no"},
          {"no chest pain but I fainted", "chest_pain=no fainting=yes choices=fainting"},
          {"I'm a bit short of breath", "breathless=yes choices=breathless"},
          {"yes", "reply=yes"},
      },
      "pe_screen");
  expect_all({{"sharp and stabbing", "sharp_tearing=yes choices=sharp"}}, "character");
  expect_all({{"it came on suddenly", "onset_sudden=yes choices=sudden"}}, "onset");
  expect_all({{"I had a knee replacement last month and I'm on the pill",
               "recent_surgery=yes hormones=yes choices=surgery,hormones"}},
             "vte_risks");
  // A question the knowledge does not hold is prepared on the fly.
  knowledge::Question pets;
  pets.slot = "pets";
  pets.type = knowledge::AnswerType::single_choice;
  pets.choices = {{"dog", "Dog", {}, {"puppy"}}, {"cat", "Cat", {}, {"kitten"}}};
  EXPECT_EQ(summary(lexicon_->understand("we got a kitten", &pets, kToday)), "choices=cat");
  EXPECT_EQ(summary(lexicon_->understand("a dog", &pets, kToday)), "choices=dog");
}

TEST_F(UnderstandingTest, Sides) {
  expect_all({
      {"my left calf", "side_left=yes side_right=no bilateral=no"},
      {"pain on the right", "side_right=yes side_left=no bilateral=no"},
      {"both legs hurt", "bilateral=yes"},
      {"both sides", "bilateral=yes"},
      {"my left and right calves", "side_left=yes side_right=yes bilateral=yes"},
      {"started in one leg and now it's both", "bilateral=yes"},
      {"my right calf looks fatter than the left",
       "side_right=yes calf_bigger=yes calf_swelling=yes side_left=no bilateral=no"},
      {"lower part of my left calf", "loc_lower_calf=yes side_left=yes side_right=no bilateral=no"},
      {"he won't walk on his right leg",
       "cannot_bear_weight=yes side_right=yes for_someone_else=yes male=yes side_left=no "
       "bilateral=no"},
      {"I left work early", ""},
      {"Left.", "side_left=yes side_right=no bilateral=no"},
      {"right now it aches", "aching_dull=yes"},
      {"all right, it's swollen", "calf_swelling=yes"},
  });
  expect_all(
      {
          {"left", "side_left=yes side_right=no bilateral=no choices=left"},
          {"the right one", "side_right=yes side_left=no bilateral=no choices=right"},
          {"both", "bilateral=yes choices=both"},
          {"both of them", "bilateral=yes choices=both"},
          {"r", "side_right=yes side_left=no bilateral=no choices=right"},
          {"not the left, the right one", "side_left=no side_right=yes bilateral=no choices=right"},
          {"right now it hurts on the left",
           "side_left=yes side_right=no bilateral=no choices=left"},
      },
      "side");
}

TEST_F(UnderstandingTest, Locations) {
  expect_all({
      {"pain behind my knee", "loc_behind_knee=yes"},
      {"at the back of the knee", "loc_behind_knee=yes"},
      {"in the upper calf", "loc_upper_calf=yes"},
      {"top of my calf", "loc_upper_calf=yes"},
      {"the inner calf", "loc_inner_calf=yes"},
      {"on the medial side", "loc_inner_calf=yes"},
      {"outside of my leg", "loc_outer_calf=yes"},
      {"just above my heel", "loc_lower_calf=yes"},
      {"my achilles hurts", "loc_lower_calf=yes"},
      {"lower calf", "loc_lower_calf=yes"},
      {"my shin", "loc_shin=yes"},
      {"the front of my leg", "loc_shin=yes"},
      {"in my foot", "loc_foot=yes"},
      {"the whole leg hurts", "loc_whole_leg=yes"},
      {"I'm on my feet all day", ""},
  });
}

TEST_F(UnderstandingTest, TimeExpressions) {
  expect_all({
      {"since Tuesday", "days=2"},
      {"since thursday", "days=7"},  // today's weekday means a week ago
      {"3 days", "days=3"},
      {"three days ago", "days=3"},
      {"for a couple of weeks", "days=14"},
      {"a few days", "days=3"},
      {"several weeks", "days=21"},
      {"a week ago", "days=7"},
      {"since yesterday", "days=1"},
      {"last night", "days=1"},
      {"2 months", "days=60"},
      {"a year", "days=365"},
      {"after my flight yesterday", "long_travel=yes days=1"},
      {"since the 3rd", "days=9"},
      {"since the 20th", "days=20"},  // 20 February
      {"since 5th of February", "days=35"},
      {"since last week", "days=7"},
      {"this morning", "days=0.2"},
      {"it started today", "days=0.2"},
      {"it is a 6 today", "severity=6"},
      {"a week and a half", "days=10.5"},
      {"2-3 days", "days=2.5"},
      {"a day or two", "days=1.5"},
      {"I flew 2 weeks ago and the pain started 3 days ago", "long_travel=yes days=3"},
      {"sudden pain for the last hour", "onset_sudden=yes days=0.0416667"},
      {"my calf has hurt since my operation 2 weeks ago", "recent_surgery=yes days=14"},
      // Not the onset.
      {"Had a clot in my leg 5 years ago. Now the other calf is swollen",
       "previous_dvt=yes calf_swelling=yes"},
      {"had my baby 3 weeks ago and now my calf aches",
       "pregnant_postpartum=yes aching_dull=yes female=yes"},
      {"8 weeks into basic training", ""},
      {"my cramps last a few minutes", "cramping_tight=yes"},
      {"walking for 10 minutes", ""},
      {"it came on over a day or so", "onset_gradual=yes"},
      {"won't go away, over a month now", "days=30"},
      {"aching since christmas", "aching_dull=yes days=77"},
      {"since like june", "days=284"},
      {"for 5ish weeks", "days=35"},
      {"I'm 54 years old", "age=54"},
      // Seasons, back to their first day (written on 12 March).
      {"it's been hanging about since the summer", "days=284"},
      {"sore since last winter", "days=101"},
      {"on and off all through the autumn", "episodic=yes days=192"},
      {"I like running in summer", ""},
      // How long a risk has lasted is not how long the pain has.
      {"I've taken the combined pill for 3 years and my calf has ached since Tuesday",
       "hormones=yes aching_dull=yes days=2"},
      {"my leg was in a cast for six weeks", "cast_or_paralysis=yes"},
      // A rate, or a day nobody can name, is no time since the onset.
      {"I get the cramps twice a day", "cramping_tight=yes"},
      {"gradually, can't pin a day on it", "onset_gradual=yes"},
      {"three times a week after football", "during_sport=yes"},
  });
  EXPECT_DOUBLE_EQ(*understand("an hour ago").duration_days, 1.0 / 24);
  EXPECT_DOUBLE_EQ(*understand("half an hour ago").duration_days, 0.5 / 24);
  const LocalDate monday{2026, 3, 9, 1};
  EXPECT_EQ(summary(understand("since sunday", "", monday)), "days=1");
  EXPECT_EQ(summary(understand("since the 10th", "", monday)), "days=27");  // 10 February
}

// A calf strain that comes back is told apart from a first one
// (knowledge: recurrent_episodes, the recurrent_strain rule).
TEST_F(UnderstandingTest, RecurringEpisodes) {
  expect_all({
      {"this is the third time this season it has gone", "recurrent_episodes=yes"},
      {"it keeps coming back whenever I add hills", "recurrent_episodes=yes"},
      {"never had this before", "recurrent_episodes=no"},
      {"same as last time, it settled with rest", "recurrent_episodes=yes relieved_by_rest=yes"},
  });
}

// How often cramps come, and whether a medicine began them.
TEST_F(UnderstandingTest, CrampFrequencyAndNewMedicines) {
  expect_all({
      {"they get me nearly every night now", "frequent_attacks=yes"},
      {"the GP put me on a statin in the spring", "new_medicine=yes vascular_disease=yes"},
      {"no new medication at all", "new_medicine=no"},
  });
}

// A calf that goes hard for the length of a cramp is a cramp's knot; one that
// is hard and stays so after an injury is the tense calf of a compartment.
TEST_F(UnderstandingTest, HardDuringACrampIsAKnot) {
  expect_all({
      {"it goes rock hard at night then lets go", "muscle_knot=yes night_or_rest_pain=yes"},
      {"the calf is rock hard", "tense_calf=yes"},
  });
}

// A calf bigger than the other is a swollen calf; a pop or snap marks a
// sudden start, except in the answer to the question about the pop itself;
// a blow in a simile is no blow.
TEST_F(UnderstandingTest, WhatOneSayingImplies) {
  expect_has({{"the left calf looks way fatter than my right", "calf_bigger=yes calf_swelling=yes"},
              {"heard a snap while jumping", "heard_pop=yes onset_sudden=yes"}});
  expect_has({{"yes, a real crack", "heard_pop=yes"}}, "heard_pop", "onset_sudden=yes");
  expect_has({{"it felt as though somebody kicked me", "heard_pop=yes"}}, "", "direct_blow=yes");
  expect_has({{"went numb over the top of my foot", "loc_foot=yes numb_tingling=yes"}});
}

// Saying none of the listed things applies, in other words than "none".
TEST_F(UnderstandingTest, NoneOfTheListInOtherWords) {
  expect_has({{"not any of those", "reply=no"},
              {"nada", "reply=no"},
              {"nothing wrong with my chest or my breathing", "chest_pain=no breathless=no"}},
             "pe_screen");
}

TEST_F(UnderstandingTest, LocalDate) {
  auto text = [](const LocalDate& d) {
    return std::to_string(d.year) + "-" + std::to_string(d.month) + "-" + std::to_string(d.day) +
           " wd" + std::to_string(d.weekday);
  };
  EXPECT_EQ(text(local_date(1773309600, 0)), "2026-3-12 wd4");     // 10:00 UTC
  EXPECT_EQ(text(local_date(1773358200, 60)), "2026-3-13 wd5");    // 23:30 UTC, UTC+1
  EXPECT_EQ(text(local_date(1773309600, -660)), "2026-3-11 wd3");  // UTC-11
  EXPECT_EQ(text(local_date(1709208000, 0)), "2024-2-29 wd4");
  EXPECT_EQ(text(local_date(0, 0)), "1970-1-1 wd4");
  EXPECT_EQ(text(local_date(-3600, 0)), "1969-12-31 wd3");
}

TEST_F(UnderstandingTest, Severity) {
  expect_all({
      {"7/10", "severity=7"},
      {"7 out of 10", "severity=7"},
      {"about a six", "severity=6"},
      {"it's a 7", "severity=7"},
      {"the pain is 8", "severity=8"},
      {"ten out of ten", "severity=10"},
      {"7.5/10", "severity=7.5"},
      {"11/10", "severity=10"},
      {"eight", ""},
      {"I walked 2 miles", ""},
      {"I'm one of 5 children", ""},
      {"3/5", "severity=6"},
      {"the pain is about 4 out of 5", "severity=8"},
  });
  expect_all({{"eight", "number=8 severity=8"},
              {"5", "number=5 severity=5"},
              {"about a 6 today", "number=6 severity=6"}},
             "severity");
}

TEST_F(UnderstandingTest, Numbers) {
  expect_all({{"I'm 54", "number=54 age=54"},
              {"fifty four", "number=54"},
              {"54 years old", "number=54 age=54"},
              {"5", "number=5"},
              {"twenty-three", "number=23"},
              {"I am 54 and the pain is 7/10", "number=54 severity=7 age=54"},
              {"I'm 200", ""}},
             "age");
  expect_all({{"3", "number=3 days=3"}, {"since monday", "number=3 days=3"}}, "duration");
}

TEST_F(UnderstandingTest, Commands) {
  const std::pair<const char*, const char*> commands[] = {{"back", "back"},
                                                          {"go back", "back"},
                                                          {"previous question", "back"},
                                                          {"undo", "back"},
                                                          {"restart", "restart"},
                                                          {"start again", "restart"},
                                                          {"start over", "restart"},
                                                          {"Can we start again please?", "restart"},
                                                          {"help", "help"},
                                                          {"?", "help"},
                                                          {"why", "why"},
                                                          {"why?", "why"},
                                                          {"why do you ask", "why"},
                                                          {"why are you asking", "why"},
                                                          {"skip", "skip"},
                                                          {"restrat", "restart"},
                                                          {"previus question", "back"}};
  for (const auto& [text, name] : commands) {
    EXPECT_EQ(said(text, "swelling"), std::string("command=") + name) << text;
  }
  EXPECT_EQ(said("why does my calf hurt"), "");
  EXPECT_EQ(said("I want to go back to running"), "");
}

TEST_F(UnderstandingTest, EmptyAndOddInput) {
  EXPECT_EQ(said(""), "");
  EXPECT_EQ(said("   \n\t "), "");
  EXPECT_EQ(said("!!! ... ,,,"), "");
  EXPECT_EQ(said("\xff\xfe\x80 swollen \xe2\x80"), "calf_swelling=yes");
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "no swelling but red, ";
  EXPECT_EQ(said(long_text), "calf_swelling=no redness=yes");
}

TEST_F(UnderstandingTest, SameInputSameResult) {
  const char* text = "sweling in my calff since tusday, hurts at nite, about 7/10, no fever";
  EXPECT_EQ(said(text), said(text));
  EXPECT_EQ(said(text), "calf_swelling=yes night_or_rest_pain=yes fever=no severity=7 days=2");
}

TEST(UnderstandingSmallKnowledge, MissingSideFindingsAreIgnored) {
  knowledge::Knowledge kb;
  knowledge::Finding f;
  f.id = "calf_swelling";
  f.synonyms = {"swollen", "* calf is puffy"};
  kb.findings.push_back(f);
  Lexicon lexicon(kb);
  EXPECT_EQ(summary(lexicon.understand("my left calf is swollen", nullptr, kToday)),
            "calf_swelling=yes");
  EXPECT_EQ(summary(lexicon.understand("the calf is puffy", nullptr, kToday)), "calf_swelling=yes");
  EXPECT_EQ(summary(lexicon.understand("not swollen", nullptr, kToday)), "calf_swelling=no");
}

}  // namespace
}  // namespace calfbot::dialog::test_support
