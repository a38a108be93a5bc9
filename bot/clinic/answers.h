// What a conversation's state says in answer to each of the knowledge's
// questions: the one reading of dialog::State that the clinician summary and
// the FHIR QuestionnaireResponse share, so the two never disagree. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/state.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot::clinic {

struct QuestionAnswer {
  enum class Kind {
    none,     // nothing known: not asked, or asked and not yet answered
    yes,      // yes_no: present
    no,       // yes_no: absent; a choice question: "none of these"
    unsure,   // the patient did not know (or could not be understood twice)
    choices,  // single/multi choice: `chosen` (for "none of these" see `none_choice`)
    number,   // number or duration: `number` (days for a duration)
  };
  Kind kind = Kind::none;
  std::vector<const knowledge::Choice*> chosen;
  const knowledge::Choice* none_choice = nullptr;  // the choice with no findings, when it was meant
  double number = 0;
  std::vector<std::string> words;  // what the patient typed in answer to this question
};

// The answer to `q` in `s`. Findings stated in free text count too, so a
// question never asked may still have an answer.
QuestionAnswer answer_of(const knowledge::Question& q, const dialog::State& s);

// The patient's words given in answer to the opening question, in order.
std::vector<std::string> complaint_words(const dialog::State& s);
// Everything the patient typed, in order.
std::vector<std::string> patient_words(const dialog::State& s);

// Patient text as a clinician may read it: bidirectional controls (U+202A-E,
// U+2066-9, U+200E-F, U+061C) and C0/C1 control characters other than tab
// and newline become U+FFFD (a carriage return ends a line), so no message can make a summary read backwards
// or hide text. Every patient word this file hands out has been through it.
std::string for_clinician(std::string_view text);

// "34", "6.5": a number without trailing zeros.
std::string format_number(double v);
// "less than a day", "3 days", "2 weeks", "4 months".
std::string format_duration_days(double days);
// "2024-05-01T09:30:00Z".
std::string iso8601_utc(int64_t unix_seconds);
// Reads "2024-05-01T09:30:00Z", "2024-05-01T10:30:00+01:00" (seconds and a
// fraction optional) or "2024-05-01" (midnight UTC); nullopt if malformed.
std::optional<int64_t> parse_iso8601(const std::string& text);

}  // namespace calfbot::bot::clinic
