#include "adapters/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>

namespace calfbot::adapters {

namespace {

// 2024-05-01T12:00:00.123Z
std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

Logger::Logger(std::ostream& out, bool log_patient_text)
    : out_(out), patient_text_(log_patient_text) {}

void Logger::info(const std::string& event, nlohmann::json fields) {
  write("info", event, std::move(fields));
}
void Logger::warn(const std::string& event, nlohmann::json fields) {
  write("warn", event, std::move(fields));
}
void Logger::error(const std::string& event, nlohmann::json fields) {
  write("error", event, std::move(fields));
}

std::string Logger::line(const char* level, const std::string& event, const nlohmann::json& fields) {
  nlohmann::ordered_json out;
  out["time"] = utc_now();
  out["level"] = level;
  out["event"] = event;
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) {
      const bool reserved = k == "time" || k == "level" || k == "event";
      out[reserved ? "field_" + k : k] = v;
    }
  }
  // Invalid UTF-8 (from a client) is replaced rather than thrown on.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Logger::write(const char* level, const std::string& event, nlohmann::json fields) {
  std::string text = line(level, event, fields);
  std::lock_guard lock(mu_);
  out_ << text << '\n' << std::flush;
}

}  // namespace calfbot::adapters
