#include "bot/error.h"

#include <array>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace calfbot::bot {

namespace {

constexpr const char* kOurSide = "Something went wrong on our side. Please try again.";

// The one table (docs/errors.md), in the order of Code.
constexpr std::array kSpecs = {
    CodeSpec{Code::internal_error, "internal_error", 500, 0, kOurSide},
    CodeSpec{Code::empty_message, "empty_message", 0, 0,
             "I didn't get any words. Please type your answer."},
    CodeSpec{Code::message_too_long, "message_too_long", 0, 0,
             "That message is too long for me. Please keep each answer under 2000 characters."},
    CodeSpec{Code::unknown_choice, "unknown_choice", 0, 0,
             "That is not one of this question's choices. Please pick one or type your answer."},
    CodeSpec{Code::bad_message, "bad_message", 400, 0,
             "That message could not be read. Send a JSON object such as {\"text\": \"...\"}."},
    CodeSpec{Code::unknown_type, "unknown_type", 400, 0,
             "Unknown message type. Send {\"type\": \"hello\"}, {\"type\": \"resume\", ...} "
             "or an answer such as {\"text\": \"...\"}."},
    CodeSpec{Code::no_session, "no_session", 409, 0,
             "Start with {\"type\": \"hello\"} or {\"type\": \"resume\", \"token\": \"...\", "
             "\"last_seq\": N}."},
    CodeSpec{Code::already_started, "already_started", 409, 0,
             "This connection already has a conversation."},
    CodeSpec{Code::unknown_session, "unknown_session", 404, 4404,
             "That conversation was not found. Please start a new one."},
    CodeSpec{Code::session_expired, "session_expired", 410, 4410,
             "That conversation has ended because it was idle. Please start a new one."},
    CodeSpec{Code::session_closed, "session_closed", 410, 4410,
             "This conversation has ended: the link it came from was completed, withdrawn or "
             "has expired. If you feel very unwell, call the emergency number now."},
    CodeSpec{Code::rate_limited, "rate_limited", 429, 0,
             "Too many messages at once. Please wait a moment and try again."},
    CodeSpec{Code::too_many_conversations, "too_many_conversations", 429, 0,
             "Too many new conversations from this network just now. Please wait a few minutes "
             "and try again."},
    CodeSpec{Code::too_large, "too_large", 413, 1009, "That message is too large."},
    CodeSpec{Code::too_deep, "too_deep", 400, 0,
             "That JSON nests objects or lists more than 32 deep. Send a flat object such as "
             "{\"text\": \"...\"}."},
    CodeSpec{Code::bad_framing, "bad_framing", 400, 0,
             "The request's framing is not allowed: frame a body by Content-Length, or by "
             "Transfer-Encoding: chunked alone, and do not fold header lines."},
    CodeSpec{Code::missing_token, "missing_token", 401, 0,
             "Send the conversation's token as the header 'Authorization: Bearer <token>'."},
    CodeSpec{Code::not_found, "not_found", 404, 0, "There is nothing at this address."},
    CodeSpec{Code::method_not_allowed, "method_not_allowed", 405, 0,
             "This address does not take that method."},
    CodeSpec{Code::forbidden, "forbidden", 403, 0,
             "This is not open to you. /metrics needs the server's metrics token as "
             "'Authorization: Bearer <token>', or a request from the server's own machine."},
    CodeSpec{Code::unsupported_media_type, "unsupported_media_type", 415, 0,
             "Send this request's body as JSON, with the header 'Content-Type: "
             "application/json'."},
    CodeSpec{Code::upgrade_required, "upgrade_required", 426, 0,
             "This address takes WebSocket connections only."},
    CodeSpec{Code::server_busy, "server_busy", 503, 0,
             "The server has too many connections. Please try again later."},
    CodeSpec{Code::shutting_down, "shutting_down", 503, 1001,
             "The server is restarting. Please try again in a moment."},
    CodeSpec{Code::bad_origin, "bad_origin", 403, 1008, "This page may not use the chat."},
    CodeSpec{Code::conversation_full, "conversation_full", 409, 0,
             "This conversation has reached its length limit, so I can't take more answers in "
             "it. Your summary so far is kept. If your leg or your breathing gets worse, call "
             "emergency services now or go to an emergency department; to tell me more, start "
             "a new conversation."},
    CodeSpec{Code::store_overloaded, "store_overloaded", 503, 0,
             "The service is busy. Please try again in a moment."},
    CodeSpec{Code::store_unavailable, "store_unavailable", 503, 0,
             "Your answer could not be saved just now. Please try again in a moment."},
    CodeSpec{Code::unauthorized, "unauthorized", 401, 0,
             "Send a valid clinic API key as 'Authorization: Bearer <key>'."},
    CodeSpec{Code::bad_request, "bad_request", 400, 0, "The request could not be used."},
    CodeSpec{Code::intake_not_found, "intake_not_found", 404, 0, "There is no intake with this id."},
    CodeSpec{Code::link_not_found, "link_not_found", 404, 0, "This link was not found."},
    CodeSpec{Code::link_expired, "link_expired", 410, 0, "This link has expired."},
    CodeSpec{Code::link_revoked, "link_revoked", 410, 0, "This link is no longer valid."},
    CodeSpec{Code::link_completed, "link_completed", 410, 0,
             "These questions have been answered."},
    CodeSpec{Code::not_logged_in, "not_logged_in", 401, 0,
             "You are not logged in to the console, or your session has ended. Please log in."},
    CodeSpec{Code::login_failed, "login_failed", 401, 0,
             "That email and password do not match an active account. Check them and try "
             "again; after repeated failures the account is locked for a while."},
    CodeSpec{Code::account_locked, "account_locked", 429, 0,
             "This account is locked after repeated failed logins. Wait and try again later, "
             "or ask your administrator."},
    CodeSpec{Code::csrf_invalid, "csrf_invalid", 403, 0,
             "This request lacks the console's CSRF token (header X-CSRF-Token). Reload the "
             "console and try again."},
    CodeSpec{Code::not_in_charge, "not_in_charge", 409, 0,
             "Nobody from the clinic is in charge of this conversation: take it over first."},
    CodeSpec{Code::bad_payload, "bad_payload", 400, 0, "Not the platform's payload."},
    CodeSpec{Code::signature_missing, "signature_missing", 401, 0, "The signature is missing."},
    CodeSpec{Code::signature_invalid, "signature_invalid", 403, 0, "The signature is wrong."},
    CodeSpec{Code::verify_token_invalid, "verify_token_invalid", 403, 0,
             "The verify token is wrong."},
    CodeSpec{Code::platform_off, "platform_off", 404, 0, "This platform is not configured."},
    CodeSpec{Code::try_again, "try_again", 500, 0,
             "The events could not be stored just now; deliver them again."},
    CodeSpec{Code::http_bad_url, "http_bad_url", 500, 0, kOurSide},
    CodeSpec{Code::http_not_allowed, "http_not_allowed", 500, 0, kOurSide},
    CodeSpec{Code::http_resolve_failed, "http_resolve_failed", 500, 0, kOurSide},
    CodeSpec{Code::http_connect_failed, "http_connect_failed", 500, 0, kOurSide},
    CodeSpec{Code::http_tls_failed, "http_tls_failed", 500, 0, kOurSide},
    CodeSpec{Code::http_timeout, "http_timeout", 500, 0, kOurSide},
    CodeSpec{Code::http_io_failed, "http_io_failed", 500, 0, kOurSide},
    CodeSpec{Code::http_response_too_large, "http_response_too_large", 500, 0, kOurSide},
    CodeSpec{Code::bind_failed, "bind_failed", 500, 0, kOurSide},
    CodeSpec{Code::not_due, "not_due", 500, 0, kOurSide},
};

constexpr bool in_order() {
  for (size_t i = 0; i < kSpecs.size(); ++i) {
    if (static_cast<size_t>(kSpecs[i].code) != i) return false;
  }
  return true;
}
static_assert(in_order(), "kSpecs lists every Code once, in the order of the enum");
static_assert(kSpecs.back().code == Code::not_due, "kSpecs ends with the last Code");

}  // namespace

const CodeSpec& spec(Code code) { return kSpecs[static_cast<size_t>(code)]; }

std::string_view to_string(Code code) { return spec(code).id; }

std::optional<Code> code_from_string(std::string_view id) {
  for (const auto& s : kSpecs) {
    if (s.id == id) return s.code;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, Code code) { j = std::string(to_string(code)); }

std::ostream& operator<<(std::ostream& out, Code code) { return out << to_string(code); }

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(e.code)) + ": " + e.detail);
}

}  // namespace calfbot::bot
