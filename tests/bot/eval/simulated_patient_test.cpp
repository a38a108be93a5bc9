#include "bot/eval/simulated_patient.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace calfbot::bot {
namespace {

using knowledge::Triage;
using nlohmann::json;

// ------------------------------------------------------------ fixtures

knowledge::Choice choice(std::string id, std::string label, std::vector<std::string> sets,
                         std::vector<std::string> synonyms) {
  return {std::move(id), std::move(label), std::move(sets), std::move(synonyms)};
}

knowledge::Question question(std::string slot, knowledge::AnswerType type) {
  knowledge::Question q;
  q.slot = std::move(slot);
  q.type = type;
  return q;
}

// A small hand-made knowledge with one question of each type.
const knowledge::Knowledge& test_kb() {
  static const knowledge::Knowledge kb = [] {
    using AT = knowledge::AnswerType;
    knowledge::Knowledge k;
    for (const char* id : {"calf_swelling", "breathless", "chest_pain", "side_left", "side_right",
                           "bilateral", "for_someone_else"}) {
      knowledge::Finding f;
      f.id = id;
      k.findings.push_back(f);
    }
    knowledge::Finding severe;
    severe.id = "severe_pain";
    severe.derived_from = "severity";
    k.findings.push_back(severe);
    knowledge::Condition dvt;
    dvt.id = "deep_vein_thrombosis";
    k.conditions.push_back(dvt);

    auto swelling = question("swelling", AT::yes_no);
    swelling.finding = "calf_swelling";
    auto who = question("who", AT::single_choice);
    who.choices = {choice("myself", "My own leg", {}, {"myself"}),
                   choice("someone_else", "Someone else", {"for_someone_else"}, {"someone else"})};
    auto side = question("side", AT::single_choice);
    side.choices = {choice("left", "Left", {"side_left"}, {"left leg"}),
                    choice("right", "Right", {"side_right"}, {"right leg"}),
                    choice("both", "Both", {"bilateral"}, {"both legs"})};
    auto screen = question("pe_screen", AT::multi_choice);
    screen.choices = {choice("breathless", "Short of breath", {"breathless"}, {"breathless"}),
                      choice("chest_pain", "Chest pain", {"chest_pain"}, {"pain in my chest"}),
                      choice("none", "None of these", {}, {"none"})};
    auto age = question("age", AT::number);
    age.number = "age";
    auto severity = question("severity", AT::number);
    severity.number = "severity";
    auto duration = question("duration", AT::duration);
    duration.number = "duration_days";
    k.questions = {swelling, who, side, screen, age, severity, duration};
    return k;
  }();
  return kb;
}

Vignette vignette(const std::string& id, std::map<std::string, dialog::Value> facts,
                  std::map<std::string, double> numbers = {},
                  std::map<std::string, std::string> answers = {}) {
  Vignette v;
  v.id = id;
  v.expected_triage = Triage::urgent;
  v.expected_condition = "deep_vein_thrombosis";
  v.opening = "my calf hurts";
  v.facts = std::move(facts);
  v.numbers = std::move(numbers);
  v.answers = std::move(answers);
  v.file = id + ".json";
  return v;
}

// "v" + std::to_string(i) trips a GCC 12 -Wrestrict false positive at -O3.
std::string numbered(std::string prefix, int i) { return prefix.append(std::to_string(i)); }

dialog::QuestionMessage ask(const std::string& slot, const std::string& type) {
  dialog::QuestionMessage q;
  q.slot = slot;
  q.text = "?";
  q.answer_type = *dialog::answer_kind_from_string(type);
  return q;
}

const std::set<std::string> kYes = {"yes", "Yes", "yeah", "yep", "yes I have", "yes, that's right"};
const std::set<std::string> kNo = {"no", "No", "nope", "no, I haven't", "not that I've noticed",
                                   "nah"};
const std::set<std::string> kUnsure = {"I'm not sure", "not sure", "don't know",
                                       "hard to say, not sure"};

using dialog::Value;

// ------------------------------------------------------------ simulated patient

TEST(SimulatedPatient, ComplaintGetsTheOpening) {
  const auto v = vignette("a", {});
  EXPECT_EQ(SimulatedPatient(v, test_kb()).answer(ask("complaint", "text")), "my calf hurts");
}

TEST(SimulatedPatient, AnswersEntryOverridesTheFirstAskOnly) {
  const auto v =
      vignette("a", {{"calf_swelling", Value::yes}}, {}, {{"swelling", "a tiny bit maybe?"}});
  const SimulatedPatient p(v, test_kb());
  EXPECT_EQ(p.answer(ask("swelling", "yes_no")), "a tiny bit maybe?");
  EXPECT_EQ(p.answer(ask("swelling", "yes_no"), 1), "yes");
}

TEST(SimulatedPatient, YesNoPhrasingsVaryButAlwaysMeanTheFact) {
  std::set<std::string> yes_forms, no_forms, unsure_forms;
  for (int i = 0; i < 40; ++i) {
    const std::string id = numbered("vignette_", i);
    for (Value value : {Value::yes, Value::no, Value::unsure}) {
      const auto v = vignette(id, {{"calf_swelling", value}});
      const SimulatedPatient p(v, test_kb());
      const std::string said = p.answer(ask("swelling", "yes_no"));
      EXPECT_EQ(said, p.answer(ask("swelling", "yes_no"))) << "deterministic";
      auto& forms = value == Value::yes ? yes_forms : value == Value::no ? no_forms : unsure_forms;
      forms.insert(said);
      EXPECT_TRUE((value == Value::yes  ? kYes
                   : value == Value::no ? kNo
                                        : kUnsure)
                      .count(said))
          << said;
    }
  }
  EXPECT_GE(yes_forms.size(), 4u);
  EXPECT_GE(no_forms.size(), 4u);
  EXPECT_GE(unsure_forms.size(), 3u);
}

TEST(SimulatedPatient, YesNoPhrasingIsStableAcrossBuilds) {
  // The pick depends only on FNV-1a of "<vignette id>/<slot>", never on std::hash.
  const auto yes = vignette("dvt_after_flight", {{"calf_swelling", Value::yes}});
  const auto no = vignette("dvt_after_flight", {});
  EXPECT_EQ(SimulatedPatient(yes, test_kb()).answer(ask("swelling", "yes_no")), "yep");
  EXPECT_EQ(SimulatedPatient(no, test_kb()).answer(ask("swelling", "yes_no")), "no, I haven't");
}

TEST(SimulatedPatient, ReaskedYesNoGetsThePlainWord) {
  const std::pair<Value, std::string> cases[] = {
      {Value::yes, "yes"}, {Value::no, "no"}, {Value::unsure, "not sure"}};
  for (const auto& [value, word] : cases) {
    const auto v = vignette("a", {{"calf_swelling", value}});
    EXPECT_EQ(SimulatedPatient(v, test_kb()).answer(ask("swelling", "yes_no"), 1), word);
  }
}

TEST(SimulatedPatient, SingleChoiceNamesTheChoiceThatFits) {
  const auto v = vignette("a", {{"side_left", Value::yes}});
  const SimulatedPatient p(v, test_kb());
  const std::string first = p.answer(ask("side", "single_choice"));
  EXPECT_TRUE(first == "left" || first == "left leg") << first;
  EXPECT_EQ(p.answer(ask("side", "single_choice"), 1), "left");
}

TEST(SimulatedPatient, SingleChoiceWithNoFindingTakesThePlainOption) {
  const auto self = vignette("a", {});
  const std::string said = SimulatedPatient(self, test_kb()).answer(ask("who", "single_choice"));
  EXPECT_TRUE(said == "my own leg" || said == "myself") << said;
  const auto other = vignette("a", {{"for_someone_else", Value::yes}});
  EXPECT_EQ(SimulatedPatient(other, test_kb()).answer(ask("who", "single_choice"), 1),
            "someone else");
}

TEST(SimulatedPatient, MultiChoiceNamesEveryChoiceThatFits) {
  const auto v = vignette("a", {{"breathless", Value::yes}, {"chest_pain", Value::yes}});
  const SimulatedPatient p(v, test_kb());
  EXPECT_EQ(p.answer(ask("pe_screen", "multi_choice"), 1), "short of breath and chest pain");
  std::string said = p.answer(ask("pe_screen", "multi_choice"));
  if (said.rfind("yes, ", 0) == 0) said = said.substr(5);
  const std::set<std::string> ways = {"short of breath and chest pain", "breathless and chest pain",
                                      "short of breath and pain in my chest",
                                      "breathless and pain in my chest"};
  EXPECT_TRUE(ways.count(said)) << said;
}

TEST(SimulatedPatient, MultiChoiceWithNothingThatFitsSaysNone) {
  const std::set<std::string> none = {"none of these", "no, none of those", "no"};
  for (int i = 0; i < 10; ++i) {
    const auto v = vignette(numbered("v", i), {{"calf_swelling", Value::yes}});
    const SimulatedPatient p(v, test_kb());
    EXPECT_TRUE(none.count(p.answer(ask("pe_screen", "multi_choice"))));
    EXPECT_EQ(p.answer(ask("pe_screen", "multi_choice"), 1), "none of these");
  }
}

TEST(SimulatedPatient, UnsureFindingsGiveNotSure) {
  const auto v = vignette("a", {{"breathless", Value::unsure}});
  const SimulatedPatient p(v, test_kb());
  EXPECT_EQ(p.answer(ask("pe_screen", "multi_choice")), "I'm not sure");
  EXPECT_EQ(p.answer(ask("pe_screen", "multi_choice"), 1), "not sure");
}

TEST(SimulatedPatient, NumbersAreSaidAsPeopleSayThem) {
  const auto v = vignette("a", {}, {{"age", 54}, {"severity", 6}});
  const SimulatedPatient p(v, test_kb());
  const std::set<std::string> ages = {"I'm 54", "54", "54 years old"};
  const std::set<std::string> severities = {"about a 6 out of 10", "6/10", "I'd say 6"};
  EXPECT_TRUE(ages.count(p.answer(ask("age", "number")))) << p.answer(ask("age", "number"));
  EXPECT_TRUE(severities.count(p.answer(ask("severity", "number"))));
  EXPECT_EQ(p.answer(ask("age", "number"), 1), "54");
  EXPECT_EQ(p.answer(ask("severity", "number"), 1), "6");

  const auto child = vignette("b", {{"for_someone_else", Value::yes}}, {{"age", 9}});
  const std::set<std::string> child_ages = {"9", "9 years old", "they're 9"};
  EXPECT_TRUE(child_ages.count(SimulatedPatient(child, test_kb()).answer(ask("age", "number"))));

  const auto nothing = vignette("c", {});
  EXPECT_EQ(SimulatedPatient(nothing, test_kb()).answer(ask("age", "number")), "I don't know");
}

TEST(SimulatedPatient, DurationComesFromDurationDays) {
  const auto v = vignette("a", {}, {{"duration_days", 3}});
  const SimulatedPatient p(v, test_kb());
  const std::set<std::string> ways = {"3 days ago", "about 3 days", "for 3 days now"};
  EXPECT_TRUE(ways.count(p.answer(ask("duration", "duration"))));
  EXPECT_EQ(p.answer(ask("duration", "duration"), 1), "3 days");
  const auto hours = vignette("b", {}, {{"duration_days", 0.1}});
  EXPECT_EQ(SimulatedPatient(hours, test_kb()).answer(ask("duration", "duration"), 1), "today");
}

TEST(SimulatedPatient, QuestionsTheKnowledgeDoesNotHave) {
  const auto v = vignette("a", {{"calf_swelling", Value::yes}});
  const SimulatedPatient p(v, test_kb());
  EXPECT_TRUE(kUnsure.count(p.answer(ask("mystery", "yes_no"))));
  EXPECT_EQ(p.answer(ask("mystery", "single_choice")), "I'm not sure");
  const std::set<std::string> done = {"no, that's everything", "nothing else", "no, that's all"};
  EXPECT_TRUE(done.count(p.answer(ask("anything_else", "text"))));
}

TEST(DurationPhrase, Exact) {
  EXPECT_EQ(duration_phrase(0.2, 0), "a few hours ago");
  EXPECT_EQ(duration_phrase(0.2, 1), "since this morning");
  EXPECT_EQ(duration_phrase(1, 0), "since yesterday");
  EXPECT_EQ(duration_phrase(1, 2), "1 day ago");
  EXPECT_EQ(duration_phrase(3, 0), "3 days ago");
  EXPECT_EQ(duration_phrase(3, 4), "about 3 days");
  EXPECT_EQ(duration_phrase(10, 0), "about a week");
  EXPECT_EQ(duration_phrase(10, 1), "10 days ago");
  EXPECT_EQ(duration_phrase(14, 0), "about 2 weeks");
  EXPECT_EQ(duration_phrase(35, 1), "5 weeks ago");
  EXPECT_EQ(duration_phrase(120, 0), "about 4 months");
  EXPECT_EQ(duration_phrase(400, 0), "over a year");
}

TEST(StableHash, IsFnv1a64) {
  EXPECT_EQ(stable_hash(""), 14695981039346656037ull);
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace calfbot::bot
