#include "tests/support/server_process.h"

#include <sys/resource.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

extern char** environ;

namespace calfbot::testing_support {

ServerProcess::ServerProcess(std::map<std::string, std::string> env, int descriptors) {
  start(std::move(env), descriptors, "");
}

ServerProcess::ServerProcess(const std::string& config_path, std::map<std::string, std::string> env) {
  start(std::move(env), 0, config_path);
}

void ServerProcess::start(std::map<std::string, std::string> env, int descriptors,
                          const std::string& config_path) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> vars;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "CALFBOT_", 8) != 0) vars.emplace_back(*e);
  }
  env.try_emplace("CALFBOT_SERVER__PORT", std::string(1, '0'));  // port 0: any free port
  for (const auto& [k, v] : env) {
    std::string kv = k;
    kv += '=';
    kv += v;
    vars.push_back(std::move(kv));
  }
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  // Made before the fork: the child only calls what is safe after one.
  std::vector<std::string> args = {"calfbot", "serve"};
  if (!config_path.empty()) args.insert(args.end(), {"--config", config_path});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (descriptors > 0) {
      rlimit rl{static_cast<rlim_t>(descriptors), static_cast<rlim_t>(descriptors)};
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execve(CALFBOT_BIN, argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  reader_ = std::thread([this] { read_output(); });
  std::unique_lock lock(mu_);
  const std::string key = "\"event\":\"listening\"";
  bool ok = cv_.wait_for(lock, std::chrono::seconds(30), [&] {
    return eof_ || output_.find(key) != std::string::npos;
  });
  size_t at = output_.find(key);
  if (!ok || at == std::string::npos) {
    lock.unlock();
    kill_hard();
    reader_.join();
    close(out_fd_);
    throw std::runtime_error("calfbot serve did not start:\n" + output_);
  }
  size_t line_start = output_.rfind('\n', at);
  size_t p = output_.find("\"port\":", line_start == std::string::npos ? 0 : line_start);
  port_ = static_cast<unsigned short>(std::atoi(output_.c_str() + p + 7));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) close(out_fd_);
}

void ServerProcess::read_output() {
  char buf[4096];
  while (true) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    std::lock_guard lock(mu_);
    output_.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

std::string ServerProcess::output() {
  std::lock_guard lock(mu_);
  return output_;
}

std::vector<std::string> ServerProcess::lines() {
  std::vector<std::string> out;
  std::string all = output();
  size_t from = 0;
  for (size_t nl; (nl = all.find('\n', from)) != std::string::npos; from = nl + 1) {
    out.push_back(all.substr(from, nl - from));
  }
  if (from < all.size()) out.push_back(all.substr(from));
  return out;
}

bool ServerProcess::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return eof_ || output_.find(needle) != std::string::npos; });
  return output_.find(needle) != std::string::npos;
}

int ServerProcess::wait_exit(int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = wait_exit(timeout_ms);
  if (status < 0) kill_hard();
  return status;
}

TempFolder::TempFolder() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "calfbot_test_XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempFolder::~TempFolder() { std::filesystem::remove_all(path_); }

std::vector<nlohmann::json> stored_inputs(SQLite::Database& db, const std::string& session) {
  SQLite::Statement q(db, "SELECT seq, body FROM messages WHERE session = ? AND "
                          "direction = 'in' ORDER BY seq");
  q.bind(1, session);
  std::vector<nlohmann::json> stored;
  while (q.executeStep()) {
    int seq = q.getColumn(0).getInt();
    if (seq != static_cast<int>(stored.size()) + 1) {
      throw std::runtime_error("conversation " + session + ": patient message seq " +
                               std::to_string(seq) + " where " +
                               std::to_string(stored.size() + 1) + " was due");
    }
    stored.push_back(nlohmann::json::parse(q.getColumn(1).getString()));
  }
  return stored;
}

}  // namespace calfbot::testing_support
