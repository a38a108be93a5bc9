#include "config/bounded_json.h"

namespace calfbot::config {

bool nested_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

nlohmann::json parse_bounded(std::string_view text, bool& too_deep, int max_depth) {
  too_deep = nested_deeper_than(text, max_depth);
  if (too_deep) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, false);
}

nlohmann::json parse_bounded(std::string_view text, int max_depth) {
  bool too_deep = false;
  return parse_bounded(text, too_deep, max_depth);
}

}  // namespace calfbot::config
