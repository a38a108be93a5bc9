// Crash-and-restart benchmark: the real `calfbot serve` is killed with
// SIGKILL at random moments while patients talk to it over the WebSocket
// channel, restarted on the same SQLite file, and every patient resumes its
// conversation (docs/protocol.md, "Resuming after a lost connection") and
// carries on. At the end the SQLite file is checked: every answer whose reply
// reached a patient is stored exactly once, in its place; PRAGMA
// integrity_check is ok; and every conversation resumes at the question (or
// outcome) its patient last saw.
//   build/tests/bench/crash_bench --calfbot build/calfbot               (200 kills)
//   build/tests/bench/crash_bench --calfbot build/calfbot --kills 10    (a smoke run)
//
// Exits with 1 when an acknowledged answer is lost or duplicated, a session
// does not resume, integrity_check is not ok, or a patient saw an error.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "bench_process.h"
#include "load_client.h"

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using calfbot::bench::CalfbotSpec;
using calfbot::bench::Server;

constexpr int kServerThreads = 2;
constexpr auto kReconnectPause = std::chrono::milliseconds(20);  // while the server is down
constexpr auto kErrorPause = std::chrono::seconds(1);            // after an error
constexpr double kDrainSeconds = 60;  // the patients' last answers, at the most

struct Options {
  std::string calfbot;
  int kills = 200;
  int patients = 50;
  int delay_min_ms = 50, delay_max_ms = 400;
  double turn_timeout = 10;
  unsigned seed = 0;  // 0: from the clock
};

const char* kUsage =
    "usage: crash_bench --calfbot PATH [--kills N] [--patients C] [--delay MIN,MAX]\n"
    "                   [--turn-timeout S] [--seed S]\n"
    "  --kills N          SIGKILLs of the server, each followed by a restart (200)\n"
    "  --patients C       conversations at once, each answering as soon as it is asked (50)\n"
    "  --delay MIN,MAX    milliseconds from a start (the server ready) to its kill, uniform (50,400)\n"
    "  --turn-timeout S   a reply later than this, from a running server, is an error (10)\n"
    "  --seed S           the random delays' seed (default: from the clock; the output says it)\n"
    "The SQLite file goes to a new folder in $TMPDIR (else the system's temporary folder).\n";

std::string fixed(double v, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << v;
  return s.str();
}

// One answer as the patient sent it: the bot seq of the question it answers
// and the message.
struct Answer {
  int question_seq = 0;
  json body;
  bool operator==(const Answer&) const = default;
};

// One conversation as its patient knows it.
struct Track {
  std::string id, token;
  int seen = 0;                    // the highest bot seq received
  json current;                    // the last question or outcome received
  std::vector<Answer> acked;       // answers whose reply arrived, in order
  std::optional<Answer> pending;   // sent, reply not seen (across a kill: unsure)
  bool pending_unsure = false;     // pending's connection dropped before its reply
  bool pending_resent = false;     // pending was sent again after a resume found it not stored
  bool done = false;               // the outcome arrived
  bool failed = false;             // its resume failed: the patient gave it up
};

// Everything the patients counted. Only the client thread touches it while
// the patients run.
struct Counts {
  std::uint64_t hellos_acked = 0, hellos_unacked = 0, completed = 0;
  std::uint64_t answers_sent = 0, acked = 0;
  std::uint64_t in_flight = 0;          // answers whose connection dropped before the reply
  std::uint64_t in_flight_stored = 0;   // ... that a resume found stored (its replies replayed)
  std::uint64_t in_flight_resent = 0;   // ... that a resume found not stored: sent again
  std::uint64_t resumes = 0, resumes_failed = 0, resumes_replayed = 0;
  std::uint64_t escalations = 0;
  std::map<std::string, std::uint64_t> errors;
  std::vector<std::string> failures;  // the first few, in words
};

// (Outside the coroutines: GCC 12 rejects a braced JSON initializer inside one,
// "array used as initializer".)
std::string resume_message(const std::string& token, int last_seq) {
  return json{{"type", "resume"}, {"token", token}, {"last_seq", last_seq}}.dump();
}

class Patients {
 public:
  explicit Patients(const Options& o) : o_(o) {}

  void start() {
    for (int i = 0; i < o_.patients; ++i) {
      net::co_spawn(ioc_, patient(i), net::detached);
    }
    thread_ = std::thread([this] { ioc_.run(); });
  }

  // The server's port while it runs, 0 while it is down.
  void set_port(unsigned short port) { port_ = port; }

  // No new answers or conversations from now on: each patient finishes the
  // turn under way (resuming first if it must) and waits.
  void drain() { draining_ = true; }
  int parked() const { return parked_; }

  // Runs `f` on the client thread and waits for its result.
  template <class F>
  auto on_client_thread(F f) {
    std::promise<decltype(f())> p;
    auto fut = p.get_future();
    net::post(ioc_, [&] {
      try {
        p.set_value(f());
      } catch (...) {
        p.set_exception(std::current_exception());
      }
    });
    return fut.get();
  }

  // Resumes every conversation on a new connection (`parallel` at once) and
  // checks it reaches the question or outcome its patient last saw.
  // Returns {resumed, failed}.
  std::pair<std::uint64_t, std::uint64_t> check_resumes(int parallel);

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();  // the patients end within kReconnectPause
  }
  ~Patients() {
    if (thread_.joinable()) {
      ioc_.stop();
      thread_.join();
    }
  }

  const Counts& counts() const { return counts_; }
  const std::vector<std::shared_ptr<Track>>& tracks() const { return tracks_; }

 private:
  using Ws = websocket::stream<beast::tcp_stream>;

  void failure(const std::string& what) {
    if (counts_.failures.size() < 20) counts_.failures.push_back(what);
  }
  void error(const std::string& what) { counts_.errors[what]++; }

  net::awaitable<void> pause(Clock::duration d) {
    net::steady_timer t(co_await net::this_coro::executor);
    t.expires_after(d);
    beast::error_code ec;
    co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  Clock::duration turn_timeout() const {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(o_.turn_timeout));
  }

  // TCP connect and WebSocket handshake to /v1/chat on `port`, within a turn's timeout.
  net::awaitable<beast::error_code> open(Ws& ws, unsigned short port) {
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

  net::awaitable<bool> send(Ws& ws, const std::string& text) {
    beast::error_code ec;
    beast::get_lowest_layer(ws).expires_after(turn_timeout());
    co_await ws.async_write(net::buffer(text), net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  net::awaitable<bool> send_answer(Ws& ws, Track& t) {
    counts_.answers_sent++;
    co_return co_await send(ws, t.pending->body.dump());
  }

  // One connected patient: a conversation (new, or resumed when it has one
  // under way) on each connection until the server goes away.
  net::awaitable<void> patient(int) {
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
                            json::parse(calfbot::bench::scripted_answer(t->current))};
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

  net::awaitable<bool> check_one(const Track& t, std::string& why);

  const Options& o_;
  net::io_context ioc_;
  std::thread thread_;
  std::atomic<unsigned short> port_{0};
  std::atomic<bool> draining_{false}, stopping_{false};
  std::atomic<int> parked_{0};
  Counts counts_;
  std::vector<std::shared_ptr<Track>> tracks_;
};

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

// ---- the store ----

struct StoreCheck {
  std::string integrity;
  std::uint64_t found = 0, lost = 0, duplicated = 0, misplaced = 0;
  std::uint64_t unacked_stored = 0;  // an answer in flight at the end, stored
  std::uint64_t sessions = 0, unknown_sessions = 0, unknown_with_answers = 0;
};

StoreCheck check_store(const std::string& path, const std::vector<std::shared_ptr<Track>>& tracks,
                       std::vector<std::string>& failures) {
  StoreCheck c;
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  {
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string all;
    while (q.executeStep()) all += (all.empty() ? "" : "; ") + q.getColumn(0).getString();
    c.integrity = all;
  }
  // Each patient message with the bot seq of the question it answers: the
  // last bot message stored before it (rowid order is commit order).
  SQLite::Statement q(db,
                      "SELECT m.seq, m.body, (SELECT max(o.seq) FROM messages o WHERE "
                      "o.session = m.session AND o.direction = 'out' AND o.rowid < m.rowid) "
                      "FROM messages m WHERE m.session = ? AND m.direction = 'in' ORDER BY m.seq");
  auto note = [&](const std::string& what) {
    if (failures.size() < 40) failures.push_back(what);
  };
  for (const auto& t : tracks) {
    q.reset();
    q.bind(1, t->id);
    std::vector<Answer> stored;
    bool noted = false;  // the first problem of each conversation is noted
    while (q.executeStep()) {
      if (q.getColumn(0).getInt() != static_cast<int>(stored.size()) + 1) {
        if (!noted) {
          note("conversation " + t->id + ": patient message " +
               std::to_string(stored.size() + 1) + " is stored as number " +
               std::to_string(q.getColumn(0).getInt()));
        }
        noted = true;
        c.misplaced++;
      }
      stored.push_back(Answer{q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt(),
                              json::parse(q.getColumn(1).getString(), nullptr, false)});
    }
    const std::size_t n = std::min(stored.size(), t->acked.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (stored[i] == t->acked[i]) {
        c.found++;
      } else {
        c.lost++;
        if (!noted) {
          note("conversation " + t->id + ": acknowledged answer " + std::to_string(i + 1) +
               " (" + t->acked[i].body.dump() + " to seq " +
               std::to_string(t->acked[i].question_seq) + ") is stored as " +
               stored[i].body.dump() + " to seq " + std::to_string(stored[i].question_seq));
        }
        noted = true;
      }
    }
    if (t->acked.size() > stored.size()) {
      c.lost += t->acked.size() - stored.size();
      note("conversation " + t->id + ": " + std::to_string(t->acked.size() - stored.size()) +
           " acknowledged answers are not stored");
    }
    std::size_t extra = stored.size() > t->acked.size() ? stored.size() - t->acked.size() : 0;
    if (extra == 1 && t->pending && stored.back() == *t->pending) {
      c.unacked_stored++;
      extra = 0;
    }
    if (extra > 0) {
      c.duplicated += extra;
      note("conversation " + t->id + ": " + std::to_string(extra) +
           " stored answers more than acknowledged");
    }
  }
  {
    SQLite::Statement all(db, "SELECT id, inputs FROM sessions");
    std::map<std::string, bool> known;
    for (const auto& t : tracks) known[t->id] = true;
    while (all.executeStep()) {
      c.sessions++;
      if (!known.count(all.getColumn(0).getString())) {
        c.unknown_sessions++;
        if (all.getColumn(1).getInt() > 0) c.unknown_with_answers++;
      }
    }
  }
  return c;
}

// ---- options ----

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= args.size()) throw std::runtime_error("unknown option or missing value: " + a);
    const std::string& v = args[++i];
    auto whole = [&](long min) {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < min) {
        throw std::runtime_error(a + ": a whole number from " + std::to_string(min));
      }
      return n;
    };
    if (a == "--calfbot") {
      o.calfbot = v;
    } else if (a == "--kills") {
      o.kills = static_cast<int>(whole(1));
    } else if (a == "--patients") {
      o.patients = static_cast<int>(whole(1));
    } else if (a == "--delay") {
      int lo = 0, hi = 0;
      char comma = 0;
      std::istringstream in(v);
      if (!(in >> lo >> comma >> hi) || comma != ',' || lo < 0 || hi < lo) {
        throw std::runtime_error(a + ": MIN,MAX in milliseconds");
      }
      o.delay_min_ms = lo;
      o.delay_max_ms = hi;
    } else if (a == "--turn-timeout") {
      o.turn_timeout = std::atof(v.c_str());
      if (!(o.turn_timeout > 0)) throw std::runtime_error(a + ": seconds > 0");
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(whole(1));
    } else {
      throw std::runtime_error("unknown option: " + a + "\n" + kUsage);
    }
  }
  if (o.calfbot.empty()) throw std::runtime_error(std::string("--calfbot PATH is required\n") + kUsage);
  if (access(o.calfbot.c_str(), X_OK) != 0) {
    throw std::runtime_error("--calfbot " + o.calfbot + ": not an executable file");
  }
  if (o.seed == 0) {
    o.seed = static_cast<unsigned>(Clock::now().time_since_epoch().count() % 1000000000) + 1;
  }
  return o;
}

int run(int argc, char** argv) {
  Options o = parse(argc, argv);
  calfbot::bench::handle_stop_signals("crash_bench");
  signal(SIGPIPE, SIG_IGN);

  calfbot::bench::TempDir tmp("crash_bench");
  CalfbotSpec spec;
  spec.exe = o.calfbot;
  spec.dir = tmp.path();
  spec.store_path = tmp.path() + "/calfbot.db";
  spec.threads = kServerThreads;
  spec.synchronous = "full";
  int starts = 0;
  auto start_server = [&] {
    spec.log = tmp.path() + "/calfbot-" + std::to_string(++starts) + ".log";
    return calfbot::bench::start_calfbot(spec);
  };

  std::printf("crash_bench: calfbot serve killed with SIGKILL under load, restarted on the same "
              "SQLite file\n");
  std::printf("  calfbot: %s; %d server threads; store.synchronous=full; the SQLite file on %s\n",
              o.calfbot.c_str(), kServerThreads, calfbot::bench::file_system(tmp.path()).c_str());
  std::printf("  %d patients over WebSocket, each answering at once and resuming after each "
              "kill; a kill %d-%d ms after each start (seed %u)\n",
              o.patients, o.delay_min_ms, o.delay_max_ms, o.seed);
  std::fflush(stdout);

  const auto started = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  std::mt19937 rng(o.seed);
  std::uniform_int_distribution<int> delay(o.delay_min_ms, o.delay_max_ms);

  Server server = start_server();
  {
    std::string lifted, unknown;
    for (const auto& [key, value] : calfbot::bench::lifted_limits()) {
      bool known = std::find(spec.unknown_keys.begin(), spec.unknown_keys.end(), key) ==
                   spec.unknown_keys.end();
      (known ? lifted : unknown) += (known ? " " + key + "=" + value : " " + key);
    }
    std::printf("  calfbot limits lifted:%s\n", lifted.c_str());
    if (!unknown.empty()) std::printf("  not in this calfbot build (left out):%s\n", unknown.c_str());
  }
  Patients patients(o);
  patients.set_port(server.port);
  patients.start();
  double up_seconds = 0;
  for (int k = 1; k <= o.kills; ++k) {
    const int ms = delay(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    up_seconds += ms / 1000.0;
    if (!server.child->running()) {
      throw std::runtime_error("calfbot serve " + server.child->status() +
                               " before its kill; its output:\n" +
                               calfbot::bench::tail(server.child->log()));
    }
    patients.set_port(0);
    server.child->kill_hard();
    server = start_server();
    patients.set_port(server.port);
    if (k % 20 == 0 || k == o.kills) {
      const Counts c = patients.on_client_thread([&]() -> Counts { return patients.counts(); });
      std::printf("# [%s s] %d kills; %llu conversations completed, %llu answers acknowledged\n",
                  fixed(seconds(), 1).c_str(), k, static_cast<unsigned long long>(c.completed),
                  static_cast<unsigned long long>(c.acked));
      std::fflush(stdout);
    }
  }

  // After the last restart: every patient resumes, finishes its turn, stops.
  patients.drain();
  const auto drain_end = Clock::now() + std::chrono::duration<double>(kDrainSeconds);
  while (patients.parked() < o.patients && Clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int parked = patients.parked();
  const auto [resumed, resume_failed] = patients.check_resumes(8);
  patients.stop();
  const int stop_status = [&] {
    if (!server.child->running()) return -1;
    server.child->stop();
    return server.child->status() == "exited with status 0" ? 0 : 1;
  }();
  const double run_seconds = seconds();

  Counts c = patients.counts();
  StoreCheck s = check_store(spec.store_path, patients.tracks(), c.failures);

  auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::uint64_t error_count = 0;
  for (const auto& [what, count] : c.errors) error_count += count;
  std::printf("\nkills                           %d (%s s under load before them in all; the run "
              "took %s s)\n",
              o.kills, fixed(up_seconds, 1).c_str(), fixed(run_seconds, 1).c_str());
  std::printf("conversations started           %llu (%llu more hellos in flight at a kill)\n",
              n(c.hellos_acked), n(c.hellos_unacked));
  std::printf("conversations completed         %llu (an outcome reached)\n", n(c.completed));
  std::printf("answers acknowledged            %llu (their reply reached the patient)\n", n(c.acked));
  std::printf("  found in the store            %llu\n", n(s.found));
  std::printf("  duplicated                    %llu\n", n(s.duplicated));
  std::printf("  lost                          %llu\n", n(s.lost));
  std::printf("  stored out of place           %llu\n", n(s.misplaced));
  std::printf("answers in flight at a kill     %llu: stored (replies replayed on resume) %llu, not "
              "stored (sent again) %llu\n",
              n(c.in_flight), n(c.in_flight_stored), n(c.in_flight_resent));
  std::printf("resumes after a kill            %llu (%llu with missed replies replayed), %llu failed\n",
              n(c.resumes), n(c.resumes_replayed), n(c.resumes_failed));
  std::printf("integrity_check                 %s\n", s.integrity.c_str());
  std::printf("sessions resumed at the end     %llu, failed %llu (of %zu conversations)\n",
              n(resumed), n(resume_failed), patients.tracks().size());
  std::printf("sessions in the store           %llu (%llu never seen by a patient: hello in flight "
              "at a kill; %llu of them with answers)\n",
              n(s.sessions), n(s.unknown_sessions), n(s.unknown_with_answers));
  std::printf("patients stopped at the end     %d of %d; errors %llu\n", parked, o.patients,
              n(error_count));
  for (const auto& [what, count] : c.errors) std::printf("  error: %s (%llu)\n", what.c_str(), n(count));
  for (const auto& f : c.failures) std::printf("  failure: %s\n", f.c_str());

  std::vector<std::string> failed;
  if (s.lost > 0) failed.push_back("acknowledged answers lost");
  if (s.duplicated > 0 || s.misplaced > 0) failed.push_back("answers duplicated or out of place");
  if (s.integrity != "ok") failed.push_back("integrity_check not ok");
  if (resume_failed > 0 || c.resumes_failed > 0) failed.push_back("sessions that did not resume");
  if (s.unknown_with_answers > 0) failed.push_back("answers in sessions no patient started");
  if (error_count > 0) failed.push_back("errors");
  if (parked < o.patients) failed.push_back("patients still waiting for a reply at the end");
  if (c.acked == 0) failed.push_back("no answer acknowledged");
  if (stop_status != 0) failed.push_back("calfbot serve did not stop cleanly at the end");
  if (!failed.empty()) {
    std::string all;
    for (const auto& f : failed) all += (all.empty() ? "" : "; ") + f;
    std::printf("FAILED: %s\n", all.c_str());
    return 1;
  }
  std::printf("PASSED\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "crash_bench: " << e.what() << "\n";
    return 2;
  }
}
