// Outside input read as JSON with its nesting bounded. nlohmann's parser is
// iterative, but dump(), comparisons and the walks over a tree recurse, so a
// message nested 65,000 deep could end the process on its stack. Every
// parser of outside input (the chat protocol, REST, webhooks, the clinic
// API, the config file and environment) scans the text first and refuses
// anything nested deeper than kMaxJsonDepth before building a tree.
//
// Pure functions; thread-safe. Here because config/ is the one library every
// other may use.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace calfbot::config {

inline constexpr int kMaxJsonDepth = 32;

// Whether the arrays and objects of `text` (JSON or not) nest deeper than
// max_depth; strings are skipped, escapes and all. Linear, no recursion.
bool nested_deeper_than(std::string_view text, int max_depth = kMaxJsonDepth);

// The JSON value of `text`; discarded (is_discarded()) when it is not JSON
// or nests deeper than max_depth, with `too_deep` set for the latter.
nlohmann::json parse_bounded(std::string_view text, bool& too_deep,
                             int max_depth = kMaxJsonDepth);
nlohmann::json parse_bounded(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace calfbot::config
