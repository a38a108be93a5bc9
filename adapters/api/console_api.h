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
//   POST /console/api/intakes/{id}/take-over | messages {"text"} | hand-back   the handoff
//
// The session is a cookie (HttpOnly, SameSite=Strict, Path=/console, Secure
// per console.secure_cookie). Every POST, PUT and DELETE but the login needs
// the session's CSRF token in X-CSRF-Token (csrf_invalid otherwise); the
// login takes application/json only, which no cross-site form can send.
// Staff see their own clinic's intakes only; every read is audited with the
// staff id as actor.
//
// A login costs one argon2id hash (64 MiB, a few tenths of a second): logins
// run one at a time on the API's own thread, never on a network thread, and
// past kMaxQueuedLogins waiting a login is answered server_busy at once.
//
// Thread-safety: handle() may be called from any thread; `done` runs once,
// maybe on another thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/server/http_types.h"
#include "bot/error.h"
#include "dialog/engine.h"

namespace calfbot::bot::clinic {
class ClinicService;
class ConsoleAuth;
struct StaffSession;
}  // namespace calfbot::bot::clinic

namespace calfbot::adapters {

class ConsoleEvents;

class ConsoleApi {
 public:
  static constexpr size_t kMaxQueuedLogins = 16;

  // All must outlive the API.
  ConsoleApi(bot::clinic::ConsoleAuth& auth, bot::clinic::ClinicService& service, ConsoleEvents& events);
  ~ConsoleApi();  // ends the login thread after the logins queued
  ConsoleApi(const ConsoleApi&) = delete;
  ConsoleApi& operator=(const ConsoleApi&) = delete;

  // True for /console and the paths under /console/ (for Router::add_routes).
  static bool owns(const std::string& path);

  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

 private:
  HttpResponse route(const HttpRequest& req);
  HttpResponse login(const HttpRequest& req);
  HttpResponse logged_in(const HttpRequest& req, const bot::clinic::StaffSession& s,
                         const std::string& token);
  // The session of the request's cookie, its CSRF token checked on a
  // request that changes state. Errors: not_logged_in, csrf_invalid, store_unavailable.
  bot::Result<bot::clinic::StaffSession> authorised(const HttpRequest& req, const std::string& token);
  void handoff(const HttpRequest& req, const std::string& id, dialog::StaffAction::Kind kind,
               std::function<void(HttpResponse)> done);
  HttpResponse intake_route(const HttpRequest& req, const bot::clinic::StaffSession& s,
                            const std::string& rest);

  void run_logins();

  bot::clinic::ConsoleAuth& auth_;
  bot::clinic::ClinicService& service_;
  ConsoleEvents& events_;

  std::mutex mu_;  // guards logins_ and stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> logins_;
  bool stopping_ = false;
  std::thread login_thread_;  // last: started once the members above exist
};

// The session token in the request's console cookie; "" when none.
std::string console_cookie(const HttpRequest& req);

}  // namespace calfbot::adapters
