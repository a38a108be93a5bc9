#include "bot/eval/evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bot/eval/command.h"
#include "bot/eval/simulated_patient.h"
#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bot {
namespace {

using knowledge::Triage;
using nlohmann::json;

using dialog::Value;

// ------------------------------------------------------------ fixtures

// Just enough knowledge to check vignettes against.
const knowledge::Knowledge& test_kb() {
  static const knowledge::Knowledge kb = [] {
    knowledge::Knowledge k;
    knowledge::Finding swelling;
    swelling.id = "calf_swelling";
    knowledge::Finding severe;
    severe.id = "severe_pain";
    severe.derived_from = "severity";
    k.findings = {swelling, severe};
    knowledge::Condition dvt;
    dvt.id = "deep_vein_thrombosis";
    k.conditions = {dvt};
    knowledge::Question q;
    q.slot = "swelling";
    q.finding = "calf_swelling";
    k.questions = {q};
    return k;
  }();
  return kb;
}

Vignette vignette(const std::string& id, std::map<std::string, Value> facts,
                  std::map<std::string, std::string> answers = {}) {
  Vignette v;
  v.id = id;
  v.expected_triage = Triage::urgent;
  v.expected_condition = "deep_vein_thrombosis";
  v.opening = "my calf hurts";
  v.facts = std::move(facts);
  v.answers = std::move(answers);
  v.file = id + ".json";
  return v;
}

// ------------------------------------------------------------ metrics

VignetteResult result(const std::string& id, Triage expected, std::optional<Triage> given,
                      bool escalated, int rank, int questions, std::string error = "") {
  VignetteResult r;
  r.id = id;
  r.expected_triage = expected;
  r.expected_condition = "deep_vein_thrombosis";
  r.triage = given;
  r.emergency_escalation = escalated;
  r.rank = rank;
  r.questions = questions;
  r.error = std::move(error);
  return r;
}

std::vector<VignetteResult> hand_made_results() {
  return {result("caught", Triage::emergency, Triage::emergency, true, 1, 5),
          result("missed", Triage::emergency, Triage::urgent, false, 2, 20),
          result("exact", Triage::urgent, Triage::urgent, false, 4, 12),
          result("over", Triage::self_care, Triage::soon, false, 1, 9),
          result("stuck", Triage::soon, std::nullopt, false, 0, 80, "no outcome after 80 answers"),
          result("fine", Triage::soon, Triage::soon, false, 3, 14)};
}

TEST(Metrics, ExactFiguresOnHandMadeResults) {
  const Metrics m = compute_metrics(hand_made_results());
  EXPECT_EQ(m.vignettes, 6);
  EXPECT_EQ(m.emergency_total, 2);
  EXPECT_EQ(m.emergency_escalated, 1);
  EXPECT_DOUBLE_EQ(m.emergency_sensitivity(), 0.5);
  EXPECT_EQ(m.triage_exact, 3);
  EXPECT_DOUBLE_EQ(m.triage_accuracy(), 0.5);
  EXPECT_EQ(m.under_triage, 2);  // "missed" and "stuck" (no advice at all)
  EXPECT_DOUBLE_EQ(m.under_triage_rate(), 2.0 / 6);
  EXPECT_EQ(m.over_triage, 1);
  EXPECT_DOUBLE_EQ(m.over_triage_rate(), 1.0 / 6);
  EXPECT_EQ(m.top1, 2);
  EXPECT_EQ(m.top3, 4);
  EXPECT_DOUBLE_EQ(m.top3_accuracy(), 4.0 / 6);
  EXPECT_DOUBLE_EQ(m.median_questions, 13);  // 5 9 12 | 14 20 80
  EXPECT_EQ(m.max_questions, 80);
  EXPECT_EQ(m.errors, 1);
}

TEST(Metrics, OddCountMedianAndEmptyInput) {
  auto results = hand_made_results();
  results.pop_back();
  EXPECT_DOUBLE_EQ(compute_metrics(results).median_questions, 12);  // 5 9 12 20 80
  const Metrics none = compute_metrics({});
  EXPECT_EQ(none.vignettes, 0);
  EXPECT_DOUBLE_EQ(none.emergency_sensitivity(), 1);
  EXPECT_DOUBLE_EQ(none.under_triage_rate(), 0);
  EXPECT_DOUBLE_EQ(none.median_questions, 0);
}

TEST(Metrics, SafetyFailureIsAMissedEmergencyOrUnderTriage) {
  auto results = hand_made_results();
  EXPECT_TRUE(has_safety_failure(results));
  const std::vector<VignetteResult> safe = {results[0], results[2], results[3], results[5]};
  EXPECT_FALSE(has_safety_failure(safe));
  // An emergency outcome without an escalation message is still a missed escalation.
  EXPECT_TRUE(
      has_safety_failure({result("late", Triage::emergency, Triage::emergency, false, 1, 9)}));
}

TEST(Metrics, TablePrintsRowsThenFigures) {
  const std::vector<VignetteResult> results = {
      result("caught", Triage::emergency, Triage::emergency, true, 1, 5),
      result("missed", Triage::emergency, Triage::urgent, false, 2, 20),
      result("stuck", Triage::soon, std::nullopt, false, 0, 80, "no outcome after 80 answers")};
  std::ostringstream out;
  print_table(results, compute_metrics(results), out);
  EXPECT_EQ(out.str(),
            "vignette  expected   actual     rank  questions  notes\n"
            "caught    emergency  emergency  1     5          \n"
            "missed    emergency  urgent     2     20         MISSED EMERGENCY UNDER-TRIAGE\n"
            "stuck     soon       none       -     80         UNDER-TRIAGE (no outcome after 80 "
            "answers)\n"
            "\n"
            "vignettes              3\n"
            "emergency sensitivity  1/2 (50.0%)\n"
            "triage accuracy        1/3 (33.3%)\n"
            "under-triage           2/3 (66.7%)\n"
            "over-triage            0/3 (0.0%)\n"
            "top-1 accuracy         1/3 (33.3%)\n"
            "top-3 accuracy         2/3 (66.7%)\n"
            "top-1, not emergencies 0/1 (0.0%)\n"
            "questions              median 20, max 80\n"
            "same question twice    0 conversation(s)\n"
            "runs without outcome   1\n");
}

// ------------------------------------------------------------ loading

const char* const kGood = R"({"id": "dvt", "description": "d", "expected_triage": "urgent",
  "expected_condition": "deep_vein_thrombosis", "opening": "sore calf",
  "facts": {"calf_swelling": "yes", "breathless": "no", "chest_pain": "unsure"},
  "numbers": {"age": 54, "duration_days": 0.5}, "answers": {"side": "the left one"}})";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

std::string error_of(const std::string& text, const std::string& file = "dvt.json") {
  auto parsed = parse_vignette(text, file);
  EXPECT_FALSE(parsed.vignette.has_value());
  return parsed.error;
}

TEST(VignetteLoading, ParsesEveryField) {
  auto parsed = parse_vignette(kGood, "dvt.json");
  ASSERT_TRUE(parsed.vignette) << parsed.error;
  const Vignette& v = *parsed.vignette;
  EXPECT_EQ(v.id, "dvt");
  EXPECT_EQ(v.expected_triage, Triage::urgent);
  EXPECT_EQ(v.fact("calf_swelling"), Value::yes);
  EXPECT_EQ(v.fact("chest_pain"), Value::unsure);
  EXPECT_EQ(v.fact("fever"), Value::no);  // not listed
  EXPECT_EQ(v.numbers.at("duration_days"), 0.5);
  EXPECT_EQ(v.answers.at("side"), "the left one");
}

TEST(VignetteLoading, ErrorsNameTheFileAndTheProblem) {
  EXPECT_EQ(error_of("{\"id\": "), "dvt.json: not valid JSON (at byte 8)");
  EXPECT_EQ(error_of("[]"), "dvt.json: must be a JSON object");
  EXPECT_EQ(error_of(with("\"facts\"", "\"fact\"")), "dvt.json: unknown key \"fact\"");
  EXPECT_EQ(error_of(with("\"opening\": \"sore calf\",", "")), "dvt.json: missing \"opening\"");
  EXPECT_EQ(error_of(with("\"sore calf\"", "\"\"")), "dvt.json: \"opening\" is empty");
  EXPECT_EQ(error_of(with("\"d\"", "7")), "dvt.json: \"description\" must be a string");
  EXPECT_EQ(
      error_of(with("\"urgent\"", "\"urgnt\"")),
      "dvt.json: \"expected_triage\" is \"urgnt\", not one of emergency, urgent, soon, self_care");
  EXPECT_EQ(error_of(kGood, "other.json"), "other.json: id \"dvt\" does not match the file name");
  EXPECT_EQ(error_of(with("\"calf_swelling\": \"yes\"", "\"calf_swelling\": \"maybe\"")),
            "dvt.json: facts.calf_swelling is \"maybe\", not one of yes, no, unsure");
  EXPECT_EQ(error_of(with("\"calf_swelling\": \"yes\"", "\"calf_swelling\": true")),
            "dvt.json: facts.calf_swelling is true, not one of yes, no, unsure");
  EXPECT_EQ(error_of(with("\"age\": 54", "\"age\": \"54\"")),
            "dvt.json: numbers.age must be a number of 0 or more");
  EXPECT_EQ(error_of(with("\"the left one\"", "3")), "dvt.json: answers.side must be a string");
}

class VignetteFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("calfbot_vignettes_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(VignetteFolder, GoodFilesLoadAndBadOnesAreNamed) {
  write("dvt.json", kGood);
  write("broken.json", "{\"id\": \"broken\"}");
  write("notes.txt", "not a vignette");
  const VignetteSet set = load_vignettes(dir_);
  ASSERT_EQ(set.vignettes.size(), 1u);
  EXPECT_EQ(set.vignettes[0].id, "dvt");
  EXPECT_EQ(set.vignettes[0].file, (dir_ / "dvt.json").string());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0], (dir_ / "broken.json").string() + ": missing \"description\"");
}

TEST_F(VignetteFolder, EmptyAndMissingFolders) {
  EXPECT_EQ(load_vignettes(dir_).errors,
            std::vector<std::string>{dir_.string() + ": no vignette files (*.json)"});
  const auto missing = dir_ / "nowhere";
  EXPECT_EQ(load_vignettes(missing).errors,
            std::vector<std::string>{missing.string() +
                                     ": cannot read the folder (No such file or directory)"});
}

TEST(VignetteCheck, FactsMustBeAskableFindingsOfTheKnowledge) {
  auto v = vignette("x", {{"calf_swollen", Value::yes}, {"severe_pain", Value::yes}},
                    {{"complaint", "hi"}, {"sidee", "left"}});
  v.expected_condition = "dvt";
  EXPECT_EQ(
      check_vignette(v, test_kb()),
      (std::vector<std::string>{
          "x.json: facts: unknown finding \"calf_swollen\"",
          "x.json: facts: \"severe_pain\" is derived from severity; give numbers.severity instead",
          "x.json: expected_condition \"dvt\" is not a condition in the knowledge",
          "x.json: answers: no question has slot \"sidee\""}));
  EXPECT_TRUE(check_vignette(vignette("y", {{"calf_swelling", Value::yes}}), test_kb()).empty());
}

// ------------------------------------------------------------ the real vignettes

const std::string kVignetteDir = std::string(CALFBOT_SOURCE_DIR) + "/tests/vignettes";

std::shared_ptr<const knowledge::Knowledge> real_kb() {
  static const auto loaded = knowledge::load_embedded();
  return loaded.knowledge;
}

TEST(Vignettes, AllLoadAndMatchTheKnowledge) {
  const VignetteSet set = load_vignettes(kVignetteDir);
  for (const auto& e : set.errors) ADD_FAILURE() << e;
  EXPECT_GE(set.vignettes.size(), 48u);
  ASSERT_TRUE(real_kb());
  for (const auto& v : set.vignettes) {
    for (const auto& p : check_vignette(v, *real_kb())) ADD_FAILURE() << p;
  }
}

TEST(Vignettes, CoverEveryConditionTwiceAndEveryTriageLevel) {
  const VignetteSet set = load_vignettes(kVignetteDir);
  std::map<std::string, int> conditions;
  std::map<Triage, int> levels;
  for (const auto& v : set.vignettes) {
    ++conditions[v.expected_condition];
    ++levels[v.expected_triage];
  }
  for (const auto& id : knowledge::required_condition_ids()) EXPECT_GE(conditions[id], 2) << id;
  for (Triage t : {Triage::emergency, Triage::urgent, Triage::soon, Triage::self_care}) {
    EXPECT_GE(levels[t], 3) << knowledge::to_string(t);
  }
}

std::string transcript(const VignetteResult& r) {
  std::ostringstream out;
  print_transcript(r, out);
  return out.str();
}

TEST(Vignettes, EveryEmergencyVignetteIsEscalatedAndEveryRunEnds) {
  ASSERT_TRUE(real_kb());
  const dialog::Engine engine(real_kb(), dialog::EngineSettings{});
  const VignetteSet set = load_vignettes(kVignetteDir);
  for (const auto& v : set.vignettes) {
    const VignetteResult r = run_vignette(engine, v);
    EXPECT_EQ(r.error, "") << transcript(r);
    if (v.expected_triage == Triage::emergency) {
      EXPECT_TRUE(r.emergency_escalation) << transcript(r);
    }
  }
}

// ------------------------------------------------------------ the command

EvalOptions options(const std::string& dir, const std::string& only = "") {
  EvalOptions o;
  o.dir = dir;
  o.dir_given = true;
  o.only = only;
  return o;
}

EvalOptions strict_options(const std::string& dir) {
  EvalOptions o = options(dir);
  o.strict = true;
  return o;
}

EvalOptions verbose_options(const std::string& dir) {
  EvalOptions o = options(dir);
  o.verbose = true;
  return o;
}

TEST(RunEval, UnknownOnlyIdIsAnError) {
  std::ostringstream out;
  EXPECT_EQ(run_eval(options(kVignetteDir, "nobody"), out), 2);
  EXPECT_EQ(out.str(), "no vignette with id \"nobody\" in " + kVignetteDir + "\n");
}

TEST_F(VignetteFolder, StrictFailsOnUnderTriageOnly) {
  // A mild bruise that a clinician would (absurdly) send to the emergency department.
  write("bruise.json", R"({"id": "bruise", "description": "d", "expected_triage": "emergency",
    "expected_condition": "contusion", "opening": "I bumped my calf on a chair yesterday, small bruise",
    "facts": {"direct_blow": "yes", "bruising": "yes", "side_left": "yes", "male": "yes"},
    "numbers": {"age": 30, "severity": 2, "duration_days": 1}})");
  std::ostringstream lenient, strict, verbose;
  EXPECT_EQ(run_eval(options(dir_.string()), lenient), 0);
  EXPECT_NE(lenient.str().find("MISSED EMERGENCY"), std::string::npos) << lenient.str();
  EXPECT_EQ(run_eval(strict_options(dir_.string()), strict), 1);
  EXPECT_NE(strict.str().find("strict: FAILED"), std::string::npos);
  EXPECT_EQ(run_eval(verbose_options(dir_.string()), verbose), 0);
  EXPECT_NE(verbose.str().find("patient: I bumped my calf"), std::string::npos);
}

TEST_F(VignetteFolder, MalformedVignettesStopTheRun) {
  write("bad.json", "{");
  std::ostringstream out;
  EXPECT_EQ(run_eval(options(dir_.string()), out), 2);
  EXPECT_EQ(out.str(),
            "vignette error: " + (dir_ / "bad.json").string() + ": not valid JSON (at byte 2)\n");
}

}  // namespace
}  // namespace calfbot::bot
