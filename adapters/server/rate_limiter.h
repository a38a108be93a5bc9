// A token bucket: `burst` messages at once, refilled at `per_second`.
// Thread-safety: none; each connection owns one and uses it on its strand.
#pragma once

#include <chrono>

namespace calfbot::adapters {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double per_second, int burst);

  // Takes one token if there is one: true = allowed.
  bool allow(Clock::time_point now);
  // Full again by `now`: forgetting this bucket would change nothing.
  bool full(Clock::time_point now) const;

 private:
  double per_second_;
  double burst_;
  double tokens_;
  Clock::time_point last_{};
  bool started_ = false;
};

}  // namespace calfbot::adapters
