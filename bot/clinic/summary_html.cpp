// The printable HTML page of a clinician summary (bot/clinic/summary.h).
#include <cmath>
#include <string>

#include "bot/clinic/summary.h"

namespace calfbot::bot::clinic {

using nlohmann::json;

namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #111; background: #fff; margin: 0; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; border-bottom: 1px solid #555; padding-bottom: .15rem; }
h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.triage { border: 2px solid #111; padding: .6rem .8rem; margin: 1rem 0; }
.triage p { margin: .2rem 0 0; }
.level-emergency, .level-urgent { border-width: 4px; }
.tag { font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { text-align: left; vertical-align: top; border: 1px solid #999; padding: .25rem .45rem; }
th { width: 9rem; background: #f2f2f2; }
ul, ol { margin: .2rem 0; padding-left: 1.4rem; }
blockquote, .words { font-style: italic; }
blockquote { margin: .3rem 0; padding-left: .8rem; border-left: 3px solid #777; white-space: pre-wrap; }
.note, footer { font-size: .85rem; color: #333; }
footer { margin-top: 2rem; border-top: 1px solid #999; padding-top: .5rem; }
.provisional { font-weight: 600; }
@media print {
  @page { size: A4; margin: 15mm 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section, tr, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string triage_heading(const std::string& t) {
  if (t == "emergency") return "Emergency: the patient was told to call the emergency number";
  if (t == "urgent") return "Urgent: in-person assessment today";
  if (t == "soon") return "Soon: see a clinician within a few days";
  if (t == "self_care") return "Self-care: home care with safety-netting advice";
  return t;
}

std::string percent(const json& score) {
  double p = score.is_number() ? score.get<double>() * 100 : 0;
  return p < 1 ? "under 1%" : std::to_string(static_cast<int>(std::lround(p))) + "%";
}

std::string quoted_words(const json& words) {
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : "; ") + std::string("\u201c") + html_escape(w.get<std::string>()) +
           "\u201d";
  }
  return out;
}

std::string labels(const json& items) {
  std::string out;
  for (const auto& r : items) out += (out.empty() ? "" : "; ") + html_escape(str(r, "label"));
  return out;
}

std::string intake_header(const json& intake) {
  std::string out = "<dl class=\"meta\">";
  auto row = [&](const char* name, const std::string& value) {
    if (!value.empty()) out += "<dt>" + std::string(name) + "</dt><dd>" + html_escape(value) + "</dd>";
  };
  row("Patient reference", str(intake, "patient_ref"));
  row("Appointment", str(intake, "appointment"));
  row("Intake", str(intake, "id"));
  row("Status", str(intake, "status"));
  row("Completed", str(intake, "completed_at"));
  return out + "</dl>";
}

std::string history_section(const json& history) {
  std::string out = "<section><h2>History (SOCRATES order)</h2>";
  for (const auto& p : history) {
    out += "<h3>" + html_escape(str(p, "title")) + "</h3><table>";
    std::string reported;
    for (const auto& r : p["reported"]) {
      std::string line = r.contains("question")
                             ? html_escape(str(r, "question")) + " <strong>" +
                                   html_escape(str(r, "answer")) + "</strong>"
                             : "<strong>" + html_escape(str(r, "label")) + "</strong>";
      if (r.contains("patient_words")) {
        line += " <span class=\"words\">(" + quoted_words(r["patient_words"]) + ")</span>";
      }
      reported += "<li>" + line + "</li>";
    }
    if (!reported.empty()) out += "<tr><th scope=\"row\">Reported</th><td><ul>" + reported + "</ul></td></tr>";
    if (!p["negatives"].empty()) {
      out += "<tr><th scope=\"row\">Denies</th><td>" + labels(p["negatives"]) + "</td></tr>";
    }
    if (!p["unsure"].empty()) {
      out += "<tr><th scope=\"row\">Not sure</th><td>" + labels(p["unsure"]) + "</td></tr>";
    }
    out += "</table>";
  }
  return out + "</section>";
}

std::string red_flag_section(const json& flags, const json& escalation) {
  std::string out = "<section><h2>Red flags</h2>";
  if (flags.empty()) return out + "<p>None raised.</p></section>";
  if (escalation.is_string()) {
    out += "<p>The conversation escalated to <span class=\"tag\">" +
           html_escape(escalation.get<std::string>()) + "</span>.</p>";
  }
  out += "<ul>";
  for (const auto& f : flags) {
    out += "<li><span class=\"tag\">" + html_escape(str(f, "level")) + "</span> " +
           html_escape(str(f, "id")) + ": " + html_escape(str(f, "text"));
    if (f.value("on_unsure", false)) out += " <em>(raised because the patient was not sure)</em>";
    if (!f.value("holds_now", true)) out += " <em>(no longer holds after a changed answer)</em>";
    out += "</li>";
  }
  return out + "</ul></section>";
}

std::string wells_section(const json& w) {
  std::string out = "<section><h2>Wells score for DVT</h2><p><strong>" +
                    std::to_string(w.value("total", 0)) + " point(s): DVT " +
                    (w.value("likely", false) ? "likely" : "unlikely") + "</strong>" +
                    (w.value("complete", false) ? "" : " (not every item was answered)") +
                    "</p><table><tr><th scope=\"col\">Item</th><th scope=\"col\">Points</th>"
                    "<th scope=\"col\">Answer</th></tr>";
  for (const auto& p : w["parts"]) {
    out += "<tr><td>" + html_escape(str(p, "label")) + "</td><td>" +
           std::to_string(p.value("points", 0)) + "</td><td>" + html_escape(str(p, "answer")) +
           "</td></tr>";
  }
  return out + "</table><p class=\"note\">" + html_escape(str(w, "note")) + "</p></section>";
}

std::string causes_section(const json& causes, bool complete) {
  std::string out = "<section><h2>Likely causes</h2>";
  if (!complete) out += "<p class=\"provisional\">Provisional: the intake is not complete.</p>";
  out += "<ol>";
  for (const auto& c : causes) {
    out += "<li><strong>" + html_escape(str(c, "name")) + "</strong> " + percent(c["score"]) +
           " (" + html_escape(str(c, "urgency")) + ")";
    std::string pro, con;
    for (const auto& r : c["for"]) {
      pro += (pro.empty() ? "" : "; ") + std::string(r.value("present", true) ? "" : "no ") +
             html_escape(str(r, "label"));
    }
    for (const auto& r : c["against"]) {
      con += (con.empty() ? "" : "; ") + std::string(r.value("present", true) ? "" : "no ") +
             html_escape(str(r, "label"));
    }
    if (!pro.empty()) out += "<br>For: " + pro;
    if (!con.empty()) out += "<br>Against: " + con;
    out += "</li>";
  }
  return out + "</ol></section>";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string summary_html(const json& summary) {
  const bool complete = summary.value("complete", false);
  const std::string triage = str(summary, "triage");
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Calf pain pre-visit summary</title><style>" +
      std::string(kStyle) + "</style></head><body><main><header><h1>Calf pain pre-visit summary</h1>";
  if (summary.contains("intake")) out += intake_header(summary["intake"]);
  out += "</header><section class=\"triage level-" + html_escape(triage) + "\"><h2>Triage</h2><p>" +
         "<span class=\"tag\">" + html_escape(triage) + "</span> " +
         html_escape(triage_heading(triage)) + "</p>";
  if (!complete) out += "<p class=\"provisional\">Provisional: the patient has not finished.</p>";
  out += "</section><section><h2>Presenting complaint</h2>";
  for (const auto& w : summary["complaint"]) {
    out += "<blockquote>" + html_escape(w.get<std::string>()) + "</blockquote>";
  }
  if (summary["complaint"].empty()) out += "<p>Not given.</p>";
  out += "</section>" + red_flag_section(summary["red_flags"], summary["escalation"]) +
         history_section(summary["history"]);
  out += "<section><h2>Pertinent negatives</h2><p>" +
         (summary["pertinent_negatives"].empty() ? "None recorded."
                                                 : labels(summary["pertinent_negatives"])) +
         "</p></section><section><h2>\u201cDon't know\u201d answers</h2><p>" +
         (summary["dont_know"].empty() ? "None." : labels(summary["dont_know"])) + "</p></section>";
  out += wells_section(summary["wells"]) + causes_section(summary["causes"], complete);
  out += "<section><h2>Suggested examination</h2><ul>";
  for (const auto& e : summary["examination"]) {
    out += "<li>" + html_escape(str(e, "label")) +
           (str(e, "reason") == "wells" ? " <em>(Wells item not established)</em>" : "") + "</li>";
  }
  out += "</ul></section><section><h2>Suggested tests</h2><ul>";
  for (const auto& t : summary["tests"]) {
    out += "<li><strong>" + html_escape(str(t, "name")) + "</strong>: " + html_escape(str(t, "text")) +
           "</li>";
  }
  out += "</ul></section><section><h2>The patient's own words</h2><ol class=\"words\">";
  for (const auto& w : summary["patient_words"]) {
    out += "<li>\u201c" + html_escape(w.get<std::string>()) + "\u201d</li>";
  }
  out += "</ol></section><footer><p>Generated by calfbot from the patient's answers; it is not a "
         "diagnosis. Knowledge version " +
         html_escape(str(summary, "knowledge_version").substr(0, 16)) + ". Conversation started " +
         html_escape(str(summary, "started")) + ".</p></footer></main></body></html>\n";
  return out;
}

}  // namespace calfbot::bot::clinic
