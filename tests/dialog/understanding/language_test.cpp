// Messages in other languages: recognised by their words or their script,
// answered in that language, and their red flags screened (Spanish).
#include "dialog/understanding/language.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::dialog {
namespace {

class LanguageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = knowledge::load_embedded();
    ASSERT_TRUE(loaded.ok());
    kb_ = loaded.knowledge;
    reader_ = std::make_unique<LanguageReader>(*kb_);
  }
  static std::string id(const std::string& text) {
    auto r = reader_->read(text);
    return r.language ? r.language->id : "en";
  }
  // "breathless=yes chest_pain=no"
  static std::string flags(const std::string& text) {
    std::string out;
    for (const auto& [f, v] : reader_->read(text).findings) {
      out += (out.empty() ? "" : " ") + f + "=" + to_string(v);
    }
    return out;
  }
  static std::shared_ptr<const knowledge::Knowledge> kb_;
  static std::unique_ptr<LanguageReader> reader_;
};
std::shared_ptr<const knowledge::Knowledge> LanguageTest::kb_;
std::unique_ptr<LanguageReader> LanguageTest::reader_;

TEST_F(LanguageTest, FoldsAccentsAndCase) {
  EXPECT_EQ(fold_accents("Pálido, NIÑO, łydka, Évanoui"), "palido, nino, lydka, evanoui");
  EXPECT_EQ(fold_accents("plain text 123"), "plain text 123");
}

TEST_F(LanguageTest, RecognisesEachLanguage) {
  EXPECT_EQ(id("Me duele la pantorrilla izquierda desde ayer"), "es");
  EXPECT_EQ(id("J'ai mal au mollet depuis trois jours"), "fr");
  EXPECT_EQ(id("Tenho dor na panturrilha desde ontem"), "pt");
  EXPECT_EQ(id("Boli mnie łydka od wczoraj"), "pl");
  EXPECT_EQ(id("لدي ألم في ربلة الساق منذ أمس"), "ar");
  EXPECT_EQ(id("我的小腿疼了三天"), "zh");
}

TEST_F(LanguageTest, EnglishStaysEnglish) {
  for (const char* text :
       {"my left calf has been swollen since the flight on Tuesday, no chest pain",
        "yes", "no", "si", "I had a DVT in 2019 and I'm on apixaban",
        "Dolores is my name and my calf hurts", "pain de la calf lol"}) {
    EXPECT_EQ(id(text), "en") << text;
  }
}

TEST_F(LanguageTest, SpanishRedFlagsAreScreenedWithTheirNegations) {
  EXPECT_EQ(flags("me duele la pierna y me falta el aire"), "breathless=yes");
  EXPECT_EQ(flags("tengo la pierna hinchada pero no tengo dolor en el pecho"),
            "calf_swelling=yes chest_pain=no");
  EXPECT_EQ(flags("mi padre tiene el pie frío y pálido desde esta mañana"), "cold_pale_foot=yes");
  EXPECT_EQ(flags("desde ayer no puedo orinar y me duele la espalda"), "saddle_or_bladder=yes");
  EXPECT_EQ(flags("me duele el gemelo desde el partido"), "");
}

}  // namespace
}  // namespace calfbot::dialog
