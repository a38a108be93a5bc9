// Webhook authentication for the messaging platforms, and the small
// encodings they need (form bodies, base64). Pure functions over bytes: no
// I/O, no state; every comparison of a secret runs in constant time.
//
//   Telegram  X-Telegram-Bot-Api-Secret-Token: the secret_token given to
//             setWebhook, sent verbatim (no HMAC).
//   WhatsApp  X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw
//             body, keyed with the Meta app secret.
//   Twilio    X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth
//             token, of the full URL Twilio requested followed by every POST
//             parameter as name+value, sorted by name.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/conversation/crypto.h"

namespace calfbot::adapters::platforms {

using Params = std::vector<std::pair<std::string, std::string>>;

// From bot/conversation/crypto.h.
using bot::base64;
using bot::constant_time_equal;
using bot::hmac_sha1_base64;
using bot::hmac_sha256_hex;

// How a webhook's authentication turned out. missing -> 401, bad -> 403.
enum class Verdict { ok, missing, bad };

Verdict verify_telegram_secret(std::string_view expected_secret, std::string_view header);
Verdict verify_meta_signature(std::string_view app_secret, std::string_view raw_body,
                              std::string_view header);

// The signature Twilio sends for a POST to `url` with `params`.
std::string twilio_signature(std::string_view auth_token, std::string_view url, Params params);
// Checks `header` against `url` as given and with the default port (443 for
// https, 80 for http) added or removed, as Twilio's own helpers do.
Verdict verify_twilio_signature(std::string_view auth_token, std::string_view url,
                                const Params& params, std::string_view header);

// application/x-www-form-urlencoded: '+' is a space, %XX a byte. A malformed
// escape is kept as it stands.
Params parse_form(std::string_view body);
std::string percent_decode(std::string_view s, bool plus_is_space);
// Encodes every byte outside A-Z a-z 0-9 - . _ ~ (spaces as %20).
std::string percent_encode(std::string_view s);
std::string form_encode(const Params& params);

}  // namespace calfbot::adapters::platforms
