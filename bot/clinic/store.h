// The clinic's records in SQLite (the session store's database file, tables
// prefixed clinic_, which only this class writes): API keys, intakes (the
// pre-visit links), staff accounts, the audit log of clinic reads. The
// conversations behind intakes are the conversation service's: the clinic
// reads them and has them purged through it, never through these connections.
//
// Secrets are never stored: an API key is kept as its SHA-256 under a short
// public prefix id; a link token as its SHA-256; the session token of an
// intake's conversation only sealed (AES-256-GCM) under a key derived from
// the link token, so the database alone opens neither.
//
// Thread-safety: every member may be called from any thread; each call checks
// a connection out of a small pool, so no connection is used by two threads
// at once. Writes are short transactions; SQLite's busy timeout orders them
// with the session store's writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/error.h"
#include "bot/sqlite_pool.h"

namespace calfbot::bot::clinic {

// Intake statuses (docs/clinic.md): exactly these ids.
inline constexpr const char* kPending = "pending";
inline constexpr const char* kInProgress = "in_progress";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kExpired = "expired";
inline constexpr const char* kRevoked = "revoked";

struct ApiKey {
  std::string id;    // "ck_" + 12 hex digits: public, shown in lists and the audit log
  std::string name;  // what it is for, e.g. "reception desk"
  int64_t created_unix = 0;
  int64_t revoked_unix = 0;  // 0 = active
};

struct NewKey {
  ApiKey key;
  std::string secret;  // the whole key "<id>.<secret>": shown once, never stored
};

// The clinic every record belongs to while calfbot serves one clinic.
inline constexpr const char* kDefaultClinic = "default";

struct IntakeRequest {
  std::string patient_ref;                 // the clinic's own reference, may be ""
  std::optional<int64_t> appointment_unix;
  int64_t expires_unix = 0;
  std::string locale;
  std::string created_by;                  // API key id, or "cli"
  std::string clinic = kDefaultClinic;     // whose staff see it
};

struct Intake {
  std::string id;  // 32 hex digits
  std::string patient_ref;
  std::optional<int64_t> appointment_unix;
  std::string locale;
  std::string created_by;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
  int64_t expires_unix = 0;
  std::optional<int64_t> completed_unix;
  std::string status;       // as stored; see status_at
  std::string session_id;   // "" until the link was first opened
  std::string session_box;  // the session token, sealed under the link token
  std::string alerted;      // the highest level an alert was queued for ("", "urgent", "emergency")
  std::string triage;       // the outcome's triage once completed
  std::string clinic;       // the clinic it belongs to: only that clinic's staff see it

  // The status at `now`: an open intake past its expiry is "expired".
  std::string status_at(int64_t now) const;
};

struct NewIntake {
  Intake intake;
  std::string token;  // the link token (base64url of 32 random bytes): shown once
};

// A member of a clinic's staff (a console login; docs/clinic.md, "Staff console").
struct StaffMember {
  std::string id;      // "st_" + 12 hex digits: public, named in the audit log
  std::string clinic;  // the clinic whose intakes they see
  std::string email;   // the login name: unique, compared without case
  std::string name;    // shown to colleagues (and, later, to a patient handed over)
  int64_t created_unix = 0;
  int64_t disabled_unix = 0;  // 0 = active
};

struct NewStaff {
  std::string clinic = kDefaultClinic;
  std::string email;
  std::string name;
  std::string password_hash;  // hash_password's PHC string (password.h): never the password
};

// A member with their password hash, for checking a login.
struct StaffCredential {
  StaffMember member;
  std::string password_hash;
};

// A staff login's failures in a row, and the lock they led to.
struct LoginFailures {
  int failures = 0;
  int64_t locked_until_unix = 0;  // 0 = not locked
};

struct AuditEntry {
  int64_t seq = 0;
  int64_t time_unix = 0;
  std::string actor;   // API key id, or "cli"
  std::string action;  // "intake.read", "intake.summary", "intake.fhir", ...
  std::string intake_id;
};

struct PurgeCounts {
  int intakes = 0;
  int sessions = 0;
};

class ClinicStore {
 public:
  // Opens (creating the tables if needed) the database at `path`.
  // Errors: "store_unavailable".
  static Result<std::unique_ptr<ClinicStore>> open(const std::string& path, int busy_timeout_ms = 5000);
  ~ClinicStore();
  ClinicStore(const ClinicStore&) = delete;
  ClinicStore& operator=(const ClinicStore&) = delete;

  Result<NewKey> create_key(const std::string& name, int64_t now);
  // false when there is no such key (revoking twice is not an error).
  Result<bool> revoke_key(const std::string& id, int64_t now);
  Result<std::vector<ApiKey>> keys();
  // The active key that `presented` is, or nullopt (unknown, revoked, malformed).
  Result<std::optional<ApiKey>> authenticate(const std::string& presented);

  Result<NewIntake> create_intake(const IntakeRequest& request, int64_t now);
  Result<std::optional<Intake>> intake(const std::string& id);
  Result<std::optional<Intake>> intake_by_token(const std::string& token);
  // Newest first; `status` "" = any (matched against status_at(now));
  // `clinic` "" = every clinic's.
  Result<std::vector<Intake>> intakes(const std::string& status, int limit, int offset, int64_t now,
                                      const std::string& clinic = "");
  // Pending or in progress as stored: the ones the watcher follows.
  Result<std::vector<Intake>> open_intakes();
  // Open ones whose expiry is at or before `now`: the ones to mark expired.
  Result<std::vector<Intake>> due_intakes(int64_t now);
  // Revokes an open intake; false when it is not open (or unknown).
  Result<bool> revoke_intake(const std::string& id, int64_t now);
  Status bind_session(const std::string& intake_id, const std::string& session_id,
                      const std::string& session_box, int64_t now);
  // Sets the stored status (and, for "completed", the time and triage) of
  // an intake still open: a closed one (revoked meanwhile, by the API or the
  // command line) stays closed.
  Status set_status(const std::string& intake_id, const std::string& status,
                    const std::string& triage, int64_t now);
  Status set_alerted(const std::string& intake_id, const std::string& level, int64_t now);

  // Staff accounts (store_staff.cpp). create_staff audits "staff.create" by `actor`.
  // Errors: bad_request (an email already taken, an empty field), store_unavailable.
  Result<StaffMember> create_staff(const NewStaff& staff, const std::string& actor, int64_t now);
  // Disables the account with this email (or id); false when there is none.
  // Disabling twice is not an error. Audits "staff.disable".
  Result<bool> disable_staff(const std::string& email_or_id, const std::string& actor, int64_t now);
  // The clinic's staff ("" = every clinic), oldest first.
  Result<std::vector<StaffMember>> staff(const std::string& clinic);
  // The account (active or not) with this email, with its hash; nullopt when none.
  Result<std::optional<StaffCredential>> staff_credential(const std::string& email);

  // Console logins (store_console.cpp). A session is kept as the SHA-256
  // of its token only; it ends at `expires_unix`, at logout, or when its
  // account is disabled. Creating one drops the expired ones.
  Status create_console_session(const std::string& token_hash, const std::string& staff_id,
                                int64_t now, int64_t expires_unix);
  // The active member whose live session has this token hash; nullopt when none.
  Result<std::optional<StaffMember>> console_session(const std::string& token_hash, int64_t now);
  Status end_console_session(const std::string& token_hash);
  // Lock-out: the failures recorded for an email (an account or not, so that
  // a lock says nothing about which emails exist).
  Result<LoginFailures> login_failures(const std::string& email);
  // Counts one more failure; the `max_failures`th locks the email until
  // now + lock_seconds and starts the count afresh. Returns the new state.
  Result<LoginFailures> record_login_failure(const std::string& email, int64_t now, int max_failures,
                                             int64_t lock_seconds);
  Status clear_login_failures(const std::string& email);

  Status audit(const std::string& actor, const std::string& action, const std::string& intake_id,
               int64_t now);
  // Entries after `after_seq`, oldest first; `intake_id` "" = all.
  Result<std::vector<AuditEntry>> audit_log(int64_t after_seq, int limit, const std::string& intake_id);

  // Intakes closed (completed, revoked, or past their expiry) and last
  // touched before `cutoff_unix`: the retention purge's candidates.
  Result<std::vector<Intake>> purgeable_intakes(int64_t cutoff_unix);
  // Deletes these intakes; returns how many went. The audit log stays (it
  // names intakes by id only).
  Result<int> delete_intakes(const std::vector<std::string>& ids);

 private:
  class Conn;
  ClinicStore(std::string path, int busy_timeout_ms);

  SqlitePool pool_;
};

}  // namespace calfbot::bot::clinic
