// The staff console's logins (docs/console.md): a member of a clinic's staff
// logs in with email and password (argon2id, password.h) and gets a session
// token for a cookie, and the session's CSRF token for a header. After
// `max_failed_logins` failures in a row an email is locked for a while, the
// right password too. Every login, failure, lock and logout is audited
// (actor: the staff id, or "console" for an email that has no account).
//
// The CSRF token is derived from the session token (HMAC), so it is stored
// nowhere and dies with its session.
//
// Thread-safety: every member may be called from any thread. login() costs
// one argon2id hash (64 MiB, a few tenths of a second) on the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "bot/clinic/store.h"
#include "bot/error.h"

namespace calfbot::config {
struct Config;
}

namespace calfbot::bot::clinic {

struct ConsoleSettings {
  int64_t session_seconds = 12 * 3600;
  int max_failed_logins = 5;
  int64_t lockout_seconds = 15 * 60;
  bool secure_cookie = false;  // the session cookie carries Secure
};

// From config "console" (and clinic.public_base_url for secure_cookie "auto").
ConsoleSettings console_settings(const config::Config& c);

struct StaffLogin {
  StaffMember member;
  std::string session_token;  // for the cookie: 256 random bits, base64url; stored as SHA-256
  std::string csrf_token;
  int64_t expires_unix = 0;
};

struct StaffSession {
  StaffMember member;
  std::string csrf_token;
};

class ConsoleAuth {
 public:
  // `store` must outlive this. clock: seconds since the epoch.
  ConsoleAuth(ClinicStore& store, ConsoleSettings settings, std::function<int64_t()> clock);

  const ConsoleSettings& settings() const { return settings_; }
  int64_t now() const { return clock_(); }

  // Errors: account_locked (the email is locked; nothing is checked),
  // login_failed (no active account, or the wrong password; counted),
  // store_unavailable.
  Result<StaffLogin> login(const std::string& email, const std::string& password);
  // The live session of this token. Errors: not_logged_in (none, expired,
  // logged out, account disabled), store_unavailable.
  Result<StaffSession> session(const std::string& session_token);
  // Ends the session (audited as the member's). Logging out twice is not an error.
  Status logout(const StaffSession& s, const std::string& session_token);

  // Whether `presented` is the CSRF token of this session (constant time).
  static bool csrf_ok(const std::string& session_token, const std::string& presented);
  static std::string csrf_of(const std::string& session_token);

 private:
  Result<StaffLogin> fail(const std::string& email, const std::string& actor);

  ClinicStore& store_;
  const ConsoleSettings settings_;
  const std::function<int64_t()> clock_;
};

}  // namespace calfbot::bot::clinic
