#include "adapters/server/shared_state.h"

#include <nlohmann/json.hpp>

#include "adapters/server/connection.h"
#include "adapters/metrics.h"
#include "adapters/server/websocket_session.h"
#include "config/config.h"

namespace calfbot::adapters {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->release(address_);
    owner_ = o.owner_;
    address_ = std::move(o.address_);
    o.owner_ = nullptr;
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (owner_) owner_->release(address_);
}

SharedState::SharedState(const config::ServerConfig& config, bot::ConversationService& service,
                         Metrics& metrics, Logger& log)
    : config_(config),
      service_(service),
      metrics_(metrics),
      log_(log),
      router_(config, service, metrics, log, [this] { return !shutting_down_; },
              [this](const std::string& address) { return allow_new_conversation(address); }) {}

ConnectionSlot SharedState::admit(const std::string& address) {
  if (shutting_down_) return ConnectionSlot();
  {
    std::lock_guard lock(address_mu_);
    int& mine = open_by_address_[address];
    if (mine >= config_.max_connections_per_address) return ConnectionSlot();
    ++mine;
  }
  int n = open_.fetch_add(1) + 1;
  if (n > config_.max_connections) {
    open_--;
    std::lock_guard lock(address_mu_);
    if (--open_by_address_[address] == 0) open_by_address_.erase(address);
    return ConnectionSlot();
  }
  metrics_.connections_open = n;
  return ConnectionSlot(this, address);
}

void SharedState::release(const std::string& address) {
  metrics_.connections_open = --open_;
  std::lock_guard lock(address_mu_);
  auto it = open_by_address_.find(address);
  if (it != open_by_address_.end() && --it->second <= 0) open_by_address_.erase(it);
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

void SharedState::deliver_expired(const std::string& session_id,
                                  const std::vector<std::string>& texts) {
  std::vector<std::shared_ptr<WebsocketSession>> targets;
  {
    std::lock_guard lock(mu_);
    auto [begin, end] = by_session_.equal_range(session_id);
    for (auto it = begin; it != end; ++it) {
      if (auto ws = it->second.second.lock()) targets.push_back(std::move(ws));
    }
  }
  for (auto& ws : targets) ws->session_expired(texts);
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
