// The evidence understanding is judged on (tests/evidence/README.md): patient
// stories and single utterances written by authors who were given only the
// clinical sources and the questions' texts, never the lexicon or the
// parser. It was split once, by a seeded draw, into a development half (to
// read and tune on) and a test half that only `calfbot eval` reads.
//
// Thread-safety: all functions are pure apart from reading files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/eval/simulated_patient.h"
#include "dialog/understanding/value.h"

namespace calfbot::dialog {
class Engine;
}

namespace calfbot::bot {

// The draw: an item (vignette or utterance) belongs to the test half when the
// lowest bit of stable_hash(kSplitSeed + "/" + id) is 1. Kept here so that the
// placement of every file can be checked against it.
inline constexpr std::string_view kSplitSeed = "calfbot-evidence-2026-12-04";
enum class Half { dev, test };
Half half_of(std::string_view id);
const char* to_string(Half h);
// "dev" or "test"; nullopt for any other name.
std::optional<Half> half_named(std::string_view name);

// One labelled utterance: the words a patient wrote in answer to `slot`
// ("complaint" for an opening message), and what they state.
struct Utterance {
  std::string id;
  std::string voice;
  std::string slot;
  std::string text;
  std::string language = "en";
  std::map<std::string, dialog::Value> findings;  // yes / no / unsure
  std::map<std::string, double> numbers;          // age, severity, duration_days
  std::string file;
};

struct UtteranceSet {
  std::vector<Utterance> utterances;
  std::vector<std::string> errors;  // "<file>:<line>: <what is wrong>"
};

// Every *.jsonl file of `dir`, one utterance a line, checked against the
// knowledge (slots, finding ids). A missing folder is an error.
UtteranceSet load_utterances(const std::filesystem::path& dir, const knowledge::Knowledge& kb);

// One half of the evidence: <root>/<half>/vignettes/*.json and
// <root>/<half>/utterances/*.jsonl, with an error for every item whose id
// the draw puts in the other half.
struct EvidenceHalf {
  Half half = Half::dev;
  VignetteSet vignettes;
  UtteranceSet utterances;
  std::vector<std::string> errors() const;
};
EvidenceHalf load_evidence(const std::filesystem::path& root, Half half,
                           const knowledge::Knowledge& kb);

// How well the engine reads the utterances: per finding, the labels it took
// the same way (recall) and the values it took that the labels confirm
// (precision); numbers to within a day or 15 %.
struct Counts {
  int labels = 0, recalled = 0;    // labelled values, and those read the same
  int predicted = 0, correct = 0;  // values read, and those the label confirms
};
struct UnderstandingMetrics {
  std::map<std::string, Counts> by_finding;
  Counts all, red_flags;  // red flags: the findings of the emergency rules
  int numbers = 0, numbers_right = 0;
  int other_language = 0, other_language_recognised = 0;
  // "<id>: <what differed>", one a line, for the development half's report.
  std::vector<std::string> misses;
};

// Reads each utterance as the engine does in answer to its slot, at the
// evaluation's fixed time, and compares with the labels. Utterances in
// another language count only towards other_language (recognised: the reply
// says, in that language, that calfbot converses in English) and towards the
// red-flag findings they state.
UnderstandingMetrics score_utterances(const dialog::Engine& engine,
                                      const std::vector<Utterance>& utterances);

// Recall and precision overall and for the red flags; with details, per
// finding and every misreading too (for the development half only).
void print_understanding(const UnderstandingMetrics& m, std::ostream& out, bool details);

}  // namespace calfbot::bot
