// Runs the real `calfbot serve` for the integration and end-to-end tests: a
// child process with CALFBOT_* settings from the test (port 0: the server
// picks a free one and logs it) and maybe a config file, its output
// collected, killed hard or stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace SQLite {
class Database;
}  // namespace SQLite

namespace calfbot::testing_support {

class ServerProcess {
 public:
  // Starts the server and waits (up to 30 s) for its "listening" log line.
  // Only the given CALFBOT_ variables reach it; other CALFBOT_ ones are dropped.
  // descriptors > 0: the server's RLIMIT_NOFILE (soft and hard).
  explicit ServerProcess(std::map<std::string, std::string> env, int descriptors = 0);
  // The same with `calfbot serve --config config_path`.
  ServerProcess(const std::string& config_path, std::map<std::string, std::string> env);
  ~ServerProcess();  // kills the server if it is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  void kill_hard();  // SIGKILL, then reaps the process
  // SIGTERM, then waits up to `timeout_ms` for the exit; returns the exit
  // status (-1 if it had to be killed).
  int terminate(int timeout_ms = 10000);

  std::string output();  // everything the server wrote so far
  std::vector<std::string> lines();  // the same, a line each
  // Waits until a line contains `needle`; false at the timeout or when the
  // server's output ended without one.
  bool wait_for_output(const std::string& needle,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void start(std::map<std::string, std::string> env, int descriptors,
             const std::string& config_path);
  void read_output();
  int wait_exit(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  unsigned short port_ = 0;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
  bool eof_ = false;
};

// A fresh temporary folder, removed with its files afterwards.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The patient's messages the server stored for `session` (direction 'in'),
// in order. Throws std::runtime_error naming the session when their seqs are
// not 1, 2, 3, ...: a gap or a repeat in the store.
std::vector<nlohmann::json> stored_inputs(SQLite::Database& db, const std::string& session);

}  // namespace calfbot::testing_support
