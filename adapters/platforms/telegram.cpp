#include "adapters/platforms/telegram.h"
#include "config/bounded_json.h"

#include "adapters/api/plain_text.h"

namespace calfbot::adapters::platforms::telegram {

using nlohmann::json;

namespace {

std::string id_string(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

// "/start", "/start@calf_bot payload" -> "start"; "" when not a command.
std::string command_of(const std::string& text) {
  if (text.empty() || text[0] != '/') return "";
  size_t end = text.find_first_of(" @\n");
  std::string cmd = text.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  for (auto& c : cmd) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return cmd;
}

json send_message(const std::string& chat_id, const std::string& text) {
  json j{{"chat_id", chat_id}, {"text", text}};
  return j;
}

ApiCall call(const std::string& method, const json& body) {
  return ApiCall{"/" + method, "application/json", body.dump()};
}

json keyboard(const std::vector<dialog::ChoiceOption>& choices) {
  json rows = json::array();
  json row = json::array();
  size_t longest = 0;
  for (const auto& c : choices) longest = std::max(longest, utf8_length(c.label));
  // Short labels side by side (Yes / No / Not sure), long ones one a row.
  size_t per_row = longest <= 12 ? 3 : 1;
  size_t i = 0;
  for (const auto& c : choices) {
    std::string data = c.id.size() <= kMaxCallbackData ? c.id : "#" + std::to_string(i + 1);
    row.push_back({{"text", c.label}, {"callback_data", data}});
    ++i;
    if (row.size() == per_row) {
      rows.push_back(row);
      row = json::array();
    }
  }
  if (!row.empty()) rows.push_back(row);
  return {{"inline_keyboard", rows}};
}

}  // namespace

bot::Result<Parsed> parse_update(const std::string& body) {
  json u = config::parse_bounded(body);
  if (!u.is_object() || !u.contains("update_id") || !u["update_id"].is_number_integer()) {
    return bot::Error(bot::Code::bad_payload, "not a Telegram Update (no integer update_id)");
  }
  Parsed p;
  Inbound e;
  e.event_id = "update:" + std::to_string(u["update_id"].get<int64_t>());
  if (u.contains("message") && u["message"].is_object()) {
    const json& m = u["message"];
    const json& chat = object_field(m, "chat");
    std::string chat_type = text_field(chat, "type");
    if (chat_type != "private") {
      p.skipped.push_back("message in a " + (chat_type.empty() ? "unknown" : chat_type) + " chat");
      return p;
    }
    e.user = id_string(chat.contains("id") ? chat["id"] : json());
    e.time_unix = int_field(m, "date");
    if (m.contains("text") && m["text"].is_string()) {
      std::string text = m["text"].get<std::string>();
      std::string cmd = command_of(text);
      if (cmd == "start" || cmd == "restart" || cmd == "help") {
        e.kind = Inbound::Kind::command;
        e.value = cmd;
      } else {
        e.kind = Inbound::Kind::text;
        e.value = text;
      }
    } else {
      e.kind = Inbound::Kind::unsupported;
    }
  } else if (u.contains("callback_query") && u["callback_query"].is_object()) {
    const json& q = u["callback_query"];
    e.callback_id = text_field(q, "id");
    const json& msg = object_field(q, "message");
    const json& chat = object_field(msg, "chat");
    if (chat.contains("type") && text_field(chat, "type") != "private") {
      p.skipped.push_back("button press in a " + text_field(chat, "type") + " chat");
      return p;
    }
    // A private chat's id is the user's id.
    const json& from = object_field(q, "from");
    e.user = chat.contains("id")   ? id_string(chat["id"])
             : from.contains("id") ? id_string(from["id"])
                                   : "";
    e.time_unix = int_field(msg, "date");
    e.kind = Inbound::Kind::choice;
    e.value = text_field(q, "data");
  } else {
    for (const auto& item : u.items()) {
      if (item.key() != "update_id") p.skipped.push_back("update of type " + item.key());
    }
    return p;
  }
  if (e.user.empty()) return bot::Error(bot::Code::bad_payload, "the update names no chat");
  p.events.push_back(std::move(e));
  return p;
}

std::vector<ApiCall> render(const dialog::Message& m, const std::string& chat_id) {
  std::vector<ApiCall> calls;
  std::string text;
  json markup;
  if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) {
    text = q->text;
    if (q->choices && !q->choices->empty()) {
      markup = keyboard(*q->choices);
      if (q->answer_type == dialog::AnswerKind::multi_choice) {
        int i = 1;
        for (const auto& c : *q->choices) text += "\n" + std::to_string(i++) + ". " + c.label;
        text += "\n\nTap the one that fits best, or type the numbers of all that apply (e.g. 1,3).";
      }
    }
  } else if (const auto* e = std::get_if<dialog::EscalationMessage>(&m)) {
    text = emergency_headline(*e) + "\n\n" + e->text;
  } else {
    text = render_plain(m);
  }
  auto parts = split_text(text, kMaxText);
  for (size_t i = 0; i < parts.size(); ++i) {
    json body = send_message(chat_id, parts[i]);
    // The keyboard goes with the last part, next to where the patient looks.
    if (i + 1 == parts.size() && !markup.is_null()) body["reply_markup"] = markup;
    calls.push_back(call("sendMessage", body));
  }
  return calls;
}

ApiCall answer_callback(const std::string& callback_query_id) {
  return call("answerCallbackQuery", {{"callback_query_id", callback_query_id}});
}

bot::Outcome classify(const bot::OutboundResponse& r) {
  bot::Outcome o = bot::default_outcome(r);
  json j = config::parse_bounded(r.body);  // the platform's answer is outside input too
  if (j.is_object() && j.contains("description") && j["description"].is_string()) {
    o.detail += " " + std::to_string(int_field(j, "error_code")) + " " +
                utf8_truncate(j["description"].get<std::string>(), 120);
  }
  if (r.status == 429 && j.is_object() && j.contains("parameters") &&
      j["parameters"].is_object() && j["parameters"].contains("retry_after") &&
      j["parameters"]["retry_after"].is_number_integer()) {
    o.retry_after_ms = j["parameters"]["retry_after"].get<int64_t>() * 1000;
  }
  // 403 from Telegram means the user blocked the bot: retrying cannot help.
  if (r.status == 403) o.kind = bot::Outcome::Kind::failed;
  return o;
}

}  // namespace calfbot::adapters::platforms::telegram
