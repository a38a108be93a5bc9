// One WebSocket connection on /v1/chat (docs/protocol.md, "WebSocket"):
// checks the Origin, limits message size and rate, turns client messages into
// ConversationService calls, and writes bot messages one at a time from a
// bounded queue. Runs on its own strand; the service's replies are posted to it.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json_fwd.hpp>

#include "adapters/server/connection.h"
#include "adapters/server/rate_limiter.h"
#include "adapters/server/shared_state.h"
#include "bot/conversation/conversation_service.h"

namespace calfbot::adapters {

class WebsocketSession : public Connection,
                         public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state,
              ConnectionSlot slot);
  ~WebsocketSession() override;
  WebsocketSession(const WebsocketSession&) = delete;
  WebsocketSession& operator=(const WebsocketSession&) = delete;

  // Accepts the upgrade request (already read by the HttpSession).
  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  // Closes with 1001 after the messages already queued. Any thread.
  void go_away() override;
  // Sends messages nobody on this socket asked for (a member of staff's),
  // or the expiry messages and then closes with 4410 (expired). Any thread.
  void deliver(std::vector<std::string> texts, bool expired);

 private:
  struct Outgoing {
    std::string text;
    std::optional<boost::beast::websocket::close_reason> close;  // set: a close, not a message
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(const std::string& text);
  void on_started(bot::Result<bot::Started> r);
  void on_resumed(const std::string& token, bot::Result<bot::Delivery> r);
  void on_reply(bot::Result<bot::Delivery> r);
  void send(std::string text);
  void send_error(bot::Code code, const std::string& text = "");
  void close(unsigned short code, const std::string& reason);
  // Closes with the close code the table gives `code` (bot/error.h).
  void close_for(bot::Code code);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  // An executor that keeps the io_context running until a posted reply arrives.
  boost::asio::any_io_executor tracked();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;  // shared: handlers may outlive the Server
  ConnectionSlot slot_;
  RateLimiter limiter_;
  std::deque<Outgoing> queue_;  // bounded: a client that does not read is closed
  bool writing_ = false;
  bool closing_ = false;   // a close is queued or sent: nothing more is sent
  bool accepted_ = false;
  bool go_away_pending_ = false;
  bool origin_ok_ = true;
  std::string origin_;
  int rejected_in_row_ = 0;  // messages over the rate limit, one after the other
  bool starting_ = false;    // a hello or resume is being handled
  std::string token_;        // set once the connection has a session
  std::string session_id_;
};

}  // namespace calfbot::adapters
