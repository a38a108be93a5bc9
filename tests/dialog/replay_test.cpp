// Many whole conversations replayed and compared, turn by turn, with
// tests/dialog/transcripts/replay.txt: every reply's full JSON and every state
// text the store would keep, as a 64-bit FNV-1a hash each. It guards work on
// the engine's speed, which must not change a single reply, triage, escalation
// or stored state. The patients: engine_bench's scripted one, one answering
// each vignette's facts, and one giving pseudo-random answers (commands,
// nonsense, taps, "not sure", back, restart) from a fixed seed, each starting
// with every vignette's opening message.
// After a deliberate change of behaviour, regenerate with
// CALFBOT_UPDATE_TRANSCRIPTS=1 and check the transcripts tests' diffs, which
// show what changed in readable form.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bot/message_json.h"
#include "dialog/engine.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"
#include "tests/dialog/recorded_transcript.h"

namespace calfbot::dialog {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795600800;  // 2026-11-25T10:00:00Z, a Wednesday
constexpr int kMaxTurns = 60;

std::string fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

struct Vignette {
  std::string id;
  std::string opening;
  json facts, numbers;
};

std::vector<Vignette> vignettes() {
  std::vector<Vignette> out;
  const std::string dir = std::string(CALFBOT_SOURCE_DIR) + "/tests/vignettes";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    json j = json::parse(std::ifstream(path));
    out.push_back({j.at("id"), j.at("opening"), j.value("facts", json::object()),
                   j.value("numbers", json::object())});
  }
  return out;
}

// A step as the store keeps it and the wire carries it: every reply in the
// JSON of the one codec (bot/message_json.h).
struct Rendered {
  State state;
  json outputs;
};

Rendered rendered(StepResult r) { return {std::move(r.state), bot::messages_json(r.outputs)}; }

const json* question_of(const Rendered& r) {
  const json* q = nullptr;
  for (const auto& m : r.outputs) {
    if (m["type"] == "question") q = &m;
  }
  return q;
}

Input text(const std::string& t) { return Input{Input::Kind::text, t, kNow, 0}; }
Input tap(const std::string& id) { return Input{Input::Kind::choice, id, kNow, 0}; }

// engine_bench's patient (tests/bench/engine_script.h).
Input scripted(const json& q, const knowledge::Knowledge&, const Vignette&, uint32_t&) {
  const std::string type = q.value("answer_type", "");
  const std::string slot = q.value("slot", "");
  if (type == "number") return text(slot == "age" ? "54" : "4");
  if (type == "duration") return text("3 days ago");
  if (type == "yes_no") return text("no");
  if (type == "multi_choice") return text("none of these");
  return text(q["choices"][0]["label"]);
}

// Answers from the vignette's facts, tapping where it can.
Input factual(const json& q, const knowledge::Knowledge& kb, const Vignette& v, uint32_t&) {
  const knowledge::Question* kq = kb.question(q.value("slot", ""));
  if (!kq) return text("no");
  auto fact = [&](const std::string& f) { return v.facts.value(f, std::string("no")); };
  switch (kq->type) {
    case knowledge::AnswerType::yes_no: return tap(fact(kq->finding));
    case knowledge::AnswerType::number:
    case knowledge::AnswerType::duration: {
      if (!v.numbers.contains(kq->number)) return text("not sure");
      double n = v.numbers[kq->number].get<double>();
      if (kq->type == knowledge::AnswerType::number) return text(std::to_string(static_cast<int>(n)));
      return text(n < 1 ? "today" : std::to_string(static_cast<int>(n)) + " days ago");
    }
    case knowledge::AnswerType::single_choice:
    case knowledge::AnswerType::multi_choice: {
      std::string ids;
      bool unsure = false;
      for (const auto& c : kq->choices) {
        for (const auto& f : c.sets) {
          if (fact(f) == "yes") {
            ids += (ids.empty() ? "" : ",") + c.id;
            break;
          }
          unsure |= fact(f) == "unsure";
        }
        if (kq->type == knowledge::AnswerType::single_choice && !ids.empty()) break;
      }
      if (!ids.empty()) return tap(ids);
      if (unsure) return text("not sure");
      return text("no");
    }
  }
  return text("no");
}

// Pseudo-random answers from a fixed seed: every command, nonsense, "not
// sure", numbers, taps of real and unknown choices, now and then a red flag.
Input random_answer(const json& q, const knowledge::Knowledge&, const Vignette&, uint32_t& seed) {
  seed = seed * 1664525u + 1013904223u;
  const uint32_t r = seed >> 8;
  static const char* texts[] = {"yes", "no", "not sure", "purple elephants", "back", "why",
                                "help", "skip", "7", "about 2 weeks", "since Monday",
                                "it hurts behind the knee and I can't push off", "none",
                                "yes, and it's swollen and red", "no chest pain", "  "};
  const size_t n_texts = sizeof texts / sizeof texts[0];
  switch (r % 10) {
    case 0:
    case 1:
    case 2:
      if (q.contains("choices")) {
        const json& cs = q["choices"];
        return tap(cs[(r / 10) % cs.size()]["id"]);
      }
      return text("no");
    case 3: return tap("not_a_choice");
    case 4:
      if ((r / 10) % 20 == 0) return text("restart");
      if ((r / 10) % 20 == 1) return text("I suddenly feel short of breath");
      return text("no");
    default: return text(texts[(r / 10) % n_texts]);
  }
}

using Patient = Input (*)(const json&, const knowledge::Knowledge&, const Vignette&, uint32_t&);

// One conversation: a line per turn with what the patient sent and the hashes
// of the replies' JSON and of the state text; then two messages after the
// outcome.
std::string replay(const Engine& engine, const Vignette& v, Patient patient, uint32_t seed) {
  std::string out;
  auto record = [&](const std::string& said, const Rendered& r) {
    std::string replies;
    for (const auto& m : r.outputs) replies += m.dump() + "\n";
    out += said + " -> " + fnv1a(replies) + " " + fnv1a(to_json_text(r.state)) + "\n";
  };
  Rendered r = rendered(engine.start(kNow));
  record("start", r);
  r = rendered(engine.step(r.state, text(v.opening)));
  record("opening", r);
  for (int turn = 0; turn < kMaxTurns && r.state.phase != State::Phase::done; ++turn) {
    const json* q = question_of(r);
    if (!q) break;
    Input in = patient(*q, engine.knowledge(), v, seed);
    const std::string said = (in.kind == Input::Kind::choice ? "# " : "> ") + in.value;
    r = rendered(engine.step(r.state, in));
    record(said, r);
  }
  for (const char* after : {"my calf is now red and hot", "thanks"}) {
    r = rendered(engine.step(r.state, text(after)));
    record(std::string("> ") + after, r);
  }
  return out;
}

TEST(Replay, EveryReplyAndStateAsRecorded) {
  auto kb = knowledge::load_embedded().knowledge;
  ASSERT_TRUE(kb);
  Engine engine(kb, EngineSettings{});
  std::string actual;
  uint32_t seed = 1;
  for (const auto& v : vignettes()) {
    const std::pair<const char*, Patient> patients[] = {
        {"scripted", scripted}, {"factual", factual}, {"random", random_answer}};
    for (const auto& [name, patient] : patients) {
      actual += "== " + v.id + " " + name + "\n" + replay(engine, v, patient, seed++);
    }
  }
  const std::string path = transcript_path("replay");
  std::string expected;
  recorded_transcript(path, actual, expected);
  if (IsSkipped() || HasFatalFailure()) return;
  // Line by line, so that a failure names the conversation and the turn.
  std::istringstream a(actual), e(expected);
  std::string la, le, conversation;
  for (int line = 1; std::getline(e, le); ++line) {
    ASSERT_TRUE(std::getline(a, la)) << "replay ends early at line " << line << " of " << path;
    if (le.rfind("== ", 0) == 0) conversation = le;
    ASSERT_EQ(la, le) << "line " << line << " in " << conversation;
  }
  EXPECT_FALSE(std::getline(a, la)) << "replay has more lines than " << path;
}

}  // namespace
}  // namespace calfbot::dialog
