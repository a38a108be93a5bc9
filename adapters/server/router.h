// Routes plain HTTP requests (not WebSocket upgrades): operations endpoints,
// the REST channel and the widget's files. Thread-safety: handle() may be
// called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/server/http_types.h"
#include "adapters/api/rest_api.h"
#include "adapters/api/static_files.h"

namespace calfbot::config {
struct ServerConfig;
}

namespace calfbot::adapters {

class Metrics;
class Logger;

class Router {
 public:
  // ready: false while the server shuts down (GET /readyz answers 503).
  // allow_new_conversation: whether a client address may start another
  // conversation (REST), counting it if so.
  Router(const config::ServerConfig& config, bot::ConversationService& service, Metrics& metrics,
         Logger& log, std::function<bool()> ready,
         std::function<bool(const std::string& address)> allow_new_conversation);

  // Calls `done` exactly once with the response, maybe later and from
  // another thread (a REST message replies once it is durable).
  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

  // Routes of another component (the messaging platforms' webhooks): a
  // request whose path `owns` accepts goes to `handler`, whatever its method.
  // Call before the server starts accepting.
  using Handler = std::function<void(const HttpRequest&, std::function<void(HttpResponse)>)>;
  void add_routes(std::function<bool(const std::string& path)> owns, Handler handler);

 private:
  // /metrics: with server.metrics_token, a request bearing it; without, a
  // client on this machine.
  bool metrics_allowed(const HttpRequest& req) const;

  Metrics& metrics_;
  const std::string metrics_token_;
  std::function<bool()> ready_;
  StaticFiles files_;
  RestApi rest_;
  std::vector<std::pair<std::function<bool(const std::string&)>, Handler>> extra_;
};

}  // namespace calfbot::adapters
