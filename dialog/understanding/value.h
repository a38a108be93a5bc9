// What is known of one finding: the one type understanding shares with the
// engine, so that dialog/understanding needs nothing else of dialog/.
#pragma once

#include <cstdint>

namespace calfbot::dialog {

enum class Value : int8_t { unknown = 0, yes = 1, no = 2, unsure = 3 };

constexpr const char* to_string(Value v) {
  switch (v) {
    case Value::yes: return "yes";
    case Value::no: return "no";
    case Value::unsure: return "unsure";
    case Value::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace calfbot::dialog
