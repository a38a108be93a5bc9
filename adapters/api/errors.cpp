#include "adapters/api/errors.h"

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

nlohmann::json error_json(bot::Code code, const std::string& text) {
  const bot::CodeSpec& s = bot::spec(code);
  return {{"type", "error"},
          {"code", std::string(s.id)},
          {"text", text.empty() ? std::string(s.text) : text}};
}

HttpResponse error_response(bot::Code code, const std::string& text) {
  const int status = bot::spec(code).http_status;
  return json_response(status > 0 ? status : 500, error_json(code, text));
}

}  // namespace calfbot::adapters
