// The staff console's live updates: each console page keeps one event
// stream (GET /console/api/events) open, subscribed to its clinic; when an
// intake of that clinic changes, every page of the clinic gets an "intake"
// event naming it, and reads what it needs through the API (so an event
// carries no patient data). A comment line every few seconds keeps proxies
// content; at each, a stream whose session ended (logout, expiry, a
// disabled account) is closed.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/server/http_types.h"

namespace calfbot::adapters {

class ConsoleEvents {
 public:
  // Whether the stream's session is still live.
  using Live = std::function<bool()>;

  // Keeps `sink` until a push to it fails or `live` says no (at a heartbeat).
  void subscribe(const std::string& clinic, std::shared_ptr<EventSink> sink, Live live);
  // Sends `event` with JSON `data` to every page of `clinic`.
  void publish(const std::string& clinic, const std::string& event, const std::string& data);
  // A comment to every stream (a keep-alive); drops the closed ones and
  // closes those whose session ended. Calls each `live`, outside the lock.
  void heartbeat();
  size_t subscribers();

 private:
  struct Subscriber {
    std::string clinic;
    std::shared_ptr<EventSink> sink;
    Live live;
  };
  std::mutex mu_;  // guards subscribers_
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

// One server-sent event's text: "event: <event>\ndata: <data>\n\n".
std::string sse_event(const std::string& event, const std::string& data);

}  // namespace calfbot::adapters
