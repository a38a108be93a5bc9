// Runs the real `calfbot serve` for the integration tests: a child process
// with CALFBOT_* settings from the test (port 0: the server picks a free one
// and logs it), its output collected, killed hard or stopped with SIGTERM.
#pragma once

#include <sys/types.h>

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
  ~ServerProcess();  // kills the server if it is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  void kill_hard();  // SIGKILL, then reaps the process
  // SIGTERM, then waits up to `timeout_ms` for the exit; returns the exit
  // status (-1 if it had to be killed).
  int terminate(int timeout_ms = 10000);

  std::string output();  // everything the server wrote so far

 private:
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
