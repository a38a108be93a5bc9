#include "adapters/server/listener.h"

#include <fcntl.h>
#include <unistd.h>

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
      state_(std::move(state)),
      spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

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
  if (ec) return on_accept_error(ec);
  state_->metrics().connections_total++;
  // A turn's reply is often two or three WebSocket frames (an info or an
  // escalation, then the question): with Nagle's algorithm the second waited
  // for the client's delayed ACK, about 40 ms.
  boost::system::error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  boost::system::error_code peer_ec;
  auto peer = socket.remote_endpoint(peer_ec);
  ConnectionSlot slot = peer_ec ? ConnectionSlot() : state_->admit(peer.address());
  if (!slot.admitted()) state_->metrics().connections_rejected_total++;
  if (slot.kind() == Admission::Kind::dropped) {
    // Past even its refusals: closed unread, holding nothing.
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<HttpSession>(std::move(socket), state_, std::move(slot))->run();
  }
  do_accept();
}

// Out of descriptors (EMFILE, ENFILE): the spare descriptor is given up to
// accept the waiting connection and close it at once, so the backlog drains
// instead of spinning, then taken again; the log says so at most every ten
// seconds, with a count.
void Listener::on_accept_error(boost::system::error_code ec) {
  ++accept_failures_;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_failure_log_ >= std::chrono::seconds(10)) {
    state_->log().warn("accept_failed", {{"error", ec.message()}, {"count", accept_failures_}});
    accept_failures_ = 0;
    last_failure_log_ = now;
  }
  if ((ec == boost::system::errc::too_many_files_open ||
       ec == boost::system::errc::too_many_files_open_in_system) &&
      spare_fd_ >= 0) {
    ::close(spare_fd_);
    spare_fd_ = -1;
    boost::system::error_code again;
    tcp::socket victim(ioc_);
    acceptor_.accept(victim, again);
    victim.close(again);
    spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  retry_.expires_after(std::chrono::milliseconds(100));
  retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
    if (!wait_ec) self->do_accept();
  });
}

Listener::~Listener() {
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

}  // namespace calfbot::adapters
