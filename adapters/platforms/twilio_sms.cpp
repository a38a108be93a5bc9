#include "adapters/platforms/twilio_sms.h"

#include <algorithm>
#include <cctype>

#include "adapters/api/plain_text.h"
#include "config/bounded_json.h"

namespace calfbot::adapters::platforms::twilio {

using nlohmann::json;

namespace {

std::string trimmed_upper(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n.!");
  size_t b = s.find_last_not_of(" \t\r\n.!");
  if (a == std::string::npos) return "";
  std::string out = s.substr(a, b - a + 1);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Characters outside the GSM 7-bit alphabet turn a whole SMS into UCS-2 (70
// characters a segment instead of 160): swap the common typographic ones.
std::string plain_punctuation(std::string s) {
  const std::pair<const char*, const char*> swaps[] = {
      {"\u2018", "'"}, {"\u2019", "'"}, {"\u201C", "\""}, {"\u201D", "\""}, {"\u2013", "-"},
      {"\u2014", "-"}, {"\u2026", "..."}, {"\u00A0", " "}, {"\u2022", "-"}};
  for (const auto& [from, to] : swaps) {
    std::string f(from);
    for (size_t at = s.find(f); at != std::string::npos; at = s.find(f, at)) {
      s.replace(at, f.size(), to);
    }
  }
  return s;
}

}  // namespace

bot::Result<Parsed> parse_webhook(const Params& form) {
  std::string sid, from, text, opt_out;
  for (const auto& [k, v] : form) {
    if (k == "MessageSid" || (k == "SmsSid" && sid.empty())) sid = v;
    if (k == "From") from = v;
    if (k == "Body") text = v;
    if (k == "OptOutType") opt_out = v;
  }
  if (sid.empty() || from.empty()) {
    return bot::Error(bot::Code::bad_payload, "not a Twilio message webhook (no MessageSid or From)");
  }
  Inbound e;
  e.event_id = sid;
  e.user = from;
  e.value = text;
  std::string word = trimmed_upper(text);
  std::string type = trimmed_upper(opt_out);
  auto command = [&](const char* c) {
    e.kind = Inbound::Kind::command;
    e.value = c;
  };
  if (type == "STOP" || word == "STOP" || word == "STOPALL" || word == "STOP ALL" ||
      word == "UNSUBSCRIBE" || word == "CANCEL" || word == "END" || word == "QUIT" ||
      word == "OPTOUT" || word == "REVOKE") {
    command("stop");
  } else if (type == "START" || word == "START" || word == "UNSTOP") {
    command("unstop");
  } else if (type == "HELP" || word == "HELP" || word == "INFO") {
    command("help");
  } else if (word == "RESTART") {
    command("restart");
  }
  Parsed p;
  p.events.push_back(std::move(e));
  return p;
}

std::string sms_text(const dialog::Message& m) {
  if (const auto* e = std::get_if<dialog::EscalationMessage>(&m)) {
    return emergency_headline(*e) + " " + e->text;
  }
  const auto* q = std::get_if<dialog::QuestionMessage>(&m);
  if (!q) return render_plain(m);
  std::string text = q->text;
  if (q->answer_type == dialog::AnswerKind::yes_no) return text + "\nReply YES, NO or NOT SURE.";
  if (!q->choices || q->choices->empty()) return text;
  int i = 1;
  for (const auto& c : *q->choices) text += "\n" + std::to_string(i++) + " " + c.label;
  if (q->answer_type == dialog::AnswerKind::multi_choice) {
    return text + "\nReply with all numbers that apply, e.g. 1,3";
  }
  return text + "\nReply with a number, or in your own words.";
}

std::vector<ApiCall> render(const dialog::Message& m, const std::string& to, const std::string& from,
                            const std::string& account_sid, size_t max_chars) {
  max_chars = std::clamp<size_t>(max_chars, 70, kMaxBody);
  std::string text = plain_punctuation(sms_text(m));
  // Room for the " (1/9)" marker when it has to be split.
  auto parts = split_text(text, max_chars);
  if (parts.size() > 1) parts = split_text(text, max_chars - 8);
  std::vector<ApiCall> calls;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string body = parts[i];
    if (parts.size() > 1) {
      body += " (" + std::to_string(i + 1) + "/" + std::to_string(parts.size()) + ")";
    }
    calls.push_back(ApiCall{"/2010-04-01/Accounts/" + percent_encode(account_sid) + "/Messages.json",
                            "application/x-www-form-urlencoded",
                            form_encode({{"To", to}, {"From", from}, {"Body", body}})});
  }
  return calls;
}

std::string help_text(const std::string& emergency_number) {
  return "calfbot asks about calf and lower-leg pain and tells you how soon to get care. "
         "Text your symptoms to start, RESTART to begin again, STOP to stop messages. "
         "If you have chest pain, trouble breathing or feel faint, call " +
         emergency_number + " now.";
}

bot::Outcome classify(const bot::OutboundResponse& r) {
  bot::Outcome o = bot::default_outcome(r);
  json j = config::parse_bounded(r.body);  // the platform's answer is outside input too
  if (j.is_object() && j.contains("code") && j["code"].is_number_integer()) {
    o.detail += " error " + std::to_string(j["code"].get<int>());
  }
  return o;
}

}  // namespace calfbot::adapters::platforms::twilio
