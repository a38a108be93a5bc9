// Escalation alerts to the clinic's webhook (docs/clinic.md, "Alerts").
//
// When an intake reaches "urgent" or "emergency", one alert per level is
// queued in the durable outbox (bot/outbox/outbox.h, lane "clinic_alert") and
// retried until the webhook answers 2xx. The stored item holds no secret; at
// each attempt the lane's prepare() stamps the current time into the body and
// signs it:
//
//   X-Calfbot-Timestamp: <unix seconds>       (the same value as the body's "timestamp")
//   X-Calfbot-Signature: sha256=<hex HMAC-SHA256(alert_secret, raw body)>
//   X-Calfbot-Delivery:  <alert id>           (the same for every retry of one alert)
//
// A receiver recomputes the HMAC over the raw body, compares in constant
// time, rejects a timestamp more than 5 minutes from its clock (replay), and
// may drop an alert id it has seen. Pure functions apart from the lane's clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/outbox/outbox.h"

namespace calfbot::bot::clinic {

inline constexpr const char* kAlertLane = "clinic_alert";
inline constexpr int64_t kAlertTolerance = 300;  // seconds a receiver should accept

struct Alert {
  std::string intake_id;
  std::string patient_ref;
  std::optional<int64_t> appointment_unix;
  std::string level;  // "urgent" or "emergency"
  std::vector<std::string> rules;  // red-flag rule ids
  int64_t raised_unix = 0;
  std::string summary_url;  // the clinic API's summary of the intake (needs an API key)
};

// "alert-<intake id>-<level>": one alert per intake and level.
std::string alert_id(const Alert& a);

// The alert's JSON body, before it is stamped and signed. It carries no
// patient words: only the clinic's own reference, the level and rule ids.
nlohmann::json alert_body(const Alert& a);

// The outbox item for an alert to `webhook_url` (deduplicated by alert id).
OutboxItem alert_item(const Alert& a, const std::string& webhook_url);

struct SignedRequest {
  std::string body;
  HeaderList headers;
};

// Stamps `timestamp` into the body (a JSON object) and signs it.
SignedRequest sign_alert(const std::string& body, const std::string& secret, int64_t timestamp);

// The outbox lane: prepare() signs with the clock's time at each attempt.
Lane alert_lane(std::string secret, std::function<int64_t()> clock);

// What a receiver does; "" when the alert is genuine and fresh, else why not.
std::string verify_alert(const std::string& body, const std::string& signature_header,
                         const std::string& timestamp_header, const std::string& secret,
                         int64_t now, int64_t tolerance = kAlertTolerance);

}  // namespace calfbot::bot::clinic
