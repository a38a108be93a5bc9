// The FHIR builders: the Questionnaire covers every question with its SNOMED
// CT code, and each QuestionnaireResponse fits its Questionnaire. The files
// are also written to $CALFBOT_FHIR_OUT for tests/bot/clinic/fhir/validate.mjs.
#include "bot/clinic/fhir.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "clinic_test_util.h"

namespace calfbot::bot::clinic {
namespace {

using nlohmann::json;
using clinic_test::engine;

const std::string kBase = "https://clinic.example/calfbot";

// linkId -> item, over every level.
void index_items(const json& items, std::map<std::string, json>& out) {
  for (const auto& i : items) {
    EXPECT_TRUE(out.emplace(i["linkId"].get<std::string>(), i).second) << "duplicate " << i["linkId"];
    if (i.contains("item")) index_items(i["item"], out);
  }
}

TEST(ClinicFhir, QuestionnaireCoversEveryQuestionWithSnomedCodes) {
  const auto& kb = engine().knowledge();
  json q = questionnaire(kb, kBase);
  clinic_test::write_fhir("Questionnaire.json", q);
  EXPECT_EQ(q["resourceType"], "Questionnaire");
  EXPECT_EQ(q["status"], "active");
  EXPECT_EQ(q["url"], kBase + "/v1/clinic/fhir/Questionnaire/calfbot-intake");
  std::map<std::string, json> items;
  index_items(q["item"], items);
  int coded = 0;
  for (const auto& question : kb.questions) {
    ASSERT_TRUE(items.count(question.slot)) << question.slot;
    const json& item = items[question.slot];
    const auto* f = kb.finding(question.finding);
    std::string want = !question.snomed.empty() ? question.snomed : f ? f->snomed : "";
    if (want.empty()) {
      EXPECT_FALSE(item.contains("code")) << question.slot;
    } else {
      ++coded;
      EXPECT_EQ(item["code"][0]["system"], "http://snomed.info/sct");
      EXPECT_EQ(item["code"][0]["code"], want) << question.slot;
    }
    if (question.type == knowledge::AnswerType::multi_choice) {
      EXPECT_EQ(item["repeats"], true);
    }
  }
  EXPECT_GE(coded, 5);
  EXPECT_EQ(items["complaint"]["type"], "text");
  EXPECT_EQ(items["duration"]["type"], "quantity");
  EXPECT_EQ(items["age"]["type"], "decimal");
  // groups follow SOCRATES and hold items
  EXPECT_EQ(q["item"][1]["linkId"], "phase-about");
  for (const auto& i : q["item"]) {
    if (i["type"] == "group") {
      EXPECT_FALSE(i["item"].empty());
    }
  }
}

// Every answer code the Questionnaire offers under calfbot's own system
// resolves in the CodeSystem served at that system's URL, with its display.
TEST(ClinicFhir, AnswersCodeSystemResolvesEveryChoiceCode) {
  const auto& kb = engine().knowledge();
  json cs = answers_code_system(kb, kBase);
  clinic_test::write_fhir("CodeSystem-answers.json", cs);
  EXPECT_EQ(cs["resourceType"], "CodeSystem");
  EXPECT_EQ(cs["url"], kBase + "/v1/clinic/fhir/CodeSystem/calfbot-answers");
  EXPECT_EQ(cs["version"], kb.version);
  EXPECT_EQ(cs["content"], "complete");
  std::map<std::string, std::string> display;
  for (const auto& c : cs["concept"]) {
    EXPECT_TRUE(display.emplace(c["code"], c["display"]).second) << "duplicate code " << c["code"];
  }
  EXPECT_EQ(cs["count"], display.size());
  std::map<std::string, json> items;
  index_items(questionnaire(kb, kBase)["item"], items);
  size_t offered = 0;
  for (const auto& [id, item] : items) {
    for (const auto& option : item.value("answerOption", json::array())) {
      const json& coding = option["valueCoding"];
      if (coding["system"] != cs["url"]) continue;
      ++offered;
      ASSERT_TRUE(display.count(coding["code"])) << coding["code"] << " of " << id;
      EXPECT_EQ(display[coding["code"]], coding["display"]) << coding["code"];
    }
  }
  EXPECT_EQ(offered, display.size()) << "every concept is a choice the Questionnaire offers";
}

TEST(ClinicFhir, ResponseAnswersFitTheQuestionnaire) {
  const auto& kb = engine().knowledge();
  json q = questionnaire(kb, kBase);
  std::map<std::string, json> items;
  index_items(q["item"], items);
  dialog::State st = clinic_test::dvt_patient();
  json r = questionnaire_response(kb, st, kBase, {"0123456789abcdef0123456789abcdef", "MRN-1234", false, clinic_test::kNow + 60});
  clinic_test::write_fhir("QuestionnaireResponse-dvt.json", r);
  EXPECT_EQ(r["status"], "completed");
  EXPECT_EQ(r["questionnaire"], q["url"].get<std::string>() + "|" + kb.version);
  EXPECT_EQ(r["subject"]["identifier"]["value"], "MRN-1234");
  EXPECT_EQ(r["authored"], "2026-11-25T10:01:00Z");
  std::map<std::string, json> answered;
  index_items(r["item"], answered);
  for (const auto& [id, item] : answered) {
    ASSERT_TRUE(items.count(id)) << id << " is not in the Questionnaire";
    if (!item.contains("answer")) continue;
    const json& def = items[id];
    for (const auto& a : item["answer"]) {
      if (a.contains("valueCoding")) {
        ASSERT_EQ(def["type"], "choice") << id;
        bool listed = false;
        for (const auto& o : def["answerOption"]) listed |= o["valueCoding"]["code"] == a["valueCoding"]["code"];
        EXPECT_TRUE(listed) << id << ": " << a.dump();
      } else if (a.contains("valueDecimal")) {
        EXPECT_EQ(def["type"], "decimal") << id;
      } else if (a.contains("valueQuantity")) {
        EXPECT_EQ(def["type"], "quantity") << id;
        EXPECT_EQ(a["valueQuantity"]["code"], "d");
      } else {
        EXPECT_TRUE(a.contains("valueString")) << id;
        EXPECT_EQ(def["type"], "text") << id;
      }
    }
  }
  // yes, unknown and the age as given
  EXPECT_EQ(answered["swelling"]["answer"][0]["valueCoding"]["code"], "373066001");
  EXPECT_EQ(answered["tender_deep_calf"]["answer"][0]["valueCoding"]["code"], "261665006");
  EXPECT_EQ(answered["age"]["answer"][0]["valueDecimal"], 58);
  EXPECT_EQ(answered["side"]["answer"][0]["valueCoding"]["code"], "side.left");
  EXPECT_NE(answered["complaint"]["answer"][0]["valueString"].get<std::string>().find("long flight"),
            std::string::npos);
}

TEST(ClinicFhir, InProgressStoppedAndReferenceSubjects) {
  const auto& kb = engine().knowledge();
  dialog::State early = clinic_test::play("my calf hurts after running", {}, 3);
  json r = questionnaire_response(kb, early, kBase, {"aa", "Patient/p-77", false, clinic_test::kNow});
  clinic_test::write_fhir("QuestionnaireResponse-in-progress.json", r);
  EXPECT_EQ(r["status"], "in-progress");
  EXPECT_EQ(r["subject"], json({{"reference", "Patient/p-77"}}));
  json stopped = questionnaire_response(kb, early, kBase, {"bb", "", true, clinic_test::kNow});
  clinic_test::write_fhir("QuestionnaireResponse-stopped.json", stopped);
  EXPECT_EQ(stopped["status"], "stopped");
  EXPECT_FALSE(stopped.contains("subject"));
  // nothing answered yet: no items at all (an empty array is not valid FHIR)
  dialog::State fresh = engine().start(clinic_test::kNow).state;
  json empty = questionnaire_response(kb, fresh, kBase, {"cc", "", false, clinic_test::kNow});
  clinic_test::write_fhir("QuestionnaireResponse-empty.json", empty);
  EXPECT_FALSE(empty.contains("item"));
}

TEST(ClinicFhir, EmergencyConversation) {
  const auto& kb = engine().knowledge();
  dialog::State st = clinic_test::play(
      "my left calf is swollen and hot and now I am short of breath with chest pain", {});
  json r = questionnaire_response(kb, st, kBase, {"dd", "MRN-9", false, clinic_test::kNow});
  clinic_test::write_fhir("QuestionnaireResponse-emergency.json", r);
  EXPECT_EQ(r["status"], "completed");
}

}  // namespace
}  // namespace calfbot::bot::clinic
