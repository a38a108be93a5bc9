// The clinic staff console's HTTP surface (docs/console.md):
//
//   GET  /console                          the console page (and its files under /console/)
//   POST /console/login                    {"email", "password"} -> session cookie + CSRF token
//   POST /console/logout                   ends the session
//   GET  /console/api/session              who is logged in, and the CSRF token
//   GET  /console/api/intakes              the clinic's intakes, escalated first
//   GET  /console/api/intakes/{id}         one intake (another clinic's: 404)
//   GET  /console/api/intakes/{id}/summary | summary.html | fhir | transcript
//   GET  /console/api/events               server-sent events: "intake" when one changes
//
// The session is a cookie (HttpOnly, SameSite=Strict, Path=/console, Secure
// per console.secure_cookie). Every POST, PUT and DELETE but the login needs
// the session's CSRF token in X-CSRF-Token (csrf_invalid otherwise); the
// login takes application/json only, which no cross-site form can send.
// Staff see their own clinic's intakes only; every read is audited with the
// staff id as actor.
//
// Thread-safety: handle() may be called from any thread; `done` runs once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "adapters/server/http_types.h"

namespace calfbot::bot::clinic {
class ClinicService;
class ConsoleAuth;
struct StaffSession;
}  // namespace calfbot::bot::clinic

namespace calfbot::adapters {

class ConsoleEvents;

class ConsoleApi {
 public:
  // All must outlive the API.
  ConsoleApi(bot::clinic::ConsoleAuth& auth, bot::clinic::ClinicService& service, ConsoleEvents& events);

  // True for /console and the paths under /console/ (for Router::add_routes).
  static bool owns(const std::string& path);

  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

 private:
  HttpResponse route(const HttpRequest& req);
  HttpResponse login(const HttpRequest& req);
  HttpResponse logged_in(const HttpRequest& req, const bot::clinic::StaffSession& s,
                         const std::string& token);
  HttpResponse intake_route(const HttpRequest& req, const bot::clinic::StaffSession& s,
                            const std::string& rest);

  bot::clinic::ConsoleAuth& auth_;
  bot::clinic::ClinicService& service_;
  ConsoleEvents& events_;
};

// The session token in the request's console cookie; "" when none.
std::string console_cookie(const HttpRequest& req);

}  // namespace calfbot::adapters
