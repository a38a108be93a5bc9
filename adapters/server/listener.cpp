#include "adapters/server/listener.h"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "adapters/server/http_session.h"
#include "adapters/logger.h"
#include "adapters/metrics.h"
#include "adapters/server/shared_state.h"

namespace calfbot::adapters {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, std::shared_ptr<SharedState> state)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()),
      state_(std::move(state)) {}

bot::Result<unsigned short> Listener::open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    return bot::Error{bot::Code::bind_failed, std::string(what) + " " + endpoint.address().to_string() +
                                         ":" + std::to_string(endpoint.port()) + ": " +
                                         ec.message()};
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec)) return fail("set option");
  if (acceptor_.bind(endpoint, ec)) return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  return acceptor_.local_endpoint().port();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                boost::beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_),
                         boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    state_->log().warn("accept_failed", {{"error", ec.message()}});
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  state_->metrics().connections_total++;
  // A turn's reply is often two or three WebSocket frames (an info or an
  // escalation, then the question): with Nagle's algorithm the second waited
  // for the client's delayed ACK, about 40 ms.
  boost::system::error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  boost::system::error_code peer_ec;
  auto peer = socket.remote_endpoint(peer_ec);
  ConnectionSlot slot = state_->admit(peer_ec ? std::string() : peer.address().to_string());
  if (!slot.admitted()) state_->metrics().connections_rejected_total++;
  std::make_shared<HttpSession>(std::move(socket), state_, std::move(slot))->run();
  do_accept();
}

}  // namespace calfbot::adapters
