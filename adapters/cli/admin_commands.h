// The clinic's admin commands (docs/clinic.md, "Admin commands"), run on the
// server's machine against the database in config store.path:
//
//   calfbot keys create --name NAME     a new clinic API key, printed once
//   calfbot keys revoke KEY_ID          the key stops working at once
//   calfbot keys list                   ids, names, created, revoked
//   calfbot link create [--patient REF] [--appointment TIME] [--expires TIME | --expires-in HOURS]
//                       [--locale LOCALE] [--json]
//                                       an intake and its link (printed once)
//   calfbot link revoke INTAKE_ID       the link shows "no longer valid"
//   calfbot staff create --name NAME --email EMAIL [--clinic ID]
//                         the password is read from stdin (one line), or asked
//                         for without echo when stdin is a terminal; never an argument
//   calfbot staff disable EMAIL_OR_ID   the account can no longer log in
//   calfbot staff list [--clinic ID]    id, clinic, email, name, active or disabled
//   calfbot clinic purge                delete patient data older than clinic.retention_days
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace calfbot::cli {

// True for the commands above ("keys", "link", "clinic", "staff").
bool is_admin_command(const std::string& command);

// Runs one of them; returns the process exit code (0 done, 1 failed, 2 bad arguments).
int run_admin_command(const std::string& command, const std::string& config_path,
                      std::vector<std::string> args, std::ostream& out, std::ostream& err);

}  // namespace calfbot::cli
