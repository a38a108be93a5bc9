// What the three platform fuzzers share: the input as the body of a webhook
// request, and as the body of the platform API's answer to a send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bot/outbox/outbox.h"

namespace calfbot::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// The platform API's answer to a send, its status picked by the first byte.
inline bot::OutboundResponse api_answer(const std::string& body) {
  static constexpr int statuses[] = {200, 400, 401, 403, 404, 429, 500, 503};
  bot::OutboundResponse r;
  r.status = body.empty() ? 200 : statuses[static_cast<unsigned char>(body[0]) % 8];
  r.headers = {{"retry-after", body.substr(0, 8)}, {"content-type", "application/json"}};
  r.body = body;
  return r;
}

}  // namespace calfbot::fuzz
