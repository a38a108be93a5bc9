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
      {"coughing since the weekend, some of it tinged red", "coughing_blood=yes"},
  });
  // A cough and blood said of other things are not blood in the cough.
  expect_has({{"I've a cough but the blood test last week was normal", ""},
              {"bit of a cough and my calf is red and hot", "redness=yes"},
              {"I coughed and there was no blood", ""}},
             "", "coughing_blood=yes");
}

}  // namespace
}  // namespace calfbot::dialog::test_support
