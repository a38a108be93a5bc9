#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

extern char** environ;

namespace calfbot::config {

using nlohmann::json;

namespace {

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
    for (const auto& [k, _] : j.items()) {
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
                    ", got " + v->dump());
      return;
    }
    out = v->get<int>();
  }

  void number(const char* key, double& out, double lo, double hi) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_number() || v->get<double>() < lo || v->get<double>() > hi) {
      fail(key, "must be a number from " + json(lo).dump() + " to " + json(hi).dump() + ", got " +
                    v->dump());
      return;
    }
    out = v->get<double>();
  }

  void string(const char* key, std::string& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_string()) {
      fail(key, "must be a string, got " + v->dump());
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
        json parsed = json::parse(value, nullptr, false);
        (*node)[part] = parsed.is_discarded() ? json(value) : parsed;
        break;
      }
      if (!(*node)[part].is_object()) (*node)[part] = json::object();
      node = &(*node)[part];
      pos = next + 2;
    }
  }
}

}  // namespace

ConfigResult load_config(const std::string& path, const std::map<std::string, std::string>& env) {
  ConfigResult r;
  json tree = json::object();
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) {
      r.errors.push_back(path + ": cannot open the config file (check the path given to --config)");
      return r;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      tree = json::parse(ss.str());
    } catch (const json::parse_error& e) {
      r.errors.push_back(path + ": not valid JSON: " + e.what());
      return r;
    }
  }
  apply_env(tree, env);

  Config& c = r.config;
  Section top(tree, "", r.errors, {"locale", "emergency_numbers", "dialog", "knowledge"});
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
  if (const json* d = top.get("dialog")) {
    Section s(*d, "dialog", r.errors, {"max_questions", "min_questions", "stop_confidence"});
    s.integer("max_questions", c.dialog.max_questions, 5, 60);
    s.integer("min_questions", c.dialog.min_questions, 1, 60);
    s.number("stop_confidence", c.dialog.stop_confidence, 0.5, 0.999);
    if (c.dialog.min_questions > c.dialog.max_questions) {
      s.fail("min_questions", "must not exceed dialog.max_questions");
    }
  }
  if (const json* k = top.get("knowledge")) {
    Section s(*k, "knowledge", r.errors, {"data_dir", "db_path"});
    s.string("data_dir", c.knowledge.data_dir);
    s.string("db_path", c.knowledge.db_path);
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
