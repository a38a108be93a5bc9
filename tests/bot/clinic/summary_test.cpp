// The clinician summary (JSON and printable HTML) from a played conversation.
#include "bot/clinic/summary.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "bot/clinic/answers.h"
#include "bot/clinic/fhir.h"
#include "clinic_test_util.h"

namespace calfbot::bot::clinic {
namespace {

using nlohmann::json;
using clinic_test::engine;

json summary_of(const dialog::State& s) {
  return build_summary(engine().knowledge(), engine().model(), s, engine().settings());
}

bool has_label(const json& items, const std::string& finding) {
  return std::any_of(items.begin(), items.end(),
                     [&](const json& i) { return i.value("finding", "") == finding; });
}

TEST(ClinicSummary, HistoryFollowsSocratesOrder) {
  json s = summary_of(clinic_test::dvt_patient());
  ASSERT_TRUE(s["complete"]);
  std::vector<std::string> order;
  for (const auto& p : s["history"]) order.push_back(p["phase"]);
  ASSERT_GE(order.size(), 5u);
  size_t at = 0;
  for (const auto& p : order) {
    auto it = std::find(std::begin(knowledge::kPhases) + static_cast<long>(at),
                        std::end(knowledge::kPhases), p);
    ASSERT_NE(it, std::end(knowledge::kPhases)) << p << " is out of SOCRATES order";
    at = static_cast<size_t>(it - std::begin(knowledge::kPhases)) + 1;
  }
  EXPECT_EQ(s["history"][0]["phase"], "about");
  // the site phase names the leg the patient gave
  auto site = std::find_if(s["history"].begin(), s["history"].end(),
                           [](const json& p) { return p["phase"] == "site"; });
  ASSERT_NE(site, s["history"].end());
  EXPECT_NE((*site).dump().find("\"Left\""), std::string::npos) << site->dump();
}

TEST(ClinicSummary, NegativesDontKnowsRedFlagsWellsCausesAndWords) {
  dialog::State st = clinic_test::dvt_patient();
  json s = summary_of(st);
  // "no chest pain" in the opening words is a pertinent negative
  EXPECT_TRUE(has_label(s["pertinent_negatives"], "chest_pain")) << s["pertinent_negatives"].dump();
  // "not sure" answers are kept, not dropped
  EXPECT_TRUE(has_label(s["dont_know"], "tender_deep_calf")) << s["dont_know"].dump();
  EXPECT_TRUE(has_label(s["dont_know"], "calf_bigger")) << s["dont_know"].dump();
  // a swollen calf after a long flight: DVT leads, a red flag is raised, and the Wells score counts
  ASSERT_FALSE(s["causes"].empty());
  EXPECT_EQ(s["causes"][0]["id"], "deep_vein_thrombosis");
  EXPECT_EQ(s["causes"][0]["snomed"], "404223003");
  for (size_t i = 1; i < s["causes"].size(); ++i) {
    EXPECT_GE(s["causes"][i - 1]["score"].get<double>(), s["causes"][i]["score"].get<double>());
  }
  EXPECT_FALSE(s["causes"][0]["for"].empty());
  EXPECT_FALSE(s["red_flags"].empty());
  EXPECT_TRUE(s["triage"] == "urgent" || s["triage"] == "emergency") << s["triage"];
  EXPECT_FALSE(s["wells"]["parts"].empty());
  int points = 0;
  for (const auto& p : s["wells"]["parts"]) points += p["answer"] == "yes" ? p["points"].get<int>() : 0;
  EXPECT_EQ(s["wells"]["total"].get<int>(), points);
  EXPECT_FALSE(s["tests"].empty());
  EXPECT_FALSE(s["examination"].empty());
  ASSERT_FALSE(s["complaint"].empty());
  EXPECT_NE(s["complaint"][0].get<std::string>().find("long flight"), std::string::npos);
  EXPECT_EQ(s["patient_words"].size(), st.patient_words.size());
}

TEST(ClinicSummary, InProgressIsProvisional) {
  json s = summary_of(clinic_test::play("my calf hurts", {}, 2));
  EXPECT_FALSE(s["complete"]);
  std::string html = summary_html(s);
  EXPECT_NE(html.find("Provisional"), std::string::npos);
}

TEST(ClinicSummary, HtmlIsPrintableAndEscapesThePatientsWords) {
  dialog::State st = clinic_test::play("<script>alert('x')</script> my calf & \"knee\" hurt", {});
  json s = summary_of(st);
  s["intake"] = {{"id", "abc"}, {"patient_ref", "MRN <7>"}, {"status", "completed"}};
  std::string html = summary_html(s);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; my calf &amp; &quot;knee&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("MRN &lt;7&gt;"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("@page"), std::string::npos);
  for (const char* heading : {"Presenting complaint", "Red flags", "History (SOCRATES order)",
                              "Pertinent negatives", "Wells score", "Likely causes",
                              "Suggested examination", "Suggested tests", "own words"}) {
    EXPECT_NE(html.find(heading), std::string::npos) << heading;
  }
}

TEST(ClinicSummary, ControlAndBidiCharactersCannotRearrangeWhatAClinicianReads) {
  // U+202E (right-to-left override) would make "no chest pain" read backwards
  // in a browser; U+2066 isolates, C0 (ESC) and C1 (U+0085) controls hide or move text.
  const std::string rlo = "\u202E", lri = "\u2066", esc = "\x1b[2J", c1 = "\u0085";
  const std::string words = "my calf hurts " + rlo + "niap tsehc on" + lri + " ok" + esc + c1 +
                            "\r\nline two\tend";
  dialog::State st = clinic_test::play(words, {}, 3);
  const std::string fffd = "\uFFFD";
  const std::string want = "my calf hurts " + fffd + "niap tsehc on" + fffd + " ok" + fffd + "[2J" +
                           fffd + "\nline two\tend";
  EXPECT_EQ(for_clinician(words), want);
  json s = summary_of(st);
  std::string html = summary_html(s);
  const auto& fhir = questionnaire_response(engine().knowledge(), st, "https://clinic.example",
                                            {"aa", "", false, clinic_test::kNow});
  for (const std::string& out : {s.dump(), html, fhir.dump()}) {
    for (const std::string& bad : {rlo, lri, c1, std::string("\x1b"), std::string("\r")}) {
      EXPECT_EQ(out.find(bad), std::string::npos) << "U+" << std::hex << int(bad.back()) << " in " << out.substr(0, 300);
    }
  }
  EXPECT_NE(s["patient_words"].dump().find("niap tsehc on"), std::string::npos) << "the words stay";
  EXPECT_NE(s["complaint"][0].get<std::string>().find(fffd), std::string::npos);
  // Plain text is untouched: accents, emoji, Arabic and Hebrew read as typed.
  for (const char* plain : {"ça fait mal à la jambe", "my calf \U0001F915", "\u0623\u0644\u0645",
                            "\u05DB\u05D0\u05D1"}) {
    EXPECT_EQ(for_clinician(plain), plain);
  }
}

TEST(ClinicSummary, SameStateSameSummary) {
  dialog::State st = clinic_test::dvt_patient();
  EXPECT_EQ(summary_of(st).dump(), summary_of(st).dump());
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

}  // namespace
}  // namespace calfbot::bot::clinic
