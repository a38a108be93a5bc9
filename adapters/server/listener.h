// Accepts TCP connections and hands each to an HttpSession on its own strand.
// Thread-safety: stop() may be called from any thread; the rest runs on the
// acceptor's strand.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/error.h"

namespace calfbot::adapters {

class SharedState;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state);
  ~Listener();

  // Opens, binds and listens. Returns the port bound (useful with port 0), or
  // "bind_failed" with the system's reason.
  bot::Result<unsigned short> open(const boost::asio::ip::tcp::endpoint& endpoint);

  void run();
  void stop();

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_accept_error(boost::system::error_code ec);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after an accept error such as EMFILE
  std::shared_ptr<SharedState> state_;
  int spare_fd_ = -1;  // given up when out of descriptors (on_accept_error)
  int accept_failures_ = 0;
  std::chrono::steady_clock::time_point last_failure_log_{};
};

}  // namespace calfbot::adapters
