// The statistical reader: its line format, its model's checks, and the rule
// that it may read a reply but never lower a warning sign.
#include "dialog/understanding/reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <fasttext/fasttext.h>

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

// A model of its own, trained here on a made-up word the rules cannot read,
// so that the test does not hang on what the built-in model says of any
// real phrase: "zorp" is always a no. Its files go to a folder of this
// process's own: ctest runs each test in a process of its own, in parallel,
// and two tests sharing one folder removed or rewrote each other's training
// file (fastText then threw "cannot be opened", or read a half-written file
// and never finished).
std::string zorp_model() {
  static int made = 0;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("calfbot-reader-test-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string input = (dir / "train.txt").string(), output = (dir / "model").string();
  {
    std::ofstream out(input);
    for (int i = 0; i < 40; ++i) {
      out << "__label__no " << reader_line("worse_downhill", "zorp") << "\n";
      out << "__label__no " << reader_line("cold_pale_foot", "zorp") << "\n";
      out << "__label__yes " << reader_line("worse_downhill", "blick") << "\n";
    }
  }
  fasttext::Args args;
  args.input = input;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.epoch = 50;
  args.lr = 1.0;
  args.dim = 8;
  args.bucket = 1000;
  args.minn = 0;
  args.maxn = 0;
  args.thread = 1;
  args.verbose = 0;
  fasttext::FastText ft;
  ft.train(args);
  ft.saveModel(output + ".bin");
  std::ifstream in(output + ".bin", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return bytes;
}

TEST_F(LexiconReader, AReplyTheRulesMissAndTheReaderIsSureOfCounts) {
  Lexicon lexicon(*kb_, zorp_model());
  Understanding u = lexicon.understand("zorp", kb_->question("worse_downhill"), kToday);
  ASSERT_TRUE(u.reply.has_value());
  EXPECT_EQ(*u.reply, Value::no);
  ASSERT_TRUE(u.reader_p.has_value());
  EXPECT_GE(*u.reader_p, kReaderConfidence);
  // Without the reader the rules read nothing there.
  Lexicon rules_only(*kb_);
  EXPECT_FALSE(rules_only.understand("zorp", kb_->question("worse_downhill"), kToday).reply.has_value());
}

TEST_F(LexiconReader, TheReaderNeverLowersAWarningSign) {
  // The reader reads "no" here, but a cold, pale foot is an emergency sign:
  // its absence is for the rules or the patient's plain word, so the reply
  // stays unread and the question is put another way.
  const std::string model = zorp_model();
  Reader r(model);
  auto guess = r.reply("cold_pale_foot", "zorp");
  ASSERT_TRUE(guess.has_value());
  ASSERT_EQ(guess->value, Value::no);
  ASSERT_GE(guess->p, kReaderConfidence);
  Lexicon lexicon(*kb_, model);
  Understanding u = lexicon.understand("zorp", kb_->question("cold_pale_foot"), kToday);
  EXPECT_FALSE(u.reply.has_value()) << to_string(u.reply.value_or(Value::unknown)) << " "
                                    << u.reader_p.value_or(0);
  EXPECT_FALSE(u.reader_p.has_value());
}

}  // namespace
}  // namespace calfbot::dialog
