// What every connection shares: config, the conversation service, metrics,
// logs, the router, and the registry of open connections (for shutdown and
// for delivering an expiry to the WebSockets of a session).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "adapters/server/rate_limiter.h"
#include "adapters/server/router.h"

namespace calfbot::config {
struct ServerConfig;
}

namespace calfbot::adapters {

class Connection;
class WebsocketSession;

class SharedState;

// One admitted TCP connection: counted while it exists. Movable, so the
// HTTP session can hand it to the WebSocket session it becomes.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(SharedState* owner, std::string address)
      : owner_(owner), address_(std::move(address)) {}
  ConnectionSlot(ConnectionSlot&& o) noexcept
      : owner_(o.owner_), address_(std::move(o.address_)) {
    o.owner_ = nullptr;
  }
  ConnectionSlot& operator=(ConnectionSlot&& o) noexcept;
  ~ConnectionSlot();
  bool admitted() const { return owner_ != nullptr; }
  const std::string& address() const { return address_; }  // the client's IP address

 private:
  SharedState* owner_ = nullptr;
  std::string address_;
};

class SharedState {
 public:
  SharedState(const config::ServerConfig& config, bot::ConversationService& service,
              Metrics& metrics, Logger& log);

  const config::ServerConfig& config() const { return config_; }
  bot::ConversationService& service() { return service_; }
  Metrics& metrics() { return metrics_; }
  Logger& log() { return log_; }
  Router& router() { return router_; }

  // A slot for a connection from `address`, or an unadmitted one when
  // max_connections are open, or max_connections_per_address from this
  // address, or the server is shutting down.
  ConnectionSlot admit(const std::string& address);

  // Whether `address` may start another conversation now
  // (conversations_per_address_per_minute); counts it if so.
  bool allow_new_conversation(const std::string& address);

  void join(Connection* c, std::weak_ptr<Connection> weak);
  void leave(Connection* c);
  void bind_session(const std::string& session_id, WebsocketSession* ws,
                    std::weak_ptr<WebsocketSession> weak);
  void unbind_session(const std::string& session_id, WebsocketSession* ws);

  // Sends the expiry messages (JSON text) to every WebSocket of the session,
  // then closes them (4410).
  void deliver_expired(const std::string& session_id, const std::vector<std::string>& texts);

  // Stops admitting and asks every open connection to go away.
  void shut_down();
  bool shutting_down() const { return shutting_down_; }

 private:
  friend class ConnectionSlot;
  void release(const std::string& address);

  const config::ServerConfig& config_;
  bot::ConversationService& service_;
  Metrics& metrics_;
  Logger& log_;
  Router router_;

  std::atomic<bool> shutting_down_{false};
  std::atomic<int> open_{0};
  std::mutex address_mu_;  // guards the two per-address maps
  std::unordered_map<std::string, int> open_by_address_;
  std::unordered_map<std::string, RateLimiter> new_conversations_;
  std::mutex mu_;  // guards the two maps below
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::unordered_multimap<std::string, std::pair<WebsocketSession*, std::weak_ptr<WebsocketSession>>>
      by_session_;
};

}  // namespace calfbot::adapters
