// The wall clock, read in one place. The dialog layer never reads it (time
// comes in with each input); the services and adapters that do take it from
// here, or from a clock function a test passes in instead.
#pragma once

#include <chrono>
#include <cstdint>

namespace calfbot::bot {

// Seconds since the Unix epoch, UTC.
inline int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Milliseconds since the Unix epoch, UTC.
inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace calfbot::bot
