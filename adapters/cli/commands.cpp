#include "adapters/cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <ostream>

#include "adapters/cli/admin_commands.h"
#include "adapters/cli/app.h"
#include "adapters/cli/chat.h"
#include "adapters/cli/serve.h"
#include "bot/eval/command.h"
#include "knowledge/loader.h"

namespace calfbot::cli {

namespace {

// The command being built: the parser, the config path every command shares
// and the action of the subcommand given, set by its parse callback.
struct Commands {
  Commands(std::istream& i, std::ostream& o, std::ostream& e) : in(i), out(o), err(e) {}
  CLI::App app{"calfbot: a calf-pain intake chatbot. The whole manual is in docs/.", "calfbot"};
  std::string config_path;
  std::function<int()> action;
  std::map<const CLI::App*, std::string> hints;  // said after an unexpected argument
  std::istream& in;
  std::ostream& out;
  std::ostream& err;

  AdminContext admin() const { return AdminContext{config_path, in, out, err}; }
  // Runs `f` once the whole command line is read.
  void on(CLI::App* sub, std::function<int()> f) {
    sub->parse_complete_callback([this, f = std::move(f)] { action = f; });
  }
};

int knowledge_command(const std::string& dir, const std::string& db_file, bool compile,
                      std::ostream& out, std::ostream& err) {
  const std::string db = db_file.empty() ? ":memory:" : db_file;
  auto r = dir.empty() ? knowledge::load_embedded(db) : knowledge::load_directory(dir, db);
  if (!r.ok()) {
    for (const auto& e : r.errors) err << "knowledge error: " << e.what() << "\n";
    err << r.errors.size() << " error(s) in the knowledge data files\n";
    return 1;
  }
  const auto& kb = *r.knowledge;
  out << "knowledge " << kb.version.substr(0, 16) << ": " << kb.conditions.size() << " conditions, "
      << kb.findings.size() << " findings, " << kb.questions.size() << " questions, "
      << kb.red_flags.size() << " red-flag rules, " << kb.advice.size() << " advice items, "
      << kb.sources.size() << " sources";
  if (compile) out << "; written to " << db;
  out << "\n";
  return 0;
}

void add_chat_and_eval(Commands& c) {
  auto* chat = c.app.add_subcommand("chat", "talk to calfbot at the terminal");
  auto json = std::make_shared<bool>(false);
  chat->add_flag("--json", *json,
                 "read one JSON object a line ({\"text\": ...} or {\"choice\": ...}) and write one "
                 "JSON object a line per bot message");
  c.on(chat, [&c, json] {
    auto app = make_app(c.config_path, c.err);
    if (!app) return 1;
    return *json ? run_json_chat(*app->engine, c.in, c.out, c.err)
                 : run_terminal_chat(*app->engine, c.in, c.out);
  });

  auto* eval = c.app.add_subcommand(
      "eval",
      "play the patient vignettes (and the evidence written blind) through the engine and "
      "print safety and accuracy figures");
  auto o = std::make_shared<bot::EvalOptions>();
  auto half = std::make_shared<std::string>();
  auto* dir =
      eval->add_option("--vignettes", o->dir, "the vignettes' folder")->capture_default_str();
  eval->add_option("--evidence", o->evidence, "the evidence written blind: its root folder");
  eval->add_option("--half", *half, "only this half of the evidence")
      ->check(CLI::IsMember({"dev", "test"}));
  eval->add_flag("--strict", o->strict, "exit 1 on a missed emergency or an under-triage");
  eval->add_flag("--verbose", o->verbose, "print every transcript");
  eval->add_flag("--misses", o->misses, "list the development half's misreadings");
  eval->add_option("--only", o->only, "only the vignette with this id");
  c.on(eval, [&c, o, half, dir] {
    o->dir_given = dir->count() > 0;
    if (!half->empty()) o->half = bot::half_named(*half);
    auto app = make_app(c.config_path, c.err);
    if (!app) return 1;
    return bot::run_eval(*app->engine, *o, c.out);
  });

  c.on(c.app.add_subcommand("serve",
                            "run the chat server (WebSocket, REST, web widget, webhooks, "
                            "clinic API) on server.host:server.port"),
       [&c] { return run_serve(c.config_path, c.out, c.err); });

  auto* kb = c.app.add_subcommand("knowledge", "the knowledge data files")->require_subcommand(1);
  auto kdir = std::make_shared<std::string>(), kdb = std::make_shared<std::string>();
  auto* check =
      kb->add_subcommand("check", "validate the knowledge data files (built in, or --dir)");
  check->add_option("--dir", *kdir, "a folder of knowledge data files");
  c.on(check, [&c, kdir] { return knowledge_command(*kdir, "", false, c.out, c.err); });
  auto* compile = kb->add_subcommand("compile", "write the compiled SQLite knowledge database");
  compile->add_option("--db", *kdb, "the database file to write")->required();
  compile->add_option("--dir", *kdir, "a folder of knowledge data files");
  c.on(compile, [&c, kdir, kdb] { return knowledge_command(*kdir, *kdb, true, c.out, c.err); });
}

void add_keys_and_links(Commands& c) {
  auto* keys = c.app
                   .add_subcommand("keys",
                                   "clinic API keys (the key is printed once; only its "
                                   "hash is stored)")
                   ->require_subcommand(1);
  auto name = std::make_shared<std::string>(), id = std::make_shared<std::string>();
  auto* create = keys->add_subcommand("create", "a new clinic API key");
  create->add_option("--name", *name, "what the key is for")->required();
  c.on(create, [&c, name] { return keys_create(c.admin(), *name); });
  auto* revoke = keys->add_subcommand("revoke", "the key stops working at once");
  revoke->add_option("key_id", *id, "the key's id")->required();
  c.on(revoke, [&c, id] { return keys_revoke(c.admin(), *id); });
  c.on(keys->add_subcommand("list", "ids, created, revoked, names"),
       [&c] { return keys_list(c.admin()); });

  auto* link = c.app.add_subcommand("link", "pre-visit questionnaire links")->require_subcommand(1);
  auto o = std::make_shared<LinkOptions>();
  auto when = std::make_shared<std::array<std::string, 2>>();
  auto hours = std::make_shared<double>(0);
  auto* lc = link->add_subcommand("create", "an intake and its link (printed once)");
  lc->add_option("--patient", o->patient_ref, "the clinic's reference for the patient");
  auto* appointment = lc->add_option("--appointment", (*when)[0], "e.g. 2026-05-01T09:30:00Z");
  auto* expires = lc->add_option("--expires", (*when)[1], "e.g. 2026-05-01T09:30:00Z");
  auto* expires_in = lc->add_option("--expires-in", *hours, "hours from now, e.g. 48")
                         ->check(CLI::PositiveNumber)
                         ->excludes(expires);
  lc->add_option("--locale", o->locale, "the patient's language, e.g. en-GB");
  lc->add_flag("--json", o->json, "print {id, url, expires_at} on one line");
  c.on(lc, [&c, o, when, hours, appointment, expires, expires_in] {
    if (appointment->count()) o->appointment = (*when)[0];
    if (expires->count()) o->expires = (*when)[1];
    if (expires_in->count()) o->expires_in_hours = *hours;
    return link_create(c.admin(), *o);
  });
  auto* lr = link->add_subcommand("revoke", "withdraw a link");
  lr->add_option("intake_id", *id, "the intake's id")->required();
  c.on(lr, [&c, id] { return link_revoke(c.admin(), *id); });
}

void add_staff_and_clinic(Commands& c) {
  auto* staff =
      c.app.add_subcommand("staff", "clinic staff's console logins")->require_subcommand(1);
  auto o = std::make_shared<StaffOptions>();
  auto* create = staff->add_subcommand(
      "create", "a staff account; the password is read from stdin, never an argument (argon2id)");
  create->add_option("--name", o->name, "the person's name")->required();
  create->add_option("--email", o->email, "their login")->required();
  create->add_option("--clinic", o->clinic, "their clinic's id (default: the default clinic)");
  c.hints[create] = "the password is read from stdin";  // never an argument
  c.on(create, [&c, o] { return staff_create(c.admin(), *o); });
  auto who = std::make_shared<std::string>();
  auto* disable = staff->add_subcommand("disable", "the account can no longer log in");
  disable->add_option("email_or_id", *who, "the account's email or id")->required();
  c.on(disable, [&c, who] { return staff_disable(c.admin(), *who); });
  auto* list = staff->add_subcommand("list", "id, clinic, email, name, active or disabled");
  list->add_option("--clinic", o->clinic, "only this clinic's staff");
  c.on(list, [&c, o] { return staff_list(c.admin(), o->clinic); });

  auto* clinic = c.app.add_subcommand("clinic", "the clinic's data")->require_subcommand(1);
  c.on(clinic->add_subcommand("purge", "delete patient data older than clinic.retention_days"),
       [&c] { return clinic_purge(c.admin()); });
}

// An argument no command takes: named, with the command it came after and
// that command's hint.
int unexpected(const Commands& c) {
  const CLI::App* at = &c.app;
  std::string command;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    command += " " + at->get_name();
  }
  const auto left = c.app.remaining(true);
  c.err << "calfbot" << command << ": unexpected argument '" << (left.empty() ? "" : left.front())
        << "'";
  if (auto h = c.hints.find(at); h != c.hints.end()) c.err << " (" << h->second << ")";
  c.err << " (see calfbot help)\n";
  return 2;
}

}  // namespace

int run_command(std::vector<std::string> args, std::istream& in, std::ostream& out,
                std::ostream& err) {
  Commands c(in, out, err);
  c.app.fallthrough();  // --config is read after a subcommand's name too
  c.app.add_option("--config", c.config_path,
                   "a JSON config file (docs/configuration.md); CALFBOT_* environment variables "
                   "override it");
  c.app.require_subcommand(1);
  add_chat_and_eval(c);
  add_keys_and_links(c);
  add_staff_and_clinic(c);
  // Every command with its options (`calfbot help`); `--help` after a
  // command shows that command's.
  auto manual = [&c] {
    return c.app.get_formatter()->make_help(&c.app, "calfbot", CLI::AppFormatMode::All);
  };
  c.app.add_subcommand("help", "every command and its options")
      ->parse_complete_callback([&c, manual] {
        c.out << manual();
        c.action = [] { return 0; };
      });
  if (args.empty()) {
    err << manual();
    return 2;
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 reads a vector from its back
    c.app.parse(args);
  } catch (const CLI::CallForHelp&) {
    out << c.app.help();
    return 0;
  } catch (const CLI::ExtrasError&) {
    return unexpected(c);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return 0;
    const auto left = c.app.remaining();
    if (c.app.get_subcommands().empty() && !left.empty()) {
      err << "calfbot: unknown command '" << left[0] << "' (see calfbot help)\n";
    } else {
      err << "calfbot: " << e.what() << " (see calfbot help)\n";
    }
    return 2;
  }
  return c.action ? c.action() : 2;
}

}  // namespace calfbot::cli
