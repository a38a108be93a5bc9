#include "adapters/server/server.h"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/server/listener.h"
#include "adapters/server/shared_state.h"
#include "config/config.h"

namespace calfbot::adapters {

namespace net = boost::asio;

Server::Server(net::io_context& ioc, const config::ServerConfig& config,
               bot::ConversationService& service, Metrics& metrics, Logger& log)
    : ioc_(ioc),
      config_(config),
      state_(std::make_shared<SharedState>(config, service, metrics, log)) {}

Server::~Server() = default;

bot::Result<unsigned short> Server::start() {
  boost::system::error_code ec;
  std::string host = config_.host == "localhost" ? "127.0.0.1" : config_.host;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    return bot::Error{bot::Code::bind_failed,
                      "server.host '" + config_.host + "' is not an IP address: " + ec.message()};
  }
  listener_ = std::make_shared<Listener>(ioc_, state_);
  auto port = listener_->open({address, static_cast<unsigned short>(config_.port)});
  if (!port) return port;
  const std::string at = ":" + std::to_string(*port);
  state_->add_origin("http://" + (address.is_v6() ? "[" + host + "]" : host) + at);
  if (address.is_loopback()) state_->add_origin("http://localhost" + at);
  listener_->run();
  return port;
}

void Server::add_own_origin(const std::string& origin) { state_->add_origin(origin); }

void Server::shutdown() {
  if (listener_) listener_->stop();
  state_->shut_down();
}

void Server::deliver(const std::string& session_id, const std::vector<std::string>& texts,
                     bool expired) {
  state_->deliver(session_id, texts, expired);
}

Router& Server::router() { return state_->router(); }

}  // namespace calfbot::adapters
