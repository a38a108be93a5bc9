#include "adapters/api/errors.h"

#include <nlohmann/json.hpp>

#include "bot/message_json.h"

namespace calfbot::adapters {

nlohmann::json error_json(bot::Code code, const std::string& text) {
  return bot::error_json(code, text.empty() ? bot::spec(code).text : std::string_view(text));
}

HttpResponse error_response(bot::Code code, const std::string& text) {
  const int status = bot::spec(code).http_status;
  return json_response(status > 0 ? status : 500, error_json(code, text));
}

HttpResponse error_for(const bot::Error& e, ErrorWords words) {
  return words(e.code, e.code == bot::Code::bad_request ? e.detail : "");
}

}  // namespace calfbot::adapters
