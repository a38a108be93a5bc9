#include "bot/clinic/alerts.h"

#include <cstdlib>

#include "bot/clinic/answers.h"
#include "bot/conversation/crypto.h"

namespace calfbot::bot::clinic {

using nlohmann::json;

std::string alert_id(const Alert& a) { return "alert-" + a.intake_id + "-" + a.level; }

json alert_body(const Alert& a) {
  json j = {{"type", "intake.escalation"},
            {"id", alert_id(a)},
            {"intake_id", a.intake_id},
            {"level", a.level},
            {"rules", a.rules},
            {"raised_at", iso8601_utc(a.raised_unix)},
            {"summary_url", a.summary_url}};
  j["patient_ref"] = a.patient_ref.empty() ? json(nullptr) : json(a.patient_ref);
  j["appointment"] = a.appointment_unix ? json(iso8601_utc(*a.appointment_unix)) : json(nullptr);
  return j;
}

OutboxItem alert_item(const Alert& a, const std::string& webhook_url) {
  OutboxItem item;
  item.lane = kAlertLane;
  item.key = "clinic-alert-" + a.intake_id;  // one intake's alerts in order
  item.dedupe_id = alert_id(a);
  item.request.method = "POST";
  item.request.url = webhook_url;
  item.request.headers = {{"Content-Type", "application/json"}};
  item.request.body = alert_body(a).dump();
  return item;
}

SignedRequest sign_alert(const std::string& body, const std::string& secret, int64_t timestamp) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) j = json::object();
  j["timestamp"] = timestamp;
  SignedRequest r;
  r.body = j.dump();
  r.headers = {{"Content-Type", "application/json"},
               {"X-Calfbot-Timestamp", std::to_string(timestamp)},
               {"X-Calfbot-Signature", "sha256=" + hmac_sha256_hex(secret, r.body)},
               {"X-Calfbot-Delivery", j.value("id", "")}};
  return r;
}

Lane alert_lane(std::string secret, std::function<int64_t()> clock) {
  Lane lane;
  lane.name = kAlertLane;
  lane.rate_per_second = 10;
  lane.burst = 10;
  lane.prepare = [secret = std::move(secret), clock = std::move(clock)](OutboundRequest r) {
    SignedRequest s = sign_alert(r.body, secret, clock());
    r.body = std::move(s.body);
    r.headers = std::move(s.headers);
    return r;
  };
  return lane;
}

std::string verify_alert(const std::string& body, const std::string& signature_header,
                         const std::string& timestamp_header, const std::string& secret,
                         int64_t now, int64_t tolerance) {
  const std::string prefix = "sha256=";
  if (signature_header.rfind(prefix, 0) != 0) return "no sha256= signature";
  if (!constant_time_equal(signature_header.substr(prefix.size()), hmac_sha256_hex(secret, body))) {
    return "bad signature";
  }
  char* end = nullptr;
  long long ts = std::strtoll(timestamp_header.c_str(), &end, 10);
  if (timestamp_header.empty() || *end != '\0') return "no timestamp";
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("timestamp") || j["timestamp"] != ts) {
    return "timestamp header differs from the signed body";
  }
  if (std::llabs(now - ts) > tolerance) return "stale timestamp (replay?)";
  return "";
}

}  // namespace calfbot::bot::clinic
