// The "clinic" config section: defaults, values, and each error with its key path.
#include <gtest/gtest.h>

#include "config/config.h"

namespace calfbot::config {
namespace {

ConfigResult from_env(std::map<std::string, std::string> env) { return load_config("", env); }

TEST(ClinicConfig, Defaults) {
  auto r = from_env({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.clinic.public_base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(r.config.clinic.alert_webhook_url, "");
  EXPECT_EQ(r.config.clinic.retention_days, 90);
  EXPECT_EQ(r.config.clinic.purge_interval_minutes, 60);
  EXPECT_EQ(r.config.clinic.link_default_expiry_hours, 72);
}

TEST(ClinicConfig, EnvironmentSetsEveryKey) {
  auto r = from_env({{"CALFBOT_CLINIC__PUBLIC_BASE_URL", "https://bot.clinic.example/"},
                     {"CALFBOT_CLINIC__ALERT_WEBHOOK_URL", "https://ehr.clinic.example/hooks/calfbot"},
                     {"CALFBOT_CLINIC__ALERT_SECRET", "0123456789abcdef0123"},
                     {"CALFBOT_CLINIC__RETENTION_DAYS", "30"},
                     {"CALFBOT_CLINIC__PURGE_INTERVAL_MINUTES", "15"},
                     {"CALFBOT_CLINIC__LINK_DEFAULT_EXPIRY_HOURS", "48"}});
  ASSERT_TRUE(r.ok()) << r.errors[0];
  EXPECT_EQ(r.config.clinic.public_base_url, "https://bot.clinic.example");
  EXPECT_EQ(r.config.clinic.alert_webhook_url, "https://ehr.clinic.example/hooks/calfbot");
  EXPECT_EQ(r.config.clinic.alert_secret, "0123456789abcdef0123");
  EXPECT_EQ(r.config.clinic.retention_days, 30);
  EXPECT_EQ(r.config.clinic.purge_interval_minutes, 15);
  EXPECT_EQ(r.config.clinic.link_default_expiry_hours, 48);
}

TEST(ClinicConfig, ErrorsNameTheKeyPath) {
  auto r = from_env({{"CALFBOT_CLINIC__PUBLIC_BASE_URL", "bot.clinic.example"},
                     {"CALFBOT_CLINIC__RETENTION_DAYS", "0"},
                     {"CALFBOT_CLINIC__PURGE_INTERVAL_MINUTES", "\"often\""},
                     {"CALFBOT_CLINIC__LINK_DEFAULT_EXPIRY_HOURS", "5000"},
                     {"CALFBOT_CLINIC__SECRET", "x"}});
  EXPECT_EQ(r.errors, (std::vector<std::string>{
                          "clinic.secret: unknown key (check the spelling against docs/configuration.md)",
                          "clinic.public_base_url: must be an http(s) URL like \"https://api.example\", "
                          "got \"bot.clinic.example\"",
                          "clinic.retention_days: must be a whole number from 1 to 3650, got 0",
                          "clinic.purge_interval_minutes: must be a whole number from 1 to 10080, got \"often\"",
                          "clinic.link_default_expiry_hours: must be a whole number from 1 to 2160, got 5000"}));
}

TEST(ClinicConfig, WebhookNeedsASecret) {
  auto r = from_env({{"CALFBOT_CLINIC__ALERT_WEBHOOK_URL", "http://127.0.0.1:9000/alerts"},
                     {"CALFBOT_CLINIC__ALERT_SECRET", "short"}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0],
            "clinic.alert_secret: must be at least 16 characters when clinic.alert_webhook_url is set");
}

TEST(ClinicConfig, RetentionMustOutlastSessionExpiry) {
  auto r = from_env({{"CALFBOT_SERVER__SESSION_IDLE_EXPIRY_MINUTES", "2880"},
                     {"CALFBOT_CLINIC__RETENTION_DAYS", "2"}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "clinic.retention_days: must be longer than server.session_idle_expiry_minutes");
}

}  // namespace
}  // namespace calfbot::config
