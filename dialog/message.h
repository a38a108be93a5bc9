// The bot's messages (docs/protocol.md, "Bot to patient") as C++ values:
// what the engine says, carried as they are through bot/ to the channels.
// Their one JSON form, which the store keeps and the wire carries, is
// written and read by bot/message_json.h alone. Plain data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "dialog/understanding/value.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

// How a question is answered (its "answer_type"): a knowledge::AnswerType,
// or free text, which only the opening question takes.
enum class AnswerKind { text, yes_no, single_choice, multi_choice, number, duration };
std::string_view to_string(AnswerKind k);
std::optional<AnswerKind> answer_kind_from_string(std::string_view id);
AnswerKind answer_kind(knowledge::AnswerType t);

// Why the engine refused a message (an "error" message's "code"; the ids are
// bot::Code's, docs/errors.md).
enum class InputError { empty_message, message_too_long, unknown_choice };

struct ChoiceOption {
  std::string id;
  std::string label;
};

struct QuestionMessage {
  int seq = 0;  // 0 until sent
  std::string slot;
  std::string text;
  AnswerKind answer_type = AnswerKind::text;
  std::string why;
  int asked = 0;           // "progress": questions asked so far...
  std::optional<int> max;  // ...and at the most (the opening question has none)
  std::optional<std::vector<ChoiceOption>> choices;
  std::string snomed;  // "" = none
  std::optional<std::pair<double, double>> range;  // a number's accepted range
  // Repair: the plain yes/no about the single most important thing the
  // question asks ("repair": "direct"), with the findings it asks about.
  bool direct = false;
  std::vector<std::string> findings;  // only with direct
};

struct EscalationMessage {
  int seq = 0;
  knowledge::Triage level = knowledge::Triage::urgent;
  std::string text;
  std::vector<std::string> rules;
  std::string emergency_number;
};

// A finding for or against a cause, as the outcome shows it.
struct Reason {
  std::string finding;
  std::string label;
  bool present = false;
};

struct RankedCause {
  std::string id;
  std::string name;
  std::string patient_name;
  std::string summary;
  double score = 0;  // rounded to 3 places
  std::vector<Reason> for_it;
  std::vector<Reason> against;
  knowledge::Triage urgency = knowledge::Triage::self_care;
  std::vector<std::string> cite;
};

struct WellsItem {
  std::string id;
  std::string label;
  int points = 0;
  Value answer = Value::unknown;  // yes, no or unknown
};

struct WellsResult {
  int total = 0;
  bool likely = false;
  bool complete = false;
  std::vector<WellsItem> parts;
  std::string note;
};

// A test, self-care step or safety-net line.
struct AdviceLine {
  std::string id;
  std::string name;
  std::string text;
  std::vector<std::string> cite;
};

struct OutcomeMessage {
  int seq = 0;
  knowledge::Triage triage = knowledge::Triage::self_care;
  std::string text;
  std::vector<RankedCause> conditions;
  WellsResult wells;
  std::vector<AdviceLine> tests;
  std::vector<AdviceLine> self_care;
  std::vector<AdviceLine> safety_net;
  std::vector<std::string> red_flags;
  std::string emergency_number;
  std::string disclaimer;
  std::string knowledge_version;
};

// Why an info message was sent when no patient message asked for it.
enum class InfoReason {
  none,
  session_expired,  // the safety net of an escalated conversation that expired
};

struct InfoMessage {
  int seq = 0;
  std::string text;
  std::string language;  // the reply to a message in another language: its id; "" = English
  InfoReason reason = InfoReason::none;
};

struct ErrorMessage {
  int seq = 0;
  InputError code = InputError::empty_message;
  std::string text;
};

// A member of the clinic's staff in the conversation (docs/console.md,
// "Handoff"): joined (the bot stops asking), wrote, or handed back.
enum class StaffEvent { joined, message, left };
std::string_view to_string(StaffEvent e);
std::optional<StaffEvent> staff_event_from_string(std::string_view id);

struct StaffMessage {
  int seq = 0;
  StaffEvent event = StaffEvent::message;
  std::string name;  // the member of staff, as the patient is told it
  std::string text;  // their words, or what the patient is told of the event
};

using Message = std::variant<QuestionMessage, EscalationMessage, OutcomeMessage, InfoMessage,
                             ErrorMessage, StaffMessage>;

// Every message's "seq" (1, 2, 3, ... within a conversation).
int seq_of(const Message& m);
void set_seq(Message& m, int seq);

}  // namespace calfbot::dialog
