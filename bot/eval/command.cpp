// `calfbot eval`: the runs over the vignettes and the evidence.
#include "bot/eval/command.h"

#include <algorithm>
#include <ostream>

#include "bot/eval/evaluation.h"
#include "bot/eval/evidence.h"
#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bot {

namespace {

// The project's own vignettes. Returns 0, 1 (a safety failure with --strict)
// or 2 (bad vignettes).
int run_vignettes(const dialog::Engine& engine, const EvalOptions& o, std::ostream& out) {
  VignetteSet set = load_vignettes(o.dir);
  for (const auto& v : set.vignettes) {
    for (auto& p : check_vignette(v, engine.knowledge())) set.errors.push_back(std::move(p));
  }
  if (!set.ok()) {
    for (const auto& e : set.errors) out << "vignette error: " << e << "\n";
    return 2;
  }
  std::vector<Vignette> chosen;
  for (auto& v : set.vignettes) {
    if (o.only.empty() || v.id == o.only) chosen.push_back(std::move(v));
  }
  if (chosen.empty()) {
    out << "no vignette with id \"" << o.only << "\" in " << o.dir << "\n";
    return 2;
  }
  std::vector<VignetteResult> results;
  for (const auto& v : chosen) results.push_back(run_vignette(engine, v));
  if (o.verbose) {
    for (const auto& r : results) print_transcript(r, out);
  }
  print_table(results, compute_metrics(results), out);
  return o.strict && has_safety_failure(results) ? 1 : 0;
}

// One half of the evidence written blind. The test half is reported as
// figures only: no row, transcript or misreading of it is shown, so that
// nobody tunes on it.
int run_half(const dialog::Engine& engine, const EvalOptions& o, Half half, std::ostream& out) {
  const EvidenceHalf e = load_evidence(o.evidence, half, engine.knowledge());
  if (auto errors = e.errors(); !errors.empty()) {
    for (const auto& err : errors) out << "evidence error: " << err << "\n";
    return 2;
  }
  const bool details = half == Half::dev;
  std::vector<VignetteResult> results;
  for (const auto& v : e.vignettes.vignettes) {
    if (details && !o.only.empty() && v.id != o.only) continue;
    results.push_back(run_vignette(engine, v));
  }
  out << "\n== evidence written blind, " << to_string(half) << " half: "
      << e.vignettes.vignettes.size() << " vignettes, " << e.utterances.utterances.size()
      << " utterances\n";
  if (details) {
    if (o.verbose) {
      for (const auto& r : results) print_transcript(r, out);
    }
    print_table(results, compute_metrics(results), out);
  } else {
    print_metrics(compute_metrics(results), out);
  }
  out << "\n";
  print_understanding(score_utterances(engine, e.utterances.utterances), out,
                      details && o.misses);
  return o.strict && has_safety_failure(results) ? 1 : 0;
}

int run_with(const dialog::Engine& engine, const EvalOptions& o, std::ostream& out) {
  int worst = 0;
  if (o.evidence.empty() || o.dir_given) {
    worst = run_vignettes(engine, o, out);
    if (worst == 2) return 2;
  }
  if (!o.evidence.empty()) {
    for (Half h : {Half::dev, Half::test}) {
      if (o.half && *o.half != h) continue;
      worst = std::max(worst, run_half(engine, o, h, out));
      if (worst == 2) return 2;
    }
  }
  if (worst == 1) out << "strict: FAILED (a missed emergency or an under-triaged vignette)\n";
  return worst;
}

}  // namespace

int run_eval(const dialog::Engine& engine, const EvalOptions& options, std::ostream& out) {
  return run_with(engine, options, out);
}

int run_eval(const EvalOptions& options, std::ostream& out) {
  auto loaded = knowledge::load_embedded();
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) out << "knowledge error: " << e.what() << "\n";
    return 2;
  }
  const dialog::Engine engine(loaded.knowledge, dialog::EngineSettings{});
  return run_with(engine, options, out);
}

}  // namespace calfbot::bot
