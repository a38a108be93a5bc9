// `calfbot eval`: its options, and the runs over the vignettes and the evidence.
#include <algorithm>
#include <optional>
#include <ostream>

#include "bot/eval/evaluation.h"
#include "bot/eval/evidence.h"
#include "dialog/engine.h"
#include "knowledge/loader.h"

namespace calfbot::bot {

namespace {

struct EvalOptions {
  std::string dir = "tests/vignettes";
  bool dir_given = false;  // --vignettes; with --evidence alone only the evidence runs
  std::string evidence;  // the evidence's root; empty: none
  std::optional<Half> half;  // only this half of the evidence
  bool strict = false;
  bool verbose = false;
  bool misses = false;
  std::string only;
};

const char* const kUsage =
    "usage: calfbot eval [--vignettes DIR] [--evidence DIR [--half dev|test]] [--strict]\n"
    "                    [--verbose] [--misses] [--only ID]\n";

std::optional<EvalOptions> parse_options(const std::vector<std::string>& args, std::ostream& out) {
  EvalOptions o;
  size_t i = (!args.empty() && args[0] == "eval") ? 1 : 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool valued = a == "--vignettes" || a == "--only" || a == "--evidence" || a == "--half";
    if (a == "--strict") {
      o.strict = true;
    } else if (a == "--verbose") {
      o.verbose = true;
    } else if (a == "--misses") {
      o.misses = true;
    } else if (valued && i + 1 < args.size()) {
      const std::string& v = args[++i];
      if (a == "--half") {
        if (v != "dev" && v != "test") {
          out << "--half is dev or test, not " << v << "\n" << kUsage;
          return std::nullopt;
        }
        o.half = v == "dev" ? Half::dev : Half::test;
      } else {
        (a == "--vignettes" ? o.dir : a == "--only" ? o.only : o.evidence) = v;
        o.dir_given |= a == "--vignettes";
      }
    } else {
      out << (valued ? a + " needs a value" : "unknown option " + a) << "\n" << kUsage;
      return std::nullopt;
    }
  }
  return o;
}

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

int run_eval(const dialog::Engine& engine, const std::vector<std::string>& args,
             std::ostream& out) {
  auto o = parse_options(args, out);
  return o ? run_with(engine, *o, out) : 2;
}

int run_eval(const std::vector<std::string>& args, std::ostream& out) {
  auto o = parse_options(args, out);
  if (!o) return 2;
  auto loaded = knowledge::load_embedded();
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) out << "knowledge error: " << e.what() << "\n";
    return 2;
  }
  const dialog::Engine engine(loaded.knowledge, dialog::EngineSettings{});
  return run_with(engine, *o, out);
}

}  // namespace calfbot::bot
