#include "adapters/cli/commands.h"

#include <ostream>

#include "adapters/cli/admin_commands.h"
#include "adapters/cli/app.h"
#include "adapters/cli/chat.h"
#include "bot/eval/evaluation.h"
#include "adapters/cli/serve.h"
#include "knowledge/loader.h"

namespace calfbot::cli {

namespace {

constexpr const char* kUsage = R"(usage: calfbot <command> [options]

commands:
  chat [--json]               talk to calfbot at the terminal; --json reads one JSON
                              object a line ({"text": ...} or {"choice": ...}) and
                              writes one JSON object a line per bot message
  eval [--vignettes DIR] [--strict] [--verbose] [--only ID]
                              play the patient vignettes through the engine and
                              print safety and accuracy figures
  serve                       run the chat server (WebSocket, REST, web widget) on
                              server.host:server.port with the SQLite session store
  keys create --name NAME | keys revoke KEY_ID | keys list
                              clinic API keys (the key is printed once; only its
                              hash is stored)
  link create [--patient REF] [--appointment TIME] [--expires TIME | --expires-in HOURS]
              [--locale LOCALE] [--json]
                              a pre-visit questionnaire link for a patient
  link revoke INTAKE_ID       withdraw a link
  staff create --name NAME --email EMAIL [--clinic ID] | staff disable EMAIL | staff list
                              clinic staff's console logins (the password is read
                              from stdin, never an argument; stored as argon2id)
  clinic purge                delete patient data older than clinic.retention_days
  knowledge check [--dir DIR] validate the knowledge data files (built in, or DIR)
  knowledge compile --db FILE [--dir DIR]
                              write the compiled SQLite knowledge database
  help                        this text

options:
  --config FILE               a JSON config file (see docs/configuration.md);
                              CALFBOT_* environment variables override it
)";

std::string option(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) {
      std::string v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
  }
  return "";
}

int knowledge_command(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  if (args.empty() || (args[0] != "check" && args[0] != "compile")) {
    err << "calfbot knowledge: say 'check' or 'compile' (see calfbot help)\n";
    return 2;
  }
  std::string verb = args[0];
  args.erase(args.begin());
  std::string dir = option(args, "--dir");
  std::string db = option(args, "--db");
  if (verb == "compile" && db.empty()) {
    err << "calfbot knowledge compile: give the database file with --db FILE\n";
    return 2;
  }
  if (!args.empty()) {
    err << "calfbot knowledge: unexpected argument '" << args[0] << "'\n";
    return 2;
  }
  if (db.empty()) db = ":memory:";
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
  if (verb == "compile") out << "; written to " << db;
  out << "\n";
  return 0;
}

}  // namespace

int run_command(std::vector<std::string> args, std::istream& in, std::ostream& out,
                std::ostream& err) {
  std::string config_path = take_config_option(args);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "knowledge") return knowledge_command(args, out, err);
  if (is_admin_command(cmd)) return run_admin_command(cmd, config_path, args, out, err);
  if (cmd == "serve") return run_serve(config_path, args, out, err);
  if (cmd == "chat") {
    bool json = !args.empty() && args[0] == "--json";
    auto app = make_app(config_path, err);
    if (!app) return 1;
    return json ? run_json_chat(*app->engine, in, out, err) : run_terminal_chat(*app->engine, in, out);
  }
  if (cmd == "eval") {
    auto app = make_app(config_path, err);
    if (!app) return 1;
    return bot::run_eval(*app->engine, args, out);
  }
  err << "calfbot: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}

}  // namespace calfbot::cli
