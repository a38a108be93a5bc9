// Runs the real `calfbot serve` for a test: a child process with a config
// file and extra environment, its log lines collected, the port it bound
// read from its "listening" line; SIGTERM and a wait on destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace calfbot::tests {

class ServeProcess {
 public:
  ServeProcess(const std::string& config_path, const std::map<std::string, std::string>& env);
  ~ServeProcess();

  // The port from the "listening" log line; 0 when the server did not start.
  unsigned short port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Every line logged so far (stdout and stderr).
  std::vector<std::string> lines() const;
  std::string log() const;
  bool wait_for_line(const std::string& needle,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // SIGTERM and wait; returns the exit status.
  int stop();

 private:
  int pid_ = -1;
  int fd_ = -1;
  unsigned short port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<std::string> lines_;
  std::thread reader_;
};

}  // namespace calfbot::tests
