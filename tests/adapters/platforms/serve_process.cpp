#include <chrono>
#include <cstdio>
#include <thread>
#include "tests/adapters/platforms/serve_process.h"

#include <algorithm>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

extern char** environ;

namespace calfbot::tests {

ServeProcess::ServeProcess(const std::string& config_path,
                           const std::map<std::string, std::string>& env) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execl(CALFBOT_BIN, CALFBOT_BIN, "serve", "--config", config_path.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  fd_ = fds[0];
  reader_ = std::thread([this] {
    std::string pending;
    char buf[4096];
    while (true) {
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        std::lock_guard lock(mu_);
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == "listening") port_ = j.value("port", 0);
        lines_.push_back(line);
        cv_.notify_all();
      }
    }
    std::lock_guard lock(mu_);
    lines_.push_back("<exited>");
    cv_.notify_all();
  });
  wait_for_line("\"listening\"");
}

ServeProcess::~ServeProcess() {
  stop();
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) close(fd_);
}

std::vector<std::string> ServeProcess::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

std::string ServeProcess::log() const {
  std::string out;
  for (const auto& l : lines()) out += l + "\n";
  return out;
}

bool ServeProcess::wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    for (const auto& l : lines_) {
      if (l.find(needle) != std::string::npos) return true;
      if (l == "<exited>") return true;
    }
    return false;
  }) && std::any_of(lines_.begin(), lines_.end(), [&](const std::string& l) {
    return l.find(needle) != std::string::npos;
  });
}

int ServeProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  // A server that does not finish within 20 s of SIGTERM is killed so the
  // suite cannot hang; the exit code (-1) and the message tell the caller.
  bool exited = false;
  for (int i = 0; i < 200 && !exited; ++i) {
    exited = waitpid(pid_, &status, WNOHANG) == pid_;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!exited) {
    std::fprintf(stderr, "calfbot serve did not stop within 20 s of SIGTERM; killed\n");
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    status = -1;
  }
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace calfbot::tests
