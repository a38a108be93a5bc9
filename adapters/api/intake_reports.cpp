#include "adapters/api/intake_reports.h"

#include <nlohmann/json.hpp>

#include "bot/clinic/service.h"

namespace calfbot::adapters {

std::optional<HttpResponse> intake_report(bot::clinic::ClinicService& service,
                                          const std::string& id, const std::string& what,
                                          const std::string& actor, ErrorWords words) {
  if (what == "summary") {
    auto sum = service.summary(id, actor);
    return sum ? json_response(200, *sum) : error_for(sum.error(), words);
  }
  if (what == "summary.html") {
    auto html = service.summary_html(id, actor);
    if (!html) return error_for(html.error(), words);
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(*html);
    r.headers = {{"Cache-Control", "no-store"},
                 {"Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"}};
    return r;
  }
  if (what == "fhir") {
    auto f = service.fhir_response(id, actor);
    if (!f) return error_for(f.error(), words);
    HttpResponse r = json_response(200, *f, "application/fhir+json");
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"intake-" + id + ".fhir.json\"");
    return r;
  }
  return std::nullopt;
}

}  // namespace calfbot::adapters
