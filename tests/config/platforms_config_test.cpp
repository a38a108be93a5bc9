// The "platforms" and "outbox" sections: defaults, environment overrides
// (secrets and all-digit ids), and each error naming its key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace calfbot::config {
namespace {

ConfigResult from_env(std::map<std::string, std::string> env) { return load_config("", env); }

TEST(PlatformsConfig, DefaultsAreOffWithDocumentedBases) {
  auto r = from_env({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.config.platforms.telegram.bot_token.empty());
  EXPECT_EQ(r.config.platforms.telegram.api_base, "https://api.telegram.org");
  EXPECT_EQ(r.config.platforms.whatsapp.api_base, "https://graph.facebook.com/v25.0");
  EXPECT_EQ(r.config.platforms.sms.api_base, "https://api.twilio.com");
  EXPECT_EQ(r.config.outbox.max_attempts, 100);
  EXPECT_EQ(r.config.outbox.path, "");
}

TEST(PlatformsConfig, SecretsAndIdsFromTheEnvironment) {
  auto r = from_env({{"CALFBOT_PLATFORMS__TELEGRAM__BOT_TOKEN", "123456:ABC-DEF1234ghIkl"},
                     {"CALFBOT_PLATFORMS__TELEGRAM__SECRET_TOKEN", "0123456789"},
                     {"CALFBOT_PLATFORMS__WHATSAPP__PHONE_NUMBER_ID", "106540352242922"},
                     {"CALFBOT_PLATFORMS__SMS__FROM_NUMBER", "+447700900123"},
                     {"CALFBOT_PLATFORMS__SMS__API_BASE", "http://127.0.0.1:9000/"},
                     {"CALFBOT_OUTBOX__MAX_ATTEMPTS", "7"}});
  ASSERT_TRUE(r.ok()) << r.errors[0];
  EXPECT_EQ(r.config.platforms.telegram.bot_token, "123456:ABC-DEF1234ghIkl");
  EXPECT_EQ(r.config.platforms.telegram.secret_token, "0123456789");
  EXPECT_EQ(r.config.platforms.whatsapp.phone_number_id, "106540352242922");
  EXPECT_EQ(r.config.platforms.sms.from_number, "+447700900123");
  EXPECT_EQ(r.config.platforms.sms.api_base, "http://127.0.0.1:9000");
  EXPECT_EQ(r.config.outbox.max_attempts, 7);
}

TEST(PlatformsConfig, ErrorsNameTheKeyAndNeverTheSecret) {
  auto r = from_env({{"CALFBOT_PLATFORMS__TELEGRAM__SECRET_TOKEN", "has spaces in it"},
                     {"CALFBOT_PLATFORMS__TELEGRAM__API_BASE", "ftp://x"},
                     {"CALFBOT_PLATFORMS__WHATSAPP__PHONE_NUMBER_ID", "+15550783881"},
                     {"CALFBOT_PLATFORMS__SMS__MAX_CHARS", "5"},
                     {"CALFBOT_PLATFORMS__SMS__TOKEN", "x"},
                     {"CALFBOT_OUTBOX__MAX_DELAY_MS", "100"}});
  ASSERT_EQ(r.errors.size(), 6u);
  EXPECT_EQ(r.errors[0],
            "platforms.telegram.secret_token: must be 1 to 256 characters A-Z, a-z, 0-9, _ or - "
            "(Telegram's rule)");
  EXPECT_EQ(r.errors[1], "platforms.telegram.api_base: must be an http(s) URL like "
                         "\"https://api.example\", got \"ftp://x\"");
  EXPECT_EQ(r.errors[2], "platforms.whatsapp.phone_number_id: must be the digits of the number's id, "
                         "not the phone number");
  EXPECT_EQ(r.errors[3], "platforms.sms.token: unknown key (check the spelling against docs/configuration.md)");
  EXPECT_EQ(r.errors[4], "platforms.sms.max_chars: must be a whole number from 70 to 1600, got 5");
  EXPECT_EQ(r.errors[5], "outbox.max_delay_ms: must not be less than outbox.base_delay_ms");
  for (const auto& e : r.errors) EXPECT_EQ(e.find("has spaces"), std::string::npos);
}

TEST(PlatformsConfig, UnknownPlatformIsAnError) {
  auto r = from_env({{"CALFBOT_PLATFORMS__SIGNAL__TOKEN", "x"}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "platforms.signal: unknown key (check the spelling against docs/configuration.md)");
}

}  // namespace
}  // namespace calfbot::config
