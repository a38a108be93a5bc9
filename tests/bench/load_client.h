// The load benchmark's client side (tests/bench/load_bench.cpp): simulated
// patients on one io_context, one WebSocket connection per conversation, and
// the bare echo server the benchmark compares calfbot with.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json_fwd.hpp>

namespace calfbot::bench {

struct LoadSpec {
  bool echo = false;                    // talk to the echo server instead of calfbot
  unsigned short port = 0;              // on 127.0.0.1
  int patients = 0;                     // conversations open at once
  double ramp_seconds = 0;              // patient i starts at i * ramp / patients
  double think_min = 0, think_max = 0;  // pause before each answer (0: answer at once)
  double turn_timeout = 10;             // a reply later than this is an error
  int echo_turns = 0;                   // echo: messages per conversation
  std::size_t echo_bytes = 0;           // echo: size of each message
  int threads = 1;                      // client threads on the one io_context
};

// What a run measured. "Window" figures count only what completed while
// recording was on; the others count the whole run.
struct Figures {
  std::vector<double> latency_ms;         // every turn completed in the window
  std::uint64_t conversations = 0;        // completed in the window
  std::vector<int> conversation_turns;    // turns of every completed conversation
  std::uint64_t reply_bytes = 0;          // bytes the server sent, over all turns
  std::uint64_t reply_turns = 0;
  std::uint64_t escalations = 0;
  std::map<std::string, std::uint64_t> errors_window, errors_total;
  double window_seconds = 0;
};

class Conversation;

// The scripted patient's answer to a `question` message, as the message to
// send: the first choice, "no", "none" where a multi-choice offers it (so the
// PE screen does not end every conversation in an emergency), the middle of a
// number's range, short free text.
std::string scripted_answer(const nlohmann::json& question);

// N patients, each in one conversation at a time: when one ends (outcome,
// error or timeout) the patient starts the next one on a new connection.
class Load {
 public:
  explicit Load(LoadSpec spec);
  ~Load();
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  void start();            // schedules the patients over the ramp and runs the threads
  void record(bool on);    // opens / closes the measured window
  int open() const { return open_; }  // connections with a conversation under way
  Figures stop();          // stops the clients (connections are dropped) and returns the figures

 private:
  friend class Conversation;
  void begin(int patient, double delay_seconds);
  double think();
  void turn_done(double ms, std::size_t reply_bytes);
  void conversation_done(int turns);
  void error(const std::string& what);
  void escalation();

  LoadSpec spec_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> open_{0};
  std::mutex mu_;
  bool recording_ = false;
  std::chrono::steady_clock::time_point window_start_;
  Figures figures_;
};

// The echo server: accepts WebSocket connections on 127.0.0.1:port (0: any
// free port; it prints "listening PORT"), writes every message back, runs
// until SIGTERM/SIGINT.
int run_echo_server(unsigned short port, int threads);

}  // namespace calfbot::bench
