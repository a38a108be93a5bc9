// The statistical reader: its line format, its model's checks, and the rule
// that it may read a reply but never lower a warning sign.
#include "dialog/understanding/reader.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "dialog/understanding/understanding.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::dialog {
namespace {

constexpr LocalDate kToday{2026, 11, 25, 3};

TEST(ReaderLine, LowerCaseWordsWithPunctuationApart) {
  EXPECT_EQ(reader_line("swelling", "Yes, it IS!  puffy\t(a bit)"),
            "__slot_swelling yes , it is ! puffy ( a bit )");
  EXPECT_EQ(reader_line("age", ""), "__slot_age");
}

TEST(Reader, WithoutAModelItReadsNothing) {
  Reader none("");
  EXPECT_FALSE(none.reply("swelling", "yes").has_value());
  EXPECT_EQ(none.version(), "");
}

TEST(Reader, BytesThatAreNoModelAreRefused) {
  EXPECT_THROW(Reader("not a model"), std::invalid_argument);
  EXPECT_THROW(Reader(std::string(64, '\0')), std::invalid_argument);
}

TEST(Reader, TheBuiltInModelReadsPlainReplies) {
  Reader r(built_in_reader_model());
  ASSERT_EQ(r.version().size(), 64u);
  auto yes = r.reply("swelling", "ye a bit puffy");
  ASSERT_TRUE(yes.has_value());
  EXPECT_EQ(yes->value, Value::yes);
  auto no = r.reply("runner", "not really my thing");
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(no->value, Value::no);
  EXPECT_GE(no->p, kReaderConfidence);
}

class LexiconReader : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = knowledge::load_embedded();
    ASSERT_TRUE(loaded.ok());
    kb_ = loaded.knowledge;
    lexicon_ = std::make_unique<Lexicon>(*kb_, built_in_reader_model());
  }
  static Understanding read(const char* slot, const char* text) {
    return lexicon_->understand(text, kb_->question(slot), kToday);
  }
  static std::shared_ptr<const knowledge::Knowledge> kb_;
  static std::unique_ptr<Lexicon> lexicon_;
};
std::shared_ptr<const knowledge::Knowledge> LexiconReader::kb_;
std::unique_ptr<Lexicon> LexiconReader::lexicon_;

TEST_F(LexiconReader, AReplyTheRulesMissAndTheReaderIsSureOfCounts) {
  Understanding u = read("runner", "gym three times a week");
  ASSERT_TRUE(u.reply.has_value());
  EXPECT_EQ(*u.reply, Value::yes);
  ASSERT_TRUE(u.reader_p.has_value());
  EXPECT_GE(*u.reader_p, kReaderConfidence);
}

TEST_F(LexiconReader, TheReaderNeverLowersAWarningSign) {
  // The reader reads "no" here, but a cold, pale foot is an emergency sign:
  // its absence is for the rules or the patient's plain word, so the reply
  // stays unread and the question is put another way.
  Reader r(built_in_reader_model());
  auto guess = r.reply("cold_pale_foot", "looks normal to me");
  ASSERT_TRUE(guess.has_value());
  ASSERT_EQ(guess->value, Value::no);
  Understanding u = read("cold_pale_foot", "looks normal to me");
  EXPECT_FALSE(u.reply.has_value());
  EXPECT_FALSE(u.reader_p.has_value());
}

}  // namespace
}  // namespace calfbot::dialog
