// `calfbot chat`: a conversation at the terminal, for people (run_terminal_chat)
// and for programs (run_json_chat: one JSON object a line each way, the same
// messages as the WebSocket channel; docs/protocol.md).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "dialog/engine.h"

namespace calfbot::bot {

int run_terminal_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out);
int run_json_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out,
                  std::ostream& err);

// Parses one client message ({"text": "..."} or {"choice": "..."}). On failure
// returns nullopt and sets error to a message naming what was wrong.
std::optional<dialog::Input> parse_client_message(const std::string& line, std::string& error);

// A bot message as plain text for a person (used by the terminal and SMS).
std::string render_plain(const nlohmann::json& message);

}  // namespace calfbot::bot
