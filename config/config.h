// calfbot's configuration: plain structs with documented defaults, read once
// from an optional JSON file and then from environment variables, validated,
// and handed to each module as the struct it needs.
//
// Environment overrides: CALFBOT_<SECTION>__<KEY> (double underscore between
// levels), e.g. CALFBOT_DIALOG__MAX_QUESTIONS=18 or CALFBOT_LOCALE=en-US.
// A value from the environment is parsed as JSON when it parses, else taken as
// a string. Every error names the key's path, e.g. "dialog.max_questions: must
// be a whole number from 5 to 60, got \"many\"".
#pragma once

#include <map>
#include <string>
#include <vector>

namespace calfbot::config {

struct DialogConfig {
  int max_questions = 22;        // questions before the outcome at the most
  int min_questions = 8;         // questions before an early outcome at the least
  double stop_confidence = 0.8;  // stop when the leading cause is this likely
};

struct KnowledgeConfig {
  std::string data_dir;  // "" = the data files built into the program
  std::string db_path = ":memory:";  // where the compiled knowledge database goes
};

// The HTTP/WebSocket server (`calfbot serve`); see docs/configuration.md.
struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0 = any free port (logged at start-up)
  int max_frame_bytes = 65536;          // largest WebSocket message or HTTP body
  int max_connections = 1024;           // open TCP connections at the most
  double messages_per_second = 5;       // per connection, sustained
  int message_burst = 10;               // per connection, at once
  int idle_timeout_seconds = 300;       // a silent connection is closed after this
  int session_idle_expiry_minutes = 240;  // an untouched conversation expires after this
  // Origins a browser may open the WebSocket from; same-origin is always allowed.
  std::vector<std::string> allowed_origins = {"http://127.0.0.1:8080", "http://localhost:8080"};
  int threads = 2;                      // network threads
  bool log_patient_text = false;        // logs carry no patient words unless set
};

// The durable session store (SQLite, WAL).
struct StoreConfig {
  std::string path = "calfbot.db";
  std::string synchronous = "full";  // "full" survives power loss; "normal" is faster
  int batch_max = 512;               // writes committed in one transaction at the most
};

struct Config {
  std::string locale = "en-GB";
  // Emergency number per locale; the locale's must be present.
  std::map<std::string, std::string> emergency_numbers = {
      {"en-GB", "999"}, {"en-IE", "112"}, {"en-US", "911"}, {"en-CA", "911"},
      {"en-AU", "000"}, {"en-NZ", "111"}, {"en-IN", "112"}, {"en-ZA", "112"}};
  DialogConfig dialog;
  KnowledgeConfig knowledge;
  ServerConfig server;
  StoreConfig store;

  std::string emergency_number() const { return emergency_numbers.at(locale); }
};

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;  // empty on success
  bool ok() const { return errors.empty(); }
};

// path: a JSON config file, or "" for none. env: the environment (name -> value);
// only CALFBOT_ names are read.
ConfigResult load_config(const std::string& path, const std::map<std::string, std::string>& env);

// The process environment as a map.
std::map<std::string, std::string> process_environment();

}  // namespace calfbot::config
