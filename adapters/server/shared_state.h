// What every connection shares: config, the conversation service, metrics,
// logs, the router, and the registry of open connections (for shutdown and
// for delivering an expiry to the WebSockets of a session).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <boost/asio/ip/address.hpp>

#include "adapters/server/admission.h"
#include "adapters/server/client_address.h"
#include "adapters/server/rate_limiter.h"
#include "adapters/server/router.h"

namespace calfbot::config {
struct ServerConfig;
}

namespace calfbot::adapters {

class Connection;
class WebsocketSession;

class SharedState;

// One accepted TCP connection's place (admission.h): counted while it
// exists. Movable, so the HTTP session can hand it to the WebSocket session
// it becomes.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(SharedState* owner, std::string peer_key, Admission::Kind kind)
      : owner_(owner), peer_key_(peer_key), client_(std::move(peer_key)), kind_(kind) {}
  ConnectionSlot(ConnectionSlot&& o) noexcept
      : owner_(o.owner_),
        peer_key_(std::move(o.peer_key_)),
        client_(std::move(o.client_)),
        local_(o.local_),
        kind_(o.kind_) {
    o.owner_ = nullptr;
  }
  ConnectionSlot& operator=(ConnectionSlot&& o) noexcept;
  ~ConnectionSlot();
  bool admitted() const { return owner_ != nullptr && kind_ == Admission::Kind::admitted; }
  Admission::Kind kind() const { return kind_; }
  // The client the per-client limits count (client_address.h): the peer's
  // key, or, behind a trusted proxy, the forwarded address's once a request
  // has named it.
  const std::string& address() const { return client_; }
  bool local() const { return local_; }  // the client is on this machine
  void set_client(const boost::asio::ip::address& client) {
    client_ = client_key(client);
    local_ = client.is_loopback() ||
             (client.is_v6() && client.to_v6().is_v4_mapped() &&
              boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, client.to_v6()).is_loopback());
  }

 private:
  SharedState* owner_ = nullptr;
  std::string peer_key_;  // what admission counted
  std::string client_;
  bool local_ = false;
  Admission::Kind kind_ = Admission::Kind::dropped;
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

  // The origins a browser page may open the WebSocket from: config's
  // allowed_origins, and the server's own (add_origin, before start).
  const std::vector<std::string>& origins() const { return origins_; }
  void add_origin(std::string origin) { origins_.push_back(std::move(origin)); }

  // The place of a new connection from `peer` (admission.h).
  ConnectionSlot admit(const boost::asio::ip::address& peer);
  // The client a request on a connection from `peer` comes from: behind a
  // trusted proxy, the forwarded address (client_address.h).
  boost::asio::ip::address client_of(const boost::asio::ip::address& peer,
                                     std::string_view forwarded,
                                     std::string_view x_forwarded_for) const;

  // Whether `address` may start another conversation now
  // (conversations_per_address_per_minute); counts it if so.
  bool allow_new_conversation(const std::string& address);

  void join(Connection* c, std::weak_ptr<Connection> weak);
  void leave(Connection* c);
  void bind_session(const std::string& session_id, WebsocketSession* ws,
                    std::weak_ptr<WebsocketSession> weak);
  void unbind_session(const std::string& session_id, WebsocketSession* ws);

  // Sends messages nobody asked for (JSON text) to every WebSocket of the
  // session: a member of staff's (docs/console.md, "Handoff"), or the
  // expiry's, after which they are closed (4410).
  void deliver(const std::string& session_id, const std::vector<std::string>& texts, bool expired);

  // Stops admitting and asks every open connection to go away.
  void shut_down();
  bool shutting_down() const { return shutting_down_; }

 private:
  friend class ConnectionSlot;
  void release(const std::string& peer_key, Admission::Kind kind);

  const config::ServerConfig& config_;
  bot::ConversationService& service_;
  Metrics& metrics_;
  Logger& log_;
  Router router_;

  std::atomic<bool> shutting_down_{false};
  std::vector<std::string> origins_;  // written only before the server starts
  const std::vector<Network> trusted_proxies_;
  Admission admission_;
  std::mutex address_mu_;  // guards new_conversations_
  std::unordered_map<std::string, RateLimiter> new_conversations_;
  std::mutex mu_;  // guards the two maps below
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::unordered_multimap<std::string, std::pair<WebsocketSession*, std::weak_ptr<WebsocketSession>>>
      by_session_;
};

}  // namespace calfbot::adapters
