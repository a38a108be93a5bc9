#include "bot/clinic/console.h"

#include "bot/clinic/password.h"
#include "bot/conversation/crypto.h"
#include "config/config.h"

namespace calfbot::bot::clinic {

namespace {

constexpr const char* kCsrfContext = "calfbot console csrf v1";
// Who the audit names when an email has no account.
constexpr const char* kNoAccount = "console";

// A hash of a throwaway password, so that an unknown email costs the same
// argon2id work as a known one and timing tells nothing about which exist.
const std::string& dummy_hash() {
  static const std::string h = [] {
    auto r = hash_password("calfbot-no-such-account-password");
    return r ? *r : std::string();
  }();
  return h;
}

}  // namespace

ConsoleSettings console_settings(const config::Config& c) {
  ConsoleSettings s;
  s.session_seconds = int64_t{c.console.session_hours} * 3600;
  s.max_failed_logins = c.console.max_failed_logins;
  s.lockout_seconds = int64_t{c.console.lockout_minutes} * 60;
  s.secure_cookie = c.console.secure_cookie == "always" ||
                    c.clinic.public_base_url.rfind("https://", 0) == 0;
  return s;
}

ConsoleAuth::ConsoleAuth(ClinicStore& store, ConsoleSettings settings, std::function<int64_t()> clock)
    : store_(store), settings_(settings), clock_(std::move(clock)) {}

std::string ConsoleAuth::csrf_of(const std::string& session_token) {
  return hmac_sha256_hex(session_token, kCsrfContext);
}

bool ConsoleAuth::csrf_ok(const std::string& session_token, const std::string& presented) {
  return !presented.empty() && constant_time_equal(csrf_of(session_token), presented);
}

Result<StaffLogin> ConsoleAuth::login(const std::string& email, const std::string& password) {
  const int64_t t = now();
  auto failures = store_.login_failures(email);
  if (!failures) return failures.error();
  auto cred = store_.staff_credential(email);
  if (!cred) return cred.error();
  const std::string actor = *cred ? (*cred)->member.id : kNoAccount;
  if (failures->locked_until_unix > t) {
    if (auto a = store_.audit(actor, "console.login_locked", "", t); !a) return a.error();
    return Error{Code::account_locked, "login to a locked email"};
  }
  const bool active = *cred && (*cred)->member.disabled_unix == 0;
  const bool match = verify_password(password, active ? (*cred)->password_hash : dummy_hash());
  if (!active || !match || password.size() > kMaxPasswordBytes) return fail(email, actor);
  if (auto c = store_.clear_login_failures(email); !c) return c.error();
  auto token_bytes = random_bytes(32);
  if (!token_bytes) return Error{Code::internal_error, "RAND_bytes failed"};
  StaffLogin l{(*cred)->member, base64url(*token_bytes), "", t + settings_.session_seconds};
  l.csrf_token = csrf_of(l.session_token);
  if (auto s = store_.create_console_session(sha256_hex(l.session_token), l.member.id, t, l.expires_unix); !s) {
    return s.error();
  }
  if (auto a = store_.audit(l.member.id, "console.login", "", t); !a) return a.error();
  return l;
}

Result<StaffLogin> ConsoleAuth::fail(const std::string& email, const std::string& actor) {
  const int64_t t = now();
  auto f = store_.record_login_failure(email, t, settings_.max_failed_logins, settings_.lockout_seconds);
  if (!f) return f.error();
  const bool locked = f->locked_until_unix > t;
  if (auto a = store_.audit(actor, locked ? "console.login_failed_locked" : "console.login_failed", "", t); !a) {
    return a.error();
  }
  return Error{Code::login_failed, "wrong email or password"};
}

Result<StaffSession> ConsoleAuth::session(const std::string& session_token) {
  if (session_token.empty()) return Error{Code::not_logged_in, "no session cookie"};
  auto m = store_.console_session(sha256_hex(session_token), now());
  if (!m) return m.error();
  if (!*m) return Error{Code::not_logged_in, "no live session for this cookie"};
  return StaffSession{**m, csrf_of(session_token)};
}

Status ConsoleAuth::logout(const StaffSession& s, const std::string& session_token) {
  if (auto e = store_.end_console_session(sha256_hex(session_token)); !e) return e;
  return store_.audit(s.member.id, "console.logout", "", now());
}

}  // namespace calfbot::bot::clinic
