// Errors as the chat channels send them (docs/errors.md): the one table of
// bot/error.h gives each code its HTTP status, WebSocket close code and
// default text. Log details are kept apart.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "adapters/server/http_types.h"
#include "bot/error.h"

namespace calfbot::adapters {

// {"type": "error", "code": ..., "text": ...}; `text` "" = the code's default text.
nlohmann::json error_json(bot::Code code, const std::string& text = "");

// A JSON error response with the code's HTTP status (500 for a code without one).
HttpResponse error_response(bot::Code code, const std::string& text = "");

// How one API words its error responses: error_response, or the API's own
// words for some codes (the clinic API's).
using ErrorWords = HttpResponse (*)(bot::Code code, const std::string& text);

// The response to a failure: only a bad request's detail is for the client;
// every other code says what its text says.
HttpResponse error_for(const bot::Error& e, ErrorWords words = error_response);

// WebSocket close codes that stand for no error code of their own (RFC 6455);
// the others are in the table (bot::spec(code).close).
namespace close_code {
constexpr unsigned short going_away = 1001;        // server shutting down
constexpr unsigned short unsupported_data = 1003;  // a binary message
constexpr unsigned short policy = 1008;            // bad Origin, flood, client not reading
}  // namespace close_code

}  // namespace calfbot::adapters
