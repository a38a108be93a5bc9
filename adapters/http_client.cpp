#include "adapters/http_client.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

namespace calfbot::adapters {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// What went wrong, as an Error: the code by the step that failed.
struct Failure {
  bot::Code code;
  std::string detail;
};

class BeastHttpClient : public HttpClient {
 public:
  explicit BeastHttpClient(HttpClientOptions o) : opt_(std::move(o)), tls_(ssl::context::tls_client) {
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (opt_.verify_tls) {
      tls_.set_default_verify_paths();
      if (!opt_.ca_file.empty()) tls_.load_verify_file(opt_.ca_file);
      tls_.set_verify_mode(ssl::verify_peer);
    } else {
      tls_.set_verify_mode(ssl::verify_none);
    }
  }

  bot::Result<OutboundResponse> send(const OutboundRequest& request) override {
    auto url = parse_url(request.url);
    if (!url) return url.error();
    if (url->scheme == "http" && !is_loopback_host(url->host)) {
      return bot::Error(bot::Code::http_not_allowed,
                        "plain http is allowed to loopback only, not to " + url->host);
    }
    http::request<http::string_body> req{http::string_to_verb(request.method), url->target, 11};
    if (req.method() == http::verb::unknown) {
      return bot::Error(bot::Code::http_bad_url, "unknown method " + request.method);
    }
    bool default_port = (url->scheme == "https" && url->port == "443") ||
                        (url->scheme == "http" && url->port == "80");
    std::string host_header = url->host.find(':') != std::string::npos ? "[" + url->host + "]"
                                                                        : url->host;
    req.set(http::field::host, default_port ? host_header : host_header + ":" + url->port);
    req.set(http::field::user_agent, opt_.user_agent);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.body() = request.body;
    req.prepare_payload();

    net::io_context ioc;
    std::optional<bot::Result<OutboundResponse>> result;
    net::co_spawn(ioc, exchange(*url, std::move(req), result), net::detached);
    ioc.run();
    if (!result) return bot::Error(bot::Code::http_io_failed, url->host + ": no result");
    return std::move(*result);
  }

 private:
  template <class Stream>
  net::awaitable<void> talk(Stream& stream, beast::tcp_stream& tcp_layer,
                            http::request<http::string_body>& req, OutboundResponse& out,
                            Failure& failure) {
    tcp_layer.expires_after(opt_.request_timeout);
    failure.code = bot::Code::http_io_failed;
    co_await http::async_write(stream, req, net::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(opt_.max_response_bytes);
    failure.code = bot::Code::http_response_too_large;
    co_await http::async_read(stream, buffer, parser, net::use_awaitable);
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      out.headers.emplace_back(lower(std::string(f.name_string())), std::string(f.value()));
    }
    out.body = std::move(res.body());
  }

  net::awaitable<void> exchange(Url url, http::request<http::string_body> req,
                                std::optional<bot::Result<OutboundResponse>>& result) {
    Failure failure{bot::Code::http_resolve_failed, ""};
    OutboundResponse out;
    try {
      auto ex = co_await net::this_coro::executor;
      tcp::resolver resolver(ex);
      auto endpoints = co_await resolver.async_resolve(url.host, url.port, net::use_awaitable);
      if (url.scheme == "http") {
        beast::tcp_stream stream(ex);
        stream.expires_after(opt_.connect_timeout);
        failure.code = bot::Code::http_connect_failed;
        co_await stream.async_connect(endpoints, net::use_awaitable);
        co_await talk(stream, stream, req, out, failure);
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      } else {
        beast::ssl_stream<beast::tcp_stream> stream(ex, tls_);
        // SNI (SSL_set_tlsext_host_name, spelled out: the macro casts old-style).
        beast::error_code ip_ec;
        net::ip::make_address(url.host, ip_ec);
        if (ip_ec && !SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                               TLSEXT_NAMETYPE_host_name,
                               static_cast<void*>(const_cast<char*>(url.host.c_str())))) {
          throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()),
                                                      net::error::get_ssl_category()));
        }
        if (opt_.verify_tls) stream.set_verify_callback(ssl::host_name_verification(url.host));
        auto& layer = beast::get_lowest_layer(stream);
        layer.expires_after(opt_.connect_timeout);
        failure.code = bot::Code::http_connect_failed;
        co_await layer.async_connect(endpoints, net::use_awaitable);
        failure.code = bot::Code::http_tls_failed;
        co_await stream.async_handshake(ssl::stream_base::client, net::use_awaitable);
        co_await talk(stream, layer, req, out, failure);
        // The answer is in hand: a peer that skips the TLS close is no failure.
        beast::error_code ec;
        layer.socket().shutdown(tcp::socket::shutdown_both, ec);
      }
      result = std::move(out);
    } catch (const beast::system_error& e) {
      bot::Code code = e.code() == beast::error::timeout ? bot::Code::http_timeout : failure.code;
      if (e.code() == http::error::body_limit) code = bot::Code::http_response_too_large;
      result = bot::Error(code, url.host + ":" + url.port + ": " + e.code().message());
    } catch (const std::exception& e) {
      result = bot::Error(failure.code, url.host + ":" + url.port + ": " + e.what());
    }
  }

  HttpClientOptions opt_;
  ssl::context tls_;  // read-only after construction, so shared by all calls
};

}  // namespace

bot::Result<Url> parse_url(const std::string& s) {
  Url u;
  size_t sep = s.find("://");
  if (sep == std::string::npos) return bot::Error(bot::Code::http_bad_url, "no scheme in the URL");
  u.scheme = lower(s.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") {
    return bot::Error(bot::Code::http_bad_url, "the scheme must be http or https, got " + u.scheme);
  }
  size_t start = sep + 3;
  size_t end = s.find_first_of("/?#", start);
  std::string authority = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.find('@') != std::string::npos) {
    return bot::Error(bot::Code::http_bad_url, "credentials in the URL are not allowed");
  }
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bot::Error(bot::Code::http_bad_url, "unclosed [ in the host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bot::Error(bot::Code::http_bad_url, "bad port");
      u.port = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.find(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return bot::Error(bot::Code::http_bad_url, "no host in the URL");
  if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
  if (u.port.find_first_not_of("0123456789") != std::string::npos || u.port.size() > 5) {
    return bot::Error(bot::Code::http_bad_url, "bad port '" + u.port + "'");
  }
  u.target = end == std::string::npos ? "/" : s.substr(end);
  size_t hash = u.target.find('#');
  if (hash != std::string::npos) u.target.resize(hash);
  if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
  return u;
}

bool is_loopback_host(const std::string& host) {
  if (lower(host) == "localhost") return true;
  beast::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  return !ec && addr.is_loopback();
}

std::unique_ptr<HttpClient> make_http_client(HttpClientOptions options) {
  return std::make_unique<BeastHttpClient>(std::move(options));
}

}  // namespace calfbot::adapters
