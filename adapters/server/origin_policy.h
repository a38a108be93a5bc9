// Which browser pages may open the WebSocket: Beast checks no Origin, so we do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace calfbot::adapters {

// True when the handshake's Origin is absent (not a browser), equals one of
// `allowed` (scheme://host[:port], compared without case and without a
// default port), or is the server's own origin (its host[:port] equals the
// Host header). "null" and malformed origins are refused.
bool origin_allowed(std::string_view origin, std::string_view host_header,
                    const std::vector<std::string>& allowed);

}  // namespace calfbot::adapters
