// `calfbot chat`: a conversation at the terminal, for people (run_terminal_chat)
// and for programs (run_json_chat: one JSON object a line each way, the same
// messages as the WebSocket channel; docs/protocol.md).
#pragma once

#include <iosfwd>

#include "dialog/engine.h"

namespace calfbot::cli {

int run_terminal_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out);
int run_json_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out,
                  std::ostream& err);

}  // namespace calfbot::cli
