#include "adapters/server/rate_limiter.h"

#include <algorithm>

namespace calfbot::adapters {

RateLimiter::RateLimiter(double per_second, int burst)
    : per_second_(per_second), burst_(std::max(1, burst)), tokens_(burst_) {}

bool RateLimiter::allow(Clock::time_point now) {
  if (started_ && now > last_) {
    tokens_ = std::min(burst_, tokens_ + per_second_ * std::chrono::duration<double>(now - last_).count());
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool RateLimiter::full(Clock::time_point now) const {
  if (!started_) return true;
  double since = now > last_ ? std::chrono::duration<double>(now - last_).count() : 0.0;
  return tokens_ + per_second_ * since >= burst_;
}

}  // namespace calfbot::adapters
