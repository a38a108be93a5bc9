// ClinicStore's console logins (tables clinic_console_sessions and
// clinic_login_failures): sessions by token hash, and the lock-out count.
#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/clinic/store.h"
#include "bot/clinic/store_conn.h"

namespace calfbot::bot::clinic {

namespace {

Error console_unavailable(const std::string& what, const std::exception& e) {
  return Error{Code::store_unavailable, what + ": " + e.what()};
}

}  // namespace

Status ClinicStore::create_console_session(const std::string& token_hash, const std::string& staff_id,
                                           int64_t now, int64_t expires_unix) {
  try {
    Conn c(*this);
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement old(c.db(), "DELETE FROM clinic_console_sessions WHERE expires <= ?");
    old.bind(1, static_cast<int64_t>(now));
    old.exec();
    SQLite::Statement q(c.db(),
                        "INSERT INTO clinic_console_sessions (token_hash, staff, created, expires) "
                        "VALUES (?, ?, ?, ?)");
    q.bind(1, token_hash);
    q.bind(2, staff_id);
    q.bind(3, static_cast<int64_t>(now));
    q.bind(4, static_cast<int64_t>(expires_unix));
    q.exec();
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return console_unavailable("create console session", e);
  }
}

Result<std::optional<StaffMember>> ClinicStore::console_session(const std::string& token_hash,
                                                                int64_t now) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(),
                        "SELECT s.id, s.clinic, s.email, s.name, s.created, s.disabled "
                        "FROM clinic_console_sessions c JOIN clinic_staff s ON s.id = c.staff "
                        "WHERE c.token_hash = ? AND c.expires > ? AND s.disabled = 0");
    q.bind(1, token_hash);
    q.bind(2, static_cast<int64_t>(now));
    if (!q.executeStep()) return std::optional<StaffMember>();
    return std::optional<StaffMember>(StaffMember{
        q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
        q.getColumn(3).getString(), q.getColumn(4).getInt64(), q.getColumn(5).getInt64()});
  } catch (const std::exception& e) {
    return console_unavailable("read console session", e);
  }
}

Status ClinicStore::end_console_session(const std::string& token_hash) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "DELETE FROM clinic_console_sessions WHERE token_hash = ?");
    q.bind(1, token_hash);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return console_unavailable("end console session", e);
  }
}

Result<LoginFailures> ClinicStore::login_failures(const std::string& email) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "SELECT failures, locked_until FROM clinic_login_failures WHERE email = ?");
    q.bind(1, email);
    if (!q.executeStep()) return LoginFailures{};
    return LoginFailures{q.getColumn(0).getInt(), q.getColumn(1).getInt64()};
  } catch (const std::exception& e) {
    return console_unavailable("read login failures", e);
  }
}

Result<LoginFailures> ClinicStore::record_login_failure(const std::string& email, int64_t now,
                                                        int max_failures, int64_t lock_seconds) {
  try {
    Conn c(*this);
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    LoginFailures f;
    SQLite::Statement read(c.db(), "SELECT failures FROM clinic_login_failures WHERE email = ?");
    read.bind(1, email);
    if (read.executeStep()) f.failures = read.getColumn(0).getInt();
    f.failures += 1;
    if (f.failures >= max_failures) {
      f.failures = 0;
      f.locked_until_unix = now + lock_seconds;
    }
    SQLite::Statement q(c.db(),
                        "INSERT INTO clinic_login_failures (email, failures, locked_until) VALUES (?, ?, ?) "
                        "ON CONFLICT (email) DO UPDATE SET failures = excluded.failures, "
                        "locked_until = excluded.locked_until");
    q.bind(1, email);
    q.bind(2, f.failures);
    q.bind(3, static_cast<int64_t>(f.locked_until_unix));
    q.exec();
    tx.commit();
    return f;
  } catch (const std::exception& e) {
    return console_unavailable("record login failure", e);
  }
}

Status ClinicStore::clear_login_failures(const std::string& email) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), "DELETE FROM clinic_login_failures WHERE email = ?");
    q.bind(1, email);
    q.exec();
    return {};
  } catch (const std::exception& e) {
    return console_unavailable("clear login failures", e);
  }
}

}  // namespace calfbot::bot::clinic
