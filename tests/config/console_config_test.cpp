// The "console" config section: defaults, values, and each error with its key path.
#include <gtest/gtest.h>

#include "config/config.h"

namespace calfbot::config {
namespace {

ConfigResult from_env(std::map<std::string, std::string> env) { return load_config("", env); }

TEST(ConsoleConfig, Defaults) {
  auto r = from_env({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.console.session_hours, 12);
  EXPECT_EQ(r.config.console.max_failed_logins, 5);
  EXPECT_EQ(r.config.console.lockout_minutes, 15);
  EXPECT_EQ(r.config.console.secure_cookie, "auto");
}

TEST(ConsoleConfig, EnvironmentSetsEveryKey) {
  auto r = from_env({{"CALFBOT_CONSOLE__SESSION_HOURS", "8"},
                     {"CALFBOT_CONSOLE__MAX_FAILED_LOGINS", "3"},
                     {"CALFBOT_CONSOLE__LOCKOUT_MINUTES", "60"},
                     {"CALFBOT_CONSOLE__SECURE_COOKIE", "always"}});
  ASSERT_TRUE(r.ok()) << r.errors[0];
  EXPECT_EQ(r.config.console.session_hours, 8);
  EXPECT_EQ(r.config.console.max_failed_logins, 3);
  EXPECT_EQ(r.config.console.lockout_minutes, 60);
  EXPECT_EQ(r.config.console.secure_cookie, "always");
}

TEST(ConsoleConfig, ErrorsNameTheKeyPath) {
  auto r = from_env({{"CALFBOT_CONSOLE__SESSION_HOURS", "0"},
                     {"CALFBOT_CONSOLE__MAX_FAILED_LOGINS", "\"many\""},
                     {"CALFBOT_CONSOLE__LOCKOUT_MINUTES", "100000"},
                     {"CALFBOT_CONSOLE__SECURE_COOKIE", "never"},
                     {"CALFBOT_CONSOLE__COOKIE", "x"}});
  EXPECT_EQ(r.errors,
            (std::vector<std::string>{
                "console.cookie: unknown key (check the spelling against docs/configuration.md)",
                "console.session_hours: must be a whole number from 1 to 720, got 0",
                "console.max_failed_logins: must be a whole number from 1 to 100, got \"many\"",
                "console.lockout_minutes: must be a whole number from 1 to 1440, got 100000",
                "console.secure_cookie: must be \"auto\" or \"always\", got \"never\""}));
}

}  // namespace
}  // namespace calfbot::config
