// The crash benchmark's patients (tests/bench/crash_bench.cpp): WebSocket
// conversations on one client thread that answer at once, resume after each
// kill of the server, and remember every answer acknowledged, so the SQLite
// file can be checked against what each patient saw afterwards.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

namespace calfbot::bench {

struct PatientsSpec {
  int patients = 50;         // conversations at once
  double turn_timeout = 10;  // a reply later than this, from a running server, is an error
};

// One answer as the patient sent it: the bot seq of the question it answers
// and the message.
struct Answer {
  int question_seq = 0;
  nlohmann::json body;
  bool operator==(const Answer&) const = default;
};

// One conversation as its patient knows it.
struct Track {
  std::string id, token;
  int seen = 0;                    // the highest bot seq received
  nlohmann::json current;                    // the last question or outcome received
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

class Patients {
 public:
  explicit Patients(const PatientsSpec& spec) : o_(spec) {}

  void start();

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
    boost::asio::post(ioc_, [&] {
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

  void stop();  // the patients end within a short pause
  ~Patients();

  const Counts& counts() const { return counts_; }
  const std::vector<std::shared_ptr<Track>>& tracks() const { return tracks_; }

 private:
  using Ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void failure(const std::string& what);
  void error(const std::string& what);
  boost::asio::awaitable<void> pause(std::chrono::steady_clock::duration d);
  std::chrono::steady_clock::duration turn_timeout() const;
  // TCP connect and WebSocket handshake to /v1/chat on `port`, within a turn's timeout.
  boost::asio::awaitable<boost::beast::error_code> open(Ws& ws, unsigned short port);
  boost::asio::awaitable<bool> send(Ws& ws, const std::string& text);
  boost::asio::awaitable<bool> send_answer(Ws& ws, Track& t);
  // One connected patient: a conversation (new, or resumed when it has one
  // under way) on each connection until the server goes away.
  boost::asio::awaitable<void> patient(int);
  boost::asio::awaitable<bool> check_one(const Track& t, std::string& why);

  const PatientsSpec o_;
  boost::asio::io_context ioc_;
  std::thread thread_;
  std::atomic<unsigned short> port_{0};
  std::atomic<bool> draining_{false}, stopping_{false};
  std::atomic<int> parked_{0};
  Counts counts_;
  std::vector<std::shared_ptr<Track>> tracks_;
};

}  // namespace calfbot::bench
