// The helpers every platform shares: digits as choices, text splitting.
#include "adapters/platforms/platform.h"

#include <gtest/gtest.h>

namespace calfbot::adapters::platforms {
namespace {

QuestionMemo memo(const std::string& type) { return QuestionMemo{type, {"a", "b", "c"}}; }

TEST(Platform, DigitsAreChoices) {
  EXPECT_EQ(choice_from_digits("2", memo("single_choice")), "b");
  EXPECT_EQ(choice_from_digits(" 3 ", memo("yes_no")), "c");
  EXPECT_EQ(choice_from_digits("1,3", memo("multi_choice")), "a,c");
  EXPECT_EQ(choice_from_digits("1 and 3", memo("multi_choice")), "a,c");
  EXPECT_EQ(choice_from_digits("3, 1, 3", memo("multi_choice")), "c,a");
  EXPECT_EQ(choice_from_digits("#2", memo("single_choice")), "b");
  EXPECT_FALSE(choice_from_digits("1,3", memo("single_choice")));
  EXPECT_FALSE(choice_from_digits("4", memo("single_choice")));
  EXPECT_FALSE(choice_from_digits("0", memo("single_choice")));
  EXPECT_FALSE(choice_from_digits("2 days", memo("single_choice")));
  EXPECT_FALSE(choice_from_digits("7", QuestionMemo{"number", {}}));
  EXPECT_FALSE(choice_from_digits("1", QuestionMemo{}));
}

TEST(Platform, MemoRoundTrips) {
  QuestionMemo m = memo("multi_choice");
  QuestionMemo back = QuestionMemo::from_json(m.to_json());
  EXPECT_EQ(back.answer_type, "multi_choice");
  EXPECT_EQ(back.choice_ids, m.choice_ids);
}

TEST(Platform, Utf8) {
  EXPECT_EQ(utf8_length("caf\u00e9"), 4u);
  EXPECT_EQ(utf8_prefix("caf\u00e9s", 4), "caf\u00e9");
  EXPECT_EQ(utf8_truncate("abcdef", 4), "abc\u2026");
  EXPECT_EQ(utf8_truncate("abc", 4), "abc");
}

TEST(Platform, SplitPrefersParagraphsThenSentences) {
  std::string a(50, 'a'), b(50, 'b');
  EXPECT_EQ(split_text(a + "\n\n" + b, 80), (std::vector<std::string>{a, b}));
  EXPECT_EQ(split_text("One two. Three four five six.", 20),
            (std::vector<std::string>{"One two.", "Three four five six."}));
  EXPECT_EQ(split_text(std::string(25, 'x'), 10).size(), 3u);
  EXPECT_EQ(split_text("short", 10), std::vector<std::string>{"short"});
  EXPECT_EQ(split_text("", 10), std::vector<std::string>{""});
  for (const auto& part : split_text(std::string(100, 'x') + " \u00e9\u00e9\u00e9 " + std::string(100, 'y'), 30)) {
    EXPECT_LE(utf8_length(part), 30u);
  }
}

}  // namespace
}  // namespace calfbot::adapters::platforms
