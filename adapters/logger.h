// Structured logs: one JSON object a line, {"time", "level", "event", ...}.
// The line's own keys are the logger's: a field named "time", "level" or
// "event" is written as "field_time", "field_level", "field_event", so no
// caller can overwrite what the line is.
// Patient words are left out unless the config says otherwise
// (server.log_patient_text); session tokens never appear.
// Thread-safety: log() may be called from any thread.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

class Logger {
 public:
  Logger(std::ostream& out, bool log_patient_text);

  void info(const std::string& event, nlohmann::json fields = nlohmann::json::object());
  void warn(const std::string& event, nlohmann::json fields = nlohmann::json::object());
  void error(const std::string& event, nlohmann::json fields = nlohmann::json::object());

  bool patient_text() const { return patient_text_; }

  // The line for `fields`, without the newline; what write() prints.
  static std::string line(const char* level, const std::string& event, const nlohmann::json& fields);

 private:
  void write(const char* level, const std::string& event, nlohmann::json fields);

  std::mutex mu_;
  std::ostream& out_;
  const bool patient_text_;
};

}  // namespace calfbot::adapters
