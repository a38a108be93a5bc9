// The chat channels' client messages: a WebSocket text frame
// (adapters/api/chat_protocol.h) and the JSON body the REST API and
// `calfbot chat --json` take (adapters/cli/chat.h). Any input parses to a message or
// to a documented error that tells the client what to do.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/api/chat_protocol.h"
#include "bot/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto frame = calfbot::adapters::parse_chat_message(text);
  if (!frame) {
    // Every error is a documented code: its text tells the client what to do.
    const auto& spec = calfbot::bot::spec(frame.error().code);
    if (spec.code != frame.error().code || spec.text.empty()) std::abort();
  }
  auto body = calfbot::adapters::parse_input(text);
  // An error says what was wrong: its own detail, or its code's text.
  if (!body && body.error().detail.empty() && calfbot::bot::spec(body.error().code).text.empty()) {
    std::abort();
  }
  return 0;
}
