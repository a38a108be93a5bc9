// What the platform end-to-end tests share: a temp directory with a config
// file, the fake platform API, the running `calfbot serve`, a poster for
// webhooks, and signatures computed outside calfbot (OpenSSL's command line,
// Twilio's npm helper).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http_client.h"
#include "tests/adapters/platforms/fake_platform_api.h"
#include "tests/support/server_process.h"

namespace calfbot::tests {

// The secrets of the test deployment (made up, never real).
struct Secrets {
  std::string telegram_token = "7000000001:AAHtestTOKENforCALFBOTe2e";
  std::string telegram_secret = "tg_secret-0f9d8c7b6a";
  std::string wa_token = "EAAGtestACCESStoken";
  std::string wa_app_secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  std::string wa_verify = "calfbot-verify-7Q2";
  std::string wa_phone_id = "106540352242922";
  std::string sms_sid = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
  std::string sms_token = "d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";
  std::string sms_from = "+447700900123";
  std::string public_url = "https://bot.clinic.example";
};

class E2e {
 public:
  E2e();
  ~E2e();

  // Starts (or restarts, keeping the databases) `calfbot serve`.
  void start();
  void stop();

  adapters::OutboundResponse post(const std::string& path, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& method = "POST");

  // Signed the way each platform signs, by tools other than calfbot.
  adapters::OutboundResponse post_telegram(const std::string& body);
  adapters::OutboundResponse post_whatsapp(const std::string& body);
  adapters::OutboundResponse post_sms(const std::vector<std::pair<std::string, std::string>>& form);

  // Waits until the fake API has had no new request for 400 ms; returns the count.
  size_t settle();
  // Waits until a message whose text starts with `prefix` reached the fake API.
  bool wait_text(const std::string& prefix, std::chrono::milliseconds timeout = std::chrono::seconds(15));

  FakePlatformApi api;
  Secrets secrets;
  std::unique_ptr<testing_support::ServerProcess> server;
  std::filesystem::path dir;

 private:
  std::unique_ptr<adapters::HttpClient> client_ = adapters::make_http_client();
};

// `openssl dgst -sha256 -hmac KEY` over `data`, as lower-case hex.
std::string openssl_hmac_sha256(const std::string& key, const std::string& data);
// Twilio's getExpectedTwilioSignature, through tests/adapters/platforms/twilio_sign.js.
std::string twilio_npm_signature(const std::string& token, const std::string& url,
                                 const std::vector<std::pair<std::string, std::string>>& form);

// A stored fixture as JSON.
nlohmann::json fixture_json(const std::string& name);

// The text of every message sent to the fake API for `part` (Telegram
// "text", WhatsApp text.body or interactive body.text, Twilio Body), in order.
std::vector<std::string> texts(const std::vector<ApiRequest>& requests);

}  // namespace calfbot::tests
