// The clinician summary of one conversation: the history in SOCRATES order
// with what was reported, the pertinent negatives and the "not sure" answers,
// the red flags raised, the Wells score with its parts, the ranked causes with
// their reasons, suggested examination and tests, and the patient's own words.
// As JSON (docs/clinic.md, "Summary") and as a printable HTML page.
//
// Pure functions: no clock, I/O or randomness; the same input gives the same
// output. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dialog/engine.h"
#include "dialog/state.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot::clinic {

// The summary of `s`. For a conversation still in progress the triage and the
// ranking are provisional ("complete": false). `settings` gives the emergency
// number that red-flag texts mention.
nlohmann::json build_summary(const knowledge::Knowledge& kb, const knowledge::Model& model,
                             const dialog::State& s, const dialog::EngineSettings& settings);

// A self-contained HTML page of a summary made by build_summary, readable on
// screen and on paper (print CSS, A4, black on white). If the summary has an
// "intake" object (as the clinic API adds), its patient reference, appointment
// and status head the page. Every text is HTML-escaped.
std::string summary_html(const nlohmann::json& summary);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace calfbot::bot::clinic
