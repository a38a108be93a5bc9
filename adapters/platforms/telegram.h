// Telegram Bot API (https://core.telegram.org/bots/api): a webhook receives
// Update objects as JSON; replies go out with sendMessage, button presses are
// answered with answerCallbackQuery. Pure translation, no I/O.
//
// Only private chats are served (a health conversation is one to one); other
// chats, edits and channel posts are skipped. Commands: /start, /restart,
// /help (also "/help@botname").
#pragma once

#include <string>
#include <vector>

#include "adapters/platforms/platform.h"
#include "bot/outbox/outbox.h"

namespace calfbot::adapters::platforms::telegram {

constexpr size_t kMaxText = 4096;          // sendMessage text, characters
constexpr size_t kMaxCallbackData = 64;    // InlineKeyboardButton.callback_data, bytes

// Reads one Update. Errors: "bad_payload" when it is not an Update.
bot::Result<Parsed> parse_update(const std::string& body);

// The sendMessage calls that show `message` in chat `chat_id`: questions get
// an inline keyboard (one button per choice; short labels share a row), long
// text is split, an escalation leads with the emergency number.
std::vector<ApiCall> render(const dialog::Message& message, const std::string& chat_id);

// answerCallbackQuery, which stops the button's spinner.
ApiCall answer_callback(const std::string& callback_query_id);

// Reads sendMessage's answer: 2xx delivered; 429 retried after
// parameters.retry_after; 401, 5xx retried; other 4xx (blocked by the user,
// chat not found, bad request) failed.
bot::Outcome classify(const bot::OutboundResponse& response);

}  // namespace calfbot::adapters::platforms::telegram
