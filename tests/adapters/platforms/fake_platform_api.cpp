#include "tests/adapters/platforms/fake_platform_api.h"

#include <algorithm>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/platforms/signatures.h"

namespace calfbot::tests {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct Server {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
};

}  // namespace

nlohmann::json ApiRequest::json() const {
  auto ct = headers.find("content-type");
  if (ct != headers.end() && ct->second.find("x-www-form-urlencoded") != std::string::npos) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : adapters::platforms::parse_form(body)) j[k] = v;
    return j;
  }
  return nlohmann::json::parse(body, nullptr, false);
}


FakePlatformApi::FakePlatformApi() {
  auto server = std::make_shared<Server>();
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  server->acceptor.open(ep.protocol());
  server->acceptor.set_option(net::socket_base::reuse_address(true));
  server->acceptor.bind(ep);
  server->acceptor.listen();
  port_ = server->acceptor.local_endpoint().port();
  thread_ = std::thread([this, server] {
    while (true) {
      tcp::socket socket(server->ioc);
      beast::error_code ec;
      server->acceptor.accept(socket, ec);
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      if (ec) continue;
      beast::flat_buffer buffer;
      while (true) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        ApiRequest r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        for (const auto& f : req) {
          std::string name(f.name_string());
          std::transform(name.begin(), name.end(), name.begin(), ::tolower);
          r.headers[name] = std::string(f.value());
        }
        r.body = req.body();
        std::string body;
        r = answer(std::move(r), body);
        http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = body;
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        http::write(socket, res, ec);
        {
          std::lock_guard lock(mu_);
          requests_.push_back(std::move(r));
        }
        cv_.notify_all();
        if (ec || !res.keep_alive()) break;
      }
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  });
}

FakePlatformApi::~FakePlatformApi() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  // Wakes the blocking accept.
  net::io_context ioc;
  tcp::socket s(ioc);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  thread_.join();
}

ApiRequest FakePlatformApi::answer(ApiRequest r, std::string& body) {
  std::lock_guard lock(mu_);
  int n = ++counter_;
  if (fail_left_ > 0) {
    --fail_left_;
    r.status = fail_status_;
    body = R"({"ok":false,"error_code":)" + std::to_string(fail_status_) +
           R"(,"description":"Internal Server Error"})";
    return r;
  }
  if (r.target.find("Messages.json") != std::string::npos) {
    r.status = 201;
    body = R"({"sid":"SM)" + std::to_string(100000 + n) + R"(","status":"queued"})";
  } else if (r.target.find("/messages") != std::string::npos) {
    r.status = 200;
    body = R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.fake)" + std::to_string(n) + R"("}]})";
  } else {
    r.status = 200;
    body = R"({"ok":true,"result":{"message_id":)" + std::to_string(n) + "}}";
  }
  return r;
}

void FakePlatformApi::fail_next(int n, int status) {
  std::lock_guard lock(mu_);
  fail_left_ = n;
  fail_status_ = status;
}

std::vector<ApiRequest> FakePlatformApi::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<ApiRequest> FakePlatformApi::accepted(const std::string& part) const {
  std::lock_guard lock(mu_);
  std::vector<ApiRequest> out;
  for (const auto& r : requests_) {
    if (r.status >= 200 && r.status < 300 && r.target.find(part) != std::string::npos) out.push_back(r);
  }
  return out;
}

bool FakePlatformApi::wait_accepted(const std::string& part, size_t count,
                                    std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [&] {
    size_t n = 0;
    for (const auto& r : requests_) {
      if (r.status >= 200 && r.status < 300 && r.target.find(part) != std::string::npos) ++n;
    }
    return n >= count;
  });
}

}  // namespace calfbot::tests
