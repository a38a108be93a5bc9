// The conversation service's steps that need no session of its own: the
// record after an engine step, the bot's messages as stored, a delivery read
// back from the store. Internal to bot/conversation/conversation_service.cpp.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/conversation/conversation_service.h"

namespace calfbot::bot::service_steps {

// The safety-net texts of an escalated conversation that expired.
extern const char* const kExpiredEmergency;
extern const char* const kExpiredUrgent;

// A patient input as stored: {"text": ...} or {"choice": ...}, with its UTC offset.
nlohmann::json input_json(const dialog::Input& in);

// The record after a step: the new state, and what the summary columns show.
void apply_state(SessionRecord& r, const dialog::State& s, const std::vector<dialog::Message>& outputs);

// Adds the bot's messages to the write, as JSON text (bot/message_json.h),
// the one rendering of them; returns the texts, for the channels to send.
std::vector<std::string> add_out(SessionWrite& w, const std::vector<dialog::Message>& messages,
                                 int64_t now);

// The stored bot messages read back, each with its text as stored; with
// `with_patient`, the patient's own messages too, in order among the texts,
// as {"type": "patient", "text": ...}.
Result<Delivery> delivery_of(Result<std::vector<StoredMessage>> stored, bool with_patient);

}  // namespace calfbot::bot::service_steps
