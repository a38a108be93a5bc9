#include "adapters/server/websocket_session.h"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <nlohmann/json.hpp>

#include "adapters/api/chat_protocol.h"
#include "adapters/api/errors.h"
#include "adapters/logger.h"
#include "adapters/metrics.h"
#include "adapters/server/origin_policy.h"
#include "config/config.h"

namespace calfbot::adapters {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace {

constexpr size_t kMaxQueue = 64;         // messages waiting to be written
constexpr int kMaxRejectedInRow = 10;    // rate-limited messages before the close
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

}  // namespace

WebsocketSession::WebsocketSession(net::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state,
                                   ConnectionSlot slot)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      limiter_(state_->config().messages_per_second, state_->config().message_burst) {}

WebsocketSession::~WebsocketSession() {
  state_->leave(this);
  if (!session_id_.empty()) state_->unbind_session(session_id_, this);
  if (accepted_) state_->metrics().websockets_open--;
}

net::any_io_executor WebsocketSession::tracked() {
  return net::prefer(ws_.get_executor(), net::execution::outstanding_work.tracked);
}

void WebsocketSession::run(http::request<http::string_body> req) {
  const auto& cfg = state_->config();
  origin_ = std::string(req[http::field::origin]);
  origin_ok_ = origin_allowed(origin_, state_->origins());
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts below take over
  websocket::stream_base::timeout timeouts{kHandshakeTimeout,
                                           std::chrono::seconds(cfg.idle_timeout_seconds), true};
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "calfbot"); }));
  ws_.read_message_max(static_cast<std::uint64_t>(cfg.max_frame_bytes));
  state_->join(this, weak_from_this());
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), req = std::move(req)] {
    self->ws_.async_accept(req,
                           beast::bind_front_handler(&WebsocketSession::on_accept, self));
  });
}

void WebsocketSession::go_away() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (!self->accepted_) {
      self->go_away_pending_ = true;
      return;
    }
    self->close(websocket::close_code::going_away, "server shutting down");
  });
}

void WebsocketSession::deliver(std::vector<std::string> texts, bool expired) {
  net::post(ws_.get_executor(), [self = shared_from_this(), texts = std::move(texts), expired] {
    for (const auto& t : texts) self->send(t);
    if (expired) self->close_for(bot::Code::session_expired);
  });
}

void WebsocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    state_->log().info("websocket_handshake_failed", {{"error", ec.message()}});
    return;
  }
  accepted_ = true;
  state_->metrics().websockets_open++;
  if (!origin_ok_) {
    state_->log().warn("origin_rejected", {{"origin", origin_}});
    state_->metrics().record_error(bot::Code::bad_origin);
    close(close_code::policy, "origin not allowed");
  } else if (go_away_pending_ || state_->shutting_down()) {
    close(websocket::close_code::going_away, "server shutting down");
  }
  do_read();
}

void WebsocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
}

void WebsocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // Beast has already sent 1009 for a message over the limit and 1007 for
    // invalid UTF-8; a close from the client or a timeout just ends the session.
    if (ec == websocket::error::message_too_big) {
      state_->metrics().record_error(bot::Code::too_large);
      state_->log().warn("websocket_message_too_big", {{"session", session_id_}});
    } else if (ec != websocket::error::closed && ec != net::error::operation_aborted) {
      state_->log().info("websocket_ended", {{"session", session_id_}, {"error", ec.message()}});
    }
    return;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (closing_) return do_read();  // after our close frame, only the client's close matters
  if (!ws_.got_text()) {
    close(close_code::unsupported_data, "send JSON text messages");
    return do_read();
  }
  if (!limiter_.allow(RateLimiter::Clock::now())) {
    state_->metrics().record_error(bot::Code::rate_limited);
    if (++rejected_in_row_ >= kMaxRejectedInRow) {
      state_->log().warn("websocket_flood", {{"session", session_id_}});
      close(close_code::policy, "message rate exceeded");
    } else {
      send_error(bot::Code::rate_limited);
    }
    return do_read();
  }
  rejected_in_row_ = 0;
  handle(text);
  do_read();
}

void WebsocketSession::handle(const std::string& text) {
  auto parsed = parse_chat_message(text);
  if (!parsed) return send_error(parsed.error().code, parsed.error().detail);
  auto ex = tracked();
  auto self = shared_from_this();
  if (std::holds_alternative<ClientInput>(*parsed)) {
    if (token_.empty()) return send_error(bot::Code::no_session);
    auto& input = std::get<ClientInput>(*parsed).input;
    json fields = {{"session", session_id_}, {"channel", "websocket"}};
    if (state_->log().patient_text()) fields["text"] = input.value;
    state_->log().info("message_in", fields);
    state_->service().post(token_, std::move(input), [self, ex](auto r) {
      net::post(ex, [self, r = std::move(r)]() mutable { self->on_reply(std::move(r)); });
    });
    return;
  }
  if (!token_.empty() || starting_) return send_error(bot::Code::already_started);
  if (std::holds_alternative<ClientHello>(*parsed)) {
    if (!state_->allow_new_conversation(slot_.address())) {
      state_->log().warn("too_many_conversations", {{"address", slot_.address()}});
      return send_error(bot::Code::too_many_conversations);
    }
    starting_ = true;
    state_->service().start(bot::Channel{"websocket", ""}, [self, ex](auto r) {
      net::post(ex, [self, r = std::move(r)]() mutable { self->on_started(std::move(r)); });
    });
    return;
  }
  starting_ = true;
  auto& resume = std::get<ClientResume>(*parsed);
  // A client that has shown nothing yet (last_seq 0: another browser, a
  // clinic link opened again) gets the patient's own messages replayed too.
  state_->service().resume(
      resume.token, resume.last_seq,
      [self, ex, token = resume.token](auto r) {
        net::post(ex, [self, token, r = std::move(r)]() mutable {
          self->on_resumed(token, std::move(r));
        });
      },
      resume.last_seq == 0);
}

void WebsocketSession::on_started(bot::Result<bot::Started> r) {
  starting_ = false;
  if (!r) {
    state_->log().warn("start_failed", {{"code", r.error().code}, {"detail", r.error().detail}});
    return send_error(r.error().code);
  }
  token_ = r->token;
  session_id_ = r->session_id;
  state_->bind_session(session_id_, this, weak_from_this());
  state_->log().info("session_started", {{"session", session_id_}, {"channel", "websocket"}});
  int last_seq = r->messages.empty() ? 0 : dialog::seq_of(r->messages.back());
  send(session_message(token_, session_id_, false, last_seq).dump());
  for (auto& t : r->texts) send(std::move(t));
}

void WebsocketSession::on_resumed(const std::string& token, bot::Result<bot::Delivery> r) {
  starting_ = false;
  if (!r) {
    const bot::Code code = r.error().code;
    state_->metrics().record_error(code);
    state_->log().info("resume_refused", {{"code", code}, {"detail", r.error().detail}});
    // A conversation that is gone (unknown, expired, its link closed) is
    // refused with its close code alone; anything else leaves the connection.
    if (bot::spec(code).close != 0) return close_for(code);
    return send_error(code);
  }
  token_ = token;
  session_id_ = r->session_id;
  state_->bind_session(session_id_, this, weak_from_this());
  state_->metrics().sessions_resumed_total++;
  state_->log().info("session_resumed", {{"session", session_id_},
                                        {"replayed", r->texts.size()}});
  send(session_message(token_, session_id_, true, r->last_seq).dump());
  for (auto& t : r->texts) send(std::move(t));
}

void WebsocketSession::on_reply(bot::Result<bot::Delivery> r) {
  if (!r) {
    const bot::Code code = r.error().code;
    state_->metrics().record_error(code);
    state_->log().warn("turn_failed", {{"session", session_id_}, {"code", code},
                                      {"detail", r.error().detail}});
    send_error(code);
    if (bot::spec(code).close != 0) close_for(code);
    return;
  }
  for (const auto& m : r->messages) {
    if (const auto* e = std::get_if<dialog::EscalationMessage>(&m)) {
      state_->log().warn("escalation", {{"session", session_id_},
                                        {"level", knowledge::to_string(e->level)}});
    }
  }
  for (auto& t : r->texts) send(std::move(t));
}

void WebsocketSession::send_error(bot::Code code, const std::string& text) {
  if (code != bot::Code::rate_limited) state_->metrics().record_error(code);
  send(error_json(code, text).dump());
}

void WebsocketSession::send(std::string text) {
  if (closing_) return;
  if (queue_.size() >= kMaxQueue) {
    state_->log().warn("websocket_client_not_reading", {{"session", session_id_}});
    return close(close_code::policy, "client not reading");
  }
  queue_.push_back(Outgoing{std::move(text), std::nullopt});
  if (!writing_) do_write();
}

void WebsocketSession::close_for(bot::Code code) {
  // The reason is the code's id in words: "session expired".
  std::string reason(bot::to_string(code));
  std::replace(reason.begin(), reason.end(), '_', ' ');
  close(bot::spec(code).close, reason);
}

void WebsocketSession::close(unsigned short code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  // A client that does not read gets no more messages, only the close.
  if (queue_.size() >= kMaxQueue) queue_.resize(writing_ ? 1 : 0);
  websocket::close_reason why(static_cast<websocket::close_code>(code));
  why.reason = reason;
  queue_.push_back(Outgoing{"", why});
  if (!writing_) do_write();
}

void WebsocketSession::do_write() {
  writing_ = true;
  Outgoing& next = queue_.front();
  if (next.close) {
    ws_.async_close(*next.close, [self = shared_from_this()](beast::error_code ec) {
      self->on_write(ec, 0);
    });
  } else {
    ws_.text(true);
    ws_.async_write(net::buffer(next.text),
                    beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
  }
}

void WebsocketSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    writing_ = false;
    queue_.clear();
    return;
  }
  queue_.pop_front();
  if (queue_.empty()) {
    writing_ = false;
  } else {
    do_write();
  }
}

}  // namespace calfbot::adapters
