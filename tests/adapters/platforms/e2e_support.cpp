#include "tests/adapters/platforms/e2e_support.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "adapters/platforms/signatures.h"
#include "tests/adapters/platforms/fixture_files.h"

namespace calfbot::tests {

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  int rc = pclose(p);
  if (rc != 0) throw std::runtime_error(cmd + " failed: " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string temp_file(const std::string& content) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("calfbot_e2e_" + std::to_string(getpid()) + "_" + std::to_string(rand()));
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

std::string openssl_hmac_sha256(const std::string& key, const std::string& data) {
  std::string file = temp_file(data);
  std::string out = run("openssl dgst -sha256 -hmac '" + key + "' '" + file + "'");
  std::filesystem::remove(file);
  return out.substr(out.rfind(' ') + 1);  // "HMAC-SHA2-256(file)= <hex>"
}

std::string twilio_npm_signature(const std::string& token, const std::string& url,
                                 const std::vector<std::pair<std::string, std::string>>& form) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : form) params[k] = v;
  std::string file = temp_file(nlohmann::json{{"authToken", token}, {"url", url}, {"params", params}}.dump());
  std::string out = run("node " CALFBOT_SOURCE_DIR "/tests/adapters/platforms/twilio_sign.js '" + file + "'");
  std::filesystem::remove(file);
  return out;
}

nlohmann::json fixture_json(const std::string& name) { return nlohmann::json::parse(fixture(name)); }

std::vector<std::string> texts(const std::vector<ApiRequest>& requests) {
  std::vector<std::string> out;
  for (const auto& r : requests) {
    auto j = r.json();
    if (!j.is_object()) continue;
    if (j.contains("Body")) {
      out.push_back(j["Body"]);
    } else if (j.contains("text") && j["text"].is_string()) {
      out.push_back(j["text"]);
    } else if (j.contains("text") && j["text"].is_object()) {
      out.push_back(j["text"].value("body", ""));
    } else if (j.contains("interactive")) {
      out.push_back(j["interactive"]["body"].value("text", ""));
    }
  }
  return out;
}

E2e::E2e() {
  dir = std::filesystem::temp_directory_path() /
        ("calfbot_platforms_" + std::to_string(getpid()) + "_" + std::to_string(rand()));
  std::filesystem::create_directories(dir);
  nlohmann::json cfg = {
      {"server", {{"host", "127.0.0.1"}, {"port", 0}, {"threads", 2}}},
      {"store", {{"path", (dir / "calfbot.db").string()}, {"synchronous", "normal"}}},
      {"platforms",
       {{"telegram", {{"api_base", api.base()}, {"per_chat_interval_ms", 20}}},
        {"whatsapp", {{"api_base", api.base() + "/v25.0"}, {"phone_number_id", secrets.wa_phone_id}}},
        {"sms",
         {{"api_base", api.base()}, {"account_sid", secrets.sms_sid}, {"from_number", secrets.sms_from},
          {"public_url", secrets.public_url}, {"max_chars", 640}, {"messages_per_second", 50}}}}},
      {"outbox", {{"base_delay_ms", 50}, {"max_delay_ms", 200}}}};
  std::ofstream(dir / "config.json") << cfg.dump(2);
}

E2e::~E2e() {
  stop();
  std::filesystem::remove_all(dir);
}

void E2e::start() {
  stop();
  // The secrets come from the environment, as in production.
  server = std::make_unique<testing_support::ServerProcess>(
      (dir / "config.json").string(),
      std::map<std::string, std::string>{
          {"CALFBOT_PLATFORMS__TELEGRAM__BOT_TOKEN", secrets.telegram_token},
          {"CALFBOT_PLATFORMS__TELEGRAM__SECRET_TOKEN", secrets.telegram_secret},
          {"CALFBOT_PLATFORMS__WHATSAPP__ACCESS_TOKEN", secrets.wa_token},
          {"CALFBOT_PLATFORMS__WHATSAPP__APP_SECRET", secrets.wa_app_secret},
          {"CALFBOT_PLATFORMS__WHATSAPP__VERIFY_TOKEN", secrets.wa_verify},
          {"CALFBOT_PLATFORMS__SMS__AUTH_TOKEN", secrets.sms_token}});
}

// A graceful stop (SIGTERM), as a deployment would: what the server had
// accepted is durable by then.
void E2e::stop() {
  if (server) server->terminate(20000);
  server.reset();
}

size_t E2e::settle() {
  size_t n = api.requests().size();
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    size_t m = api.requests().size();
    if (m == n) return n;
    n = m;
  }
}

bool E2e::wait_text(const std::string& prefix, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& t : texts(api.accepted())) {
      if (t.rfind(prefix, 0) == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

adapters::OutboundResponse E2e::post(const std::string& path, const std::string& body,
                                     const std::vector<std::pair<std::string, std::string>>& headers,
                                     const std::string& method) {
  auto r = client_->send({method, server->base() + path, headers, body});
  if (!r) throw std::runtime_error("request failed: " + r.error().detail);
  return *r;
}

adapters::OutboundResponse E2e::post_telegram(const std::string& body) {
  return post("/webhooks/telegram", body,
              {{"Content-Type", "application/json"},
               {"X-Telegram-Bot-Api-Secret-Token", secrets.telegram_secret}});
}

adapters::OutboundResponse E2e::post_whatsapp(const std::string& body) {
  return post("/webhooks/whatsapp", body,
              {{"Content-Type", "application/json"},
               {"X-Hub-Signature-256", "sha256=" + openssl_hmac_sha256(secrets.wa_app_secret, body)}});
}

adapters::OutboundResponse E2e::post_sms(const std::vector<std::pair<std::string, std::string>>& form) {
  std::string sig = twilio_npm_signature(secrets.sms_token, secrets.public_url + "/webhooks/sms", form);
  return post("/webhooks/sms", adapters::platforms::form_encode(form),
              {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}});
}

}  // namespace calfbot::tests
