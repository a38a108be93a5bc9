// The HTTP and WebSocket server of `calfbot serve`: a listener on the
// configured address, the routes of docs/protocol.md, and a graceful shutdown.
// The caller owns the io_context and runs it on its threads.
// Thread-safety: shutdown() and deliver() may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/error.h"

namespace boost::asio {
class io_context;
}
namespace calfbot::bot {
class ConversationService;
}
namespace calfbot::config {
struct ServerConfig;
}

namespace calfbot::adapters {

class Listener;
class Logger;
class Metrics;
class Router;
class SharedState;

class Server {
 public:
  // All references must outlive the server.
  Server(boost::asio::io_context& ioc, const config::ServerConfig& config,
         bot::ConversationService& service, Metrics& metrics, Logger& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds config.host:config.port and starts accepting. Returns the port
  // bound, or "bind_failed" with the reason. The server's own origin
  // (http://host:port, and http://localhost:port on loopback) joins the
  // allowed origins.
  bot::Result<unsigned short> start();

  // Another origin that is the server's own (where patients reach it, e.g.
  // the clinic's public base URL), before start().
  void add_own_origin(const std::string& origin);

  // Stops accepting, answers /readyz with 503, closes every WebSocket with
  // 1001 and every idle HTTP connection; requests in progress finish.
  void shutdown();

  // For ServiceOptions::on_expired (expired: then closes them) and
  // on_pushed: sends the messages (JSON text) to the session's open WebSockets.
  void deliver(const std::string& session_id, const std::vector<std::string>& texts, bool expired);

  // The router, to add another component's routes before start().
  Router& router();

 private:
  boost::asio::io_context& ioc_;
  const config::ServerConfig& config_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace calfbot::adapters
