#include "adapters/server/http_session.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
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
// A connection over the limits gets this long to send its request (a health
// check, or the request its 503 answers).
constexpr auto kRefusedReadTimeout = std::chrono::seconds(2);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Obsolete line folding: a header line that begins with a space or a tab.
bool has_folded_line(std::string_view header) {
  for (size_t at = header.find("\r\n"); at != std::string_view::npos;
       at = header.find("\r\n", at + 2)) {
    if (at + 2 < header.size() && (header[at + 2] == ' ' || header[at + 2] == '\t')) return true;
  }
  return false;
}

// Strict framing, so that no proxy in front can read a request's end
// differently: a body is framed by Content-Length, or by Transfer-Encoding
// "chunked" alone; any other transfer coding, or both headers, is refused.
template <class Header>
bool framing_ok(const Header& h) {
  const auto te = h.find(http::field::transfer_encoding);
  if (te == h.end()) return true;
  if (h.count(http::field::transfer_encoding) != 1) return false;
  if (h.find(http::field::content_length) != h.end()) return false;
  std::string v = lower(te->value());
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  return v == "chunked";
}

// Events queued for one stream at the most: a page that stops reading is cut off.
constexpr size_t kMaxQueuedEvents = 64;

}  // namespace

// An event stream's sink: posts each event onto its session's strand.
class EventStreamSink : public EventSink {
 public:
  explicit EventStreamSink(std::weak_ptr<HttpSession> session) : session_(std::move(session)) {}
  bool push(std::string event) override {
    if (closed_) return false;
    auto s = session_.lock();
    if (!s) return false;
    net::post(s->stream_.get_executor(),
              [s, event = std::move(event)]() mutable { s->queue_event(std::move(event)); });
    return true;
  }
  void close() override {
    closed_ = true;
    if (auto s = session_.lock()) net::post(s->stream_.get_executor(), [s] { s->end_events(); });
  }
  // The session's own ending: nothing more to post.
  void closed() { closed_ = true; }

 private:
  std::weak_ptr<HttpSession> session_;
  std::atomic<bool> closed_{false};
};

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state, ConnectionSlot slot)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      limiter_(state_->config().messages_per_second, state_->config().message_burst) {}

HttpSession::~HttpSession() { state_->leave(this); }

void HttpSession::run() {
  state_->join(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    // A refused connection still has its request read, briefly, so that
    // closing after the 503 does not reset the connection under the client.
    if (!self->slot_.admitted()) self->closing_ = true;
    self->read_request();
  });
}

void HttpSession::go_away() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->streaming_) return self->end_events();
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
  if (slot_.admitted()) {
    stream_.expires_after(std::chrono::seconds(state_->config().idle_timeout_seconds));
  } else {
    stream_.expires_after(kRefusedReadTimeout);
  }
  // The header's raw lines first, so that folded lines can be refused (the
  // parser unfolds them), then the parsed header, whose framing is checked
  // before any body is read.
  read_raw_header();
}

// Reads until the buffer holds a whole header ("\r\n\r\n"), at most
// kHeaderLimit bytes of it.
void HttpSession::read_raw_header() {
  const std::string_view seen(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  if (size_t end = seen.find("\r\n\r\n"); end != std::string_view::npos) {
    raw_folded_ = has_folded_line(seen.substr(0, end + 2));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
    return;
  }
  if (buffer_.size() >= kHeaderLimit) return on_read(http::error::header_limit, 0);
  stream_.async_read_some(buffer_.prepare(kHeaderLimit - buffer_.size()),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec == net::error::eof && self->buffer_.size() == 0) {
                              ec = http::error::end_of_stream;
                            }
                            if (ec) return self->on_read(ec, 0);
                            self->buffer_.commit(n);
                            self->read_raw_header();
                          });
}

void HttpSession::on_header(beast::error_code ec, std::size_t) {
  if (ec) return on_read(ec, 0);
  if (raw_folded_ || !framing_ok(parser_->get())) {
    version_ = parser_->get().version();
    head_ = false;
    closing_ = true;
    state_->metrics().record_error(bot::Code::bad_framing);
    return send(error_response(bot::Code::bad_framing));
  }
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
  if (ec == http::error::bad_content_length || ec == http::error::bad_transfer_encoding ||
      ec == http::error::multiple_content_length || ec == http::error::bad_obs_fold ||
      ec == http::error::bad_chunk || ec == http::error::bad_line_ending) {
    // The parser's own refusals of ambiguous framing get the same answer.
    closing_ = true;
    state_->metrics().record_error(bot::Code::bad_framing);
    return send(error_response(bot::Code::bad_framing));
  }
  if (ec) return;  // timeout, reset, cancelled by go_away, not HTTP: the connection ends
  Request req = parser_->release();
  beast::error_code peer_ec;
  const auto peer = stream_.socket().remote_endpoint(peer_ec);
  if (!peer_ec) {
    slot_.set_client(
        state_->client_of(peer.address(), req[http::field::forwarded], req["X-Forwarded-For"]));
  }
  const bool health = req.target() == "/healthz" || req.target() == "/readyz";
  if (!slot_.admitted() && !(health && slot_.kind() == Admission::Kind::health)) {
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
  r.local = slot_.local();
  busy_ = true;
  // The reply may come from the store's thread: post it back to this strand,
  // keeping the io_context running until it arrives.
  auto ex = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
  state_->router().handle(r, [self = shared_from_this(), ex](HttpResponse res) {
    net::post(ex, [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  });
}

void HttpSession::send(HttpResponse r) {
  if (r.events && !head_) return start_events(std::move(r));
  add_security_headers(r);
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

namespace calfbot::adapters {

void HttpSession::start_events(HttpResponse r) {
  streaming_ = true;
  busy_ = true;
  // No length: the body is the events, until either side closes.
  events_.push_back(
      "HTTP/1.1 200 OK\r\nServer: calfbot\r\nContent-Type: text/event-stream\r\n"
      "Cache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: no-referrer\r\nX-Accel-Buffering: no\r\n\r\n: open\n\n");
  sink_ = std::make_shared<EventStreamSink>(weak_from_this());
  write_event();
  watch_events_close();
  r.events(sink_);
}

void HttpSession::queue_event(std::string text) {
  if (!streaming_ || !sink_) return;
  if (events_.size() >= kMaxQueuedEvents) return end_events();
  events_.push_back(std::move(text));
  write_event();
}

void HttpSession::write_event() {
  if (event_writing_ || events_.empty()) return;
  event_writing_ = true;
  stream_.expires_after(kWriteTimeout);
  net::async_write(stream_, net::buffer(events_.front()),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->event_writing_ = false;
                     if (!self->events_.empty()) self->events_.pop_front();
                     if (ec) return self->end_events();
                     self->stream_.expires_never();
                     self->write_event();
                   });
}

// The client sends nothing on an event stream: a read ends when it leaves.
void HttpSession::watch_events_close() {
  stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec,
                                                                              std::size_t) {
    if (ec) return self->end_events();
    self->watch_events_close();
  });
}

void HttpSession::end_events() {
  if (sink_) sink_->closed();
  sink_.reset();
  // The event being written stays until its write completes (aborted by the close).
  if (event_writing_ && !events_.empty()) {
    events_.erase(std::next(events_.begin()), events_.end());
  } else {
    events_.clear();
  }
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace calfbot::adapters
