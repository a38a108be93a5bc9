// `calfbot eval`: the project's vignettes and the evidence written blind,
// played through the engine. The command line (adapters/cli) reads the
// options; this runs them.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "bot/eval/evidence.h"

namespace calfbot::dialog {
class Engine;
}

namespace calfbot::bot {

struct EvalOptions {
  std::string dir = "tests/vignettes";  // --vignettes
  bool dir_given = false;               // with --evidence alone only the evidence runs
  std::string evidence;                 // --evidence: the evidence's root; empty: none
  std::optional<Half> half;             // --half: only this half of the evidence
  bool strict = false;                  // --strict
  bool verbose = false;                 // --verbose: every transcript
  bool misses = false;                  // --misses: the development half's misreadings
  std::string only;                     // --only ID
};

// Prints the table (and with verbose every transcript) to out; with an
// evidence root, the tables of both halves of the evidence written blind
// (bot/eval/evidence.h), with understanding recall and precision per
// finding. The test half is shown as figures only. Returns 0; 1 with strict
// when has_safety_failure in any set; 2 for unreadable or malformed vignettes
// or evidence, an unknown --only id, or knowledge that fails to load.
int run_eval(const dialog::Engine& engine, const EvalOptions& options, std::ostream& out);
// The same with the built-in knowledge.
int run_eval(const EvalOptions& options, std::ostream& out);

}  // namespace calfbot::bot
