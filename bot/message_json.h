// The one JSON form of the bot's messages (docs/protocol.md, "Bot to
// patient"): what the session store keeps and what every channel sends, byte
// for byte. The engine says dialog::Message values; this codec alone turns
// them into JSON and reads stored JSON back. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/error.h"
#include "dialog/message.h"

namespace calfbot::bot {

// A message as JSON: an object with "type" and, once sent, "seq".
nlohmann::json message_json(const dialog::Message& m);
// The same as text, as stored and sent.
std::string message_text(const dialog::Message& m);
nlohmann::json messages_json(const std::vector<dialog::Message>& ms);

// A stored message read back; the JSON of message_json gives the same
// message again, and so the same text. A field it lacks (or holds something
// else in) takes its default. Errors: internal_error (not an object with a
// bot message's "type", or an error message whose code is no refusal).
Result<dialog::Message> message_from_json(const nlohmann::json& j);
Result<dialog::Message> message_from_text(std::string_view text);

// {"type": "error", "code": ..., "text": ...}, with "seq" when it is not 0:
// the engine's refusals and the channels' own errors alike.
nlohmann::json error_json(Code code, std::string_view text, int seq = 0);

// A patient's own earlier message, shown again in a full replay:
// {"type": "patient", "text": ...} (docs/protocol.md, "WebSocket").
std::string patient_text(const std::string& words);

// The code of an engine refusal, and the refusal a code stands for.
Code code_of(dialog::InputError e);
std::optional<dialog::InputError> input_error_of(Code c);

}  // namespace calfbot::bot
