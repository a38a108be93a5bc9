// Messages in other languages: recognised by their words or their script,
// answered in that language, and their red flags screened.
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

TEST_F(LanguageTest, APhrasesWordsMayHaveOtherWordsBetween) {
  // "me duele bastante el pecho" is "duele el pecho" with a word between;
  // a negation between them denies it.
  EXPECT_EQ(flags("me duele bastante el pecho desde anoche"), "chest_pain=yes");
  EXPECT_EQ(flags("Mon pied est devenu tout froid hier soir"), "cold_pale_foot=yes");
  EXPECT_EQ(flags("el pie no esta frio, solo me duele el gemelo"), "cold_pale_foot=no");
  // Too far apart is no phrase.
  EXPECT_EQ(flags("me duele la rodilla y ayer fui al medico por el pecho"), "");
}

TEST_F(LanguageTest, RedFlagsOfEachLanguageWithTheirNegations) {
  EXPECT_EQ(flags("Je n'ai pas de douleur à la poitrine mais je suis essoufflé"),
            "breathless=yes chest_pain=no");
  EXPECT_EQ(flags("Desde ontem tenho o coração disparado e dor na perna"), "fast_heartbeat=yes");
  EXPECT_EQ(flags("Ma jambe est rouge et chaude et j'ai de la fièvre"),
            "fever=yes redness=yes warmth=yes");
  EXPECT_EQ(flags("Od wczoraj boli mnie łydka, a dziś rano straciłam przytomność"),
            "fainting=yes");
  // Arabic writes "and" onto the next word ("وضيق"), and hamza forms vary.
  EXPECT_EQ(flags("ساقي متورمة وضيق شديد في التنفس"), "breathless=yes calf_swelling=yes");
  EXPECT_EQ(flags("لا يوجد الم في الصدر"), "chest_pain=no");
  // Chinese has no spaces between words; a negation just before denies.
  EXPECT_EQ(flags("我爸爸的脚冰凉，小腿很疼"), "cold_pale_foot=yes");
  EXPECT_EQ(flags("小腿很疼，没有胸痛"), "chest_pain=no");
}

// The signs the warning rules join to a swelling or a clot risk, in words of
// our own: a swollen calf, a flight, an operation, a pregnancy, a plaster, a
// red and hot leg.
TEST_F(LanguageTest, SwellingAndClotRisksInOtherLanguages) {
  EXPECT_EQ(flags("Mon mollet gauche est enflé depuis mon retour en avion"),
            "calf_swelling=yes long_travel=yes");
  EXPECT_EQ(flags("Fui operada ao joelho e agora a perna está inchada"),
            "calf_swelling=yes recent_surgery=yes");
  EXPECT_EQ(flags("Jestem w ciąży i łydka jest opuchnięta"),
            "calf_swelling=yes pregnant_postpartum=yes");
  EXPECT_EQ(flags("رجلي في الجبس وساقي منتفخة"), "calf_swelling=yes cast_or_paralysis=yes");
  EXPECT_EQ(flags("坐飞机以后小腿肿了"), "calf_swelling=yes long_travel=yes");
  EXPECT_EQ(flags("la pierna no está roja ni caliente"), "redness=no warmth=no");
}

}  // namespace
}  // namespace calfbot::dialog
