// The error codes a client can see (docs/errors.md), with the HTTP status
// each maps to and the text shown to the client. Log details are kept apart.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "adapters/server/http_types.h"

namespace calfbot::adapters {

struct ErrorSpec {
  std::string_view code;
  int http_status;
  std::string_view text;  // for the client: what was wrong and what to do
};

// The spec for `code`; an unknown code gets internal_error's spec.
const ErrorSpec& error_spec(std::string_view code);

// {"type": "error", "code": ..., "text": ...}; `text` "" = the spec's text.
nlohmann::json error_json(std::string_view code, const std::string& text = "");

// A JSON error response with the code's HTTP status.
HttpResponse error_response(std::string_view code, const std::string& text = "");

// WebSocket close codes the server uses (RFC 6455 and the 4000 private range).
namespace close_code {
constexpr unsigned short going_away = 1001;       // server shutting down
constexpr unsigned short unsupported_data = 1003;  // a binary message
constexpr unsigned short policy = 1008;           // bad Origin, flood, client not reading
constexpr unsigned short unknown_session = 4404;
constexpr unsigned short session_expired = 4410;
}  // namespace close_code

}  // namespace calfbot::adapters
