#include "bot/clinic/store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/clinic/store_conn.h"
#include "bot/conversation/crypto.h"
#include "bot/store_version.h"

namespace calfbot::bot::clinic {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS clinic_api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clinic_intakes (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  patient_ref TEXT NOT NULL,
  appointment INTEGER,
  locale TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  completed INTEGER,
  status TEXT NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'expired', 'revoked')),
  session_id TEXT NOT NULL DEFAULT '',
  session_box TEXT NOT NULL DEFAULT '',
  alerted TEXT NOT NULL DEFAULT '',
  triage TEXT NOT NULL DEFAULT '',
  clinic TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX IF NOT EXISTS clinic_intakes_by_status ON clinic_intakes (status, expires);
CREATE INDEX IF NOT EXISTS clinic_intakes_by_created ON clinic_intakes (created);
CREATE TABLE IF NOT EXISTS clinic_staff (
  id TEXT PRIMARY KEY,
  clinic TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password TEXT NOT NULL,
  created INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clinic_console_sessions (
  token_hash TEXT PRIMARY KEY,
  staff TEXT NOT NULL REFERENCES clinic_staff (id),
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS clinic_login_failures (
  email TEXT PRIMARY KEY COLLATE NOCASE,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clinic_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  intake TEXT NOT NULL DEFAULT ''
);
)sql";

constexpr const char* kIntakeColumns =
    "id, patient_ref, appointment, locale, created_by, created, updated, expires, completed, "
    "status, session_id, session_box, alerted, triage, clinic";

Error unavailable(const std::string& what, const std::exception& e) {
  return Error{Code::store_unavailable, what + ": " + e.what()};
}

Intake read_intake(SQLite::Statement& q) {
  Intake i;
  i.id = q.getColumn(0).getString();
  i.patient_ref = q.getColumn(1).getString();
  if (!q.getColumn(2).isNull()) i.appointment_unix = q.getColumn(2).getInt64();
  i.locale = q.getColumn(3).getString();
  i.created_by = q.getColumn(4).getString();
  i.created_unix = q.getColumn(5).getInt64();
  i.updated_unix = q.getColumn(6).getInt64();
  i.expires_unix = q.getColumn(7).getInt64();
  if (!q.getColumn(8).isNull()) i.completed_unix = q.getColumn(8).getInt64();
  i.status = q.getColumn(9).getString();
  i.session_id = q.getColumn(10).getString();
  i.session_box = q.getColumn(11).getString();
  i.alerted = q.getColumn(12).getString();
  i.triage = q.getColumn(13).getString();
  i.clinic = q.getColumn(14).getString();
  return i;
}

// A database made before intakes had a clinic gets the column, every intake in the default clinic.
void add_clinic_column(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT 1 FROM pragma_table_info('clinic_intakes') WHERE name = 'clinic'");
  if (!q.executeStep()) db.exec("ALTER TABLE clinic_intakes ADD COLUMN clinic TEXT NOT NULL DEFAULT 'default'");
}

Result<std::optional<Intake>> one_intake(SQLite::Database& db, const char* where,
                                         const std::string& value) {
  SQLite::Statement q(db, std::string("SELECT ") + kIntakeColumns + " FROM clinic_intakes WHERE " + where);
  q.bind(1, value);
  if (!q.executeStep()) return std::optional<Intake>();
  return std::optional<Intake>(read_intake(q));
}

}  // namespace

std::string Intake::status_at(int64_t now) const {
  if ((status == kPending || status == kInProgress) && expires_unix <= now) return kExpired;
  return status;
}

ClinicStore::ClinicStore(std::string path, int busy_timeout_ms)
    : pool_(std::move(path), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms,
            [](SQLite::Database& db) { db.exec("PRAGMA foreign_keys = ON"); }) {}

ClinicStore::~ClinicStore() = default;

Result<std::unique_ptr<ClinicStore>> ClinicStore::open(const std::string& path, int busy_timeout_ms) {
  if (path.empty() || path == ":memory:") {
    return Error{Code::store_unavailable, "the clinic store needs a file path, not ':memory:'"};
  }
  std::unique_ptr<ClinicStore> store(new ClinicStore(path, busy_timeout_ms));
  try {
    Conn c(*store);
    c.db().exec("PRAGMA journal_mode = WAL");
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    check_store_version(c.db(), path);
    c.db().exec(kSchema);
    add_clinic_column(c.db());
    tx.commit();
  } catch (const std::exception& e) {
    return unavailable("open " + path, e);
  }
  return store;
}

Result<NewKey> ClinicStore::create_key(const std::string& name, int64_t now) {
  auto id_bytes = random_bytes(6);
  auto secret_bytes = random_bytes(32);
  if (!id_bytes || !secret_bytes) return Error{Code::internal_error, "RAND_bytes failed"};
  NewKey k;
  k.key.id = "ck_" + hex(*id_bytes);
  k.key.name = name;
  k.key.created_unix = now;
  k.secret = k.key.id + "." + base64url(*secret_bytes);
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "INSERT INTO clinic_api_keys (id, hash, name, created) VALUES (?, ?, ?, ?)");
    q.bind(1, k.key.id);
    q.bind(2, sha256_hex(k.secret));
    q.bind(3, name);
    q.bind(4, static_cast<int64_t>(now));
    q.exec();
  } catch (const std::exception& e) {
    return unavailable("create key", e);
  }
  return k;
}

Result<bool> ClinicStore::revoke_key(const std::string& id, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "UPDATE clinic_api_keys SET revoked = CASE WHEN revoked = 0 THEN ? "
                                "ELSE revoked END WHERE id = ?");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, id);
    return q.exec() > 0;
  } catch (const std::exception& e) {
    return unavailable("revoke key", e);
  }
}

Result<std::vector<ApiKey>> ClinicStore::keys() {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "SELECT id, name, created, revoked FROM clinic_api_keys ORDER BY created, id");
    std::vector<ApiKey> out;
    while (q.executeStep()) {
      out.push_back(ApiKey{q.getColumn(0).getString(), q.getColumn(1).getString(),
                           q.getColumn(2).getInt64(), q.getColumn(3).getInt64()});
    }
    return out;
  } catch (const std::exception& e) {
    return unavailable("list keys", e);
  }
}

Result<std::optional<ApiKey>> ClinicStore::authenticate(const std::string& presented) {
  size_t dot = presented.find('.');
  if (dot == std::string::npos || presented.size() > 200) return std::optional<ApiKey>();
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "SELECT id, name, created, revoked, hash FROM clinic_api_keys WHERE id = ?");
    q.bind(1, presented.substr(0, dot));
    if (!q.executeStep()) return std::optional<ApiKey>();
    ApiKey k{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
             q.getColumn(3).getInt64()};
    if (k.revoked_unix != 0 || !constant_time_equal(sha256_hex(presented), q.getColumn(4).getString())) {
      return std::optional<ApiKey>();
    }
    return std::optional<ApiKey>(k);
  } catch (const std::exception& e) {
    return unavailable("authenticate", e);
  }
}

Result<NewIntake> ClinicStore::create_intake(const IntakeRequest& r, int64_t now) {
  auto id_bytes = random_bytes(16);
  auto token_bytes = random_bytes(32);  // 256 bits from OpenSSL's CSPRNG
  if (!id_bytes || !token_bytes) return Error{Code::internal_error, "RAND_bytes failed"};
  NewIntake n;
  Intake& i = n.intake;
  i.id = hex(*id_bytes);
  i.patient_ref = r.patient_ref;
  i.appointment_unix = r.appointment_unix;
  i.locale = r.locale;
  i.created_by = r.created_by;
  i.created_unix = i.updated_unix = now;
  i.expires_unix = r.expires_unix;
  i.status = kPending;
  i.clinic = r.clinic;
  n.token = base64url(*token_bytes);
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(),
                        "INSERT INTO clinic_intakes (id, token_hash, patient_ref, appointment, locale, "
                        "created_by, created, updated, expires, status, clinic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, i.id);
    q.bind(2, sha256_hex(n.token));
    q.bind(3, i.patient_ref);
    if (i.appointment_unix) q.bind(4, static_cast<int64_t>(*i.appointment_unix));
    q.bind(5, i.locale);
    q.bind(6, i.created_by);
    q.bind(7, static_cast<int64_t>(now));
    q.bind(8, static_cast<int64_t>(now));
    q.bind(9, static_cast<int64_t>(i.expires_unix));
    q.bind(10, i.status);
    q.bind(11, i.clinic);
    q.exec();
  } catch (const std::exception& e) {
    return unavailable("create intake", e);
  }
  return n;
}

Result<std::optional<Intake>> ClinicStore::intake(const std::string& id) {
  try {
    Conn c(*this);
    return one_intake(c.db(), "id = ?", id);
  } catch (const std::exception& e) {
    return unavailable("read intake", e);
  }
}

Result<std::optional<Intake>> ClinicStore::intake_by_token(const std::string& token) {
  try {
    Conn c(*this);
    return one_intake(c.db(), "token_hash = ?", sha256_hex(token));
  } catch (const std::exception& e) {
    return unavailable("find intake", e);
  }
}

Result<std::vector<Intake>> ClinicStore::intakes(const std::string& status, int limit, int offset,
                                                 int64_t now, const std::string& clinic) {
  try {
    Conn c(*this);
    // status_at(now), in SQL: open intakes past their expiry count as expired.
    const char* effective =
        "(CASE WHEN status IN ('pending', 'in_progress') AND expires <= ?1 THEN 'expired' ELSE status END)";
    SQLite::Statement q(c.db(), std::string("SELECT ") + kIntakeColumns + " FROM clinic_intakes WHERE (?2 = '' OR " +
                                    effective + " = ?2) AND (?5 = '' OR clinic = ?5) "
                                    "ORDER BY created DESC, id LIMIT ?3 OFFSET ?4");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, status);
    q.bind(3, limit);
    q.bind(4, offset);
    q.bind(5, clinic);
    std::vector<Intake> out;
    while (q.executeStep()) out.push_back(read_intake(q));
    return out;
  } catch (const std::exception& e) {
    return unavailable("list intakes", e);
  }
}

Result<std::vector<Intake>> ClinicStore::open_intakes() {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), std::string("SELECT ") + kIntakeColumns +
                                    " FROM clinic_intakes WHERE status IN ('pending', 'in_progress')");
    std::vector<Intake> out;
    while (q.executeStep()) out.push_back(read_intake(q));
    return out;
  } catch (const std::exception& e) {
    return unavailable("list open intakes", e);
  }
}

Result<std::vector<Intake>> ClinicStore::due_intakes(int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), std::string("SELECT ") + kIntakeColumns +
                                    " FROM clinic_intakes WHERE status IN ('pending', 'in_progress') "
                                    "AND expires <= ?");
    q.bind(1, static_cast<int64_t>(now));
    std::vector<Intake> out;
    while (q.executeStep()) out.push_back(read_intake(q));
    return out;
  } catch (const std::exception& e) {
    return unavailable("list expired intakes", e);
  }
}

Result<bool> ClinicStore::revoke_intake(const std::string& id, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "UPDATE clinic_intakes SET status = 'revoked', updated = ? WHERE id = ? "
                                "AND status IN ('pending', 'in_progress') AND expires > ?");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, id);
    q.bind(3, static_cast<int64_t>(now));
    return q.exec() > 0;
  } catch (const std::exception& e) {
    return unavailable("revoke intake", e);
  }
}

Status ClinicStore::bind_session(const std::string& intake_id, const std::string& session_id,
                                 const std::string& session_box, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "UPDATE clinic_intakes SET session_id = ?, session_box = ?, updated = ? "
                                "WHERE id = ?");
    q.bind(1, session_id);
    q.bind(2, session_box);
    q.bind(3, static_cast<int64_t>(now));
    q.bind(4, intake_id);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return unavailable("bind session", e);
  }
}

Status ClinicStore::set_status(const std::string& intake_id, const std::string& status,
                               const std::string& triage, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "UPDATE clinic_intakes SET status = ?1, updated = ?2, triage = ?3, "
                                "completed = CASE WHEN ?1 = 'completed' THEN ?2 ELSE completed END "
                                "WHERE id = ?4 AND status IN ('pending', 'in_progress')");
    q.bind(1, status);
    q.bind(2, static_cast<int64_t>(now));
    q.bind(3, triage);
    q.bind(4, intake_id);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return unavailable("set intake status", e);
  }
}

Status ClinicStore::set_alerted(const std::string& intake_id, const std::string& level, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "UPDATE clinic_intakes SET alerted = ?, updated = ? WHERE id = ?");
    q.bind(1, level);
    q.bind(2, static_cast<int64_t>(now));
    q.bind(3, intake_id);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return unavailable("set intake alert", e);
  }
}

Status ClinicStore::audit(const std::string& actor, const std::string& action,
                          const std::string& intake_id, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "INSERT INTO clinic_audit (time, actor, action, intake) VALUES (?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, actor);
    q.bind(3, action);
    q.bind(4, intake_id);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return unavailable("write audit", e);
  }
}

Result<std::vector<AuditEntry>> ClinicStore::audit_log(int64_t after_seq, int limit,
                                                       const std::string& intake_id) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "SELECT seq, time, actor, action, intake FROM clinic_audit WHERE seq > ? "
                                "AND (? = '' OR intake = ?) ORDER BY seq LIMIT ?");
    q.bind(1, static_cast<int64_t>(after_seq));
    q.bind(2, intake_id);
    q.bind(3, intake_id);
    q.bind(4, limit);
    std::vector<AuditEntry> out;
    while (q.executeStep()) {
      out.push_back(AuditEntry{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                               q.getColumn(2).getString(), q.getColumn(3).getString(),
                               q.getColumn(4).getString()});
    }
    return out;
  } catch (const std::exception& e) {
    return unavailable("read audit", e);
  }
}

Result<std::vector<Intake>> ClinicStore::purgeable_intakes(int64_t cutoff) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), std::string("SELECT ") + kIntakeColumns +
                                    " FROM clinic_intakes WHERE updated < ?1 AND (expires < ?1 OR "
                                    "status IN ('completed', 'revoked'))");
    q.bind(1, static_cast<int64_t>(cutoff));
    std::vector<Intake> out;
    while (q.executeStep()) out.push_back(read_intake(q));
    return out;
  } catch (const std::exception& e) {
    return unavailable("list intakes to purge", e);
  }
}

Result<int> ClinicStore::delete_intakes(const std::vector<std::string>& ids) {
  try {
    Conn c(*this);
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement d(c.db(), "DELETE FROM clinic_intakes WHERE id = ?");
    int n = 0;
    for (const auto& id : ids) {
      d.reset();
      d.bind(1, id);
      n += d.exec();
    }
    tx.commit();
    return n;
  } catch (const std::exception& e) {
    return unavailable("delete intakes", e);
  }
}

}  // namespace calfbot::bot::clinic
