// Plain HTTP request and response values: what the router and the REST
// handlers see. http_session converts Beast's messages to and from these, so
// the handlers compile without Beast and are tested without sockets.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace calfbot::adapters {

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string path;     // the target before '?', e.g. "/v1/conversations"
  std::string query;    // the target after '?', without it
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_address;  // the client as the limits count it (client_address.h)
  bool local = false;          // the client is on this machine (loopback), proxies past

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// One open event stream (server-sent events): a connection that a response
// left open. Thread-safety: push() may be called from any thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues one event, already framed ("event: x\ndata: y\n\n"). false once
  // the connection is gone (or was closed for not reading): drop the sink.
  virtual bool push(std::string event) = 0;
  // Ends the stream: the connection closes (after no more than the event
  // being written).
  virtual void close() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Set: the response is an event stream (text/event-stream, kept open; the
  // status, body and headers above are not sent). It is called once with the
  // stream's sink after the header went out.
  std::function<void(std::shared_ptr<EventSink>)> events;
};

// `body` as JSON with `status`, never cached (every JSON answer here is
// about one patient or one clinic).
HttpResponse json_response(int status, const nlohmann::json& body,
                           std::string content_type = "application/json");

// The headers every response carries (docs/security.md): nosniff and no
// Referer; on an HTML page a Content-Security-Policy that forbids framing
// unless the page's own policy says who may frame it. Headers a handler set
// are kept.
void add_security_headers(HttpResponse& r);

// "Authorization: Bearer abc" -> "abc"; "" when absent or malformed.
std::string bearer_token(const HttpRequest& req);

// The value of `name` in a query string such as "after=3&x=y"; "" if absent.
std::string query_value(const std::string& query, const std::string& name);

}  // namespace calfbot::adapters
