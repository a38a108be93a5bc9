// A bot message as plain text for a person: the terminal chat and the
// platforms that carry text only (SMS, and the parts Telegram and WhatsApp
// send as text).
#pragma once

#include <string>

#include "dialog/message.h"

namespace calfbot::adapters {

std::string render_plain(const dialog::Message& message);

}  // namespace calfbot::adapters
