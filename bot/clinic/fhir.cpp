#include "bot/clinic/fhir.h"

#include <algorithm>
#include <regex>

#include "bot/clinic/answers.h"

namespace calfbot::bot::clinic {

using knowledge::AnswerType;
using nlohmann::json;

namespace {

// SNOMED CT qualifier values for yes / no / unknown.
constexpr const char* kYes = "373066001";
constexpr const char* kNo = "373067005";
constexpr const char* kUnknown = "261665006";

const char* phase_title(std::string_view phase) {
  static const std::pair<const char*, const char*> kTitles[] = {
      {"about", "About the patient"}, {"site", "Site"},
      {"safety", "Safety screen"},    {"onset", "Onset"},
      {"character", "Character"},     {"radiation", "Radiation"},
      {"associated", "Associated symptoms"}, {"timing", "Time course"},
      {"triggers", "Exacerbating and relieving factors"}, {"severity", "Severity"},
      {"risk", "Risk factors and background"}};
  for (const auto& [id, title] : kTitles) {
    if (phase == id) return title;
  }
  return "Other";
}

json snomed(const char* code, const char* display) {
  return {{"system", kSnomedSystem}, {"code", code}, {"display", display}};
}

json choice_coding(const std::string& base_url, const knowledge::Question& q,
                   const knowledge::Choice& c) {
  return {{"system", answers_system(base_url)}, {"code", q.slot + "." + c.id}, {"display", c.label}};
}

// The question's SNOMED CT code, or its finding's.
std::string snomed_code(const knowledge::Knowledge& kb, const knowledge::Question& q) {
  if (!q.snomed.empty()) return q.snomed;
  if (!q.finding.empty()) {
    if (const auto* f = kb.finding(q.finding)) return f->snomed;
  }
  return "";
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

json question_item(const knowledge::Knowledge& kb, const knowledge::Question& q,
                   const std::string& base_url) {
  json item = {{"linkId", q.slot}, {"text", q.text}};
  std::string code = snomed_code(kb, q);
  if (!code.empty()) item["code"] = json::array({{{"system", kSnomedSystem}, {"code", code}}});
  json options = json::array();
  switch (q.type) {
    case AnswerType::yes_no:
      item["type"] = "choice";
      options.push_back({{"valueCoding", snomed(kYes, "Yes")}});
      options.push_back({{"valueCoding", snomed(kNo, "No")}});
      break;
    case AnswerType::single_choice:
    case AnswerType::multi_choice:
      item["type"] = "choice";
      if (q.type == AnswerType::multi_choice) item["repeats"] = true;
      for (const auto& c : q.choices) options.push_back({{"valueCoding", choice_coding(base_url, q, c)}});
      // "None of these" where no choice says so.
      if (q.type == AnswerType::multi_choice &&
          std::none_of(q.choices.begin(), q.choices.end(),
                       [](const knowledge::Choice& c) { return c.sets.empty(); })) {
        options.push_back({{"valueCoding", snomed(kNo, "No")}});
      }
      break;
    case AnswerType::number: item["type"] = "decimal"; break;
    case AnswerType::duration: item["type"] = "quantity"; break;
  }
  if (!options.empty()) {
    // Every question may be answered "not sure".
    options.push_back({{"valueCoding", snomed(kUnknown, "Unknown")}});
    item["answerOption"] = options;
  }
  return item;
}

json answers(const knowledge::Question& q, const QuestionAnswer& a, const std::string& base_url) {
  json out = json::array();
  switch (a.kind) {
    case QuestionAnswer::Kind::none: break;
    case QuestionAnswer::Kind::yes: out.push_back({{"valueCoding", snomed(kYes, "Yes")}}); break;
    case QuestionAnswer::Kind::no: out.push_back({{"valueCoding", snomed(kNo, "No")}}); break;
    case QuestionAnswer::Kind::unsure:
      out.push_back({{"valueCoding", snomed(kUnknown, "Unknown")}});
      break;
    case QuestionAnswer::Kind::choices:
      for (const auto* c : a.chosen) out.push_back({{"valueCoding", choice_coding(base_url, q, *c)}});
      break;
    case QuestionAnswer::Kind::number:
      if (q.type == AnswerType::duration) {
        out.push_back({{"valueQuantity",
                        {{"value", a.number},
                         {"unit", "days"},
                         {"system", "http://unitsofmeasure.org"},
                         {"code", "d"}}}});
      } else {
        out.push_back({{"valueDecimal", a.number}});
      }
      break;
  }
  return out;
}

json subject(const std::string& ref) {
  static const std::regex kReference("[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\\-.]{1,64}");
  if (std::regex_match(ref, kReference)) return {{"reference", ref}};
  return {{"identifier", {{"value", ref}}}};
}

}  // namespace

std::string questionnaire_url(const std::string& base_url) {
  return base_url + "/v1/clinic/fhir/Questionnaire/" + kQuestionnaireId;
}

std::string answers_system(const std::string& base_url) {
  return base_url + "/v1/clinic/fhir/CodeSystem/" + kAnswersCodeSystemId;
}

json answers_code_system(const knowledge::Knowledge& kb, const std::string& base_url) {
  json concepts = json::array();
  for (const auto& q : kb.questions) {
    for (const auto& c : q.choices) {
      json coding = choice_coding(base_url, q, c);
      concepts.push_back({{"code", coding["code"]}, {"display", coding["display"]}});
    }
  }
  return {{"resourceType", "CodeSystem"},
          {"id", kAnswersCodeSystemId},
          {"url", answers_system(base_url)},
          {"version", kb.version},
          {"name", "CalfbotAnswers"},
          {"title", "calfbot's answer choices"},
          {"status", "active"},
          {"publisher", "calfbot"},
          {"description",
           "The choices calfbot offers for its questions. A code is the question's linkId in "
           "the Questionnaire and the choice, joined by a dot."},
          {"caseSensitive", true},
          {"content", "complete"},
          {"count", concepts.size()},
          {"concept", concepts}};
}

json questionnaire(const knowledge::Knowledge& kb, const std::string& base_url) {
  json items = json::array();
  items.push_back({{"linkId", "complaint"},
                   {"text", "In your own words, what is troubling you about your calf or lower leg?"},
                   {"type", "text"}});
  for (std::string_view phase : knowledge::kPhases) {
    json group = json::array();
    for (const auto& q : kb.questions) {
      if (q.phase == phase) group.push_back(question_item(kb, q, base_url));
    }
    if (group.empty()) continue;
    items.push_back({{"linkId", "phase-" + std::string(phase)},
                     {"text", phase_title(phase)},
                     {"type", "group"},
                     {"item", group}});
  }
  items.push_back({{"linkId", "patient-words"},
                   {"text", "Everything the patient typed, in order"},
                   {"type", "text"},
                   {"repeats", true},
                   {"readOnly", true}});
  return {{"resourceType", "Questionnaire"},
          {"id", kQuestionnaireId},
          {"url", questionnaire_url(base_url)},
          {"version", kb.version},
          {"name", "CalfbotCalfPainIntake"},
          {"title", "calfbot calf pain pre-visit questionnaire"},
          {"status", "active"},
          {"subjectType", {"Patient"}},
          {"publisher", "calfbot"},
          {"description",
           "The questions calfbot may ask a patient with calf pain, in the order a clinician "
           "takes a pain history (SOCRATES). The conversation is adaptive: it asks only the "
           "questions that matter for the patient, so no item is required."},
          {"item", items}};
}

json questionnaire_response(const knowledge::Knowledge& kb, const dialog::State& s,
                            const std::string& base_url, const ResponseInfo& info) {
  json items = json::array();
  std::string complaint;
  for (const auto& w : complaint_words(s)) {
    std::string t = trim(w);
    if (!t.empty()) complaint += (complaint.empty() ? "" : "\n") + t;
  }
  if (!complaint.empty()) {
    items.push_back({{"linkId", "complaint"},
                     {"text", "In your own words, what is troubling you about your calf or lower leg?"},
                     {"answer", {{{"valueString", complaint}}}}});
  }
  for (std::string_view phase : knowledge::kPhases) {
    json group = json::array();
    for (const auto& q : kb.questions) {
      if (q.phase != phase) continue;
      json a = answers(q, answer_of(q, s), base_url);
      if (!a.empty()) group.push_back({{"linkId", q.slot}, {"text", q.text}, {"answer", a}});
    }
    if (group.empty()) continue;
    items.push_back({{"linkId", "phase-" + std::string(phase)},
                     {"text", phase_title(phase)},
                     {"item", group}});
  }
  json words = json::array();
  for (const auto& w : patient_words(s)) {
    std::string t = trim(w);
    if (!t.empty()) words.push_back({{"valueString", t}});
  }
  if (!words.empty()) {
    items.push_back({{"linkId", "patient-words"},
                     {"text", "Everything the patient typed, in order"},
                     {"answer", words}});
  }
  json r = {{"resourceType", "QuestionnaireResponse"},
            {"id", info.intake_id},
            {"identifier", {{"system", base_url + "/v1/clinic/intakes"}, {"value", info.intake_id}}},
            {"questionnaire", questionnaire_url(base_url) + "|" + kb.version},
            {"status", s.phase == dialog::State::Phase::done ? "completed"
                       : info.stopped                        ? "stopped"
                                                             : "in-progress"},
            {"authored", iso8601_utc(info.authored_unix)}};
  if (!info.patient_ref.empty()) r["subject"] = subject(info.patient_ref);
  if (!items.empty()) r["item"] = items;
  return r;
}

}  // namespace calfbot::bot::clinic
