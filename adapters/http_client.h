// Outbound HTTP(S): the client the outbox and the clinic alerts send with.
//
// make_http_client() is the real one: Boost.Beast over OpenSSL, one
// connection per request (no pooling), TLS 1.2 or later with the peer's
// certificate and host name verified against the system's trust store by
// default. Plain http:// is refused except to loopback addresses (127.0.0.0/8,
// ::1, localhost), which is where tests run their fake platform APIs.
// FakeHttpClient answers from a script and records what it was asked.
//
// Errors (bot::Error codes): http_bad_url, http_not_allowed (plain http to a
// non-loopback host), http_resolve_failed, http_connect_failed,
// http_tls_failed, http_timeout, http_io_failed, http_response_too_large.
// Their details name the host, never headers or bodies (they hold secrets).
// Thread-safety: send() may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/outbox/outbox.h"

namespace calfbot::adapters {

using bot::OutboundRequest;
using bot::OutboundResponse;

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{15000};  // the whole exchange after connecting
  bool verify_tls = true;          // off only for a test against a self-signed server
  std::string ca_file;             // extra trust anchors (PEM); "" = the system's only
  size_t max_response_bytes = 1 << 20;
  std::string user_agent = "calfbot/0.1";
};

class HttpClient : public bot::Transport {};

std::unique_ptr<HttpClient> make_http_client(HttpClientOptions options = {});

// The parts of an http(s) URL. parse_url fails with http_bad_url.
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // given or the scheme's default
  std::string target;  // path and query, at least "/"
};
bot::Result<Url> parse_url(const std::string& url);
bool is_loopback_host(const std::string& host);

// Answers each request with the next scripted reply (or 200 "{}" when the
// script is empty) and keeps every request it was sent.
class FakeHttpClient : public HttpClient {
 public:
  using Reply = bot::Result<OutboundResponse>;
  void push(Reply r) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(r));
  }
  void push_status(int status, std::string body = "{}") {
    push(OutboundResponse{status, {}, std::move(body)});
  }
  bot::Result<OutboundResponse> send(const OutboundRequest& request) override {
    std::lock_guard lock(mu_);
    sent_.push_back(request);
    if (script_.empty()) return OutboundResponse{200, {}, "{}"};
    Reply r = std::move(script_.front());
    script_.pop_front();
    return r;
  }
  std::vector<OutboundRequest> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Reply> script_;
  std::vector<OutboundRequest> sent_;
};

}  // namespace calfbot::adapters
