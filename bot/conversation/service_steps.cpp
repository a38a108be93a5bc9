#include "bot/conversation/service_steps.h"

#include <algorithm>

#include "bot/message_json.h"
#include "dialog/render.h"
#include "dialog/state.h"

namespace calfbot::bot::service_steps {

using nlohmann::json;

const char* const kExpiredEmergency =
    "This conversation has ended because it was idle. Earlier I advised you to call "
    "{emergency_number} now. If you have not had help yet, please call {emergency_number} now.";
const char* const kExpiredUrgent =
    "This conversation has ended because it was idle. Earlier I advised you to get an in-person "
    "assessment today. If you have not been seen yet, please arrange it today, and call "
    "{emergency_number} if you get chest pain, trouble breathing or feel faint.";

json input_json(const dialog::Input& in) {
  json j = {{in.kind == dialog::Input::Kind::text ? "text" : "choice", in.value}};
  if (in.utc_offset_minutes != 0) j["utc_offset_minutes"] = in.utc_offset_minutes;
  return j;
}

// The record after a step: the new state, and what the summary columns show.
void apply_state(SessionRecord& r, const dialog::State& s,
                 const std::vector<dialog::Message>& outputs) {
  r.state_json = dialog::to_json_text(s);
  r.phase = s.phase == dialog::State::Phase::done ? Phase::done : Phase::asking;
  r.level = s.escalated ? std::optional(static_cast<knowledge::Triage>(*s.escalated)) : std::nullopt;
  for (const auto& m : outputs) {
    if (const auto* o = std::get_if<dialog::OutcomeMessage>(&m)) r.triage = o->triage;
  }
  r.knowledge_version = s.knowledge_version;
  r.last_seq = s.seq;
}

// Adds the bot's messages to the write, as JSON text (bot/message_json.h),
// the one rendering of them; returns the texts, for the channels to send.
std::vector<std::string> add_out(SessionWrite& w, const std::vector<dialog::Message>& messages,
                                 int64_t now) {
  std::vector<std::string> texts;
  for (const auto& m : messages) {
    texts.push_back(message_text(m));
    w.messages.push_back(
        StoredMessage{StoredMessage::Direction::out, dialog::seq_of(m), texts.back(), now});
  }
  return texts;
}

namespace {

// The patient's stored input as the words shown for it: typed text as it
// was, a choice by its label in the question it answered ("a,b" -> "A, B").
std::string patient_words(const json& input, const dialog::QuestionMessage* question) {
  if (input.contains("text")) return input.value("text", "");
  std::string ids = input.value("choice", "");
  std::string out;
  for (size_t start = 0; start <= ids.size();) {
    size_t comma = std::min(ids.find(',', start), ids.size());
    std::string id = ids.substr(start, comma - start);
    std::string label = id;
    if (question && question->choices) {
      for (const auto& c : *question->choices) {
        if (c.id == id) label = c.label;
      }
    }
    out += (out.empty() ? "" : ", ") + label;
    start = comma + 1;
  }
  return out;
}

}  // namespace

// The stored bot messages read back, each with its text as stored; with
// `with_patient`, the patient's own messages too, in order among the texts,
// as {"type": "patient", "text": ...}.
Result<Delivery> delivery_of(Result<std::vector<StoredMessage>> stored, bool with_patient) {
  if (!stored) return stored.error();
  Delivery d;
  std::optional<dialog::QuestionMessage> question;  // the last shown before a patient message
  for (auto& m : *stored) {
    if (m.direction == StoredMessage::Direction::out) {
      auto message = message_from_text(m.body);
      if (!message) return message.error();
      if (auto* q = std::get_if<dialog::QuestionMessage>(&*message)) question = *q;
      d.messages.push_back(std::move(*message));
      d.texts.push_back(std::move(m.body));
    } else if (with_patient) {
      json body = json::parse(m.body, nullptr, false);
      if (body.is_object()) {
        d.texts.push_back(patient_text(patient_words(body, question ? &*question : nullptr)));
      }
    }
  }
  return d;
}

}  // namespace calfbot::bot::service_steps
