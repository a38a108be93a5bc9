// `calfbot serve`: the chat server (WebSocket /v1/chat, REST /v1/conversations,
// the web widget, /healthz /readyz /metrics) on the configured address, with
// the SQLite session store. The composition root of the server: the parts are
// built in the order each needs the one before, with no part told of another
// after it was built (adapters/cli is the one folder that knows them all).
#pragma once

#include <iosfwd>
#include <string>

namespace calfbot::cli {

// Runs until SIGTERM or SIGINT, then shuts down gracefully. Logs go to `out`
// (one JSON object a line); start-up errors to `err`. Returns 0 after a clean
// shutdown, 1 when start-up fails.
int run_serve(const std::string& config_path, std::ostream& out, std::ostream& err);

}  // namespace calfbot::cli
