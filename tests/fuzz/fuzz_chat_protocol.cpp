// The chat channels' client messages: a WebSocket text frame
// (adapters/chat_protocol.h) and the JSON body the REST API and
// `calfbot chat --json` take (bot/chat.h). Any input parses to a message or
// to a documented error that tells the client what to do.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/chat_protocol.h"
#include "adapters/errors.h"
#include "bot/chat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto frame = calfbot::adapters::parse_chat_message(text);
  if (!frame) {
    // Every error is a documented code: its text tells the client what to do.
    const auto& code = frame.error().code;
    if (calfbot::adapters::error_spec(code).code != code) std::abort();
  }
  std::string error;
  auto body = calfbot::bot::parse_client_message(text, error);
  if (!body && error.empty()) std::abort();
  return 0;
}
