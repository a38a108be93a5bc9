// `calfbot serve`: the chat server (WebSocket /v1/chat, REST /v1/conversations,
// the web widget, /healthz /readyz /metrics) on the configured address, with
// the SQLite session store. The composition root of the server: it is the one
// file in bot/ that uses adapters/ (the executable links both).
#pragma once

#include <iosfwd>
#include <string>

namespace calfbot::cli {

// Runs until SIGTERM or SIGINT, then shuts down gracefully. Logs go to `out`
// (one JSON object a line); start-up errors to `err`. Returns 0 after a clean
// shutdown, 1 when start-up fails.
int run_serve(const std::string& config_path, std::ostream& out, std::ostream& err);

}  // namespace calfbot::cli
