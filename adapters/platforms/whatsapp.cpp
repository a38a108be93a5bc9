#include "adapters/platforms/whatsapp.h"
#include "config/bounded_json.h"

#include "adapters/platforms/signatures.h"
#include "adapters/api/plain_text.h"

namespace calfbot::adapters::platforms::whatsapp {

using nlohmann::json;

namespace {

json envelope(const std::string& to, const std::string& type) {
  return {{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", to},
          {"type", type}};
}

ApiCall call(const json& body) { return ApiCall{"/messages", "application/json", body.dump()}; }

void add_text(std::vector<ApiCall>& calls, const std::string& to, const std::string& text) {
  for (const auto& part : split_text(text, kMaxText)) {
    json j = envelope(to, "text");
    j["text"] = {{"preview_url", false}, {"body", part}};
    calls.push_back(call(j));
  }
}

std::string numbered(const std::vector<dialog::ChoiceOption>& choices) {
  std::string out;
  int i = 1;
  for (const auto& c : choices) out += "\n" + std::to_string(i++) + ". " + c.label;
  return out;
}

// A question as an interactive message, or nullopt when its choices do not
// fit one (then it goes as numbered text).
std::optional<json> interactive(const std::vector<dialog::ChoiceOption>& choices,
                               const std::string& to, std::string body_text) {
  bool short_labels = true;
  for (const auto& c : choices) {
    if (utf8_length(c.label) > kMaxButtonTitle) short_labels = false;
    if (c.id.size() > kMaxRowId) return std::nullopt;
  }
  if (utf8_length(body_text) > kMaxBody) return std::nullopt;
  json j = envelope(to, "interactive");
  if (choices.size() <= kMaxButtons && short_labels) {
    json buttons = json::array();
    for (const auto& c : choices) {
      buttons.push_back({{"type", "reply"}, {"reply", {{"id", c.id}, {"title", c.label}}}});
    }
    j["interactive"] = {{"type", "button"},
                        {"body", {{"text", body_text}}},
                        {"action", {{"buttons", buttons}}}};
    return j;
  }
  if (choices.size() > kMaxRows) return std::nullopt;
  json rows = json::array();
  for (const auto& c : choices) {
    const std::string& label = c.label;
    json row{{"id", c.id}, {"title", utf8_truncate(label, kMaxRowTitle)}};
    // A cut title is completed by the description, which shows below it.
    if (utf8_length(label) > kMaxRowTitle) row["description"] = utf8_truncate(label, kMaxRowDescription);
    rows.push_back(row);
  }
  j["interactive"] = {
      {"type", "list"},
      {"body", {{"text", body_text}}},
      {"action", {{"button", "Choose an answer"}, {"sections", {{{"title", "Answers"}, {"rows", rows}}}}}}};
  return j;
}

// A question with choices: buttons or a list where they fit, else numbered text.
std::vector<ApiCall> render_choices(const dialog::QuestionMessage& q, const std::string& to) {
  std::vector<ApiCall> calls;
  const bool multi = q.answer_type == dialog::AnswerKind::multi_choice;
  std::string body = q.text;
  if (multi) {
    body += numbered(*q.choices) +
            "\n\nPick the one that fits best, or type the numbers of all that apply (e.g. 1,3).";
  }
  if (auto j = interactive(*q.choices, to, body)) {
    calls.push_back(call(*j));
  } else {
    add_text(calls, to, q.text + numbered(*q.choices) +
                            "\n\nReply with the number" + (multi ? "s that apply (e.g. 1,3)." : "."));
  }
  return calls;
}

}  // namespace

std::optional<std::string> verify_challenge(const std::string& query,
                                            const std::string& verify_token) {
  std::string mode, token, challenge;
  for (const auto& [k, v] : parse_form(query)) {
    if (k == "hub.mode") mode = v;
    if (k == "hub.verify_token") token = v;
    if (k == "hub.challenge") challenge = v;
  }
  if (mode != "subscribe" || verify_token.empty() || challenge.empty() ||
      !constant_time_equal(token, verify_token)) {
    return std::nullopt;
  }
  return challenge;
}

bot::Result<Parsed> parse_webhook(const std::string& body, const std::string& phone_number_id) {
  json w = config::parse_bounded(body);
  if (!w.is_object() || text_field(w, "object") != "whatsapp_business_account" ||
      !w.contains("entry") || !w["entry"].is_array()) {
    return bot::Error(bot::Code::bad_payload, "not a WhatsApp Business Account webhook");
  }
  Parsed p;
  for (const auto& entry : w["entry"]) {
    if (!entry.is_object() || !entry.contains("changes") || !entry["changes"].is_array()) continue;
    for (const auto& change : entry["changes"]) {
      if (!change.is_object()) continue;
      std::string field = text_field(change, "field");
      if (field != "messages") {
        p.skipped.push_back("field " + (field.empty() ? "?" : field));
        continue;
      }
      const json& value = object_field(change, "value");
      std::string to_id = text_field(object_field(value, "metadata"), "phone_number_id");
      if (!phone_number_id.empty() && to_id != phone_number_id) {
        p.skipped.push_back("message for another phone number id");
        continue;
      }
      if (value.contains("statuses")) p.skipped.push_back("status callback");
      if (value.contains("errors")) p.skipped.push_back("error callback");
      if (!value.contains("messages") || !value["messages"].is_array()) continue;
      for (const auto& m : value["messages"]) {
        if (!m.is_object()) continue;
        Inbound e;
        e.event_id = text_field(m, "id");
        e.user = text_field(m, "from");
        std::string ts = text_field(m, "timestamp");
        if (!ts.empty() && ts.find_first_not_of("0123456789") == std::string::npos && ts.size() < 19) {
          e.time_unix = std::stoll(ts);
        }
        std::string type = text_field(m, "type");
        const json& inter = object_field(m, "interactive");
        if (type == "text") {
          e.value = text_field(object_field(m, "text"), "body");
        } else if (type == "interactive" && text_field(inter, "type") == "button_reply") {
          e.kind = Inbound::Kind::choice;
          e.value = text_field(object_field(inter, "button_reply"), "id");
        } else if (type == "interactive" && text_field(inter, "type") == "list_reply") {
          e.kind = Inbound::Kind::choice;
          e.value = text_field(object_field(inter, "list_reply"), "id");
        } else if (type == "button") {  // a quick-reply button of a template message
          e.value = text_field(object_field(m, "button"), "text");
        } else {
          e.kind = Inbound::Kind::unsupported;
        }
        if (e.event_id.empty() || e.user.empty()) {
          return bot::Error(bot::Code::bad_payload, "a message without id or from");
        }
        p.events.push_back(std::move(e));
      }
    }
  }
  return p;
}

std::vector<ApiCall> render(const dialog::Message& m, const std::string& to) {
  std::vector<ApiCall> calls;
  if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) {
    if (q->choices && !q->choices->empty()) return render_choices(*q, to);
    add_text(calls, to, q->text);
  } else if (const auto* e = std::get_if<dialog::EscalationMessage>(&m)) {
    add_text(calls, to, emergency_headline(*e) + "\n\n" + e->text);
  } else {
    add_text(calls, to, render_plain(m));
  }
  return calls;
}

bot::Outcome classify(const bot::OutboundResponse& r) {
  bot::Outcome o = bot::default_outcome(r);
  json j = config::parse_bounded(r.body);  // the platform's answer is outside input too
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return o;
  int64_t code = int_field(j["error"], "code");
  o.detail += " error " + std::to_string(code);
  // Rate limits come back as 400 with these codes: wait and try again.
  if (code == 130429 || code == 131056 || code == 80007 || code == 4 || code == 131000) {
    o.kind = bot::Outcome::Kind::retry;
    if (code == 131056 && o.retry_after_ms < 0) o.retry_after_ms = 6000;
  }
  return o;
}

}  // namespace calfbot::adapters::platforms::whatsapp
