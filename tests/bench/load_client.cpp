#include "load_client.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace calfbot::bench {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxTurns = 200;          // a conversation without an outcome by then is an error
constexpr double kRetrySeconds = 1.0;   // pause before a patient tries again after an error
constexpr double kCloseSeconds = 5.0;   // the close handshake at the most, then the socket is dropped

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

std::string scripted_answer(const json& q) {
  const std::string type = q.value("answer_type", "");
  auto choice = [](const std::string& id) { return json{{"choice", id}}.dump(); };
  auto text = [](const std::string& t) { return json{{"text", t}}.dump(); };
  if (type == "yes_no") return choice("no");
  if (type == "single_choice" || type == "multi_choice") {
    auto it = q.find("choices");
    if (it != q.end() && it->is_array() && !it->empty()) {
      if (type == "multi_choice") {
        for (const auto& c : *it) {
          if (c.value("id", "") == "none") return choice("none");
        }
      }
      return choice((*it)[0].value("id", ""));
    }
  }
  if (type == "number") {
    double lo = 0, hi = 10;
    auto it = q.find("range");
    if (it != q.end() && it->is_array() && it->size() == 2) {
      lo = (*it)[0].get<double>();
      hi = (*it)[1].get<double>();
    }
    return text(std::to_string(std::lround((lo + hi) / 2)));
  }
  if (type == "duration") return text("3 days");
  return text("my calf aches after running");
}

// One conversation on one connection: connect, hello (or the first echo
// message), then one message per turn until the outcome (or the echo turns).
class Conversation : public std::enable_shared_from_this<Conversation> {
 public:
  Conversation(Load& load, int patient)
      : load_(load),
        patient_(patient),
        ws_(net::make_strand(load.ioc_)),
        pause_(ws_.get_executor()),
        deadline_(ws_.get_executor()) {}

  void start(double delay_seconds) {
    net::post(ws_.get_executor(), [self = shared_from_this(), delay_seconds] {
      if (delay_seconds <= 0) return self->connect();
      self->pause_.expires_after(to_duration(delay_seconds));
      self->pause_.async_wait([self](beast::error_code ec) {
        if (!ec) self->connect();
      });
    });
  }

 private:
  const LoadSpec& spec() const { return load_.spec_; }

  void connect() {
    if (load_.stopping_) return;
    arm(spec().turn_timeout);
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(net::ip::address_v4::loopback(), spec().port),
        beast::bind_front_handler(&Conversation::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec) {
    if (ended_) return;
    if (ec) return fail("connect: " + ec.message());
    ws_.async_handshake("127.0.0.1:" + std::to_string(spec().port), "/v1/chat",
                        beast::bind_front_handler(&Conversation::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ended_) return;
    if (ec) return fail("handshake: " + ec.message());
    connected_ = true;
    load_.open_++;
    do_read();
    send_turn(spec().echo ? echo_message() : std::string(R"({"type":"hello"})"));
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&Conversation::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ended_) return;
    if (ec) {
      if (ec == websocket::error::closed) {
        const auto& r = ws_.reason();
        return fail("closed by the server: " + std::to_string(r.code) + " " +
                    std::string(r.reason.data(), r.reason.size()));
      }
      return fail("read: " + ec.message());
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    reply_bytes_ += text.size();
    json m = json::parse(text, nullptr, false);
    if (m.is_discarded() || !m.is_object()) return fail("the server sent something not JSON");
    if (spec().echo) {
      on_echo(m);
    } else {
      on_bot(m);
    }
    if (!ended_) do_read();
  }

  void on_bot(const json& m) {
    const std::string type = m.value("type", "");
    if (type == "error") return fail("error message: " + m.value("code", std::string("?")));
    if (type == "escalation") load_.escalation();
    if ((type != "question" && type != "outcome") || !waiting_) return;
    turn_done();
    if (type == "outcome") return finish();
    if (turns_ >= kMaxTurns) return fail("no outcome after " + std::to_string(kMaxTurns) + " turns");
    answer(scripted_answer(m));
  }

  void on_echo(const json& m) {
    if (m.value("type", "") != "echo" || !waiting_) return fail("an echo that was not sent");
    turn_done();
    if (turns_ >= spec().echo_turns) return finish();
    answer(echo_message());
  }

  std::string echo_message() const {
    json m = {{"type", "echo"}, {"turn", turns_}, {"pad", ""}};
    std::size_t base = m.dump().size();
    if (spec().echo_bytes > base) m["pad"] = std::string(spec().echo_bytes - base, 'x');
    return m.dump();
  }

  // The next message after the patient's pause (none in the closed loop).
  void answer(std::string message) {
    double pause = load_.think();
    if (pause <= 0) return send_turn(std::move(message));
    pause_.expires_after(to_duration(pause));
    pause_.async_wait([self = shared_from_this(), message = std::move(message)](
                          beast::error_code ec) mutable {
      if (!ec && !self->ended_) self->send_turn(std::move(message));
    });
  }

  // A turn starts when its message is handed to the socket.
  void send_turn(std::string message) {
    if (ended_) return;
    next_ = std::move(message);
    if (!writing_) write_next();  // else on_write sends it (one write at a time)
  }

  void write_next() {
    writing_ = true;
    out_ = std::move(*next_);
    next_.reset();
    waiting_ = true;
    sent_at_ = Clock::now();
    arm(spec().turn_timeout);
    ws_.text(true);
    ws_.async_write(net::buffer(out_),
                    beast::bind_front_handler(&Conversation::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ended_) return;
    if (ec) return fail("write: " + ec.message());
    if (next_) write_next();
  }

  void turn_done() {
    waiting_ = false;
    deadline_.cancel();
    ++turns_;
    load_.turn_done(std::chrono::duration<double, std::milli>(Clock::now() - sent_at_).count(),
                    reply_bytes_);
    reply_bytes_ = 0;
  }

  // The deadline of a turn (or of the connection, or of the close handshake).
  void arm(double seconds) {
    deadline_.expires_after(to_duration(seconds));
    deadline_.async_wait([self = shared_from_this(), seconds](beast::error_code ec) {
      if (ec) return;  // cancelled or re-armed
      if (self->ended_) return self->drop();
      std::ostringstream what;
      what << "timeout: no reply within " << seconds << " s";
      self->fail(what.str());
    });
  }

  void end() {
    ended_ = true;
    pause_.cancel();
    deadline_.cancel();
    if (connected_) load_.open_--;
  }

  void drop() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  void finish() {
    end();
    load_.conversation_done(turns_);
    arm(kCloseSeconds);
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) { self->deadline_.cancel(); });
    load_.begin(patient_, 0);
  }

  void fail(const std::string& what) {
    if (ended_) return;
    end();
    load_.error(what);
    drop();
    load_.begin(patient_, kRetrySeconds);
  }

  Load& load_;
  const int patient_;
  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer pause_;
  net::steady_timer deadline_;
  beast::flat_buffer buffer_;
  std::string out_;
  std::optional<std::string> next_;
  Clock::time_point sent_at_;
  std::size_t reply_bytes_ = 0;
  int turns_ = 0;
  bool connected_ = false;
  bool writing_ = false;
  bool waiting_ = false;
  bool ended_ = false;
};

Load::Load(LoadSpec spec) : spec_(std::move(spec)), ioc_(std::max(1, spec_.threads)) {}

Load::~Load() { stop(); }

void Load::start() {
  work_.emplace(net::make_work_guard(ioc_));
  for (int i = 0; i < spec_.patients; ++i) {
    begin(i, spec_.ramp_seconds * i / spec_.patients);
  }
  for (int i = 0; i < std::max(1, spec_.threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
}

void Load::record(bool on) {
  std::lock_guard lock(mu_);
  if (on == recording_) return;
  recording_ = on;
  if (on) {
    window_start_ = Clock::now();
  } else {
    figures_.window_seconds +=
        std::chrono::duration<double>(Clock::now() - window_start_).count();
  }
}

Figures Load::stop() {
  record(false);
  stopping_ = true;
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(mu_);
  return figures_;
}

void Load::begin(int patient, double delay_seconds) {
  if (stopping_) return;
  std::make_shared<Conversation>(*this, patient)->start(delay_seconds);
}

double Load::think() {
  if (spec_.think_max <= 0) return 0;
  thread_local std::mt19937 rng(std::random_device{}());
  return std::uniform_real_distribution<double>(spec_.think_min, spec_.think_max)(rng);
}

void Load::turn_done(double ms, std::size_t reply_bytes) {
  std::lock_guard lock(mu_);
  figures_.reply_bytes += reply_bytes;
  figures_.reply_turns++;
  if (recording_) figures_.latency_ms.push_back(ms);
}

void Load::conversation_done(int turns) {
  std::lock_guard lock(mu_);
  figures_.conversation_turns.push_back(turns);
  if (recording_) figures_.conversations++;
}

void Load::error(const std::string& what) {
  if (stopping_) return;
  std::lock_guard lock(mu_);
  figures_.errors_total[what]++;
  if (recording_) figures_.errors_window[what]++;
}

void Load::escalation() {
  std::lock_guard lock(mu_);
  figures_.escalations++;
}

// ---- the echo server ----

namespace {

class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  explicit EchoSession(tcp::socket&& socket) : ws_(std::move(socket)) {}

  void run() {
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
      self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
      self->ws_.async_accept(beast::bind_front_handler(&EchoSession::on_accept, self));
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (!ec) do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&EchoSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;  // closed, dropped or timed out: the session ends
    ws_.text(ws_.got_text());
    ws_.async_write(buffer_.data(),
                    beast::bind_front_handler(&EchoSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    buffer_.consume(buffer_.size());
    do_read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

void accept_next(net::io_context& ioc, tcp::acceptor& acceptor) {
  acceptor.async_accept(net::make_strand(ioc), [&ioc, &acceptor](beast::error_code ec,
                                                                 tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) std::make_shared<EchoSession>(std::move(socket))->run();
    accept_next(ioc, acceptor);
  });
}

}  // namespace

int run_echo_server(unsigned short port, int threads) {
  net::io_context ioc(threads);
  tcp::acceptor acceptor(ioc);
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  if (acceptor.open(endpoint.protocol(), ec) ||
      acceptor.set_option(net::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) || acceptor.listen(net::socket_base::max_listen_connections, ec)) {
    std::cerr << "echo server: cannot listen on 127.0.0.1:" << port << ": " << ec.message() << "\n";
    return 1;
  }
  std::cout << "listening " << acceptor.local_endpoint().port() << std::endl;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  accept_next(ioc, acceptor);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace calfbot::bench
