// The log line's own keys (adapters/logger.h): a field named like one of
// them is renamed, never written over the line's time, level or event.
#include "adapters/logger.h"

#include <sstream>

#include <gtest/gtest.h>

namespace calfbot::adapters {
namespace {

using nlohmann::json;

TEST(Logger, AFieldCannotOverwriteTheLinesOwnKeys) {
  std::ostringstream out;
  Logger log(out, false);
  log.warn("platform_duplicate",
           {{"event", "update-102"}, {"level", "debug"}, {"time", "then"}, {"platform", "telegram"}});
  json line = json::parse(out.str());
  EXPECT_EQ(line["event"], "platform_duplicate");
  EXPECT_EQ(line["level"], "warn");
  EXPECT_NE(line["time"], "then");
  EXPECT_EQ(line["field_event"], "update-102");
  EXPECT_EQ(line["field_level"], "debug");
  EXPECT_EQ(line["field_time"], "then");
  EXPECT_EQ(line["platform"], "telegram");
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(out.str().find('\n'), out.str().size() - 1) << "one line";
}

TEST(Logger, TheLineStartsWithTimeLevelEvent) {
  std::string text = Logger::line("info", "listening", {{"port", 8080}});
  EXPECT_EQ(text.rfind("{\"time\":", 0), 0u) << text;
  EXPECT_NE(text.find("\"level\":\"info\",\"event\":\"listening\",\"port\":8080"), std::string::npos) << text;
}

}  // namespace
}  // namespace calfbot::adapters
