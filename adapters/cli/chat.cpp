#include "adapters/cli/chat.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "adapters/api/chat_protocol.h"
#include "adapters/api/plain_text.h"
#include "bot/clock.h"
#include "bot/message_json.h"

namespace calfbot::cli {

int run_terminal_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out) {
  dialog::StepResult r = engine.start(bot::unix_now());
  std::vector<dialog::ChoiceOption> choices;  // of the last question
  auto show = [&](const dialog::StepResult& res) {
    for (const auto& m : res.outputs) {
      out << "\ncalfbot: " << adapters::render_plain(m) << "\n";
      if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) {
        choices = q->choices.value_or(std::vector<dialog::ChoiceOption>{});
      }
    }
  };
  show(r);
  std::string line;
  while (out << "\nyou: " << std::flush, std::getline(in, line)) {
    if (line == "quit" || line == "exit") break;
    dialog::Input input{dialog::Input::Kind::text, line, bot::unix_now(), 0};
    // A bare number picks the numbered choice, except where a number is the answer.
    if (!choices.empty() && !line.empty() &&
        line.find_first_not_of("0123456789") == std::string::npos) {
      size_t i = std::stoul(line);
      if (i >= 1 && i <= choices.size()) {
        input.kind = dialog::Input::Kind::choice;
        input.value = choices[i - 1].id;
      }
    }
    r = engine.step(r.state, input);
    show(r);
  }
  return 0;
}

int run_json_chat(const dialog::Engine& engine, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  dialog::StepResult r = engine.start(bot::unix_now());
  for (const auto& m : r.outputs) out << bot::message_text(m) << "\n";
  out << std::flush;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto input = adapters::parse_input(line);
    if (!input) {
      out << bot::error_json(bot::Code::bad_message, input.error().detail).dump() << "\n"
          << std::flush;
      continue;
    }
    input->time_unix = bot::unix_now();
    r = engine.step(r.state, *input);
    for (const auto& m : r.outputs) out << bot::message_text(m) << "\n";
    out << std::flush;
  }
  (void)err;
  return 0;
}

}  // namespace calfbot::cli
