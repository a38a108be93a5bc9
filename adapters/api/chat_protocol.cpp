#include "adapters/api/chat_protocol.h"
#include "config/bounded_json.h"

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

using nlohmann::json;

namespace {

constexpr size_t kMaxTokenBytes = 256;

bot::Error bad(const std::string& detail) { return bot::Error{bot::Code::bad_message, detail}; }

// A whole number within [lo, hi], read without narrowing first: 4294967356
// must not pass as 60.
bool whole_in(const json& v, long long lo, long long hi) {
  if (v.is_number_unsigned()) {
    const unsigned long long u = v.get<unsigned long long>();
    return u <= static_cast<unsigned long long>(hi) && (lo <= 0 || u >= static_cast<unsigned long long>(lo));
  }
  if (!v.is_number_integer()) return false;
  const long long n = v.get<long long>();
  return n >= lo && n <= hi;
}

}  // namespace

bot::Result<dialog::Input> input_from(const json& j) {
  if (!j.is_object()) {
    return bad("expected a JSON object such as {\"text\": \"...\"} or {\"choice\": \"...\"}");
  }
  dialog::Input in;
  int fields = 0;
  for (const auto& [k, v] : j.items()) {
    if (k == "text" || k == "choice") {
      if (!v.is_string()) {
        return bad("'" + k + "' must be a string");
      }
      in.kind = k == "text" ? dialog::Input::Kind::text : dialog::Input::Kind::choice;
      in.value = v.get<std::string>();
      ++fields;
    } else if (k == "utc_offset_minutes") {
      if (!whole_in(v, -840, 840)) {
        return bad("'utc_offset_minutes' must be a whole number from -840 to 840");
      }
      in.utc_offset_minutes = v.get<int>();
    } else if (k != "type" && k != "last_seq" && k != "token") {
      return bad("unknown field '" + k + "'; use \"text\" or \"choice\"");
    }
  }
  if (fields != 1) {
    return bad("give exactly one of \"text\" or \"choice\"");
  }
  return in;
}

bot::Result<dialog::Input> parse_input(std::string_view text) {
  bool too_deep = false;
  json j = config::parse_bounded(text, too_deep);
  if (too_deep) return bot::Error{bot::Code::too_deep, ""};
  if (j.is_discarded()) {
    return bad("not valid JSON; send one object, e.g. {\"text\": \"my calf hurts\"}");
  }
  return input_from(j);
}

bot::Result<ClientMessage> parse_chat_message(std::string_view text) {
  bool too_deep = false;
  json j = config::parse_bounded(text, too_deep);
  if (too_deep) return bot::Error{bot::Code::too_deep, ""};
  if (j.is_discarded()) {
    return bad("not valid JSON; send one object, e.g. {\"text\": \"my calf hurts\"}");
  }
  if (!j.is_object()) return bad("expected a JSON object such as {\"text\": \"...\"}");
  std::string type = "message";
  if (j.contains("type")) {
    if (!j["type"].is_string()) return bad("'type' must be a string");
    type = j["type"].get<std::string>();
  }
  if (type == "hello") {
    for (const auto& [k, v] : j.items()) {
      if (k != "type") return bad("unknown field '" + k + "' in hello");
    }
    return ClientMessage(ClientHello{});
  }
  if (type == "resume") {
    ClientResume r;
    for (const auto& [k, v] : j.items()) {
      if (k == "type") continue;
      if (k == "token") {
        if (!v.is_string() || v.get<std::string>().empty() ||
            v.get<std::string>().size() > kMaxTokenBytes) {
          return bad("'token' must be the token the server gave");
        }
        r.token = v.get<std::string>();
      } else if (k == "last_seq") {
        if (!whole_in(v, 0, 1000000000)) {
          return bad("'last_seq' must be a whole number from 0");
        }
        r.last_seq = v.get<int>();
      } else {
        return bad("unknown field '" + k + "' in resume");
      }
    }
    if (r.token.empty()) return bad("resume needs the 'token' the server gave");
    return ClientMessage(std::move(r));
  }
  if (type == "message") {
    if (j.contains("token") || j.contains("last_seq")) {
      return bad("'token' and 'last_seq' belong in a resume message");
    }
    auto input = input_from(j);
    if (!input) return input.error();
    return ClientMessage(ClientInput{std::move(*input)});
  }
  return bot::Error{bot::Code::unknown_type, ""};
}

json session_message(const std::string& token, const std::string& session_id, bool resumed,
                     int last_seq) {
  return {{"type", "session"},
          {"token", token},
          {"conversation_id", session_id},
          {"resumed", resumed},
          {"last_seq", last_seq}};
}

}  // namespace calfbot::adapters
