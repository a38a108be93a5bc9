// SMS through Twilio Programmable Messaging: the incoming-message webhook
// (application/x-www-form-urlencoded: MessageSid, From, To, Body, ...) and
// the Messages resource (POST /2010-04-01/Accounts/{AccountSid}/Messages.json
// with To, From, Body). Pure translation, no I/O.
//
// SMS has no buttons: choices are numbered and the patient answers with the
// digit or in words. Keywords (the whole message, any case): STOP, STOPALL,
// UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE opt out; START, UNSTOP (and
// YES while opted out) opt back in; HELP, INFO ask for help. Twilio's own
// OptOutType parameter, when present, wins.
#pragma once

#include <string>
#include <vector>

#include "adapters/platforms/platform.h"
#include "adapters/platforms/signatures.h"
#include "bot/outbox/outbox.h"

namespace calfbot::adapters::platforms::twilio {

constexpr size_t kMaxBody = 1600;  // Twilio's limit for one message's Body

// Reads one incoming-message webhook. Errors: "bad_payload" without
// MessageSid or From.
bot::Result<Parsed> parse_webhook(const Params& form);

// The Messages calls that show `message` to `to` from `from`, each part at
// most `max_chars` characters (split at paragraph, line or sentence breaks,
// numbered "(1/3)" when split), in characters an SMS carries well (typographic
// quotes and dashes made plain).
std::vector<ApiCall> render(const dialog::Message& message, const std::string& to,
                            const std::string& from, const std::string& account_sid,
                            size_t max_chars = 640);

// The text of a bot message as an SMS, before splitting.
std::string sms_text(const dialog::Message& message);

// A static note for HELP before any conversation, and after STOP nothing.
std::string help_text(const std::string& emergency_number);

// Reads the answer of Messages: 2xx delivered; 429, 401, 5xx retried;
// 21610 (the number opted out) and other 4xx failed.
bot::Outcome classify(const bot::OutboundResponse& response);

}  // namespace calfbot::adapters::platforms::twilio
