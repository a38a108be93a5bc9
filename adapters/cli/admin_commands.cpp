#include "adapters/cli/admin_commands.h"

#include <termios.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "adapters/cli/app.h"
#include "bot/clinic/answers.h"
#include "bot/clinic/password.h"
#include "bot/clinic/service.h"
#include "bot/clinic/store.h"
#include "bot/clock.h"
#include "bot/conversation/conversation_service.h"
#include "bot/conversation/session_store.h"
#include "config/config.h"

namespace calfbot::cli {

namespace {

using nlohmann::json;

int usage(std::ostream& err, const std::string& what) {
  err << "calfbot: " << what << " (see calfbot help)\n";
  return 2;
}

// Runs `f` on the clinic store of the config's database; the config's and
// the store's errors are printed and end the command with 1.
int with_store(const AdminContext& c,
               const std::function<int(bot::clinic::ClinicStore&, const config::Config&)>& f) {
  auto cfg = config::load_config(c.config_path, config::process_environment());
  if (!cfg.ok()) {
    for (const auto& e : cfg.errors) c.err << "config error: " << e << "\n";
    return 1;
  }
  auto store = bot::clinic::ClinicStore::open(cfg.config.store.path);
  if (!store) {
    c.err << "store error: " << cfg.config.store.path << ": " << store.error().detail << "\n";
    return 1;
  }
  return f(**store, cfg.config);
}

int failed(std::ostream& err, const char* command, const std::string& detail) {
  err << "calfbot " << command << ": " << detail << "\n";
  return 1;
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

// The link's times from the options; a usage message when one is malformed.
std::optional<std::string> read_times(const LinkOptions& o, int64_t now,
                                      bot::clinic::LinkRequest& req) {
  if (o.appointment) {
    req.appointment_unix = bot::clinic::parse_iso8601(*o.appointment);
    if (!req.appointment_unix)
      return "link create: --appointment must be like 2026-05-01T09:30:00Z";
  }
  if (o.expires) {
    req.expires_unix = bot::clinic::parse_iso8601(*o.expires);
    if (!req.expires_unix) return "link create: --expires must be like 2026-05-01T09:30:00Z";
  }
  if (o.expires_in_hours) req.expires_unix = now + static_cast<int64_t>(*o.expires_in_hours * 3600);
  return std::nullopt;
}

}  // namespace

int keys_create(const AdminContext& c, const std::string& name) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    auto k = store.create_key(name, bot::unix_now());
    if (!k) return failed(c.err, "keys create", k.error().detail);
    c.out << "key id: " << k->key.id << "\n"
          << "api key: " << k->secret << "\n"
          << "Keep the API key safe: it is shown only now (only its hash is stored).\n"
          << "Use it as: Authorization: Bearer " << k->secret << "\n";
    return 0;
  });
}

int keys_revoke(const AdminContext& c, const std::string& key_id) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    auto r = store.revoke_key(key_id, bot::unix_now());
    if (!r) return failed(c.err, "keys revoke", r.error().detail);
    if (!*r) return failed(c.err, "keys revoke", "no key '" + key_id + "'");
    c.out << "revoked " << key_id << "\n";
    return 0;
  });
}

int keys_list(const AdminContext& c) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    auto all = store.keys();
    if (!all) return failed(c.err, "keys list", all.error().detail);
    for (const auto& k : *all) {
      c.out << k.id << "  " << bot::clinic::iso8601_utc(k.created_unix) << "  "
            << (k.revoked_unix ? "revoked " + bot::clinic::iso8601_utc(k.revoked_unix)
                               : std::string("active"))
            << "  " << k.name << "\n";
    }
    return 0;
  });
}

int link_create(const AdminContext& c, const LinkOptions& o) {
  const int64_t now = bot::unix_now();
  bot::clinic::LinkRequest req;
  req.patient_ref = o.patient_ref;
  req.locale = o.locale;
  if (auto bad = read_times(o, now, req)) return usage(c.err, *bad);
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config& cfg) {
    auto created =
        bot::clinic::create_link(store, bot::clinic::clinic_settings(cfg), req, "cli", now);
    if (!created) {
      failed(c.err, "link create", created.error().detail);
      return created.error().code == bot::Code::bad_request ? 2 : 1;
    }
    const std::string expires = bot::clinic::iso8601_utc(created->intake.expires_unix);
    if (o.json) {
      c.out
          << json{{"id", created->intake.id}, {"url", created->url}, {"expires_at", expires}}.dump()
          << "\n";
    } else {
      c.out << "intake: " << created->intake.id << "\n"
            << "link: " << created->url << "\n"
            << "expires: " << expires << "\n";
    }
    return 0;
  });
}

int link_revoke(const AdminContext& c, const std::string& intake_id) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    const int64_t now = bot::unix_now();
    auto r = store.revoke_intake(intake_id, now);
    if (!r) return failed(c.err, "link revoke", r.error().detail);
    if (!*r) return failed(c.err, "link revoke", "no open intake '" + intake_id + "'");
    auto logged = store.audit("cli", "intake.revoke", intake_id, now);
    if (!logged) return failed(c.err, "link revoke", logged.error().detail);
    c.out << "revoked " << intake_id << "\n";
    return 0;
  });
}

int staff_create(const AdminContext& c, const StaffOptions& o) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    bot::clinic::NewStaff s;
    s.name = o.name;
    s.email = o.email;
    if (!o.clinic.empty()) s.clinic = o.clinic;
    auto hash = bot::clinic::hash_password(read_password(c.in, c.err));
    if (!hash) return failed(c.err, "staff create", hash.error().detail), 2;
    s.password_hash = *hash;
    auto m = store.create_staff(s, "cli", bot::unix_now());
    if (!m) {
      failed(c.err, "staff create", m.error().detail);
      return m.error().code == bot::Code::bad_request ? 2 : 1;
    }
    c.out << "staff: " << m->id << " " << m->email << " (clinic " << m->clinic << ")\n";
    return 0;
  });
}

int staff_disable(const AdminContext& c, const std::string& who) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    auto r = store.disable_staff(who, "cli", bot::unix_now());
    if (!r) return failed(c.err, "staff disable", r.error().detail);
    if (!*r) return failed(c.err, "staff disable", "no staff account '" + who + "'");
    c.out << "disabled " << who << "\n";
    return 0;
  });
}

int staff_list(const AdminContext& c, const std::string& clinic) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config&) {
    auto all = store.staff(clinic);
    if (!all) return failed(c.err, "staff list", all.error().detail);
    for (const auto& m : *all) {
      c.out << m.id << "\t" << m.clinic << "\t" << m.email << "\t" << m.name << "\t"
            << (m.disabled_unix ? "disabled" : "active") << "\n";
    }
    return 0;
  });
}

int clinic_purge(const AdminContext& c) {
  return with_store(c, [&](bot::clinic::ClinicStore& store, const config::Config& cfg) {
    const int64_t cutoff = bot::unix_now() - int64_t{cfg.clinic.retention_days} * 86400;
    auto n = purge(c.config_path, store, cutoff, c.err);
    if (!n) return failed(c.err, "clinic purge", n.error().detail);
    c.out << "purged " << n->intakes << " intake(s) and " << n->sessions
          << " conversation(s) last touched before " << bot::clinic::iso8601_utc(cutoff) << "\n";
    return 0;
  });
}

}  // namespace calfbot::cli
