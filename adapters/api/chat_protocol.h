// The WebSocket channel's client messages (docs/protocol.md, "WebSocket"):
// parsed here, as a pure function, so the session only acts on the result.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "bot/error.h"
#include "dialog/engine.h"

namespace calfbot::adapters {

struct ClientHello {};

struct ClientResume {
  std::string token;
  int last_seq = 0;
};

struct ClientInput {
  dialog::Input input;
};

using ClientMessage = std::variant<ClientHello, ClientResume, ClientInput>;

// A patient's input ({"text": "..."} or {"choice": "..."}, with an optional
// "utc_offset_minutes"), from a parsed object or from JSON text: the one
// parser of the WebSocket, REST and `calfbot chat --json`. "type", "token"
// and "last_seq" are left to the caller. Error: "bad_message", with a detail
// fit to show the client.
bot::Result<dialog::Input> input_from(const nlohmann::json& object);
bot::Result<dialog::Input> parse_input(std::string_view text);

// Parses one text frame. Errors: "bad_message" (not a JSON object, a bad or
// unknown field) and "unknown_type", with a detail fit to show the client.
bot::Result<ClientMessage> parse_chat_message(std::string_view text);

// {"type": "session", "token": ..., "conversation_id": ..., "resumed": ..., "last_seq": ...}
nlohmann::json session_message(const std::string& token, const std::string& session_id,
                               bool resumed, int last_seq);

}  // namespace calfbot::adapters
