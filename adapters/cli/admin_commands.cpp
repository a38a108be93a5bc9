#include "adapters/cli/admin_commands.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "bot/clinic/answers.h"
#include "bot/clinic/password.h"
#include "bot/clinic/service.h"
#include "bot/clinic/store.h"
#include "bot/conversation/conversation_service.h"
#include "bot/conversation/session_store.h"
#include "adapters/cli/app.h"
#include "config/config.h"

namespace calfbot::cli {

namespace {

using nlohmann::json;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Takes "--name VALUE" out of args; "" when absent. `present` tells a given empty value apart.
std::string take(std::vector<std::string>& args, const std::string& name, bool* present = nullptr) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != name) continue;
    if (present) *present = true;
    std::string v = i + 1 < args.size() ? args[i + 1] : "";
    args.erase(args.begin() + static_cast<long>(i),
               args.begin() + static_cast<long>(std::min(i + 2, args.size())));
    return v;
  }
  return "";
}

bool take_flag(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      args.erase(args.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

int usage(std::ostream& err, const std::string& what) {
  err << "calfbot: " << what << " (see calfbot help)\n";
  return 2;
}

int keys(bot::clinic::ClinicStore& store, std::vector<std::string> args, std::ostream& out,
         std::ostream& err) {
  std::string verb = args.empty() ? "" : args[0];
  if (!args.empty()) args.erase(args.begin());
  if (verb == "create") {
    std::string name = take(args, "--name");
    if (name.empty()) return usage(err, "keys create needs --name NAME (what the key is for)");
    if (!args.empty()) return usage(err, "keys create: unexpected argument '" + args[0] + "'");
    auto k = store.create_key(name, unix_now());
    if (!k) return err << "calfbot keys create: " << k.error().detail << "\n", 1;
    out << "key id: " << k->key.id << "\n"
        << "api key: " << k->secret << "\n"
        << "Keep the API key safe: it is shown only now (only its hash is stored).\n"
        << "Use it as: Authorization: Bearer " << k->secret << "\n";
    return 0;
  }
  if (verb == "revoke") {
    if (args.size() != 1) return usage(err, "keys revoke takes one key id");
    auto r = store.revoke_key(args[0], unix_now());
    if (!r) return err << "calfbot keys revoke: " << r.error().detail << "\n", 1;
    if (!*r) return err << "calfbot keys revoke: no key '" << args[0] << "'\n", 1;
    out << "revoked " << args[0] << "\n";
    return 0;
  }
  if (verb == "list") {
    auto all = store.keys();
    if (!all) return err << "calfbot keys list: " << all.error().detail << "\n", 1;
    for (const auto& k : *all) {
      out << k.id << "  " << bot::clinic::iso8601_utc(k.created_unix) << "  "
          << (k.revoked_unix ? "revoked " + bot::clinic::iso8601_utc(k.revoked_unix) : std::string("active"))
          << "  " << k.name << "\n";
    }
    return 0;
  }
  return usage(err, "keys: say 'create --name NAME', 'revoke KEY_ID' or 'list'");
}

int link(bot::clinic::ClinicStore& store, const config::Config& cfg, std::vector<std::string> args,
         std::ostream& out, std::ostream& err) {
  std::string verb = args.empty() ? "" : args[0];
  if (!args.empty()) args.erase(args.begin());
  const int64_t now = unix_now();
  if (verb == "revoke") {
    if (args.size() != 1) return usage(err, "link revoke takes one intake id");
    auto r = store.revoke_intake(args[0], now);
    if (!r) return err << "calfbot link revoke: " << r.error().detail << "\n", 1;
    if (!*r) return err << "calfbot link revoke: no open intake '" << args[0] << "'\n", 1;
    auto logged = store.audit("cli", "intake.revoke", args[0], now);
    if (!logged) return err << "calfbot link revoke: " << logged.error().detail << "\n", 1;
    out << "revoked " << args[0] << "\n";
    return 0;
  }
  if (verb != "create") return usage(err, "link: say 'create [options]' or 'revoke INTAKE_ID'");
  bot::clinic::LinkRequest req;
  req.patient_ref = take(args, "--patient");
  req.locale = take(args, "--locale");
  bool json_out = take_flag(args, "--json");
  bool has_appointment = false, has_expires = false, has_expires_in = false;
  std::string appointment = take(args, "--appointment", &has_appointment);
  std::string expires = take(args, "--expires", &has_expires);
  std::string expires_in = take(args, "--expires-in", &has_expires_in);
  if (!args.empty()) return usage(err, "link create: unexpected argument '" + args[0] + "'");
  if (has_appointment) {
    req.appointment_unix = bot::clinic::parse_iso8601(appointment);
    if (!req.appointment_unix) return usage(err, "link create: --appointment must be like 2026-05-01T09:30:00Z");
  }
  if (has_expires && has_expires_in) return usage(err, "link create: give --expires or --expires-in, not both");
  if (has_expires) {
    req.expires_unix = bot::clinic::parse_iso8601(expires);
    if (!req.expires_unix) return usage(err, "link create: --expires must be like 2026-05-01T09:30:00Z");
  }
  if (has_expires_in) {
    try {
      size_t used = 0;
      double hours = std::stod(expires_in, &used);
      if (used != expires_in.size() || hours <= 0) throw std::invalid_argument("");
      req.expires_unix = now + static_cast<int64_t>(hours * 3600);
    } catch (const std::exception&) {
      return usage(err, "link create: --expires-in must be a number of hours, e.g. 48");
    }
  }
  auto created = bot::clinic::create_link(store, bot::clinic::clinic_settings(cfg), req, "cli", now);
  if (!created) {
    err << "calfbot link create: " << created.error().detail << "\n";
    return created.error().code == bot::Code::bad_request ? 2 : 1;
  }
  if (json_out) {
    out << json{{"id", created->intake.id},
                {"url", created->url},
                {"expires_at", bot::clinic::iso8601_utc(created->intake.expires_unix)}}
               .dump()
        << "\n";
  } else {
    out << "intake: " << created->intake.id << "\n"
        << "link: " << created->url << "\n"
        << "expires: " << bot::clinic::iso8601_utc(created->intake.expires_unix) << "\n";
  }
  return 0;
}

// The retention purge: the conversations through the session store's own
// writer (the conversation service), the intakes through the clinic store.
bot::Result<bot::clinic::PurgeCounts> purge(const std::string& config_path,
                                            bot::clinic::ClinicStore& clinic, int64_t cutoff,
                                            std::ostream& err) {
  auto app = make_app(config_path, err);
  if (!app) return bot::Error{bot::Code::internal_error, "the knowledge did not load"};
  bot::SqliteStoreOptions so;
  so.path = app->config.store.path;
  so.synchronous_full = app->config.store.synchronous == "full";
  auto sessions = bot::open_sqlite_store(so);
  if (!sessions) return sessions.error();
  bot::ConversationService conversations(*app->engine, **sessions, {});
  return bot::clinic::purge_patient_data(clinic, conversations, cutoff);
}

// One line of `in`; on a terminal, asked for on `err` with the echo off.
std::string read_password(std::istream& in, std::ostream& err) {
  const bool tty = &in == &std::cin && isatty(STDIN_FILENO);
  termios saved{};
  if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    err << "password: " << std::flush;
  }
  std::string line;
  std::getline(in, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int create(bot::clinic::ClinicStore& store, std::vector<std::string> args, std::istream& in, std::ostream& out,
           std::ostream& err) {
  bot::clinic::NewStaff s;
  s.name = take(args, "--name");
  s.email = take(args, "--email");
  std::string clinic_id = take(args, "--clinic");
  if (!clinic_id.empty()) s.clinic = clinic_id;
  if (s.name.empty() || s.email.empty()) return usage(err, "staff create needs --name NAME and --email EMAIL");
  if (!args.empty()) return usage(err, "staff create: unexpected argument '" + args[0] + "' (the password is read from stdin)");
  auto hash = bot::clinic::hash_password(read_password(in, err));
  if (!hash) return err << "calfbot staff create: " << hash.error().detail << "\n", 2;
  s.password_hash = *hash;
  auto m = store.create_staff(s, "cli", unix_now());
  if (!m) {
    err << "calfbot staff create: " << m.error().detail << "\n";
    return m.error().code == bot::Code::bad_request ? 2 : 1;
  }
  out << "staff: " << m->id << " " << m->email << " (clinic " << m->clinic << ")\n";
  return 0;
}

int list(bot::clinic::ClinicStore& store, std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  std::string clinic_id = take(args, "--clinic");
  if (!args.empty()) return usage(err, "staff list: unexpected argument '" + args[0] + "'");
  auto all = store.staff(clinic_id);
  if (!all) return err << "calfbot staff list: " << all.error().detail << "\n", 1;
  for (const auto& m : *all) {
    out << m.id << "\t" << m.clinic << "\t" << m.email << "\t" << m.name << "\t"
        << (m.disabled_unix ? "disabled" : "active") << "\n";
  }
  return 0;
}

int staff(bot::clinic::ClinicStore& store, std::vector<std::string> args, std::istream& in,
                  std::ostream& out, std::ostream& err) {
  std::string verb = args.empty() ? "" : args[0];
  if (!args.empty()) args.erase(args.begin());
  if (verb == "create") return create(store, std::move(args), in, out, err);
  if (verb == "list") return list(store, std::move(args), out, err);
  if (verb == "disable") {
    if (args.size() != 1) return usage(err, "staff disable takes one email or staff id");
    auto r = store.disable_staff(args[0], "cli", unix_now());
    if (!r) return err << "calfbot staff disable: " << r.error().detail << "\n", 1;
    if (!*r) return err << "calfbot staff disable: no staff account '" << args[0] << "'\n", 1;
    out << "disabled " << args[0] << "\n";
    return 0;
  }
  return usage(err, "staff: say 'create --name NAME --email EMAIL', 'disable EMAIL' or 'list'");
}

}  // namespace

bool is_admin_command(const std::string& command) {
  return command == "keys" || command == "link" || command == "clinic" || command == "staff";
}

int run_admin_command(const std::string& command, const std::string& config_path,
                      std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  auto cfg = config::load_config(config_path, config::process_environment());
  if (!cfg.ok()) {
    for (const auto& e : cfg.errors) err << "config error: " << e << "\n";
    return 1;
  }
  auto store = bot::clinic::ClinicStore::open(cfg.config.store.path);
  if (!store) {
    err << "store error: " << cfg.config.store.path << ": " << store.error().detail << "\n";
    return 1;
  }
  if (command == "keys") return keys(**store, std::move(args), out, err);
  if (command == "staff") return staff(**store, std::move(args), std::cin, out, err);
  if (command == "link") return link(**store, cfg.config, std::move(args), out, err);
  if (args.size() == 1 && args[0] == "purge") {
    int64_t cutoff = unix_now() - int64_t{cfg.config.clinic.retention_days} * 86400;
    auto n = purge(config_path, **store, cutoff, err);
    if (!n) return err << "calfbot clinic purge: " << n.error().detail << "\n", 1;
    out << "purged " << n->intakes << " intake(s) and " << n->sessions
        << " conversation(s) last touched before " << bot::clinic::iso8601_utc(cutoff) << "\n";
    return 0;
  }
  return usage(err, "clinic: say 'purge'");
}

}  // namespace calfbot::cli
