// The clinical knowledge calfbot reasons with: conditions, findings, the
// questions that ask about them, red-flag rules, advice and sources.
//
// A Knowledge value is immutable once loaded and safe to share between
// threads. It is produced by knowledge/loader.h from the JSON data files
// (by way of the SQLite knowledge database) and carries the content version
// that every session records.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calfbot::knowledge {

// Triage levels, least urgent first so that std::max picks the more urgent.
// The ids (to_string) are a contract: see DESIGN.md.
enum class Triage { self_care = 0, soon = 1, urgent = 2, emergency = 3 };
std::string_view to_string(Triage t);
std::optional<Triage> triage_from_string(std::string_view id);

// A citation target: "A2" is the seed article's source 2; other ids name a
// public guideline (e.g. "NICE-NG158").
struct Source {
  std::string id;
  std::string citation;
  std::string url;  // may be empty
};

// A yes/no fact about the patient that inference and rules use.
struct Finding {
  std::string id;      // e.g. "calf_swelling"
  std::string label;   // clinician wording, e.g. "swelling of the calf"
  std::string snomed;  // SNOMED CT concept id, empty where not verified
  // Phrases that state this finding in free text (lower case). Matching is
  // done by dialog/understanding.
  std::vector<std::string> synonyms;
  // P(finding present | condition) for conditions that do not list it.
  double default_likelihood = 0.1;
  // Set from a number the patient gave: present when min <= value < max.
  std::string derived_from;  // "age", "severity", "duration_days" or empty
  double derived_min = 0;
  double derived_max = 1e9;
  std::vector<std::string> cite;
};

enum class AnswerType { yes_no, single_choice, multi_choice, number, duration };
std::string_view to_string(AnswerType t);

struct Choice {
  std::string id;
  std::string label;
  std::vector<std::string> sets;      // findings this choice makes present
  std::vector<std::string> synonyms;  // free-text phrases meaning this choice
};

// A predicate over what is known, used by red-flag rules and by questions'
// ask_if. Kinds: a finding id (present), all/any of sub-predicates, not,
// wells_at_least N, number_at_least {name, value}.
struct Predicate {
  enum class Kind { finding, all, any, negate, wells_at_least, number_at_least, always };
  Kind kind = Kind::always;
  std::string name;    // finding id, or number name for number_at_least
  // Kind::finding: the index of `name` in Knowledge::findings, set when the
  // knowledge is loaded (knowledge/loader.h); -1 where not set: then the
  // finding is looked up by name.
  int finding = -1;
  double value = 0;    // threshold for wells_at_least / number_at_least
  std::vector<Predicate> children;
};

struct Question {
  std::string slot;    // stable machine id, e.g. "side"
  std::string phase;   // one of kPhases
  std::string text;    // patient-facing question
  std::string why;     // patient-facing reason for asking
  std::string snomed;  // SNOMED CT code for the question's concept, may be empty
  AnswerType type = AnswerType::yes_no;
  std::string finding;           // yes_no: the finding answered
  std::string number;            // number/duration: "age", "severity", "duration_days"
  double min = 0, max = 0;       // number: accepted range
  std::vector<Choice> choices;   // choice types
  // multi_choice: findings made present by a bare "yes" that names none of
  // the choices (for a safety screen, a yes alone must still escalate).
  std::vector<std::string> on_yes;
  bool always_ask = false;       // asked in every conversation (safety screen)
  Predicate ask_if;              // asked only when this holds (Kind::always = always)
  // Must be asked (as always_ask) once this holds; until then it is asked only
  // when it is worth it. Kind::always with always_ask false = never a must.
  std::optional<Predicate> must_if;
  // Repair, when an answer was not understood: first the question put another
  // way, with examples or its choices; then a plain yes/no about the single
  // most important thing it asks (`direct`).
  std::string rephrase;
  struct Direct {
    std::string text;
    std::vector<std::string> yes;  // findings a "yes" makes present
    std::vector<std::string> no;   // findings a "no" makes absent
  };
  std::optional<Direct> direct;
};

// The order a clinician takes a pain history in (SOCRATES plus the patient).
inline constexpr std::string_view kPhases[] = {
    "about", "site", "safety", "onset", "character", "radiation",
    "associated", "timing", "triggers", "severity", "risk"};

struct RedFlagRule {
  std::string id;
  Triage level = Triage::urgent;
  Predicate when;
  std::string text;  // patient-facing; "{emergency_number}" is filled in
  std::vector<std::string> cite;
  // Proportionate caution for a rule that holds only if a "not sure" answer
  // is taken as yes: it raises the level (to urgent at the most) when
  // `plausible_if` holds, or when the rule gives none; otherwise the outcome
  // carries `safety_net`, a precise line on what to watch for.
  std::optional<Predicate> plausible_if;
  std::string safety_net;
};

// A language other than English that calfbot recognises: it answers, in that
// language, with the emergency number and that it converses in English, and
// screens the red-flag phrases it knows in that language.
struct Language {
  std::string id;    // "es", "fr", ...: the "language" of the reply
  std::string name;  // in English, for the audit
  // Words common in that language and rare in English, which recognise it.
  std::vector<std::string> words;
  // Unicode blocks that recognise it by script alone ("arabic", "cjk").
  std::string script;
  std::string reply;  // "{emergency_number}" is filled in
  // finding id -> phrases stating it in that language (lower case, no accents).
  std::map<std::string, std::vector<std::string>> red_flags;
  std::vector<std::string> negations;  // words that deny a phrase after them
  std::vector<std::string> cite;
};

// Something a clinician might do or advise (tests, treatments, self-care,
// prevention, safety-netting).
struct AdviceItem {
  std::string id;
  std::string kind;  // "test", "treatment", "self_care", "prevention", "safety_net"
  std::string name;
  std::string text;  // patient-facing
  std::vector<std::string> cite;
};

struct Condition {
  std::string id;            // contract id, DESIGN.md
  std::string name;          // clinician name
  std::string patient_name;  // plain words
  std::string snomed, icd10; // empty where not verified
  std::string summary;       // patient-facing, own words
  double prior = 0.01;       // how common among people with calf pain
  Triage urgency = Triage::soon;  // default urgency when this is likely
  std::map<std::string, double> likelihoods;  // finding id -> P(present | condition)
  std::vector<std::string> tests, treatments, self_care, prevention, safety_net;  // AdviceItem ids
  std::vector<std::string> cite;
};

// Wells two-level DVT score items (NICE NG158 table 1), each tied to a finding.
struct WellsItem {
  std::string id;
  std::string label;
  std::string finding;
  int points = 1;
};

struct Knowledge {
  std::string version;  // content version: hash of the data files
  std::vector<Source> sources;
  std::vector<Finding> findings;
  std::vector<Question> questions;
  std::vector<Condition> conditions;
  std::vector<RedFlagRule> red_flags;
  std::vector<AdviceItem> advice;
  std::vector<WellsItem> wells;
  std::vector<Language> languages;
  std::string disclaimer;  // shown with every outcome

  // Lookups; nullptr when absent.
  const Finding* finding(std::string_view id) const;
  const Question* question(std::string_view slot) const;
  const Condition* condition(std::string_view id) const;
  const AdviceItem* advice_item(std::string_view id) const;
  const Source* source(std::string_view id) const;
  int finding_index(std::string_view id) const;  // -1 when absent
};

}  // namespace calfbot::knowledge
