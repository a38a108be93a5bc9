#include "adapters/api/console_events.h"

#include <algorithm>

namespace calfbot::adapters {

std::string sse_event(const std::string& event, const std::string& data) {
  return "event: " + event + "\ndata: " + data + "\n\n";
}

void ConsoleEvents::subscribe(const std::string& clinic, std::shared_ptr<EventSink> sink, Live live) {
  auto s = std::make_shared<Subscriber>(Subscriber{clinic, std::move(sink), std::move(live)});
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(s));
}

void ConsoleEvents::publish(const std::string& clinic, const std::string& event, const std::string& data) {
  const std::string text = sse_event(event, data);
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_, [&](const std::shared_ptr<Subscriber>& s) {
    return s->clinic == clinic && !s->sink->push(text);
  });
}

void ConsoleEvents::heartbeat() {
  std::vector<std::shared_ptr<Subscriber>> all;
  {
    std::lock_guard lock(mu_);
    all = subscribers_;
  }
  std::vector<std::shared_ptr<Subscriber>> gone;
  for (const auto& s : all) {
    if (!s->live()) {
      s->sink->close();  // the session ended: so does its stream
      gone.push_back(s);
    } else if (!s->sink->push(": keep-alive\n\n")) {
      gone.push_back(s);
    }
  }
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_, [&](const std::shared_ptr<Subscriber>& s) {
    return std::find(gone.begin(), gone.end(), s) != gone.end();
  });
}

size_t ConsoleEvents::subscribers() {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

}  // namespace calfbot::adapters
