// WhatsApp Cloud API (Meta): the webhook's GET verification handshake, the
// "messages" webhook (text, interactive button_reply / list_reply, button,
// and status callbacks, which are skipped), and the /{phone-number-id}/messages
// calls that send text, reply buttons and list messages within the
// platform's limits. Pure translation, no I/O.
#pragma once

#include <string>
#include <vector>

#include "adapters/platforms/platform.h"
#include "bot/outbox/outbox.h"

namespace calfbot::adapters::platforms::whatsapp {

// The platform's limits, in characters.
constexpr size_t kMaxText = 4096;        // text.body
constexpr size_t kMaxBody = 1024;        // interactive body.text
constexpr size_t kMaxButtons = 3;        // reply buttons
constexpr size_t kMaxButtonTitle = 20;   // reply button title
constexpr size_t kMaxButtonId = 256;
constexpr size_t kMaxRows = 10;          // list rows over all sections
constexpr size_t kMaxRowTitle = 24;
constexpr size_t kMaxRowDescription = 72;
constexpr size_t kMaxRowId = 200;
constexpr size_t kMaxListButton = 20;    // the list's menu button label

// The GET handshake: with hub.mode=subscribe and hub.verify_token equal to
// `verify_token` (compared in constant time), the hub.challenge to echo back;
// otherwise nullopt (answer 403). `query` is the raw query string.
std::optional<std::string> verify_challenge(const std::string& query,
                                            const std::string& verify_token);

// Reads one webhook POST body. Messages become events (the event id is the
// message's wamid); statuses, errors and other fields are skipped. Messages
// for another phone number id than `phone_number_id` (when not empty) are
// skipped. Errors: "bad_payload" when it is not a WhatsApp webhook.
bot::Result<Parsed> parse_webhook(const std::string& body, const std::string& phone_number_id);

// The messages that show `message` to user `wa_id`: a question with up to 3
// short choices becomes reply buttons, with up to 10 a list message, else
// numbered text; long text is split; an escalation leads with the number.
std::vector<ApiCall> render(const dialog::Message& message, const std::string& wa_id);

// Reads the answer of /messages: 2xx delivered; throughput and pair rate
// limits (130429, 131056, 429), 401, 5xx retried; other errors failed.
bot::Outcome classify(const bot::OutboundResponse& response);

}  // namespace calfbot::adapters::platforms::whatsapp
