// Runs N complete scripted conversations (engine_bench's patient) through
// the dialog engine and says how many turns that was: a fixed amount of
// work for an instruction count. tests/bench/callgrind_turns runs it under
// callgrind with two values of N; the difference divided by the difference
// in turns is the cost of a turn, without the start-up.
//   build/tests/bench/engine_turns 100
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dialog/engine.h"
#include "engine_script.h"

namespace calfbot::bench {

// Not inlined, so callgrind can collect inside it alone (--toggle-collect).
[[gnu::noinline]] long run_conversations(int conversations, int* unfinished) {
  long turns = 0;
  *unfinished = 0;
  for (int i = 0; i < conversations; ++i) {
    int n = 0;
    dialog::StepResult r = play(60, &n);
    if (r.state.phase != dialog::State::Phase::done) ++*unfinished;
    turns += n;
  }
  return turns;
}

}  // namespace calfbot::bench

int main(int argc, char** argv) {
  int conversations = argc > 1 ? std::atoi(argv[1]) : 0;
  if (argc != 2 || conversations < 1) {
    std::fprintf(stderr, "usage: engine_turns CONVERSATIONS\n");
    return 2;
  }
  // The knowledge and the engine are built before the conversations.
  calfbot::bench::engine();
  int unfinished = 0;
  long turns = calfbot::bench::run_conversations(conversations, &unfinished);
  std::printf("conversations %d turns %ld turns_per_conversation %.2f\n", conversations, turns,
              static_cast<double>(turns) / conversations);
  if (unfinished > 0) {
    std::fprintf(stderr, "engine_turns: %d conversation(s) did not reach the outcome\n", unfinished);
    return 1;
  }
  return 0;
}
