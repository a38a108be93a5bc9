// Which browser pages may open the WebSocket: Beast checks no Origin, so we do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace calfbot::adapters {

// True when the handshake's Origin is absent (not a browser) or equals one
// of `allowed` (scheme://host[:port], compared without case and without a
// default port). The server's own origins are among `allowed`, from config
// and the address it listens on, never from the request's Host header, which
// a DNS-rebinding page controls. "null" and malformed origins are refused.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace calfbot::adapters
