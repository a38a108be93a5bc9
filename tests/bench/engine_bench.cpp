// Engine microbenchmarks: inference, understanding, one turn, a whole
// conversation. Prints figures; not a test.
//   build/tests/bench/engine_bench
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "dialog/understanding.h"
#include "knowledge/inference.h"
#include "knowledge/loader.h"

namespace {

using namespace calfbot;

constexpr int64_t kNow = 1795600800;

std::shared_ptr<const knowledge::Knowledge> kb() {
  static auto k = knowledge::load_embedded().knowledge;
  return k;
}

const dialog::Engine& engine() {
  static dialog::Engine e(kb(), dialog::EngineSettings{});
  return e;
}

// A scripted patient: answers each question the same way, so every run is the same conversation.
std::string answer_for(const nlohmann::json& q) {
  const std::string type = q.value("answer_type", "");
  const std::string slot = q.value("slot", "");
  if (slot == "complaint") return "my left calf has been swollen since the flight on Tuesday, no chest pain";
  if (type == "number") return slot == "age" ? "54" : "4";
  if (type == "duration") return "3 days ago";
  if (type == "yes_no") return "no";
  if (type == "multi_choice") return "none of these";
  return q["choices"][0]["label"];
}

dialog::StepResult play(int max_turns, int* turns) {
  dialog::StepResult r = engine().start(kNow);
  *turns = 0;
  while (r.state.phase != dialog::State::Phase::done && *turns < max_turns) {
    const nlohmann::json* q = nullptr;
    for (const auto& m : r.outputs) {
      if (m["type"] == "question") q = &m;
    }
    if (!q) break;
    r = engine().step(r.state, dialog::Input{dialog::Input::Kind::text, answer_for(*q), kNow, 0});
    ++*turns;
  }
  return r;
}

void BM_Inference(benchmark::State& st) {
  knowledge::Model model(*kb());
  int turns = 0;
  dialog::State s = play(8, &turns).state;
  knowledge::Known known = dialog::known_of(*kb(), s);
  for (auto _ : st) benchmark::DoNotOptimize(model.rank(known));
}
BENCHMARK(BM_Inference)->Unit(benchmark::kMicrosecond);

void BM_Understand(benchmark::State& st) {
  dialog::Lexicon lex(*kb());
  dialog::LocalDate today = dialog::local_date(kNow, 0);
  for (auto _ : st) {
    benchmark::DoNotOptimize(lex.understand(
        "my left calf has been swollen since the flight on Tuesday, no chest pain", nullptr, today));
  }
}
BENCHMARK(BM_Understand)->Unit(benchmark::kMicrosecond);

// One turn in the middle of a conversation (a yes/no answer).
void BM_Turn(benchmark::State& st) {
  int turns = 0;
  dialog::State s = play(6, &turns).state;
  dialog::Input in{dialog::Input::Kind::text, "no", kNow, 0};
  for (auto _ : st) benchmark::DoNotOptimize(engine().step(s, in));
}
BENCHMARK(BM_Turn)->Unit(benchmark::kMicrosecond);

// A whole conversation; per_turn is the time a turn takes on average.
void BM_Conversation(benchmark::State& st) {
  int turns = 0;
  int64_t total_turns = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(play(60, &turns));
    total_turns += turns;
  }
  st.counters["turns"] = static_cast<double>(turns);
  st.counters["per_turn"] = benchmark::Counter(
      static_cast<double>(total_turns), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Conversation)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
