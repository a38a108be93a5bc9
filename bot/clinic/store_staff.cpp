// ClinicStore's staff accounts (table clinic_staff): the console's logins.
#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/clinic/store.h"
#include "bot/clinic/store_conn.h"
#include "bot/conversation/crypto.h"

namespace calfbot::bot::clinic {

namespace {

constexpr const char* kStaffColumns = "id, clinic, email, name, created, disabled, password";

StaffMember read_member(SQLite::Statement& q) {
  return StaffMember{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getInt64(), q.getColumn(5).getInt64()};
}

Error staff_unavailable(const std::string& what, const std::exception& e) {
  return Error{Code::store_unavailable, what + ": " + e.what()};
}

void insert_audit(SQLite::Database& db, const std::string& actor, const std::string& action, int64_t now) {
  SQLite::Statement q(db, "INSERT INTO clinic_audit (time, actor, action) VALUES (?, ?, ?)");
  q.bind(1, static_cast<int64_t>(now));
  q.bind(2, actor);
  q.bind(3, action);
  q.exec();
}

bool email_taken(SQLite::Database& db, const std::string& email) {
  SQLite::Statement q(db, "SELECT 1 FROM clinic_staff WHERE email = ?");
  q.bind(1, email);
  return q.executeStep();
}

}  // namespace

Result<StaffMember> ClinicStore::create_staff(const NewStaff& s, const std::string& actor, int64_t now) {
  if (s.clinic.empty() || s.email.empty() || s.name.empty() || s.password_hash.empty()) {
    return Error{Code::bad_request, "a staff account needs a clinic, an email, a name and a password"};
  }
  auto id_bytes = random_bytes(6);
  if (!id_bytes) return Error{Code::internal_error, "RAND_bytes failed"};
  StaffMember m{"st_" + hex(*id_bytes), s.clinic, s.email, s.name, now, 0};
  try {
    Conn c(*this);
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    if (email_taken(c.db(), s.email)) {
      return Error{Code::bad_request, "a staff account with the email '" + s.email + "' exists"};
    }
    SQLite::Statement q(c.db(),
                        "INSERT INTO clinic_staff (id, clinic, email, name, password, created) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, m.id);
    q.bind(2, m.clinic);
    q.bind(3, m.email);
    q.bind(4, m.name);
    q.bind(5, s.password_hash);
    q.bind(6, static_cast<int64_t>(now));
    q.exec();
    insert_audit(c.db(), actor, "staff.create:" + m.id, now);
    tx.commit();
  } catch (const std::exception& e) {
    return staff_unavailable("create staff", e);
  }
  return m;
}

Result<bool> ClinicStore::disable_staff(const std::string& email_or_id, const std::string& actor, int64_t now) {
  try {
    Conn c(*this);
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(c.db(), "SELECT id, disabled FROM clinic_staff WHERE email = ? OR id = ?");
    find.bind(1, email_or_id);
    find.bind(2, email_or_id);
    if (!find.executeStep()) return false;
    const std::string id = find.getColumn(0).getString();
    if (find.getColumn(1).getInt64() == 0) {
      SQLite::Statement q(c.db(), "UPDATE clinic_staff SET disabled = ? WHERE id = ?");
      q.bind(1, static_cast<int64_t>(now));
      q.bind(2, id);
      q.exec();
      insert_audit(c.db(), actor, "staff.disable:" + id, now);
    }
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return staff_unavailable("disable staff", e);
  }
}

Result<std::vector<StaffMember>> ClinicStore::staff(const std::string& clinic) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), std::string("SELECT ") + kStaffColumns +
                                    " FROM clinic_staff WHERE ? = '' OR clinic = ? ORDER BY created, id");
    q.bind(1, clinic);
    q.bind(2, clinic);
    std::vector<StaffMember> all;
    while (q.executeStep()) all.push_back(read_member(q));
    return all;
  } catch (const std::exception& e) {
    return staff_unavailable("list staff", e);
  }
}

Result<std::optional<StaffCredential>> ClinicStore::staff_credential(const std::string& email) {
  try {
    Conn c(*this);
    SQLite::Statement q(c.db(), std::string("SELECT ") + kStaffColumns + " FROM clinic_staff WHERE email = ?");
    q.bind(1, email);
    if (!q.executeStep()) return std::optional<StaffCredential>();
    return std::optional<StaffCredential>(StaffCredential{read_member(q), q.getColumn(6).getString()});
  } catch (const std::exception& e) {
    return staff_unavailable("read staff", e);
  }
}

}  // namespace calfbot::bot::clinic
