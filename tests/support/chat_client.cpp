#include "tests/support/chat_client.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace calfbot::testing_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;

  // Runs the io_context until `done` or the timeout; false on timeout.
  bool run(const bool& done, std::chrono::milliseconds timeout) {
    ioc.restart();
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < end) {
      ioc.run_one_for(end - std::chrono::steady_clock::now());
    }
    return done;
  }
};

WsClient::WsClient(unsigned short port, const std::string& origin) : impl_(std::make_unique<Impl>()) {
  auto& ws = impl_->ws;
  beast::error_code ec;
  beast::get_lowest_layer(ws).expires_after(5s);
  bool done = false;
  beast::get_lowest_layer(ws).async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                            [&](beast::error_code e) { ec = e; done = true; });
  if (!impl_->run(done, 5s) || ec) return;
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (!origin.empty()) req.set(http::field::origin, origin);
  }));
  done = false;
  ws.async_handshake("127.0.0.1:" + std::to_string(port), "/v1/chat",
                     [&](beast::error_code e) { ec = e; done = true; });
  if (!impl_->run(done, 5s) || ec) return;
  beast::get_lowest_layer(ws).expires_never();
  connected_ = true;
}

WsClient::~WsClient() = default;

void WsClient::send(const std::string& text) {
  bool done = false;
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.async_write(net::buffer(text), [&](beast::error_code e, size_t) { ec = e; done = true; });
  impl_->run(done, 5s);
}

void WsClient::send_binary(const std::string& bytes) {
  bool done = false;
  impl_->ws.binary(true);
  impl_->ws.async_write(net::buffer(bytes), [&](beast::error_code, size_t) { done = true; });
  impl_->run(done, 5s);
}

std::optional<json> WsClient::read(std::chrono::milliseconds timeout) {
  if (close_code_ != 0 || timed_out_ || !connected_) return std::nullopt;
  bool done = false;
  beast::error_code ec;
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code e, size_t) { ec = e; done = true; });
  if (!impl_->run(done, timeout)) {
    timed_out_ = true;
    beast::get_lowest_layer(impl_->ws).cancel();
    impl_->run(done, 1s);
    return std::nullopt;
  }
  if (ec) {
    close_code_ = ec == websocket::error::closed ? impl_->ws.reason().code : -1;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  json j = json::parse(text, nullptr, false);
  seen_.push_back(j);
  return j;
}

std::optional<json> WsClient::read_until(const std::string& type, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto m = read(left);
    if (!m) return std::nullopt;
    if (m->value("type", "") == type) return m;
  }
}

void WsClient::close() {
  if (!connected_ || close_code_ != 0) return;
  bool done = false;
  impl_->ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  impl_->run(done, 2s);
}

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers,
                        const std::string& source) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(10s);
  if (!source.empty()) {
    // Another loopback address (127.0.0.0/8) is another client to the server.
    beast::error_code ec;
    stream.socket().open(tcp::v4(), ec);
    stream.socket().bind(tcp::endpoint(net::ip::make_address(source), 0), ec);
  }
  HttpResult result;
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    if (req.find(http::field::content_type) == req.end()) {
      req.set(http::field::content_type, "application/json");
    }
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(method == "HEAD");
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code ec) {
                         if (ec) return;
                         http::async_write(stream, req, [&](beast::error_code wec, size_t) {
                           if (wec) return;
                           http::async_read(stream, buffer, parser,
                                            [&](beast::error_code rec, size_t) {
                                              if (rec) return;
                                              auto& res = parser.get();
                                              result.status = static_cast<int>(res.result_int());
                                              for (const auto& f : res) {
                                                std::string name(f.name_string());
                                                std::transform(name.begin(), name.end(), name.begin(),
                                                               [](unsigned char c) {
                                                                 return static_cast<char>(std::tolower(c));
                                                               });
                                                result.headers[name] = std::string(f.value());
                                              }
                                              result.body = res.body();
                                            });
                         });
                       });
  ioc.run();
  return result;
}

std::vector<json> read_turn(WsClient& client) {
  std::vector<json> out;
  while (auto m = client.read()) {
    out.push_back(*m);
    std::string type = m->value("type", "");
    if (type == "question" || type == "outcome" || (type == "error" && !m->contains("seq"))) break;
  }
  return out;
}

json plain_answer(const json& q) {
  std::string type = q.value("answer_type", "text");
  std::string slot = q.value("slot", "");
  auto has = [&](const std::string& id) {
    if (!q.contains("choices")) return false;
    for (const auto& c : q["choices"]) {
      if (c.value("id", "") == id) return true;
    }
    return false;
  };
  if (type == "yes_no") return {{"choice", "no"}};
  if ((type == "single_choice" || type == "multi_choice") && q.contains("choices") &&
      !q["choices"].empty()) {
    if (has("none")) return {{"choice", "none"}};
    if (has("myself")) return {{"choice", "myself"}};
    return {{"choice", q["choices"][0].value("id", "")}};
  }
  if (type == "number") return {{"text", slot == "age" ? "35" : "4"}};
  if (type == "duration") return {{"text", "3 days"}};
  if (slot == "complaint") return {{"text", "my left calf aches after running"}};
  return {{"text", "it aches"}};
}

}  // namespace calfbot::testing_support
