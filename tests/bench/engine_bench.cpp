// Engine microbenchmarks: inference, understanding, one turn, a whole
// conversation. Prints figures; not a test.
//   build/tests/bench/engine_bench
#include <benchmark/benchmark.h>

#include "dialog/engine.h"
#include "dialog/interlock.h"
#include "dialog/understanding/understanding.h"
#include "engine_script.h"
#include "knowledge/inference.h"

namespace {

using namespace calfbot;

using bench::engine;
using bench::kb;
using bench::kNow;
using bench::play;

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
