#include "adapters/api/console_events.h"

#include <vector>

namespace calfbot::adapters {

std::string sse_event(const std::string& event, const std::string& data) {
  return "event: " + event + "\ndata: " + data + "\n\n";
}

void ConsoleEvents::subscribe(const std::string& clinic, std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mu_);
  sinks_.emplace(clinic, std::move(sink));
}

void ConsoleEvents::publish(const std::string& clinic, const std::string& event, const std::string& data) {
  const std::string text = sse_event(event, data);
  std::lock_guard lock(mu_);
  auto [from, to] = sinks_.equal_range(clinic);
  for (auto it = from; it != to;) {
    it = it->second->push(text) ? std::next(it) : sinks_.erase(it);
  }
}

void ConsoleEvents::heartbeat() {
  std::lock_guard lock(mu_);
  for (auto it = sinks_.begin(); it != sinks_.end();) {
    it = it->second->push(": keep-alive\n\n") ? std::next(it) : sinks_.erase(it);
  }
}

size_t ConsoleEvents::subscribers() {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

}  // namespace calfbot::adapters
