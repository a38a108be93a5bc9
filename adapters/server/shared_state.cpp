#include "adapters/server/shared_state.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/server/connection.h"
#include "adapters/metrics.h"
#include "adapters/server/websocket_session.h"
#include "config/config.h"

namespace calfbot::adapters {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->release(peer_key_, kind_);
    owner_ = o.owner_;
    peer_key_ = std::move(o.peer_key_);
    client_ = std::move(o.client_);
    local_ = o.local_;
    kind_ = o.kind_;
    o.owner_ = nullptr;
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (owner_) owner_->release(peer_key_, kind_);
}

SharedState::SharedState(const config::ServerConfig& config, bot::ConversationService& service,
                         Metrics& metrics, Logger& log)
    : config_(config),
      service_(service),
      metrics_(metrics),
      log_(log),
      router_(config, service, metrics, log, [this] { return !shutting_down_; },
              [this](const std::string& address) { return allow_new_conversation(address); }),
      origins_(config.allowed_origins),
      trusted_proxies_(parse_networks(config.trusted_proxies)),
      admission_({config.max_connections, config.max_connections_per_address,
                  config.health_reserve_connections}) {}

ConnectionSlot SharedState::admit(const boost::asio::ip::address& peer) {
  const std::string key = client_key(peer);
  const bool proxy = std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                                 [&](const Network& n) { return n.contains(peer); });
  const Admission::Kind kind = admission_.admit(key, proxy, shutting_down_);
  metrics_.connections_open = admission_.open();
  if (kind == Admission::Kind::dropped) return ConnectionSlot();
  return ConnectionSlot(this, key, kind);
}

boost::asio::ip::address SharedState::client_of(const boost::asio::ip::address& peer,
                                                std::string_view forwarded,
                                                std::string_view x_forwarded_for) const {
  return client_address(peer, forwarded, x_forwarded_for, trusted_proxies_);
}

void SharedState::release(const std::string& peer_key, Admission::Kind kind) {
  admission_.release(peer_key, kind);
  metrics_.connections_open = admission_.open();
}

bool SharedState::allow_new_conversation(const std::string& address) {
  auto now = RateLimiter::Clock::now();
  std::lock_guard lock(address_mu_);
  // Many addresses seen once: forget those whose bucket is full again, so
  // the map holds only the addresses that are starting conversations now.
  if (new_conversations_.size() >= 10000) {
    std::erase_if(new_conversations_, [now](const auto& kv) { return kv.second.full(now); });
  }
  double per_minute = config_.conversations_per_address_per_minute;
  auto it = new_conversations_
                .try_emplace(address, per_minute / 60.0, config_.conversations_per_address_per_minute)
                .first;
  return it->second.allow(now);
}

void SharedState::join(Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(mu_);
  connections_[c] = std::move(weak);
}

void SharedState::leave(Connection* c) {
  std::lock_guard lock(mu_);
  connections_.erase(c);
}

void SharedState::bind_session(const std::string& session_id, WebsocketSession* ws,
                               std::weak_ptr<WebsocketSession> weak) {
  std::lock_guard lock(mu_);
  by_session_.emplace(session_id, std::make_pair(ws, std::move(weak)));
}

void SharedState::unbind_session(const std::string& session_id, WebsocketSession* ws) {
  std::lock_guard lock(mu_);
  auto [begin, end] = by_session_.equal_range(session_id);
  for (auto it = begin; it != end; ++it) {
    if (it->second.first == ws) {
      by_session_.erase(it);
      return;
    }
  }
}

void SharedState::deliver(const std::string& session_id, const std::vector<std::string>& texts,
                          bool expired) {
  std::vector<std::shared_ptr<WebsocketSession>> targets;
  {
    std::lock_guard lock(mu_);
    auto [begin, end] = by_session_.equal_range(session_id);
    for (auto it = begin; it != end; ++it) {
      if (auto ws = it->second.second.lock()) targets.push_back(std::move(ws));
    }
  }
  for (auto& ws : targets) ws->deliver(texts, expired);
}

void SharedState::shut_down() {
  shutting_down_ = true;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu_);
    for (auto& [raw, weak] : connections_) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  // Outside the lock: a connection's destructor calls leave().
  for (auto& c : open) c->go_away();
}

}  // namespace calfbot::adapters
