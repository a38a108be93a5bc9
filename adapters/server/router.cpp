#include "adapters/server/router.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "adapters/api/errors.h"
#include "adapters/metrics.h"
#include "config/config.h"

namespace calfbot::adapters {

namespace {

HttpResponse status_response(int status, const char* text) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"status", text}}.dump();
  r.headers = {{"Cache-Control", "no-store"}};
  return r;
}

}  // namespace

Router::Router(const config::ServerConfig& config, bot::ConversationService& service,
               Metrics& metrics, Logger& log, std::function<bool()> ready,
               std::function<bool(const std::string& address)> allow_new_conversation)
    : metrics_(metrics),
      metrics_token_(config.metrics_token),
      ready_(std::move(ready)),
      files_(config.allowed_origins),
      rest_(service, metrics, log, std::move(allow_new_conversation)) {}

void Router::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  metrics_.http_requests_total++;
  for (const auto& [owns, handler] : extra_) {
    if (owns(req.path)) return handler(req, std::move(done));
  }
  if (RestApi::owns(req)) return rest_.handle(req, std::move(done));
  bool get = req.method == "GET" || req.method == "HEAD";
  if (req.path == "/v1/chat") return done(error_response(bot::Code::upgrade_required));
  if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics") {
    if (!get) return done(error_response(bot::Code::method_not_allowed));
    if (req.path == "/healthz") return done(status_response(200, "ok"));
    if (req.path == "/readyz") {
      return done(ready_() ? status_response(200, "ready") : status_response(503, "shutting_down"));
    }
    if (!metrics_allowed(req)) return done(error_response(bot::Code::forbidden));
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render();
    r.headers = {{"Cache-Control", "no-store"}};
    return done(std::move(r));
  }
  if (auto file = files_.get(req.path, req.header("if-none-match"))) {
    if (!get) return done(error_response(bot::Code::method_not_allowed));
    return done(std::move(*file));
  }
  done(error_response(bot::Code::not_found));
}

bool Router::metrics_allowed(const HttpRequest& req) const {
  if (metrics_token_.empty()) return req.local;
  const std::string presented = bearer_token(req);
  return presented.size() == metrics_token_.size() &&
         CRYPTO_memcmp(presented.data(), metrics_token_.data(), presented.size()) == 0;
}

void Router::add_routes(std::function<bool(const std::string& path)> owns, Handler handler) {
  extra_.emplace_back(std::move(owns), std::move(handler));
}

}  // namespace calfbot::adapters
