// Who a message is about, their sex and their age, read from the way people
// are spoken of rather than from phrase lists.
#include <gtest/gtest.h>

#include "tests/dialog/understanding/understanding_fixture.h"

namespace calfbot::dialog::test_support {
namespace {

TEST_F(UnderstandingTest, SomeoneElse) {
  expect_all({
      // A relative or another person owns the leg, or is written for.
      {"I'm typing this for my grandad, his ankle is puffy",
       "for_someone_else=yes calf_swelling=yes male=yes"},
      {"our daughter gets cramp every night",
       "cramping_tight=yes frequent_attacks=yes night_or_rest_pain=yes for_someone_else=yes female=yes"},
      {"she collapsed in the kitchen", "fainting=yes for_someone_else=yes female=yes"},
      {"checking on behalf of a patient, a 70 year old gentleman",
       "for_someone_else=yes male=yes age=70"},
      {"my partner's shin is red", "loc_shin=yes redness=yes for_someone_else=yes"},
      {"Nan's 88 and can't get out of her chair", "for_someone_else=yes female=yes age=88"},
      // Not when the relative only tells of their own history, nor when
      // someone else did something to the writer.
      {"my brother had a DVT in his thigh once", ""},
      {"my wife reckons my calf looks fatter", "calf_bigger=yes calf_swelling=yes"},
      {"he tackled me and now my calf is numb", "direct_blow=yes numb_tingling=yes"},
  });
}

TEST_F(UnderstandingTest, AgeAndSex) {
  expect_all({
      {"I'm 81 and my leg aches", "aching_dull=yes age=81"},
      {"58m, tore my calf", "male=yes age=58"},
      {"M 47. calf cramps.", "cramping_tight=yes male=yes age=47"},
      {"aged sixty-two, both calves throb", "bilateral=yes throbbing_heavy=yes age=62"},
      {"a 40-year-old woman with a puffy ankle", "calf_swelling=yes female=yes age=40"},
      {"retired bus driver, 69, heavy legs", "throbbing_heavy=yes age=69"},
      {"gave birth last month", "pregnant_postpartum=yes female=yes"},
      {"prostate trouble", "male=yes"},
      // Numbers that are no age.
      {"I'm 30 weeks pregnant", "pregnant_postpartum=yes female=yes"},
      {"I am 90 kg", ""},
      {"pain is 8 out of 10", "severity=8"},
  });
}

TEST_F(UnderstandingTest, WhoAnswers) {
  expect_all({
      {"me", "choices=myself"},
      {"just me thanks", "choices=myself"},
      {"for my uncle", "for_someone_else=yes male=yes choices=someone_else"},
  }, "who");
  expect_all({
      {"f", "choices=female"},
      {"she is a girl", "for_someone_else=yes female=yes choices=female"},
  }, "sex");
}

}  // namespace
}  // namespace calfbot::dialog::test_support
