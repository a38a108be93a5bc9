// Free text through the whole engine: each line of the input is one message
// a patient types, from the first question on. Every message goes through
// the red-flag screen and the understanding of free text; the engine must
// never crash, never lower an escalation, and always answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dialog/engine.h"
#include "dialog/understanding/understanding.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

using namespace calfbot;

namespace {

const dialog::Engine& engine() {
  static const dialog::Engine e(knowledge::load_embedded().knowledge, dialog::EngineSettings{});
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const dialog::Engine& e = engine();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr int64_t now = 1'780'000'000;
  auto turn = e.start(now);
  int lines = 0;
  while (!input.empty() && lines++ < 12) {
    auto end = input.find('\n');
    dialog::Input message{dialog::Input::Kind::text, std::string(input.substr(0, end)), now, 60};
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    auto before = turn.state.escalated;
    turn = e.step(turn.state, message);
    if (turn.outputs.empty()) std::abort();  // every message gets an answer
    if (before && (!turn.state.escalated || *turn.state.escalated < *before)) {
      std::abort();  // an escalation is never lowered
    }
  }
  return 0;
}
