// FHIR R4 resources for the clinic (docs/clinic.md, "FHIR"): a Questionnaire
// describing calfbot's questions, grouped in SOCRATES order, with SNOMED CT
// codes where the knowledge has them; and, per intake, a QuestionnaireResponse
// holding the patient's answers to it.
//
// Pure functions; thread-safe. Canonical URLs are built on `base_url`, the
// server's public address (config clinic.public_base_url, no trailing '/').
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "dialog/state.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot::clinic {

inline constexpr const char* kSnomedSystem = "http://snomed.info/sct";
inline constexpr const char* kQuestionnaireId = "calfbot-intake";
inline constexpr const char* kAnswersCodeSystemId = "calfbot-answers";

// "<base_url>/v1/clinic/fhir/Questionnaire/calfbot-intake"
std::string questionnaire_url(const std::string& base_url);
// The code system of the answer choices: codes are "<slot>.<choice id>".
// "<base_url>/v1/clinic/fhir/CodeSystem/calfbot-answers"
std::string answers_system(const std::string& base_url);

nlohmann::json questionnaire(const knowledge::Knowledge& kb, const std::string& base_url);
// The CodeSystem of answers_system: every choice of every question, so that
// a FHIR client can resolve the codes the Questionnaire and the responses use.
nlohmann::json answers_code_system(const knowledge::Knowledge& kb, const std::string& base_url);

struct ResponseInfo {
  std::string intake_id;    // the resource id and identifier value
  std::string patient_ref;  // "" = no subject; "Patient/123" = a reference; else an identifier
  bool stopped = false;     // the intake ended (expired, revoked) before the patient finished
  int64_t authored_unix = 0;  // when the answers were last changed
};

// The answers in `s` to the questionnaire of the same knowledge. Status
// "completed" when the conversation is done, "stopped" when info.stopped,
// else "in-progress". Only answered items appear.
nlohmann::json questionnaire_response(const knowledge::Knowledge& kb, const dialog::State& s,
                                      const std::string& base_url, const ResponseInfo& info);

}  // namespace calfbot::bot::clinic
