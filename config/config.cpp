#include "config/config.h"
#include "config/bounded_json.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

extern char** environ;

namespace calfbot::config {

using nlohmann::json;

namespace {

// A bad value as an error message shows it: JSON, bytes that are not UTF-8
// (from the environment) replaced, long values cut short.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return s;
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
  return s.substr(0, cut) + "...";
}

// Reads one section strictly: unknown keys and bad values are errors that
// name the key's path.
class Section {
 public:
  Section(const json& j, std::string path, std::vector<std::string>& errors,
          std::initializer_list<const char*> keys)
      : j_(j), path_(std::move(path)), errors_(errors) {
    if (!j.is_object()) {
      fail("", "must be an object");
      return;
    }
    for (const auto& item : j.items()) {
      const std::string& k = item.key();  // clang 14 cannot capture a structured binding
      if (std::find_if(keys.begin(), keys.end(), [&](const char* x) { return k == x; }) ==
          keys.end()) {
        fail(k, "unknown key (check the spelling against docs/configuration.md)");
      }
    }
  }

  void fail(const std::string& key, const std::string& msg) {
    std::string p = path_.empty() ? key : key.empty() ? path_ : path_ + "." + key;
    errors_.push_back(p + ": " + msg);
  }

  const json* get(const char* key) {
    if (!j_.is_object() || !j_.contains(key)) return nullptr;
    return &j_[key];
  }

  void integer(const char* key, int& out, int lo, int hi) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_number_integer() || v->get<long long>() < lo || v->get<long long>() > hi) {
      fail(key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                    ", got " + shown(*v));
      return;
    }
    out = v->get<int>();
  }

  void number(const char* key, double& out, double lo, double hi) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_number() || v->get<double>() < lo || v->get<double>() > hi) {
      fail(key, "must be a number from " + json(lo).dump() + " to " + json(hi).dump() + ", got " +
                    shown(*v));
      return;
    }
    out = v->get<double>();
  }

  void boolean(const char* key, bool& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_boolean()) {
      fail(key, "must be true or false, got " + shown(*v));
      return;
    }
    out = v->get<bool>();
  }

  void choice(const char* key, std::string& out, std::initializer_list<const char*> allowed) {
    const json* v = get(key);
    if (!v) return;
    std::string names;
    for (const char* a : allowed) {
      if (v->is_string() && v->get<std::string>() == a) {
        out = a;
        return;
      }
      names += std::string(names.empty() ? "" : " or ") + "\"" + a + "\"";
    }
    fail(key, "must be " + names + ", got " + shown(*v));
  }

  // A JSON list of strings, or (handy in the environment) one comma-separated string.
  void string_list(const char* key, std::vector<std::string>& out) {
    const json* v = get(key);
    if (!v) return;
    std::vector<std::string> items;
    if (v->is_string()) {
      std::stringstream ss(v->get<std::string>());
      for (std::string item; std::getline(ss, item, ',');) {
        if (!item.empty()) items.push_back(item);
      }
    } else if (v->is_array()) {
      for (const auto& item : *v) {
        if (!item.is_string()) {
          fail(key, "must be a list of strings, got " + shown(*v));
          return;
        }
        items.push_back(item.get<std::string>());
      }
    } else {
      fail(key, "must be a list of strings, got " + shown(*v));
      return;
    }
    out = std::move(items);
  }

  // A string, or a whole number taken as its digits: ids and tokens given in
  // the environment parse as JSON numbers when they are all digits. The
  // value is never echoed, as it may be a secret.
  void text(const char* key, std::string& out) {
    const json* v = get(key);
    if (!v) return;
    if (v->is_number_integer()) {
      out = v->dump();
    } else if (v->is_string()) {
      out = v->get<std::string>();
    } else {
      fail(key, "must be a string");
    }
  }

  void string(const char* key, std::string& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_string()) {
      fail(key, "must be a string, got " + shown(*v));
      return;
    }
    out = v->get<std::string>();
  }

 private:
  const json& j_;
  std::string path_;
  std::vector<std::string>& errors_;
};

// CALFBOT_DIALOG__MAX_QUESTIONS=18 -> tree["dialog"]["max_questions"] = 18.
void apply_env(json& tree, const std::map<std::string, std::string>& env) {
  const std::string prefix = "CALFBOT_";
  for (const auto& [name, value] : env) {
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());
    std::transform(rest.begin(), rest.end(), rest.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    json* node = &tree;
    size_t pos = 0;
    while (true) {
      size_t next = rest.find("__", pos);
      std::string part = rest.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
      if (next == std::string::npos) {
        json parsed = parse_bounded(value);
        (*node)[part] = parsed.is_discarded() ? json(value) : parsed;
        break;
      }
      if (!(*node)[part].is_object()) (*node)[part] = json::object();
      node = &(*node)[part];
      pos = next + 2;
    }
  }
}

const std::initializer_list<const char*> kServerKeys = {
    "host", "port", "max_frame_bytes", "max_connections", "max_connections_per_address",
    "health_reserve_connections", "trusted_proxies",
    "conversations_per_address_per_minute", "messages_per_second",
    "message_burst", "idle_timeout_seconds", "session_idle_expiry_minutes", "memory_idle_seconds",
    "memory_done_seconds", "allowed_origins",
    "threads", "log_patient_text", "metrics_token"};

// An IP address, or one with a prefix length ("10.0.0.0/8", "2001:db8::/32").
bool valid_network(const std::string& text) {
  const size_t slash = text.find('/');
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) return false;
  if (slash == std::string::npos) return true;
  const std::string p = text.substr(slash + 1);
  if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  return std::stoi(p) <= (a.is_v4() ? 32 : 128);
}

// An origin is scheme://host[:port] with nothing after it, as browsers send it.
bool valid_origin(const std::string& o) {
  size_t sep = o.find("://");
  if (sep == std::string::npos || sep == 0) return false;
  std::string scheme = o.substr(0, sep);
  std::string rest = o.substr(sep + 3);
  return (scheme == "http" || scheme == "https") && !rest.empty() &&
         rest.find_first_of("/?#@ ") == std::string::npos;
}

void read_server(Section s, ServerConfig& c) {
  s.string("host", c.host);
  if (c.host.empty()) s.fail("host", "must be an address to listen on, e.g. \"127.0.0.1\"");
  s.integer("port", c.port, 0, 65535);
  s.integer("max_frame_bytes", c.max_frame_bytes, 1024, 16 << 20);
  s.integer("max_connections", c.max_connections, 1, 100000);
  s.integer("max_connections_per_address", c.max_connections_per_address, 1, 100000);
  s.integer("health_reserve_connections", c.health_reserve_connections, 0, 1000);
  s.string_list("trusted_proxies", c.trusted_proxies);
  for (const auto& p : c.trusted_proxies) {
    if (!valid_network(p)) {
      s.fail("trusted_proxies", "'" + p + "' is not an address or a network like \"10.0.0.0/8\"");
    }
  }
  s.integer("conversations_per_address_per_minute", c.conversations_per_address_per_minute, 1,
            100000);
  s.number("messages_per_second", c.messages_per_second, 0.1, 10000);
  s.integer("message_burst", c.message_burst, 1, 10000);
  s.integer("idle_timeout_seconds", c.idle_timeout_seconds, 5, 86400);
  s.integer("session_idle_expiry_minutes", c.session_idle_expiry_minutes, 1, 525600);
  s.integer("memory_idle_seconds", c.memory_idle_seconds, 1, 86400);
  s.integer("memory_done_seconds", c.memory_done_seconds, 1, 86400);
  s.string_list("allowed_origins", c.allowed_origins);
  for (const auto& o : c.allowed_origins) {
    if (!valid_origin(o)) {
      s.fail("allowed_origins", "'" + o + "' is not an origin like \"https://clinic.example\"");
    }
  }
  s.integer("threads", c.threads, 1, 64);
  s.string("metrics_token", c.metrics_token);
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16) {
    s.fail("metrics_token", "must be at least 16 characters, or empty to serve /metrics to "
                            "this machine only");
  }
  s.boolean("log_patient_text", c.log_patient_text);
}

// An API base URL: http(s)://host[:port][/path], kept without a trailing slash.
void api_base(Section& s, const char* key, std::string& out) {
  s.string(key, out);
  while (!out.empty() && out.back() == '/') out.pop_back();
  size_t sep = out.find("://");
  std::string scheme = sep == std::string::npos ? "" : out.substr(0, sep);
  if ((scheme != "http" && scheme != "https") || out.size() <= sep + 3) {
    s.fail(key, "must be an http(s) URL like \"https://api.example\", got \"" + out + "\"");
  }
}

void read_platforms(const json& v, std::vector<std::string>& errors, PlatformsConfig& c) {
  Section top(v, "platforms", errors, {"telegram", "whatsapp", "sms"});
  if (const json* t = top.get("telegram")) {
    Section s(*t, "platforms.telegram", errors,
              {"bot_token", "secret_token", "api_base", "messages_per_second", "per_chat_interval_ms"});
    s.text("bot_token", c.telegram.bot_token);
    s.text("secret_token", c.telegram.secret_token);
    const std::string& st = c.telegram.secret_token;
    if (st.size() > 256 || st.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                "0123456789_-") != std::string::npos) {
      s.fail("secret_token", "must be 1 to 256 characters A-Z, a-z, 0-9, _ or - (Telegram's rule)");
    }
    api_base(s, "api_base", c.telegram.api_base);
    s.number("messages_per_second", c.telegram.messages_per_second, 0.1, 1000);
    s.integer("per_chat_interval_ms", c.telegram.per_chat_interval_ms, 0, 60000);
  }
  if (const json* w = top.get("whatsapp")) {
    Section s(*w, "platforms.whatsapp", errors,
              {"access_token", "app_secret", "verify_token", "phone_number_id", "api_base",
               "messages_per_second", "per_user_interval_ms"});
    s.text("access_token", c.whatsapp.access_token);
    s.text("app_secret", c.whatsapp.app_secret);
    s.text("verify_token", c.whatsapp.verify_token);
    s.text("phone_number_id", c.whatsapp.phone_number_id);
    if (c.whatsapp.phone_number_id.find_first_not_of("0123456789") != std::string::npos) {
      s.fail("phone_number_id", "must be the digits of the number's id, not the phone number");
    }
    api_base(s, "api_base", c.whatsapp.api_base);
    s.number("messages_per_second", c.whatsapp.messages_per_second, 0.1, 1000);
    s.integer("per_user_interval_ms", c.whatsapp.per_user_interval_ms, 0, 60000);
  }
  if (const json* m = top.get("sms")) {
    Section s(*m, "platforms.sms", errors,
              {"account_sid", "auth_token", "from_number", "public_url", "api_base",
               "messages_per_second", "max_chars"});
    s.text("account_sid", c.sms.account_sid);
    s.text("auth_token", c.sms.auth_token);
    s.text("from_number", c.sms.from_number);
    s.string("public_url", c.sms.public_url);
    if (!c.sms.public_url.empty()) api_base(s, "public_url", c.sms.public_url);
    api_base(s, "api_base", c.sms.api_base);
    s.number("messages_per_second", c.sms.messages_per_second, 0.01, 1000);
    s.integer("max_chars", c.sms.max_chars, 70, 1600);
  }
}

void read_outbox(Section s, OutboxConfig& c) {
  s.string("path", c.path);
  s.integer("max_attempts", c.max_attempts, 1, 100000);
  s.integer("give_up_after_hours", c.give_up_after_hours, 1, 24 * 30);
  s.integer("base_delay_ms", c.base_delay_ms, 10, 600000);
  s.integer("max_delay_ms", c.max_delay_ms, 10, 86400000);
  if (c.max_delay_ms < c.base_delay_ms) s.fail("max_delay_ms", "must not be less than outbox.base_delay_ms");
  s.integer("senders", c.senders, 1, 64);
}

void read_clinic(const json& v, std::vector<std::string>& errors, Config& c) {
  Section s(v, "clinic", errors,
            {"public_base_url", "alert_webhook_url", "alert_secret", "retention_days",
             "purge_interval_minutes", "link_default_expiry_hours"});
  ClinicConfig& k = c.clinic;
  api_base(s, "public_base_url", k.public_base_url);
  if (s.get("alert_webhook_url")) {
    s.string("alert_webhook_url", k.alert_webhook_url);
    if (!k.alert_webhook_url.empty()) api_base(s, "alert_webhook_url", k.alert_webhook_url);
  }
  s.text("alert_secret", k.alert_secret);
  if (!k.alert_webhook_url.empty() && k.alert_secret.size() < 16) {
    s.fail("alert_secret", "must be at least 16 characters when clinic.alert_webhook_url is set");
  }
  s.integer("retention_days", k.retention_days, 1, 3650);
  s.integer("purge_interval_minutes", k.purge_interval_minutes, 1, 10080);
  s.integer("link_default_expiry_hours", k.link_default_expiry_hours, 1, 24 * 90);
  // A conversation must expire (idle) before its data may be purged.
  if (int64_t{k.retention_days} * 1440 <= c.server.session_idle_expiry_minutes) {
    s.fail("retention_days", "must be longer than server.session_idle_expiry_minutes");
  }
}

void read_console(Section s, ConsoleConfig& c) {
  s.integer("session_hours", c.session_hours, 1, 24 * 30);
  s.integer("max_failed_logins", c.max_failed_logins, 1, 100);
  s.integer("lockout_minutes", c.lockout_minutes, 1, 24 * 60);
  s.choice("secure_cookie", c.secure_cookie, {"auto", "always"});
}

// The config file's settings, or nothing (and why, in errors) when it cannot
// be read: missing, nested too deep, not JSON, or not one object.
std::optional<json> read_config_file(const std::string& path, std::vector<std::string>& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.push_back(path + ": cannot open the config file (check the path given to --config)");
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (nested_deeper_than(ss.str())) {
    errors.push_back(path + ": nests objects or lists deeper than " +
                     std::to_string(kMaxJsonDepth) + " levels; no setting needs that");
    return std::nullopt;
  }
  json tree;
  try {
    tree = json::parse(ss.str());
  } catch (const json::exception& e) {  // a syntax error, or a number too large to hold
    errors.push_back(path + ": not valid JSON: " + e.what());
    return std::nullopt;
  }
  if (!tree.is_object()) {  // the environment's settings are added to it
    errors.push_back(path + ": must hold one JSON object of settings, e.g. "
                            "{\"server\": {\"port\": 8080}}");
    return std::nullopt;
  }
  return tree;
}

// The locale and the emergency number of each; the locale must have one.
void read_locale(Section& top, Config& c) {
  top.string("locale", c.locale);
  if (const json* e = top.get("emergency_numbers")) {
    if (!e->is_object()) {
      top.fail("emergency_numbers", "must map locales to numbers, e.g. {\"en-GB\": \"999\"}");
    } else {
      for (const auto& [loc, num] : e->items()) {
        if (!num.is_string() || num.get<std::string>().empty()) {
          top.fail("emergency_numbers." + loc, "must be a non-empty string");
        } else {
          c.emergency_numbers[loc] = num.get<std::string>();
        }
      }
    }
  }
  if (!c.emergency_numbers.count(c.locale)) {
    top.fail("locale", "'" + c.locale + "' has no emergency number; add it to emergency_numbers");
  }
}

void read_dialog(Section s, DialogConfig& c) {
  s.integer("max_questions", c.max_questions, 5, 60);
  s.integer("max_turns", c.max_turns, 10, 10000);
  s.integer("max_patient_text_bytes", c.max_patient_text_bytes, 2000, 1 << 20);
  s.integer("min_questions", c.min_questions, 1, 60);
  s.number("stop_confidence", c.stop_confidence, 0.5, 0.999);
  if (c.min_questions > c.max_questions) {
    s.fail("min_questions", "must not exceed dialog.max_questions");
  }
}

void read_store(Section s, StoreConfig& c) {
  s.string("path", c.path);
  if (c.path.empty()) s.fail("path", "must name the SQLite file, e.g. \"calfbot.db\"");
  s.choice("synchronous", c.synchronous, {"full", "normal"});
  s.integer("batch_max", c.batch_max, 1, 100000);
}

}  // namespace

ConfigResult load_config(const std::string& path, const std::map<std::string, std::string>& env) {
  ConfigResult r;
  json tree = json::object();
  if (!path.empty()) {
    auto file = read_config_file(path, r.errors);
    if (!file) return r;
    tree = std::move(*file);
  }
  apply_env(tree, env);

  Config& c = r.config;
  Section top(tree, "", r.errors,
              {"locale", "emergency_numbers", "dialog", "knowledge", "server", "store",
               "platforms", "outbox", "clinic", "console"});
  read_locale(top, c);
  if (const json* d = top.get("dialog")) {
    read_dialog(Section(*d, "dialog", r.errors,
                        {"max_questions", "min_questions", "stop_confidence", "max_turns",
                         "max_patient_text_bytes"}),
                c.dialog);
  }
  if (const json* k = top.get("knowledge")) {
    Section s(*k, "knowledge", r.errors, {"data_dir", "db_path"});
    s.string("data_dir", c.knowledge.data_dir);
    s.string("db_path", c.knowledge.db_path);
  }
  if (const json* v = top.get("server")) read_server(Section(*v, "server", r.errors, kServerKeys), c.server);
  if (const json* v = top.get("store")) {
    read_store(Section(*v, "store", r.errors, {"path", "synchronous", "batch_max"}), c.store);
  }
  if (const json* v = top.get("platforms")) read_platforms(*v, r.errors, c.platforms);
  if (const json* v = top.get("outbox")) {
    read_outbox(Section(*v, "outbox", r.errors,
                        {"path", "max_attempts", "give_up_after_hours", "base_delay_ms",
                         "max_delay_ms", "senders"}),
                c.outbox);
  }
  if (const json* v = top.get("clinic")) read_clinic(*v, r.errors, c);
  if (const json* v = top.get("console")) {
    read_console(Section(*v, "console", r.errors,
                         {"session_hours", "max_failed_logins", "lockout_minutes", "secure_cookie"}),
                 c.console);
  }
  return r;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace calfbot::config
