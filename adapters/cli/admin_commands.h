// The clinic's admin commands (docs/clinic.md, "Admin commands"), run on the
// server's machine against the database in config store.path. Their options
// are read by the command line (commands.cpp); each returns the process exit
// code: 0 done, 1 failed, 2 bad arguments.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace calfbot::cli {

// Where the admin commands read the config (file, then CALFBOT_ environment).
struct AdminContext {
  std::string config_path;
  std::istream& in;  // the staff password, one line
  std::ostream& out;
  std::ostream& err;
};

// calfbot keys create --name NAME: a new clinic API key, printed once.
int keys_create(const AdminContext& c, const std::string& name);
// calfbot keys revoke KEY_ID: the key stops working at once.
int keys_revoke(const AdminContext& c, const std::string& key_id);
// calfbot keys list: ids, created, revoked, names.
int keys_list(const AdminContext& c);

struct LinkOptions {
  std::string patient_ref;
  std::string locale;
  std::optional<std::string> appointment;  // ISO 8601, e.g. 2026-05-01T09:30:00Z
  std::optional<std::string> expires;      // ISO 8601
  std::optional<double> expires_in_hours;  // > 0; not with expires
  bool json = false;                       // {id, url, expires_at} on one line
};
// calfbot link create [...]: an intake and its link (printed once).
int link_create(const AdminContext& c, const LinkOptions& o);
// calfbot link revoke INTAKE_ID: the link shows "no longer valid".
int link_revoke(const AdminContext& c, const std::string& intake_id);

struct StaffOptions {
  std::string name;
  std::string email;
  std::string clinic;  // empty: the default clinic
};
// calfbot staff create: the password is read from `in` (one line), or asked
// for without echo when it is a terminal; never an argument.
int staff_create(const AdminContext& c, const StaffOptions& o);
// calfbot staff disable EMAIL_OR_ID: the account can no longer log in.
int staff_disable(const AdminContext& c, const std::string& who);
// calfbot staff list [--clinic ID]: id, clinic, email, name, active or disabled.
int staff_list(const AdminContext& c, const std::string& clinic);

// calfbot clinic purge: deletes patient data older than clinic.retention_days.
int clinic_purge(const AdminContext& c);

}  // namespace calfbot::cli
