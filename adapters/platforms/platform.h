// What the messaging-platform adapters share: the channel-neutral event a
// webhook carries (Inbound), the platform API call a bot message becomes
// (ApiCall), and text helpers every platform needs (splitting long text,
// reading "2" or "1,3" as choices of the last question).
//
// Nothing here knows a platform's payloads: telegram.h, whatsapp.h and
// twilio_sms.h translate them, channel.h runs the conversation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/error.h"
#include "dialog/message.h"

namespace calfbot::adapters::platforms {

// One thing a patient did on a platform.
struct Inbound {
  enum class Kind {
    text,         // value: what they typed
    choice,       // value: the choice id of a pressed button or list row
    command,      // value: start, restart, help, stop (opt out), unstop (opt in)
    unsupported,  // a photo, sticker, voice note...: answered with a short note
  };
  std::string event_id;  // the platform's id of this delivery, for de-duplication
  std::string user;      // the platform's id of the patient (chat id, wa_id, phone number)
  Kind kind = Kind::text;
  std::string value;
  std::string callback_id;  // Telegram: the callback query to answer, else ""
  int64_t time_unix = 0;    // when the platform says it was sent; 0 = unknown
};

// What a webhook request held: the events, and why other parts were skipped
// (status callbacks, group chats, edits), for the log.
struct Parsed {
  std::vector<Inbound> events;
  std::vector<std::string> skipped;
};

// One call of a platform's API: a path below the platform's base URL (which,
// like the credentials, is added at send time) and its body.
struct ApiCall {
  std::string path;
  std::string content_type = "application/json";
  std::string body;
};

// The last question shown to a user, so that a typed "2" or "1,3" can be read
// as its choices.
struct QuestionMemo {
  std::string answer_type;  // "" when no question is open
  std::vector<std::string> choice_ids;
  nlohmann::json to_json() const;
  static QuestionMemo from_json(const nlohmann::json& j);
  static QuestionMemo from_message(const dialog::QuestionMessage& question);
};

// Fields of a payload from outside (a webhook, a platform API's answer),
// read without trusting its shape: the field when `j` is an object holding
// one of that type at `key`, else "", 0 or an empty object. (nlohmann's
// value() throws when a field has another type.)
std::string text_field(const nlohmann::json& j, const char* key);
int64_t int_field(const nlohmann::json& j, const char* key);
const nlohmann::json& object_field(const nlohmann::json& j, const char* key);

// "2" -> the second choice id, "1,3" / "1 and 3" -> "a,c" (multi_choice
// only), "#2" (a button whose id was too long to carry) -> the second id.
// nullopt when the text is not such a number list or a number is out of range;
// a "number" question's answer is never read as a choice.
std::optional<std::string> choice_from_digits(const std::string& text, const QuestionMemo& memo);

// Code points in UTF-8 text (platform limits count characters, not bytes).
size_t utf8_length(const std::string& s);
// The first `n` code points.
std::string utf8_prefix(const std::string& s, size_t n);
// At most `n` code points, ending in "…" when cut.
std::string utf8_truncate(const std::string& s, size_t n);

// Splits text into parts of at most max_chars code points, at a paragraph
// break if one is late enough in the part, else a line break, a sentence end,
// a space, and only as a last resort inside a word.
std::vector<std::string> split_text(const std::string& text, size_t max_chars);

// The emergency escalation's first line, the number in plain text, e.g.
// "EMERGENCY: call 999 now."
std::string emergency_headline(const dialog::EscalationMessage& escalation);

}  // namespace calfbot::adapters::platforms
