#include "crash_patients.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bench_report.h"
#include "load_client.h"

namespace calfbot::bench {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr auto kReconnectPause = std::chrono::milliseconds(20);  // while the server is down
constexpr auto kErrorPause = std::chrono::seconds(1);            // after an error

// (Outside the coroutines: GCC 12 rejects a braced JSON initializer inside one,
// "array used as initializer".)
std::string resume_message(const std::string& token, int last_seq) {
  return json{{"type", "resume"}, {"token", token}, {"last_seq", last_seq}}.dump();
}

}  // namespace

void Patients::start() {
  for (int i = 0; i < o_.patients; ++i) {
    net::co_spawn(ioc_, patient(i), net::detached);
  }
  thread_ = std::thread([this] { ioc_.run(); });
}

void Patients::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();  // the patients end within kReconnectPause
}

Patients::~Patients() {
  if (thread_.joinable()) {
    ioc_.stop();
    thread_.join();
  }
}

void Patients::failure(const std::string& what) {
  if (counts_.failures.size() < 20) counts_.failures.push_back(what);
}
void Patients::error(const std::string& what) { counts_.errors[what]++; }

net::awaitable<void> Patients::pause(Clock::duration d) {
  net::steady_timer t(co_await net::this_coro::executor);
  t.expires_after(d);
  beast::error_code ec;
  co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
}

Clock::duration Patients::turn_timeout() const {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o_.turn_timeout));
}

net::awaitable<beast::error_code> Patients::open(Ws& ws, unsigned short port) {
  beast::error_code ec;
  beast::get_lowest_layer(ws).expires_after(turn_timeout());
  co_await beast::get_lowest_layer(ws).async_connect(
      tcp::endpoint(net::ip::address_v4::loopback(), port),
      net::redirect_error(net::use_awaitable, ec));
  if (!ec) {
    co_await ws.async_handshake("127.0.0.1:" + std::to_string(port), "/v1/chat",
                                net::redirect_error(net::use_awaitable, ec));
  }
  co_return ec;
}

net::awaitable<bool> Patients::send(Ws& ws, const std::string& text) {
  beast::error_code ec;
  beast::get_lowest_layer(ws).expires_after(turn_timeout());
  co_await ws.async_write(net::buffer(text), net::redirect_error(net::use_awaitable, ec));
  co_return !ec;
}

net::awaitable<bool> Patients::send_answer(Ws& ws, Track& t) {
  counts_.answers_sent++;
  co_return co_await send(ws, t.pending->body.dump());
}

net::awaitable<void> Patients::patient(int) {
  std::shared_ptr<Track> t;
  auto executor = co_await net::this_coro::executor;
  while (!stopping_) {
    const unsigned short port = port_;
    if (port == 0) {
      co_await pause(kReconnectPause);
      continue;
    }
    if (draining_ && (!t || t->done || t->failed)) break;  // nothing under way
    Ws ws(executor);
    if (co_await open(ws, port)) {
      co_await pause(kReconnectPause);  // the server is down or not up yet
      continue;
    }
    const bool resuming = t && !t->done && !t->failed;
    if (!resuming) t.reset();
    const std::string first =
        resuming ? resume_message(t->token, t->seen) : std::string(R"({"type":"hello"})");
    bool session = false;
    bool errored = false;  // an error was counted: pause before the next try
    int replay_to = -1;  // while replaying after a resume: the server's last_seq
    bool park = false;   // draining, and this patient's turn is done
    bool lost = !co_await send(ws, first);
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!lost && !park) {
      beast::get_lowest_layer(ws).expires_after(turn_timeout());
      co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == websocket::error::closed && !session && resuming) {
          const int code = ws.reason().code;
          if (code == 4404 || code == 4410) {
            counts_.resumes_failed++;
            failure("conversation " + t->id + ": resume closed with " + std::to_string(code));
            t->failed = true;
          }
        } else if (ec == beast::error::timeout && port_ == port) {
          error("timeout: no reply within " + fixed(o_.turn_timeout, 1) + " s");
          errored = true;
        }
        lost = true;
        break;
      }
      json m = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
      buffer.consume(buffer.size());
      if (!m.is_object()) {
        error("the server sent something not JSON");
        errored = lost = true;
        break;
      }
      const std::string type = m.value("type", "");
      if (type == "session") {
        session = true;
        if (!resuming) {
          t = std::make_shared<Track>();
          t->id = m.value("conversation_id", "");
          t->token = m.value("token", "");
          tracks_.push_back(t);
          counts_.hellos_acked++;
          continue;
        }
        counts_.resumes++;
        const int server_seq = m.value("last_seq", -1);
        if (m.value("resumed", false) != true || server_seq < t->seen) {
          counts_.resumes_failed++;
          failure("conversation " + t->id + ": resume said last_seq " +
                  std::to_string(server_seq) + " after the patient had seen " +
                  std::to_string(t->seen));
          t->failed = true;
          break;
        }
        if (server_seq > t->seen) {
          replay_to = server_seq;  // the messages the patient missed follow
          counts_.resumes_replayed++;
          continue;
        }
        // Nothing missed: an answer in flight was not stored; send it again.
        if (t->pending) {
          if (!t->pending_resent) counts_.in_flight_resent++;
          t->pending_resent = true;
          if (!co_await send_answer(ws, *t)) lost = true;
          continue;
        }
      } else if (type == "error" && !m.contains("seq")) {
        error("error message: " + m.value("code", std::string("?")));
        errored = lost = true;
        break;
      } else {
        const int seq = m.value("seq", 0);
        if (!t || seq <= t->seen) {
          error("a bot message out of order (seq " + std::to_string(seq) + ")");
          errored = lost = true;
          break;
        }
        t->seen = seq;
        if (t->pending && seq > t->pending->question_seq) {
          // The answer was stored (its replies are sent only once it is durable).
          if (t->pending_unsure && !t->pending_resent) counts_.in_flight_stored++;
          t->acked.push_back(*t->pending);
          t->pending.reset();
          t->pending_unsure = t->pending_resent = false;
          counts_.acked++;
        }
        if (type == "escalation") counts_.escalations++;
        if (type == "error") error("engine error: " + m.value("code", std::string("?")));
        if (type == "question" || type == "outcome") t->current = m;
        if (replay_to >= 0 && seq < replay_to) continue;  // more of the replay follows
        replay_to = -1;
        if (type != "question" && type != "outcome") continue;  // the turn goes on
      }
      // The turn is complete: t->current awaits an answer, or is the outcome.
      if (t->current.value("type", "") == "outcome") {
        if (!t->done) counts_.completed++;
        t->done = true;
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
        co_await ws.async_close(websocket::close_code::normal,
                                net::redirect_error(net::use_awaitable, ec));
        break;  // the next conversation on a new connection
      }
      if (draining_) {
        park = true;
        break;
      }
      t->pending = Answer{t->current.value("seq", 0),
                          json::parse(scripted_answer(t->current))};
      if (!co_await send_answer(ws, *t)) lost = true;
    }
    if (lost) {
      if (!session && !resuming) counts_.hellos_unacked++;
      if (t && t->pending && !t->pending_unsure) {
        t->pending_unsure = true;
        counts_.in_flight++;
      }
      if (errored) co_await pause(kErrorPause);
    }
    if (park) break;
  }
  parked_++;
  while (!stopping_) co_await pause(kReconnectPause);
}

// What must match between the message a resume ends with and the one the
// patient saw.
constexpr const char* kResumeKeys[] = {"type", "seq", "slot", "triage"};

// A resume with last_seq one below what the patient saw: the server must say
// it is resumed at the patient's last seq and replay exactly the question or
// outcome the patient has on screen.
net::awaitable<bool> Patients::check_one(const Track& t, std::string& why) {
  const unsigned short port = port_;
  Ws ws(co_await net::this_coro::executor);
  beast::error_code ec = co_await open(ws, port);
  if (ec) {
    why = "connect: " + ec.message();
    co_return false;
  }
  if (!co_await send(ws, resume_message(t.token, t.seen - 1))) {
    why = "write failed";
    co_return false;
  }
  beast::flat_buffer buffer;
  std::vector<json> got;
  while (got.empty() || got.back().value("seq", 0) < t.seen) {
    beast::get_lowest_layer(ws).expires_after(turn_timeout());
    co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      why = "read: " + ec.message() +
            (ec == websocket::error::closed ? " " + std::to_string(ws.reason().code) : "");
      co_return false;
    }
    json m = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    if (got.empty() && (m.value("type", "") != "session" || m.value("resumed", false) != true ||
                        m.value("last_seq", -1) != t.seen)) {
      why = "resumed with " + m.dump().substr(0, 200) + " after seq " + std::to_string(t.seen);
      co_return false;
    }
    got.push_back(std::move(m));
  }
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
  co_await ws.async_close(websocket::close_code::normal, net::redirect_error(net::use_awaitable, ec));
  const json& last = got.back();
  for (const char* key : kResumeKeys) {
    if (last.value(key, json()) != t.current.value(key, json())) {
      why = std::string("resumed at ") + last.dump().substr(0, 200) + ", the patient saw " +
            t.current.dump().substr(0, 200);
      co_return false;
    }
  }
  if (got.size() != 2) {
    why = "resumed with " + std::to_string(got.size() - 1) + " messages instead of 1";
    co_return false;
  }
  co_return true;
}

std::pair<std::uint64_t, std::uint64_t> Patients::check_resumes(int parallel) {
  std::promise<void> done;
  auto remaining = std::make_shared<int>(parallel);
  auto next = std::make_shared<std::size_t>(0);
  std::uint64_t ok = 0, failed = 0;
  for (int w = 0; w < parallel; ++w) {
    net::co_spawn(
        ioc_,
        [&, remaining, next]() -> net::awaitable<void> {
          while (*next < tracks_.size()) {
            const Track& t = *tracks_[(*next)++];
            if (t.failed) continue;  // counted when its resume failed
            std::string why;
            if (t.pending) {
              why = "an answer still without a reply";
            } else if (co_await check_one(t, why)) {
              ++ok;
              continue;
            }
            ++failed;
            failure("conversation " + t.id + ": final resume: " + why);
          }
          if (--*remaining == 0) done.set_value();
        },
        net::detached);
  }
  done.get_future().wait();
  return {ok, failed};
}

}  // namespace calfbot::bench
