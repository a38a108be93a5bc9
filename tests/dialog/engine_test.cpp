// The conversation engine's transitions, over the real knowledge: start,
// interlock on the first message, commands, bad input, escalation that never
// goes down, determinism and state round-trips.
#include "dialog/engine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/message_json.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::dialog {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795600800;  // 2026-11-25T10:00:00Z, a Wednesday

// A step with its replies as the wire carries them (bot/message_json.h).
struct Step {
  State state;
  json outputs;
};

Step rendered(StepResult r) { return {std::move(r.state), bot::messages_json(r.outputs)}; }

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = knowledge::load_embedded();
    ASSERT_TRUE(r.ok());
    engine_ = std::make_unique<Engine>(r.knowledge, EngineSettings{});
  }

  static Step say(const State& s, const std::string& text) {
    return rendered(engine_->step(s, Input{Input::Kind::text, text, kNow, 0}));
  }
  static Step pick(const State& s, const std::string& id) {
    return rendered(engine_->step(s, Input{Input::Kind::choice, id, kNow, 0}));
  }
  static std::vector<std::string> types(const Step& r) {
    std::vector<std::string> out;
    for (const auto& m : r.outputs) out.push_back(m["type"]);
    return out;
  }
  static const json* last_of(const Step& r, const std::string& type) {
    const json* out = nullptr;
    for (const auto& m : r.outputs) {
      if (m["type"] == type) out = &m;
    }
    return out;
  }
  // Answers every question "no" / the first choice / 5 until the outcome.
  static Step play_out(Step r) {
    for (int i = 0; i < 80 && r.state.phase != State::Phase::done; ++i) {
      const json* q = last_of(r, "question");
      if (!q) break;
      std::string type = (*q)["answer_type"];
      if (type == "number") r = say(r.state, "5");
      else if (type == "duration") r = say(r.state, "2 days ago");
      else if (type == "yes_no" || type == "multi_choice") r = say(r.state, "no");
      else r = pick(r.state, (*q)["choices"][0]["id"]);
    }
    return r;
  }

  // Walks a conversation that opened with `opening` to the safety screen.
  static Step to_pe_screen(const std::string& opening) {
    Step r = say(rendered(engine_->start(kNow)).state, opening);
    for (int i = 0; i < 30 && r.state.current != "pe_screen"; ++i) {
      const json* q = last_of(r, "question");
      if (!q) break;
      std::string type = (*q)["answer_type"];
      r = type == "number" ? say(r.state, "40") : type == "duration" ? say(r.state, "2 days")
          : type == "text" ? say(r.state, "it hurts") : pick(r.state, (*q)["choices"][0]["id"]);
    }
    return r;
  }

  static std::unique_ptr<Engine> engine_;
};

std::unique_ptr<Engine> EngineTest::engine_;

TEST_F(EngineTest, StartGreetsAndAsksForTheComplaint) {
  Step r = rendered(engine_->start(kNow));
  EXPECT_EQ(types(r), (std::vector<std::string>{"info", "question"}));
  EXPECT_EQ(r.outputs[0]["seq"], 1);
  EXPECT_EQ(r.outputs[1]["seq"], 2);
  EXPECT_EQ(r.outputs[1]["slot"], "complaint");
  EXPECT_NE(r.outputs[0]["text"].get<std::string>().find("999"), std::string::npos);
  EXPECT_EQ(r.state.knowledge_version, engine_->version());
  // The knowledge's content version, and the statistical reader's built in.
  EXPECT_EQ(r.state.knowledge_version.rfind(engine_->knowledge().version + "+reader-", 0), 0u);
  EXPECT_EQ(r.state.current, "complaint");
}

TEST_F(EngineTest, FirstMessageWithChestPainEscalatesAtOnce) {
  Step r = say(rendered(engine_->start(kNow)).state,
                     "my calf is swollen and now I have chest pain when I breathe in");
  EXPECT_EQ(types(r), (std::vector<std::string>{"escalation", "outcome"}));
  EXPECT_EQ(r.outputs[0]["level"], "emergency");
  EXPECT_NE(r.outputs[0]["text"].get<std::string>().find("999"), std::string::npos);
  EXPECT_EQ(r.outputs[1]["triage"], "emergency");
  EXPECT_EQ(r.state.phase, State::Phase::done);
}

TEST_F(EngineTest, EmergencyNumberComesFromSettings) {
  auto kb = knowledge::load_embedded().knowledge;
  EngineSettings us;
  us.emergency_number = "911";
  Engine e(kb, us);
  Step r = rendered(e.step(e.start(kNow).state, Input{Input::Kind::text, "I coughed up blood", kNow, 0}));
  ASSERT_EQ(r.outputs[0]["type"], "escalation");
  EXPECT_NE(r.outputs[0]["text"].get<std::string>().find("911"), std::string::npos);
  EXPECT_EQ(r.outputs[0]["emergency_number"], "911");
}

TEST_F(EngineTest, ScreeningRunsEvenOnACommand) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf aches");
  r = say(r.state, "go back, I'm short of breath");
  EXPECT_EQ(r.outputs[0]["type"], "escalation");
  EXPECT_EQ(r.outputs[0]["level"], "emergency");
}

TEST_F(EngineTest, YesToTheSafetyScreenWithoutDetailsIsAnEmergency) {
  Step r = to_pe_screen("my right calf hurts");
  ASSERT_EQ(r.state.current, "pe_screen");
  Step yes = say(r.state, "yes");
  EXPECT_EQ(yes.outputs[0]["type"], "escalation");
  EXPECT_EQ(yes.outputs[0]["level"], "emergency");
}

TEST_F(EngineTest, NotSureRaisesTheLevelWhereTheStoryMakesTheSignPlausible) {
  // A calf tender deep inside: a clot is plausible, so "not sure" about
  // breathlessness and chest pain means an assessment today.
  Step r = to_pe_screen("my right calf hurts, it is tender deep in the calf when I press");
  ASSERT_EQ(r.state.current, "pe_screen");
  Step unsure = say(r.state, "not sure");
  const json* e = last_of(unsure, "escalation");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["level"], "urgent");
  // The text matches the level: it names what was uncertain and asks for an
  // assessment today; the emergency number comes only as a safety net.
  const std::string text = (*e)["text"];
  EXPECT_NE(text.find("You weren't sure about"), std::string::npos) << text;
  EXPECT_NE(text.find("today"), std::string::npos) << text;
  EXPECT_EQ(text.find("Call 999 now"), std::string::npos) << text;
}

TEST_F(EngineTest, NotSureWithoutAPlausibleStoryEarnsASafetyNetLineNotALevel) {
  Step r = to_pe_screen("my right calf hurts");
  ASSERT_EQ(r.state.current, "pe_screen");
  Step unsure = say(r.state, "not sure");
  EXPECT_EQ(last_of(unsure, "escalation"), nullptr);
  EXPECT_FALSE(unsure.state.escalated.has_value());
  EXPECT_EQ(unsure.state.get("breathless"), Value::unsure);
  Step done = play_out(unsure);
  const json* outcome = last_of(done, "outcome");
  ASSERT_NE(outcome, nullptr);
  bool line = false;
  for (const auto& item : (*outcome)["safety_net"]) line |= item["id"] == "watch_pe_signs";
  EXPECT_TRUE(line) << (*outcome)["safety_net"].dump();
}

TEST_F(EngineTest, EscalationIsNeverLowered) {
  Step r = say(rendered(engine_->start(kNow)).state,
                     "my left calf is swollen since my hip replacement 3 weeks ago");
  ASSERT_TRUE(r.state.escalated.has_value());
  EXPECT_EQ(*r.state.escalated, static_cast<int>(knowledge::Triage::urgent));
  r = play_out(r);
  const json* outcome = last_of(r, "outcome");
  ASSERT_NE(outcome, nullptr);
  EXPECT_EQ((*outcome)["triage"], "urgent");
  // Restart keeps the escalation.
  Step again = say(r.state, "restart");
  EXPECT_EQ(*again.state.escalated, static_cast<int>(knowledge::Triage::urgent));
  EXPECT_EQ(again.state.current, "complaint");
}

TEST_F(EngineTest, BackUndoesTheLastAnswerExactly) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  const std::string first = r.state.current;
  const json* q = last_of(r, "question");
  ASSERT_NE(q, nullptr);
  Step answered = (*q)["answer_type"] == "number" ? say(r.state, "33")
                                                         : pick(r.state, (*q)["choices"][0]["id"]);
  ASSERT_NE(answered.state.current, first);
  Step back = say(answered.state, "back");
  EXPECT_EQ(back.state.current, first);
  EXPECT_EQ(back.state.findings, r.state.findings);
  EXPECT_EQ(back.state.numbers, r.state.numbers);
  EXPECT_EQ(back.state.answers.size(), r.state.answers.size());
  EXPECT_EQ(types(back), (std::vector<std::string>{"info", "question"}));
}

TEST_F(EngineTest, UnknownChoiceIsAnErrorAndChangesNothing) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  Step bad = pick(r.state, "purple");
  EXPECT_EQ(types(bad), (std::vector<std::string>{"error", "question"}));
  EXPECT_EQ(bad.outputs[0]["code"], "unknown_choice");
  EXPECT_EQ(bad.state.findings, r.state.findings);
  EXPECT_EQ(bad.state.current, r.state.current);
}

TEST_F(EngineTest, EmptyAndOversizedMessagesAreErrors) {
  Step r = rendered(engine_->start(kNow));
  Step empty = say(r.state, "   ");
  EXPECT_EQ(empty.outputs[0]["code"], "empty_message");
  Step big = say(r.state, std::string(3000, 'a'));
  EXPECT_EQ(types(big), (std::vector<std::string>{"error", "question"}));
  EXPECT_EQ(big.outputs[0]["code"], "message_too_long");
  EXPECT_EQ(big.state.current, "complaint");
  // The state keeps only the beginning of an oversized message.
  ASSERT_EQ(big.state.patient_words.size(), 1u);
  EXPECT_EQ(big.state.patient_words[0].size(), 2000u);
}

TEST_F(EngineTest, AnOversizedMessageIsScreenedBeforeItIsRefused) {
  // A long story with breathlessness and chest pain at its very end.
  std::string story;
  while (story.size() < 2300) story += "My left calf has ached since the long drive last week. ";
  story += "Now I am short of breath and I have chest pain.";
  Step r = say(rendered(engine_->start(kNow)).state, story);
  const json* e = last_of(r, "escalation");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["level"], "emergency");
  EXPECT_EQ(r.state.phase, State::Phase::done);
  EXPECT_EQ(r.state.get("breathless"), Value::yes);
}

TEST_F(EngineTest, WhyAndHelpAnswerAndReAsk) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  const json* q = last_of(r, "question");
  ASSERT_NE(q, nullptr);
  Step why = say(r.state, "why do you ask?");
  EXPECT_EQ(types(why), (std::vector<std::string>{"info", "question"}));
  EXPECT_EQ(why.outputs[0]["text"], (*q)["why"]);
  EXPECT_EQ(why.outputs[1]["slot"], (*q)["slot"]);
  Step help = say(r.state, "help");
  EXPECT_EQ(types(help), (std::vector<std::string>{"info", "question"}));
}

TEST_F(EngineTest, GibberishIsRephrasedThenAskedPlainlyThenLeftNotUnsure) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  // Walk to the first yes/no question.
  for (int i = 0; i < 30; ++i) {
    const json* q = last_of(r, "question");
    ASSERT_NE(q, nullptr);
    if ((*q)["answer_type"] == "yes_no") break;
    std::string type = (*q)["answer_type"];
    r = type == "number" ? say(r.state, "40") : type == "duration" ? say(r.state, "2 days")
        : type == "multi_choice" ? say(r.state, "none of these") : pick(r.state, (*q)["choices"][0]["id"]);
  }
  const std::string slot = r.state.current;
  const knowledge::Question* question = engine_->knowledge().question(slot);
  ASSERT_NE(question, nullptr);
  const std::string first = (*last_of(r, "question"))["text"];
  Step a = say(r.state, "zxqv");
  EXPECT_EQ(a.state.current, slot);
  const std::string second = (*last_of(a, "question"))["text"];
  EXPECT_NE(second, first);
  EXPECT_EQ(second, question->rephrase);
  Step b = say(a.state, "zxqv");
  EXPECT_EQ(b.state.current, slot);
  const json* plain = last_of(b, "question");
  EXPECT_EQ((*plain)["repair"], "direct");
  EXPECT_EQ((*plain)["answer_type"], "yes_no");
  EXPECT_NE((*plain)["text"], second);
  Step c = say(b.state, "zxqv");
  EXPECT_NE(c.state.current, slot);
  // Not understood is not "not sure": only the patient says that.
  EXPECT_EQ(c.state.get(question->finding), Value::unknown);
  EXPECT_EQ(c.state.unanswered, (std::vector<std::string>{slot}));
}

TEST_F(EngineTest, ThePlainYesNoOfRepairIsReadAgainstItsFindings) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  r = say(r.state, "40");  // age
  r = pick(r.state, "female");
  r = pick(r.state, "left");
  r = pick(r.state, "mid_calf");
  ASSERT_EQ(r.state.current, "pe_screen");
  Step a = say(say(r.state, "zxqv").state, "qqq");
  ASSERT_EQ((*last_of(a, "question"))["repair"], "direct");
  // A yes to "any trouble breathing, chest pain, ...?" is the worst case.
  Step yes = say(a.state, "yes");
  EXPECT_EQ(yes.state.get("pe_symptom_unspecified"), Value::yes);
  ASSERT_NE(last_of(yes, "escalation"), nullptr);
  EXPECT_EQ((*last_of(yes, "escalation"))["level"], "emergency");
  Step no = say(a.state, "no");
  EXPECT_EQ(no.state.get("breathless"), Value::no);
  EXPECT_EQ(no.state.get("chest_pain"), Value::no);
  EXPECT_EQ(last_of(no, "escalation"), nullptr);
}

TEST_F(EngineTest, NoQuestionTextIsShownTwiceInARow) {
  Step r = say(rendered(engine_->start(kNow)).state, "my calf hurts");
  std::string last = (*last_of(r, "question"))["text"];
  for (const char* input : {"why?", "help", "zxqv", "why?", "40"}) {
    r = say(r.state, input);
    const std::string now = (*last_of(r, "question"))["text"];
    EXPECT_NE(now, last) << input;
    last = now;
  }
}

TEST_F(EngineTest, AQuestionAnsweredInPartAsksOnlyTheRest) {
  Step r = say(rendered(engine_->start(kNow)).state, "calf pain, no chest pain, came on during football");
  for (int i = 0; i < 12 && r.state.current != "pe_screen"; ++i) {
    const json* q = last_of(r, "question");
    std::string type = (*q)["answer_type"];
    r = type == "number" ? say(r.state, "40") : pick(r.state, (*q)["choices"][0]["id"]);
  }
  ASSERT_EQ(r.state.current, "pe_screen");
  const json* q = last_of(r, "question");
  for (const auto& c : (*q)["choices"]) EXPECT_NE(c["id"], "chest_pain");
  EXPECT_NE((*q)["text"].get<std::string>().find("already told me"), std::string::npos);
  // "None" does not undo what was said before: a yes is never lowered.
  Step none = say(r.state, "none of these");
  EXPECT_EQ(none.state.get("chest_pain"), Value::no);
  EXPECT_EQ(none.state.get("breathless"), Value::no);
}

TEST_F(EngineTest, ConversationEndsWithARankedOutcome) {
  Step r = play_out(say(rendered(engine_->start(kNow)).state, "cramp in both calves at night"));
  const json* outcome = last_of(r, "outcome");
  ASSERT_NE(outcome, nullptr);
  EXPECT_EQ(r.state.phase, State::Phase::done);
  ASSERT_GE((*outcome)["conditions"].size(), 3u);
  double prev = 1.0;
  for (const auto& c : (*outcome)["conditions"]) {
    EXPECT_LE(c["score"].get<double>(), prev);
    prev = c["score"].get<double>();
  }
  EXPECT_FALSE((*outcome)["disclaimer"].get<std::string>().empty());
  EXPECT_EQ((*outcome)["knowledge_version"], engine_->version());
  EXPECT_LE(r.state.asked.size(), static_cast<size_t>(engine_->settings().max_questions));
}

TEST_F(EngineTest, SameInputsGiveTheSameConversation) {
  auto run = [] {
    Step r = say(rendered(engine_->start(kNow)).state, "pain in my left calf after tennis, heard a pop");
    return play_out(r);
  };
  Step a = run(), b = run();
  EXPECT_EQ(to_json(a.state), to_json(b.state));
  EXPECT_EQ(json(a.outputs), json(b.outputs));
}

TEST_F(EngineTest, StateRoundTripsThroughJson) {
  Step r = say(rendered(engine_->start(kNow)).state, "swollen left calf since the flight, no chest pain");
  r = say(r.state, "not sure");
  json j = to_json(r.state);
  State back = state_from_json(j);
  EXPECT_EQ(to_json(back), j);
  // A restored state carries on exactly as the original.
  EXPECT_EQ(json(say(back, "yes").outputs), json(say(r.state, "yes").outputs));
}

// The state's text is written by hand (not by nlohmann): every string
// escape and every number must read back exactly.
TEST_F(EngineTest, StateTextReadsBackExactly) {
  State s = rendered(engine_->start(kNow)).state;
  const std::string awkward = "a \"quote\", a back\\slash, a\nnew line, a\ttab, \x01\x1f, é 🙂 /";
  s.current = awkward;
  s.patient_words = {awkward, ""};
  s.numbers = {{"age", 34}, {"severity", 0.1}, {"duration_days", 1e-7}, {"big", 1e21}};
  s.escalated = 2;
  s.answers.push_back(AnswerRecord{"slot", awkward, {{"calf_swelling", Value::unsure}},
                                   {{"age", std::nullopt}, {"severity", -2.5}}, 0.93});
  const std::string text = to_json_text(s);
  State back = state_from_json(json::parse(text));
  EXPECT_EQ(back.current, awkward);
  EXPECT_EQ(back.patient_words, s.patient_words);
  EXPECT_EQ(back.numbers, s.numbers);
  EXPECT_EQ(back.escalated, 2);
  ASSERT_EQ(back.answers.size(), 1u);
  EXPECT_EQ(back.answers[0].text, awkward);
  EXPECT_EQ(back.answers[0].previous_findings, s.answers[0].previous_findings);
  EXPECT_EQ(back.answers[0].previous_numbers, s.answers[0].previous_numbers);
  EXPECT_EQ(to_json_text(back), text);
  // The same document nlohmann would have made of the same fields.
  EXPECT_EQ(json::parse(text)["current"].dump(), json(awkward).dump());
}

TEST_F(EngineTest, MalformedStateIsRejected) {
  json j = to_json(rendered(engine_->start(kNow)).state);
  j["phase"] = "sleeping";
  EXPECT_THROW(state_from_json(j), std::invalid_argument);
  j = to_json(rendered(engine_->start(kNow)).state);
  j["findings"] = {{"calf_swelling", "maybe"}};
  EXPECT_THROW(state_from_json(j), std::invalid_argument);
}

// A conversation has bounds (docs/security.md): past them a message is still
// screened, and one that raises the level is taken; any other is refused and
// the state stays as it was, so nothing more is stored. The caller keeps the
// count of messages taken (the conversation service: the stored inputs).
TEST_F(EngineTest, AtItsBoundsAConversationRefusesAllButAnEscalation) {
  auto kb = knowledge::load_embedded().knowledge;
  EngineSettings small;
  small.max_turns = 10;
  Engine e(kb, small);
  auto say_to = [&](const State& s, const std::string& text, int taken) {
    return e.step(s, Input{Input::Kind::text, text, kNow, 0}, taken);
  };
  StepResult r = say_to(e.start(kNow).state, "my left calf aches", 0);
  EXPECT_FALSE(e.at_limit(r.state, 9));
  EXPECT_FALSE(say_to(r.state, "restart", 9).over_limit);
  EXPECT_TRUE(e.at_limit(r.state, 10));
  StepResult refused = say_to(r.state, "hello again", 10);
  EXPECT_TRUE(refused.over_limit);
  EXPECT_TRUE(refused.outputs.empty());
  EXPECT_EQ(to_json(refused.state), to_json(r.state));
  EXPECT_TRUE(say_to(r.state, "restart", 10).over_limit);
  StepResult urgent = say_to(r.state, "now I can't catch my breath and my chest hurts", 10);
  EXPECT_FALSE(urgent.over_limit);
  ASSERT_FALSE(urgent.outputs.empty());
  Step shown = rendered(urgent);
  EXPECT_EQ(shown.outputs[0]["type"], "escalation");
  EXPECT_EQ(shown.outputs[0]["level"], "emergency");
  // Escalated as far as it goes, the next message raises nothing: refused.
  EXPECT_TRUE(say_to(urgent.state, "and it's worse", 11).over_limit);
}

TEST_F(EngineTest, ThePatientsWordsAreBoundedToo) {
  auto kb = knowledge::load_embedded().knowledge;
  EngineSettings small;
  small.max_patient_text_bytes = 2000;
  Engine e(kb, small);
  StepResult r = e.step(e.start(kNow).state,
                        Input{Input::Kind::text, "my calf " + std::string(1992, 'a'), kNow, 0});
  EXPECT_FALSE(r.over_limit);
  EXPECT_TRUE(e.at_limit(r.state, 1));
  EXPECT_TRUE(e.step(r.state, Input{Input::Kind::text, "left", kNow, 0}, 1).over_limit);
}

}  // namespace
}  // namespace calfbot::dialog
