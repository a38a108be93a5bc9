// The staff console's live updates: each console page keeps one event
// stream (GET /console/api/events) open, subscribed to its clinic; when an
// intake of that clinic changes, every page of the clinic gets an "intake"
// event naming it, and reads what it needs through the API (so an event
// carries no patient data). A comment line every few seconds keeps proxies
// and the page's watchdog content.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/server/http_types.h"

namespace calfbot::adapters {

class ConsoleEvents {
 public:
  // Keeps `sink` until a push to it fails.
  void subscribe(const std::string& clinic, std::shared_ptr<EventSink> sink);
  // Sends `event` with JSON `data` to every page of `clinic`.
  void publish(const std::string& clinic, const std::string& event, const std::string& data);
  // A comment to every stream (a keep-alive); drops the closed ones.
  void heartbeat();
  size_t subscribers();

 private:
  std::mutex mu_;  // guards sinks_
  std::multimap<std::string, std::shared_ptr<EventSink>> sinks_;
};

// One server-sent event's text: "event: <event>\ndata: <data>\n\n".
std::string sse_event(const std::string& event, const std::string& data);

}  // namespace calfbot::adapters
