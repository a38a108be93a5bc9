#include "adapters/server/http_session.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "adapters/api/errors.h"
#include "adapters/metrics.h"
#include "adapters/server/websocket_session.h"
#include "config/config.h"

namespace calfbot::adapters {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state, ConnectionSlot slot)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      limiter_(state_->config().messages_per_second, state_->config().message_burst) {}

HttpSession::~HttpSession() { state_->leave(this); }

void HttpSession::run() {
  state_->join(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    // A refused connection still has its request read, so that closing
    // after the 503 does not reset the connection under the client.
    if (!self->slot_.admitted()) self->closing_ = true;
    self->read_request();
  });
}

void HttpSession::go_away() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (!self->busy_) self->stream_.cancel();  // ends a keep-alive connection's idle read
  });
}

void HttpSession::do_read() {
  if (closing_) return do_close();
  read_request();
}

void HttpSession::read_request() {
  parser_.emplace();
  parser_->body_limit(static_cast<std::uint64_t>(state_->config().max_frame_bytes));
  parser_->header_limit(kHeaderLimit);
  stream_.expires_after(std::chrono::seconds(state_->config().idle_timeout_seconds));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    closing_ = true;
    return send(error_response(bot::Code::too_large));
  }
  if (ec) return;  // timeout, reset, cancelled by go_away: the connection ends
  Request req = parser_->release();
  if (!slot_.admitted()) {
    version_ = req.version();
    head_ = false;
    return send(error_response(state_->shutting_down() ? bot::Code::shutting_down : bot::Code::server_busy));
  }
  if (beast::websocket::is_upgrade(req)) {
    bool chat = req.target().substr(0, req.target().find('?')) == "/v1/chat";
    if (chat && !closing_) {
      std::make_shared<WebsocketSession>(stream_.release_socket(), state_, std::move(slot_))
          ->run(std::move(req));
      return;
    }
    version_ = req.version();
    head_ = false;
    closing_ = true;
    return send(error_response(chat ? bot::Code::shutting_down : bot::Code::not_found));
  }
  handle(std::move(req));
}

void HttpSession::handle(Request&& req) {
  version_ = req.version();
  keep_alive_ = req.keep_alive();
  head_ = req.method() == http::verb::head;
  if (!limiter_.allow(RateLimiter::Clock::now())) {
    state_->metrics().record_error(bot::Code::rate_limited);
    return send(error_response(bot::Code::rate_limited));
  }
  HttpRequest r;
  // HEAD goes to the routes as HEAD (each answers it like GET; a clinic link
  // must not start the patient's conversation for a link checker), and its
  // body is dropped in send().
  r.method = std::string(req.method_string());
  std::string_view target = req.target();
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  for (const auto& field : req) r.headers[lower(field.name_string())] = std::string(field.value());
  r.body = std::move(req.body());
  r.remote_address = slot_.address();
  busy_ = true;
  // The reply may come from the store's thread: post it back to this strand,
  // keeping the io_context running until it arrives.
  auto ex = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
  state_->router().handle(r, [self = shared_from_this(), ex](HttpResponse res) {
    net::post(ex, [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  });
}

void HttpSession::send(HttpResponse r) {
  auto res = std::make_shared<Response>(static_cast<http::status>(r.status), version_);
  res->set(http::field::server, "calfbot");
  res->set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res->set(name, value);
  res->keep_alive(keep_alive_ && !closing_ && !state_->shutting_down());
  res->body() = std::move(r.body);
  res->prepare_payload();
  if (head_) {
    auto size = res->body().size();
    res->body().clear();
    res->content_length(size);
  }
  response_ = res;
  busy_ = true;
  stream_.expires_after(kWriteTimeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              response_->keep_alive()));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  busy_ = false;
  response_.reset();
  if (ec) return;
  if (!keep_alive) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  drain();
}

// Reads and drops what the client still sends until it closes (or a short
// timeout): closing with unread bytes would reset the connection and could
// lose the response just sent, e.g. a 413 for a body that was too large.
void HttpSession::drain() {
  stream_.expires_after(std::chrono::seconds(2));
  stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec,
                                                                              std::size_t) {
    if (!ec) self->drain();
  });
}

}  // namespace calfbot::adapters
