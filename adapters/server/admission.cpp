#include "adapters/server/admission.h"

namespace calfbot::adapters {

Admission::Kind Admission::admit(const std::string& client, bool proxy, bool shutting_down) {
  std::lock_guard lock(mu_);
  Held& held = by_client_[client];
  const bool crowded = 4 * open_ >= 3 * limits_.max_connections;
  const int share = crowded ? std::max(1, limits_.max_connections / 16) : limits_.per_client;
  const bool within = proxy || held.admitted < std::min(share, limits_.per_client);
  if (!shutting_down && within && open_ < limits_.max_connections) {
    ++open_;
    ++held.admitted;
    return Kind::admitted;
  }
  if (!shutting_down && open_ >= limits_.max_connections && health_ < limits_.health_reserve &&
      held.refused < kRefusalsPerClient) {
    ++health_;
    ++held.refused;
    return Kind::health;
  }
  if (refused_ < kRefusals && held.refused < kRefusalsPerClient) {
    ++refused_;
    ++held.refused;
    return Kind::refused;
  }
  if (held.admitted == 0 && held.refused == 0) by_client_.erase(client);
  return Kind::dropped;
}

void Admission::release(const std::string& client, Kind kind) {
  std::lock_guard lock(mu_);
  auto it = by_client_.find(client);
  if (kind == Kind::admitted) --open_;
  if (kind == Kind::health) --health_;
  if (kind == Kind::refused) --refused_;
  if (it == by_client_.end()) return;
  if (kind == Kind::admitted) --it->second.admitted;
  if (kind == Kind::health || kind == Kind::refused) --it->second.refused;
  if (it->second.admitted <= 0 && it->second.refused <= 0) by_client_.erase(it);
}

int Admission::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

}  // namespace calfbot::adapters
