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
  int max_turns = 100;           // messages one conversation takes at the most
  int max_patient_text_bytes = 16384;  // the patient's words one conversation keeps
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
  int max_connections_per_address = 256;  // open TCP connections from one client (IPv6: one /64)
  // Connections beyond max_connections that may answer health checks only.
  int health_reserve_connections = 32;
  // Reverse proxies whose Forwarded / X-Forwarded-For headers are believed
  // (addresses or CIDR networks); the headers of anyone else are ignored.
  std::vector<std::string> trusted_proxies;
  int conversations_per_address_per_minute = 30;  // new conversations from one IP address
  double messages_per_second = 5;       // per connection, sustained
  int message_burst = 10;               // per connection, at once
  int idle_timeout_seconds = 300;       // a silent connection is closed after this
  int session_idle_expiry_minutes = 240;  // an untouched conversation expires after this
  // A conversation untouched this long leaves memory (it is read back from
  // the store when its patient returns); a finished one sooner.
  int memory_idle_seconds = 300;
  int memory_done_seconds = 10;
  // Origins a browser may open the WebSocket from; same-origin is always allowed.
  std::vector<std::string> allowed_origins = {"http://127.0.0.1:8080", "http://localhost:8080"};
  int threads = 2;                      // network threads
  // /metrics: with a token, only requests with "Authorization: Bearer
  // <token>"; without one, only clients on this machine (loopback).
  std::string metrics_token;
  bool log_patient_text = false;        // logs carry no patient words unless set
};

// The durable session store (SQLite, WAL).
struct StoreConfig {
  std::string path = "calfbot.db";
  std::string synchronous = "full";  // "full" survives power loss; "normal" is faster
  int batch_max = 512;               // writes committed in one transaction at the most
};

// Messaging platforms (docs/platforms.md). A platform whose secrets are not
// all set stays off; `calfbot serve` says which keys are missing at start-up.
// Secrets are best given in the environment, e.g.
// CALFBOT_PLATFORMS__TELEGRAM__BOT_TOKEN, and are never logged.
struct TelegramConfig {
  std::string bot_token;     // secret: from @BotFather
  std::string secret_token;  // secret: given to setWebhook, sent back on every update
  std::string api_base = "https://api.telegram.org";
  double messages_per_second = 30;  // over all chats
  int per_chat_interval_ms = 1000;  // least time between two messages to one chat
};

struct WhatsAppConfig {
  std::string access_token;     // secret: a system user's token with whatsapp_business_messaging
  std::string app_secret;       // secret: the Meta app's secret, keys X-Hub-Signature-256
  std::string verify_token;     // secret: chosen by you, echoed in the GET handshake
  std::string phone_number_id;  // the sending number's id (not the number itself)
  std::string api_base = "https://graph.facebook.com/v25.0";
  double messages_per_second = 20;  // from the sending number
  int per_user_interval_ms = 0;     // least time between two messages to one user
};

struct SmsConfig {
  std::string account_sid;  // AC...
  std::string auth_token;   // secret: signs the webhooks and authenticates the API calls
  std::string from_number;  // the Twilio number replies come from, E.164 (+447700900123)
  std::string public_url;   // how Twilio reaches this server, e.g. "https://bot.clinic.example"
  std::string api_base = "https://api.twilio.com";
  double messages_per_second = 1;  // a long code sends about one a second
  int max_chars = 640;             // longer replies are split into numbered parts
};

struct PlatformsConfig {
  TelegramConfig telegram;
  WhatsAppConfig whatsapp;
  SmsConfig sms;
};

// The durable outbox of platform replies (bot/outbox/outbox.h).
struct OutboxConfig {
  std::string path;              // "" = beside the store: <store.path>-outbox
  int max_attempts = 100;        // then a reply is given up and logged
  int give_up_after_hours = 24;  // or when it is this old
  int base_delay_ms = 1000;      // the first retry waits about this long, doubling
  int max_delay_ms = 300000;     // up to this
  int senders = 4;               // requests to the platforms in flight at once
};

// The clinic side (docs/clinic.md): pre-visit links, the clinic API,
// escalation alerts and the retention of patient data.
struct ClinicConfig {
  std::string public_base_url = "http://127.0.0.1:8080";  // how patients and clinics reach calfbot
  std::string alert_webhook_url;       // "" = no escalation alerts
  std::string alert_secret;            // secret: signs the alerts (HMAC-SHA256); needed with a webhook
  int retention_days = 90;             // patient data older than this is purged
  int purge_interval_minutes = 60;     // how often the purge runs in `calfbot serve`
  int link_default_expiry_hours = 72;  // a link's life when the clinic gives none
};

// The clinic staff console (docs/console.md): login sessions and lock-out.
struct ConsoleConfig {
  int session_hours = 12;           // a login lasts this long (then log in again)
  int max_failed_logins = 5;        // failures in a row that lock an account
  int lockout_minutes = 15;         // how long a locked account stays locked
  // "auto": the session cookie is Secure when clinic.public_base_url is https;
  // "always": Secure in every case (calfbot behind a TLS proxy on another name).
  std::string secure_cookie = "auto";
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
  PlatformsConfig platforms;
  OutboxConfig outbox;
  ClinicConfig clinic;
  ConsoleConfig console;

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
