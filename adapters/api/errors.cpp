#include "adapters/api/errors.h"

#include <array>

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

namespace {

constexpr std::array kSpecs = {
    ErrorSpec{"internal_error", 500, "Something went wrong on our side. Please try again."},
    ErrorSpec{"bad_message", 400,
              "That message could not be read. Send a JSON object such as {\"text\": \"...\"}."},
    ErrorSpec{"unknown_type", 400,
              "Unknown message type. Send {\"type\": \"hello\"}, {\"type\": \"resume\", ...} "
              "or an answer such as {\"text\": \"...\"}."},
    ErrorSpec{"no_session", 409,
              "Start with {\"type\": \"hello\"} or {\"type\": \"resume\", \"token\": \"...\", "
              "\"last_seq\": N}."},
    ErrorSpec{"already_started", 409, "This connection already has a conversation."},
    ErrorSpec{"unknown_session", 404, "That conversation was not found. Please start a new one."},
    ErrorSpec{"session_expired", 410,
              "That conversation has ended because it was idle. Please start a new one."},
    ErrorSpec{"rate_limited", 429, "Too many messages at once. Please wait a moment and try again."},
    ErrorSpec{"too_many_conversations", 429,
              "Too many new conversations from this network just now. Please wait a few minutes "
              "and try again."},
    ErrorSpec{"too_large", 413, "That message is too large."},
    ErrorSpec{"too_deep", 400,
              "That JSON nests objects or lists more than 32 deep. Send a flat object such as "
              "{\"text\": \"...\"}."},
    ErrorSpec{"bad_framing", 400,
              "The request's framing is not allowed: frame a body by Content-Length, or by "
              "Transfer-Encoding: chunked alone, and do not fold header lines."},
    ErrorSpec{"store_overloaded", 503, "The service is busy. Please try again in a moment."},
    ErrorSpec{"store_unavailable", 503,
              "Your answer could not be saved just now. Please try again in a moment."},
    ErrorSpec{"not_found", 404, "There is nothing at this address."},
    ErrorSpec{"method_not_allowed", 405, "This address does not take that method."},
    ErrorSpec{"forbidden", 403,
              "This is not open to you. /metrics needs the server's metrics token as "
              "'Authorization: Bearer <token>', or a request from the server's own machine."},
    ErrorSpec{"unsupported_media_type", 415,
              "Send this request's body as JSON, with the header 'Content-Type: "
              "application/json'."},
    ErrorSpec{"missing_token", 401,
              "Send the conversation's token as the header 'Authorization: Bearer <token>'."},
    ErrorSpec{"server_busy", 503, "The server has too many connections. Please try again later."},
    ErrorSpec{"upgrade_required", 426, "This address takes WebSocket connections only."},
    ErrorSpec{"shutting_down", 503, "The server is restarting. Please try again in a moment."},
};

}  // namespace

const ErrorSpec& error_spec(std::string_view code) {
  for (const auto& s : kSpecs) {
    if (s.code == code) return s;
  }
  return kSpecs[0];
}

nlohmann::json error_json(std::string_view code, const std::string& text) {
  const ErrorSpec& s = error_spec(code);
  return {{"type", "error"},
          {"code", std::string(s.code)},
          {"text", text.empty() ? std::string(s.text) : text}};
}

HttpResponse error_response(std::string_view code, const std::string& text) {
  return json_response(error_spec(code).http_status, error_json(code, text));
}

}  // namespace calfbot::adapters
