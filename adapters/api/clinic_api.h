// The clinic's HTTP surface (docs/clinic.md): the JSON clinic API under
// /v1/clinic, authenticated by API keys (Authorization: Bearer <key>), and
// the patient's link page /i/<token>.
//
//   POST /v1/clinic/intakes                     create an intake; returns its link
//   GET  /v1/clinic/intakes[?status=&limit=&offset=]
//   GET  /v1/clinic/intakes/{id}
//   POST /v1/clinic/intakes/{id}/revoke
//   GET  /v1/clinic/intakes/{id}/summary        clinician summary (JSON)
//   GET  /v1/clinic/intakes/{id}/summary.html   the same, printable
//   GET  /v1/clinic/intakes/{id}/fhir           FHIR R4 QuestionnaireResponse
//   GET  /v1/clinic/fhir/Questionnaire[/calfbot-intake]
//   GET  /v1/clinic/audit[?after=&limit=&intake=]
//   GET  /i/{token}                             the widget bound to the intake,
//                                               or a page saying the link is over
//
// Every read of patient data is audited by the service. Thread-safety:
// handle() may be called from any thread; `done` runs exactly once, maybe on
// another thread.
#pragma once

#include <functional>
#include <string>

#include "adapters/server/http_types.h"

namespace calfbot::bot::clinic {
class ClinicService;
class ClinicStore;
}  // namespace calfbot::bot::clinic

namespace calfbot::adapters {

class ClinicApi {
 public:
  // Both must outlive the API. emergency_number: shown on the link pages.
  ClinicApi(bot::clinic::ClinicService& service, bot::clinic::ClinicStore& store,
            std::string emergency_number);

  // True for /v1/clinic/ and /i/ paths (for Router::add_routes).
  static bool owns(const std::string& path);

  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

 private:
  void link_page(const std::string& token, bool head, std::function<void(HttpResponse)> done);
  HttpResponse api(const HttpRequest& req, const std::string& actor);
  HttpResponse audit(const HttpRequest& req);
  HttpResponse create_intake(const HttpRequest& req, const std::string& actor);
  HttpResponse list_intakes(const HttpRequest& req, const std::string& actor);
  HttpResponse intake_route(const HttpRequest& req, const std::string& actor, const std::string& rest);

  bot::clinic::ClinicService& service_;
  bot::clinic::ClinicStore& store_;
  const std::string emergency_number_;
};

}  // namespace calfbot::adapters
