#include "adapters/shared_state.h"

#include <nlohmann/json.hpp>

#include "adapters/connection.h"
#include "adapters/metrics.h"
#include "adapters/websocket_session.h"
#include "config/config.h"

namespace calfbot::adapters {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->release();
    owner_ = o.owner_;
    o.owner_ = nullptr;
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (owner_) owner_->release();
}

SharedState::SharedState(const config::ServerConfig& config, bot::ConversationService& service,
                         Metrics& metrics, Logger& log)
    : config_(config),
      service_(service),
      metrics_(metrics),
      log_(log),
      router_(config, service, metrics, log, [this] { return !shutting_down_; }) {}

ConnectionSlot SharedState::admit() {
  if (shutting_down_) return ConnectionSlot();
  int n = open_.fetch_add(1) + 1;
  if (n > config_.max_connections) {
    open_--;
    return ConnectionSlot();
  }
  metrics_.connections_open = n;
  return ConnectionSlot(this);
}

void SharedState::release() { metrics_.connections_open = --open_; }

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
                                  const std::vector<nlohmann::json>& messages) {
  std::vector<std::shared_ptr<WebsocketSession>> targets;
  {
    std::lock_guard lock(mu_);
    auto [begin, end] = by_session_.equal_range(session_id);
    for (auto it = begin; it != end; ++it) {
      if (auto ws = it->second.second.lock()) targets.push_back(std::move(ws));
    }
  }
  for (auto& ws : targets) ws->session_expired(messages);
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
