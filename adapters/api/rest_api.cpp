#include "adapters/api/rest_api.h"
#include "config/bounded_json.h"

#include <algorithm>
#include <cctype>


#include <nlohmann/json.hpp>

#include "adapters/api/errors.h"
#include "adapters/logger.h"
#include "adapters/metrics.h"
#include "adapters/api/chat_protocol.h"
#include "bot/conversation/conversation_service.h"
#include "bot/message_json.h"

namespace calfbot::adapters {

using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/v1/conversations";
constexpr size_t kMaxExternalUser = 200;

HttpResponse from_error(const bot::Error& e) { return error_response(e.code); }

// "application/json", with or without parameters ("; charset=utf-8").
bool is_json(std::string type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "application/json";
}

}  // namespace

RestApi::RestApi(bot::ConversationService& service, Metrics& metrics, Logger& log,
                 std::function<bool(const std::string& address)> allow_new_conversation)
    : service_(service),
      metrics_(metrics),
      log_(log),
      allow_new_conversation_(std::move(allow_new_conversation)) {}

bool RestApi::owns(const HttpRequest& req) {
  const std::string p = kPrefix;
  return req.path == p || req.path.compare(0, p.size() + 1, p + "/") == 0;
}

void RestApi::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  const std::string prefix = kPrefix;
  if (req.path == prefix) {
    if (req.method != "POST") return done(error_response(bot::Code::method_not_allowed));
    return start(req, std::move(done));
  }
  // /v1/conversations/{id} or /v1/conversations/{id}/messages
  std::string rest = req.path.substr(prefix.size() + 1);
  size_t slash = rest.find('/');
  std::string id = rest.substr(0, slash);
  std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
  if (id.empty() || (tail != "" && tail != "/messages")) return done(error_response(bot::Code::not_found));
  bool messages = tail == "/messages";
  bool get = req.method == "GET" || req.method == "HEAD";  // HEAD: the same, without the body
  if (!get && !(messages && req.method == "POST")) {
    return done(error_response(bot::Code::method_not_allowed));
  }
  std::string token = bearer_token(req);
  if (token.empty()) return done(error_response(bot::Code::missing_token));
  // The token is the authority; the id in the path must name the same session.
  auto actual = service_.session_id(token);
  if (!actual) return done(from_error(actual.error()));
  if (*actual != id) return done(error_response(bot::Code::unknown_session));
  if (req.method == "POST") return post(id, token, req, std::move(done));
  done(messages ? transcript(id, token, req) : summary(id, token));
}

void RestApi::start(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  // JSON only: a form or text/plain POST is what any web page can make its
  // visitors' browsers send (no CORS preflight), spending their quota.
  if (!is_json(req.header("content-type"))) {
    metrics_.record_error(bot::Code::unsupported_media_type);
    return done(error_response(bot::Code::unsupported_media_type));
  }
  bot::Channel channel{"rest", ""};
  if (!req.body.empty()) {
    bool too_deep = false;
    json j = config::parse_bounded(req.body, too_deep);
    if (too_deep) return done(error_response(bot::Code::too_deep));
    if (j.is_discarded() || !j.is_object()) {
      return done(error_response(bot::Code::bad_message, "the body must be a JSON object (or empty)"));
    }
    for (const auto& [k, v] : j.items()) {
      if (k != "external_user") {
        return done(error_response(bot::Code::bad_message, "unknown field '" + k + "'"));
      }
      if (!v.is_string() || v.get<std::string>().size() > kMaxExternalUser) {
        return done(error_response(bot::Code::bad_message,
                                   "'external_user' must be a string of at most 200 bytes"));
      }
      channel.external_user = v.get<std::string>();
    }
  }
  if (allow_new_conversation_ && !allow_new_conversation_(req.remote_address)) {
    log_.warn("too_many_conversations", {{"address", req.remote_address}});
    return done(error_response(bot::Code::too_many_conversations));
  }
  service_.start(channel, [this, done = std::move(done)](bot::Result<bot::Started> r) {
    if (!r) {
      log_.warn("start_failed", {{"channel", "rest"}, {"code", r.error().code},
                                 {"detail", r.error().detail}});
      metrics_.record_error(r.error().code);
      return done(from_error(r.error()));
    }
    log_.info("session_started", {{"session", r->session_id}, {"channel", "rest"}});
    int last_seq = r->messages.empty() ? 0 : dialog::seq_of(r->messages.back());
    HttpResponse res = json_response(201, {{"conversation_id", r->session_id},
                                           {"token", r->token},
                                           {"last_seq", last_seq},
                                           {"messages", bot::messages_json(r->messages)}});
    res.headers.emplace_back("Location", std::string(kPrefix) + "/" + r->session_id);
    done(std::move(res));
  });
}

void RestApi::post(const std::string& id, const std::string& token, const HttpRequest& req,
                   std::function<void(HttpResponse)> done) {
  auto input = parse_input(req.body);
  if (!input) {
    metrics_.record_error(input.error().code);
    return done(error_response(input.error().code, input.error().detail));
  }
  json log_fields = {{"session", id}, {"channel", "rest"}};
  if (log_.patient_text()) log_fields["text"] = input->value;
  service_.post(token, std::move(*input), [this, id, log_fields,
                                           done = std::move(done)](bot::Result<bot::Delivery> r) {
    if (!r) {
      metrics_.record_error(r.error().code);
      log_.warn("turn_failed", {{"session", id}, {"code", r.error().code},
                                {"detail", r.error().detail}});
      return done(from_error(r.error()));
    }
    log_.info("turn", log_fields);
    done(json_response(200, {{"conversation_id", id},
                             {"last_seq", r->last_seq},
                             {"messages", bot::messages_json(r->messages)}}));
  });
}

HttpResponse RestApi::summary(const std::string& id, const std::string& token) {
  auto s = service_.summary(token);
  if (!s) return from_error(s.error());
  return json_response(200, {{"conversation_id", id},
                             {"channel", s->channel},
                             {"phase", bot::to_string(s->phase)},
                             {"escalation", s->escalation ? json(knowledge::to_string(*s->escalation))
                                                          : json()},
                             {"current_slot", s->current.empty() ? json() : json(s->current)},
                             {"knowledge_version", s->knowledge_version},
                             {"created_unix", s->created_unix},
                             {"updated_unix", s->updated_unix},
                             {"expires_unix", s->expires_unix},
                             {"last_seq", s->last_seq},
                             {"outcome", s->outcome ? bot::message_json(*s->outcome) : json()}});
}

HttpResponse RestApi::transcript(const std::string& id, const std::string& token,
                                 const HttpRequest& req) {
  int after = 0;
  std::string a = query_value(req.query, "after");
  if (!a.empty()) {
    if (a.size() > 9 || a.find_first_not_of("0123456789") != std::string::npos) {
      return error_response(bot::Code::bad_message, "'after' must be a whole number from 0");
    }
    after = std::stoi(a);
  }
  auto t = service_.transcript(token, after);
  if (!t) return from_error(t.error());
  json messages = json::array();
  for (const auto& m : *t) {
    bool in = m.direction == bot::StoredMessage::Direction::in;
    messages.push_back({{"direction", in ? "in" : "out"},
                        {"seq", m.seq},
                        {"time_unix", m.time_unix},
                        {"message", json::parse(m.body, nullptr, false)}});
  }
  return json_response(200, {{"conversation_id", id}, {"messages", messages}});
}

}  // namespace calfbot::adapters
