// Configuration: defaults, file + environment, and the exact error messages.
#include "config/config.h"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace calfbot::config {
namespace {

using Env = std::map<std::string, std::string>;

// A config file in the test's temporary folder, removed afterwards.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text)
      : path_(testing::TempDir() + "calfbot_config_test_" +
              testing::UnitTest::GetInstance()->current_test_info()->name() + ".json") {
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::remove(path_.c_str()); }
  ConfigFile(const ConfigFile&) = delete;
  ConfigFile& operator=(const ConfigFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> errors_of(const std::string& file_text, const Env& env = {}) {
  ConfigFile f(file_text);
  return load_config(f.path(), env).errors;
}

TEST(Config, DefaultsWithoutFileOrEnvironment) {
  ConfigResult r = load_config("", {});
  ASSERT_TRUE(r.ok());
  const Config& c = r.config;
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.max_frame_bytes, 65536);
  EXPECT_EQ(c.server.max_connections, 1024);
  EXPECT_DOUBLE_EQ(c.server.messages_per_second, 5);
  EXPECT_EQ(c.server.message_burst, 10);
  EXPECT_EQ(c.server.idle_timeout_seconds, 300);
  EXPECT_EQ(c.server.session_idle_expiry_minutes, 240);
  EXPECT_EQ(c.server.memory_idle_seconds, 300);
  EXPECT_EQ(c.server.memory_done_seconds, 10);
  EXPECT_EQ(c.server.allowed_origins,
            (std::vector<std::string>{"http://127.0.0.1:8080", "http://localhost:8080"}));
  EXPECT_EQ(c.server.threads, 2);
  EXPECT_FALSE(c.server.log_patient_text);
  EXPECT_EQ(c.store.path, "calfbot.db");
  EXPECT_EQ(c.store.synchronous, "full");
  EXPECT_EQ(c.store.batch_max, 512);
}

TEST(Config, FileSetsServerAndStore) {
  ConfigFile f(R"({"server": {"host": "0.0.0.0", "port": 9000, "threads": 4,
                   "allowed_origins": ["https://clinic.example"], "log_patient_text": true,
                   "memory_idle_seconds": 60, "memory_done_seconds": 5},
                   "store": {"path": "/tmp/x.db", "synchronous": "normal", "batch_max": 64}})");
  ConfigResult r = load_config(f.path(), {});
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.config.server.host, "0.0.0.0");
  EXPECT_EQ(r.config.server.port, 9000);
  EXPECT_EQ(r.config.server.threads, 4);
  EXPECT_EQ(r.config.server.allowed_origins, std::vector<std::string>{"https://clinic.example"});
  EXPECT_TRUE(r.config.server.log_patient_text);
  EXPECT_EQ(r.config.server.memory_idle_seconds, 60);
  EXPECT_EQ(r.config.server.memory_done_seconds, 5);
  EXPECT_EQ(r.config.store.path, "/tmp/x.db");
  EXPECT_EQ(r.config.store.synchronous, "normal");
  EXPECT_EQ(r.config.store.batch_max, 64);
}

TEST(Config, UnknownKeyNamesItsPath) {
  EXPECT_EQ(errors_of(R"({"server": {"prot": 9000}})"),
            std::vector<std::string>{
                "server.prot: unknown key (check the spelling against docs/configuration.md)"});
  EXPECT_EQ(errors_of(R"({"storage": {}})"),
            std::vector<std::string>{
                "storage: unknown key (check the spelling against docs/configuration.md)"});
  EXPECT_EQ(errors_of(R"({"store": {"sync": "full"}})"),
            std::vector<std::string>{
                "store.sync: unknown key (check the spelling against docs/configuration.md)"});
}

TEST(Config, BadValuesNameKeyAndValue) {
  EXPECT_EQ(errors_of(R"({"server": {"port": 70000}})"),
            std::vector<std::string>{
                "server.port: must be a whole number from 0 to 65535, got 70000"});
  EXPECT_EQ(errors_of(R"({"server": {"messages_per_second": "fast"}})"),
            std::vector<std::string>{
                "server.messages_per_second: must be a number from 0.1 to 10000.0, got \"fast\""});
  EXPECT_EQ(errors_of(R"({"server": {"memory_done_seconds": 0}})"),
            std::vector<std::string>{
                "server.memory_done_seconds: must be a whole number from 1 to 86400, got 0"});
  EXPECT_EQ(errors_of(R"({"server": {"log_patient_text": "yes"}})"),
            std::vector<std::string>{"server.log_patient_text: must be true or false, got \"yes\""});
  EXPECT_EQ(errors_of(R"({"server": {"allowed_origins": ["https://clinic.example/chat"]}})"),
            std::vector<std::string>{
                "server.allowed_origins: 'https://clinic.example/chat' is not an origin like "
                "\"https://clinic.example\""});
  EXPECT_EQ(errors_of(R"({"server": {"allowed_origins": 5}})"),
            std::vector<std::string>{"server.allowed_origins: must be a list of strings, got 5"});
  EXPECT_EQ(errors_of(R"({"store": {"synchronous": "off"}})"),
            std::vector<std::string>{
                "store.synchronous: must be \"full\" or \"normal\", got \"off\""});
  EXPECT_EQ(errors_of(R"({"store": {"batch_max": 0}})"),
            std::vector<std::string>{
                "store.batch_max: must be a whole number from 1 to 100000, got 0"});
  EXPECT_EQ(errors_of(R"({"server": 8080})"),
            std::vector<std::string>{"server: must be an object"});
}

TEST(Config, EveryErrorIsReported) {
  EXPECT_EQ(errors_of(R"({"server": {"threads": 0, "host": ""}, "store": {"path": ""}})"),
            (std::vector<std::string>{
                "server.host: must be an address to listen on, e.g. \"127.0.0.1\"",
                "server.threads: must be a whole number from 1 to 64, got 0",
                "store.path: must name the SQLite file, e.g. \"calfbot.db\""}));
}

TEST(Config, EnvironmentOverridesFile) {
  ConfigFile f(R"({"server": {"port": 9000, "threads": 3}, "store": {"path": "a.db"}})");
  ConfigResult r = load_config(f.path(), {{"CALFBOT_SERVER__PORT", "9100"},
                                          {"CALFBOT_STORE__PATH", "/var/lib/calfbot/b.db"},
                                          {"CALFBOT_SERVER__ALLOWED_ORIGINS",
                                           "https://a.example,https://b.example:8443"},
                                          {"OTHER_SERVER__PORT", "1"}});
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.config.server.port, 9100);
  EXPECT_EQ(r.config.server.threads, 3);
  EXPECT_EQ(r.config.store.path, "/var/lib/calfbot/b.db");
  EXPECT_EQ(r.config.server.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example:8443"}));
}

TEST(Config, ConversationBoundsHaveDefaultsAndRanges) {
  ConfigResult d = load_config("", {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.config.dialog.max_turns, 100);
  EXPECT_EQ(d.config.dialog.max_patient_text_bytes, 16384);
  ConfigResult r = load_config("", {{"CALFBOT_DIALOG__MAX_TURNS", "30"},
                                    {"CALFBOT_DIALOG__MAX_PATIENT_TEXT_BYTES", "4000"}});
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.config.dialog.max_turns, 30);
  EXPECT_EQ(r.config.dialog.max_patient_text_bytes, 4000);
  EXPECT_EQ(errors_of(R"({"dialog": {"max_turns": 5, "max_patient_text_bytes": 100}})"),
            (std::vector<std::string>{
                "dialog.max_turns: must be a whole number from 10 to 10000, got 5",
                "dialog.max_patient_text_bytes: must be a whole number from 2000 to 1048576, "
                "got 100"}));
}

TEST(Config, EnvironmentErrorsNameTheKeyPath) {
  ConfigResult r = load_config("", {{"CALFBOT_SERVER__MAX_FRAME_BYTES", "tiny"},
                                    {"CALFBOT_SERVER__PORTT", "1"}});
  EXPECT_EQ(r.errors,
            (std::vector<std::string>{
                "server.portt: unknown key (check the spelling against docs/configuration.md)",
                "server.max_frame_bytes: must be a whole number from 1024 to 16777216, got "
                "\"tiny\""}));
}

// Found by fuzz_config: a value that is not UTF-8 (from the environment)
// or is very long is shown in the error, not thrown out of the loader.
TEST(Config, BadValuesThatAreNotUtf8OrLongAreShownSafely) {
  ConfigResult r = load_config("", {{"CALFBOT_SERVER__PORT", "80\xa1\xbe"},
                                    {"CALFBOT_STORE__SYNCHRONOUS", std::string(200, 'x')}});
  EXPECT_EQ(r.errors,
            (std::vector<std::string>{
                "server.port: must be a whole number from 0 to 65535, got \"80\uFFFD\uFFFD\"",
                "store.synchronous: must be \"full\" or \"normal\", got \"" + std::string(79, 'x') +
                    "..."}));
}

// Found by fuzz_config: a number too large for a double threw out of the loader.
TEST(Config, ANumberTooLargeIsNotValidJson) {
  ConfigFile f(R"({"server": {"port": 1e99999}})");
  ConfigResult r = load_config(f.path(), {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind(f.path() + ": not valid JSON: ", 0), 0u) << r.errors[0];
  EXPECT_NE(r.errors[0].find("number overflow"), std::string::npos) << r.errors[0];
}

// Found by fuzz_config: a file that is JSON but not an object, with settings
// in the environment to add to it, threw out of the loader.
TEST(Config, AFileThatIsNotAnObjectIsAnError) {
  for (const char* text : {"8", "[1, 2]", "\"server\"", "null"}) {
    ConfigFile f(text);
    ConfigResult r = load_config(f.path(), {{"CALFBOT_SERVER__PORT", "9100"}});
    ASSERT_EQ(r.errors.size(), 1u) << text;
    EXPECT_EQ(r.errors[0], f.path() + ": must hold one JSON object of settings, e.g. "
                                      "{\"server\": {\"port\": 8080}}");
  }
}

TEST(Config, EnvironmentJsonListOfOrigins) {
  ConfigResult r =
      load_config("", {{"CALFBOT_SERVER__ALLOWED_ORIGINS", R"(["https://clinic.example"])"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.server.allowed_origins, std::vector<std::string>{"https://clinic.example"});
}

}  // namespace
}  // namespace calfbot::config
