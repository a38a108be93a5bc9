// One vocabulary of failure for every layer: an expected failure is a value
// (Result<T>), with a stable code (docs/errors.md) and a detail for the log.
// Exceptions are for start-up and bugs.
//
// Every code is a Code, and every Code has one row in one table (error.cpp):
// its stable id, the HTTP status an API answers it with, the WebSocket close
// code that goes with it, and a default text for the client. Each API may
// word its own texts; none keeps a table of its own.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>
#include <nlohmann/json_fwd.hpp>

namespace calfbot::bot {

enum class Code {
  // A bug, or a failure no other code names; the log has the detail.
  internal_error,
  // Conversation (the engine's own refusals, carried in its error messages).
  empty_message,
  message_too_long,
  unknown_choice,
  // Chat channels (WebSocket, REST, `calfbot chat --json`).
  bad_message,
  unknown_type,
  no_session,
  already_started,
  unknown_session,
  session_expired,
  session_closed,
  rate_limited,
  too_many_conversations,
  too_large,
  too_deep,
  bad_framing,
  missing_token,
  not_found,
  method_not_allowed,
  forbidden,
  unsupported_media_type,
  upgrade_required,
  server_busy,
  shutting_down,
  bad_origin,
  conversation_full,
  store_overloaded,
  store_unavailable,
  // The clinic API and its links.
  unauthorized,
  bad_request,
  intake_not_found,
  link_not_found,
  link_expired,
  link_revoked,
  link_completed,
  // The staff console (docs/console.md).
  not_logged_in,
  login_failed,
  account_locked,
  csrf_invalid,
  not_in_charge,
  // Messaging platforms' webhooks.
  bad_payload,
  signature_missing,
  signature_invalid,
  verify_token_invalid,
  platform_off,
  try_again,
  // Inside the server, for logs: outbound HTTP, start-up, jobs.
  http_bad_url,
  http_not_allowed,
  http_resolve_failed,
  http_connect_failed,
  http_tls_failed,
  http_timeout,
  http_io_failed,
  http_response_too_large,
  bind_failed,
  not_due,
};

// A code's row of the table.
struct CodeSpec {
  Code code;
  std::string_view id;    // the stable id clients and logs see
  int http_status;        // what an HTTP API answers; 0 where none applies
  unsigned short close;   // the WebSocket close code that goes with it; 0 = none (an error message)
  std::string_view text;  // the client's default text: what was wrong and what to do
};

const CodeSpec& spec(Code code);
std::string_view to_string(Code code);
// The code with this id; nullopt for an id that is none of them.
std::optional<Code> code_from_string(std::string_view id);
// A code in JSON (a log line) or in text is its id, never its number.
void to_json(nlohmann::json& j, Code code);
std::ostream& operator<<(std::ostream& out, Code code);

// An expected failure: a stable code and a detail for the log.
// The detail may name files and SQLite errors, never patient text.
struct Error {
  Error() = default;
  Error(Code code_, std::string detail_) : code(code_), detail(std::move(detail_)) {}
  Code code = Code::internal_error;
  std::string detail;
};
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

// Success, or the Error that stopped the operation.
using Status = Result<void>;

}  // namespace calfbot::bot
