// One HTTP connection (Beast's advanced server pattern): reads a request
// with a size limit and a timeout, answers it through the Router, one
// response in flight, then reads the next; hands WebSocket upgrades of
// /v1/chat to a WebsocketSession. Runs on its own strand.
#pragma once

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "adapters/server/connection.h"
#include "adapters/server/http_types.h"
#include "adapters/server/rate_limiter.h"
#include "adapters/server/shared_state.h"

namespace calfbot::adapters {

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  // A slot that is not admitted means "refuse": the session reads the
  // request briefly, answers 503 (or, in the health reserve, /healthz and
  // /readyz only) and closes.
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state,
              ConnectionSlot slot);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void run();
  void go_away() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void do_read();       // the next request, unless closing
  void read_request();  // reads one request
  void read_raw_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(Request&& req);
  void send(HttpResponse r);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void drain();
  // Server-sent events (HttpResponse::events): the header, then one event
  // write in flight from a bounded queue until either side closes.
  void start_events(HttpResponse r);
  void queue_event(std::string text);
  void write_event();
  void watch_events_close();
  void end_events();
  friend class EventStreamSink;

  boost::beast::tcp_stream stream_;
  // Bounded, so that a header that never ends fills it and is refused.
  boost::beast::flat_buffer buffer_{64 * 1024};
  std::array<char, 4096> scratch_;  // for drain()
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // the one response in flight
  std::shared_ptr<SharedState> state_;  // shared: handlers may outlive the Server
  ConnectionSlot slot_;
  RateLimiter limiter_;
  bool busy_ = false;     // a request is being answered
  bool closing_ = false;  // close after the response in flight
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool raw_folded_ = false;  // the request's header has a folded line
  // An event stream's state; streaming_ once its header was queued.
  bool streaming_ = false;
  bool event_writing_ = false;
  std::deque<std::string> events_;
  std::shared_ptr<class EventStreamSink> sink_;
};

}  // namespace calfbot::adapters
