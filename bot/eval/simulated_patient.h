// Patient vignettes and the simulated patient that plays them through the
// engine for `calfbot eval`.
//
// A vignette (tests/vignettes/<id>.json) describes one patient: what they open
// with, the findings they have ("facts"; any finding not listed is "no"), the
// numbers they would give, and what a careful clinician would conclude. The
// simulated patient answers each bot question in free text, as a person would,
// from those facts. Everything here is deterministic: the same vignette and
// question always give the same words.
// Thread-safety: all functions are pure; a SimulatedPatient is immutable.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/message.h"
#include "dialog/state.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot {

struct Vignette {
  std::string id;  // equals the file's stem
  std::string description;
  knowledge::Triage expected_triage = knowledge::Triage::self_care;
  std::string expected_condition;              // a condition id of DESIGN.md
  std::string opening;                         // the reply to the "complaint" question
  std::map<std::string, dialog::Value> facts;  // yes / no / unsure; absent = no
  std::map<std::string, double> numbers;       // "age", "severity", "duration_days"
  std::map<std::string, std::string> answers;  // slot -> free-text reply (overrides)
  // Written blind (tests/evidence): the author's voice; for an emergency, which
  // rule it is and the slot whose answer first states its sign ("complaint"
  // for the opening, "asked" when only the direct question brings it out).
  std::string voice, red_flag, red_flag_first_said;
  std::string file;                            // where it was read from

  dialog::Value fact(const std::string& finding) const;  // absent -> no
};

// One vignette parsed from JSON text. On failure `vignette` is empty and
// `error` reads "<file_name>: <what is wrong>", e.g.
// `dvt.json: "expected_triage" is "urgnt", not one of emergency, urgent, soon, self_care`.
struct VignetteParse {
  std::optional<Vignette> vignette;
  std::string error;
};
VignetteParse parse_vignette(std::string_view json_text, const std::string& file_name);

// Every *.json file of `dir`, sorted by id. Errors (one per bad file, or one
// for an unreadable folder) are collected; good files still load.
struct VignetteSet {
  std::vector<Vignette> vignettes;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};
VignetteSet load_vignettes(const std::filesystem::path& dir);

// Checks a vignette against the knowledge: facts must name findings that are
// asked (not derived from a number), the expected condition must exist.
// Returns the problems, each "<file>: <what is wrong>"; empty when fine.
std::vector<std::string> check_vignette(const Vignette& v, const knowledge::Knowledge& kb);

// Answers bot questions from a vignette.
class SimulatedPatient {
 public:
  // Both must outlive the patient.
  SimulatedPatient(const Vignette& v, const knowledge::Knowledge& kb) : v_(v), kb_(kb) {}

  // The free-text reply to one question. `attempt` counts earlier asks of
  // the same slot (0 the first time); a re-asked question gets a plainer
  // reply, the way a person rephrases when not understood.
  std::string answer(const dialog::QuestionMessage& question, int attempt = 0) const;

 private:
  std::string answer_yes_no(const std::string& slot, dialog::Value v, int attempt) const;
  std::string answer_direct(const dialog::QuestionMessage& question) const;
  std::string answer_choice(const std::string& slot, const knowledge::Question* q, bool multi,
                            int attempt) const;
  std::string answer_number(const std::string& slot, const std::string& name, int attempt) const;
  std::string answer_duration(const std::string& slot, int attempt) const;

  const Vignette& v_;
  const knowledge::Knowledge& kb_;
};

// Stable 64-bit FNV-1a hash: the variant choices must not change between
// compilers or runs (std::hash may).
uint64_t stable_hash(std::string_view s);

// Free-text ways to say how long ago something started, e.g. "3 days ago",
// "since yesterday", "about 2 weeks"; `variant` picks among equivalent forms.
std::string duration_phrase(double days, uint64_t variant);

}  // namespace calfbot::bot
