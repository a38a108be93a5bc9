#include "bench_process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <nlohmann/json.hpp>

namespace calfbot::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

std::atomic<int> g_children[4];
std::atomic<const std::string*> g_temp_dir{nullptr};
sigset_t g_stop_signals;
const char* g_program = "bench";

void stop_children() {
  for (auto& c : g_children) {
    if (int p = c.load(); p > 0) kill(p, SIGTERM);
  }
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end) {
    bool left = false;
    for (auto& c : g_children) {
      int p = c.load();
      if (p <= 0) continue;
      if (waitpid(p, nullptr, WNOHANG) != 0) {
        c.store(0);  // reaped here, or already by its owner
      } else {
        left = true;
      }
    }
    if (!left) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& c : g_children) {
    if (int p = c.load(); p > 0) kill(p, SIGKILL);
  }
}

}  // namespace

void handle_stop_signals(const char* program) {
  g_program = program;
  sigemptyset(&g_stop_signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&g_stop_signals, sig);
  pthread_sigmask(SIG_BLOCK, &g_stop_signals, nullptr);
  std::thread([] {
    int sig = 0;
    sigwait(&g_stop_signals, &sig);
    std::fprintf(stderr, "%s: stopped by signal %d; stopping the servers\n", g_program, sig);
    stop_children();
    if (const std::string* dir = g_temp_dir.load()) {
      std::error_code ignored;
      std::filesystem::remove_all(*dir, ignored);
    }
    _exit(128 + sig);
  }).detach();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, std::size_t n) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

// The file system a path is on, by name; a tmpfs makes fsync free.
std::string file_system(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return "?";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53: return "ext4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs (fsync costs nothing here: not a durable store)";
    case 0x794C7630: return "overlayfs";
    default: return "type 0x" + [&] {
      std::ostringstream h;
      h << std::hex << static_cast<unsigned long>(fs.f_type);
      return h.str();
    }();
  }
}

// ---- Child ----

Child::Child(std::string name, const std::string& exe, const std::vector<std::string>& args,
             const std::vector<std::string>& env, const std::string& dir, std::string log)
    : name_(std::move(name)), log_(std::move(log)) {
  // The child changes to `dir` before execve, so a path relative to ours
  // (build/calfbot) is made absolute first.
  std::vector<std::string> argv_s = {std::filesystem::absolute(exe).string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s = env;
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("cannot start " + name_ + ": fork: " + std::strerror(errno));
  if (pid_ == 0) {
    sigprocmask(SIG_UNBLOCK, &g_stop_signals, nullptr);  // the mask survives execve
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || chdir(dir.c_str()) != 0) _exit(126);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    execve(argv[0], argv.data(), envp.data());
    const char msg[] = "execve failed\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(127);
  }
  for (auto& c : g_children) {
    int free_slot = 0;
    if (c.compare_exchange_strong(free_slot, pid_)) break;
  }
}

bool Child::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) != pid_) return true;
  reaped(st);
  return false;
}

void Child::stop(double timeout_seconds) {
  if (!running()) return;
  kill(pid_, SIGTERM);
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (running()) {
    if (std::chrono::steady_clock::now() > end) {
      std::cerr << g_program << ": " << name_ << " did not stop within " << timeout_seconds
                << " s of SIGTERM; killing it\n";
      kill_hard();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Child::kill_hard() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  reaped(st);
}

void Child::reaped(int st) {
  for (auto& c : g_children) {
    int p = pid_;
    c.compare_exchange_strong(p, 0);
  }
  pid_ = -1;
  status_ = WIFEXITED(st) ? "exited with status " + std::to_string(WEXITSTATUS(st))
                          : "ended by signal " + std::to_string(WTERMSIG(st));
}

// ---- TempDir ----

TempDir::TempDir(const std::string& prefix) {
  std::string t = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
  if (!mkdtemp(t.data())) throw std::runtime_error("cannot create a temporary directory");
  path_ = t;
  g_temp_dir = &path_;
}

TempDir::~TempDir() {
  g_temp_dir = nullptr;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

// ---- calfbot serve ----

std::string env_name(const std::string& key) {
  std::string name = "CALFBOT_";
  for (char c : key) {
    if (c == '.') {
      name += "__";
    } else {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

// Some keys are newer than some calfbot builds: start_calfbot leaves out
// those the build does not know.
const std::vector<std::pair<std::string, std::string>>& lifted_limits() {
  static const std::vector<std::pair<std::string, std::string>> limits = {
      {"server.max_connections", "100000"},
      {"server.messages_per_second", "10000"},
      {"server.message_burst", "10000"},
      {"server.max_connections_per_address", "100000"},
      {"server.conversations_per_address_per_minute", "100000"},
  };
  return limits;
}

std::optional<http::response<http::string_body>> http_get(unsigned short port,
                                                           const std::string& target) {
  try {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

unsigned short wait_for_start(Child& child, const std::string& what,
                              const std::function<unsigned short(const std::string& log)>& ready) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kStartSeconds);
  while (true) {
    if (unsigned short port = ready(child.log())) return port;
    if (!child.running()) {
      throw std::runtime_error(what + " " + child.status() + " before it was ready; its output:\n" +
                               tail(child.log()));
    }
    if (std::chrono::steady_clock::now() > end) {
      throw std::runtime_error(what + " was not ready within " + std::to_string(int(kStartSeconds)) +
                               " s; its output:\n" + tail(child.log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Server start_calfbot(CalfbotSpec& spec) {
  std::filesystem::create_directories(spec.dir);
  // Only these settings: calfbot reads every CALFBOT_* variable as configuration.
  std::vector<std::string> env = {
      "CALFBOT_SERVER__HOST=127.0.0.1",
      "CALFBOT_SERVER__PORT=0",
      "CALFBOT_SERVER__THREADS=" + std::to_string(spec.threads),
      "CALFBOT_STORE__PATH=" + spec.store_path,
  };
  if (!spec.synchronous.empty()) env.push_back("CALFBOT_STORE__SYNCHRONOUS=" + spec.synchronous);
  for (const auto& [key, value] : lifted_limits()) {
    if (std::find(spec.unknown_keys.begin(), spec.unknown_keys.end(), key) ==
        spec.unknown_keys.end()) {
      env.push_back(env_name(key) + "=" + value);
    }
  }
  Server s;
  s.child = std::make_unique<Child>("calfbot serve", spec.exe, std::vector<std::string>{"serve"},
                                    env, spec.dir, spec.log);
  std::string synchronous;
  try {
    s.port = wait_for_start(*s.child, "calfbot serve", [&](const std::string& log) -> unsigned short {
      std::istringstream in(log);
      std::string line;
      unsigned short port = 0;
      while (std::getline(in, line)) {
        json j = json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        if (j.value("event", "") == "store_opened") synchronous = j.value("synchronous", "?");
        if (j.value("event", "") == "listening") port = j.value("port", 0);
      }
      return port;
    });
  } catch (const std::runtime_error&) {
    // An older calfbot without some of the lifted limits: again without them.
    const std::string log = s.child->log();
    bool dropped = false;
    for (const auto& [key, value] : lifted_limits()) {
      if (log.find("config error: " + key + ": unknown key") != std::string::npos) {
        spec.unknown_keys.push_back(key);
        dropped = true;
      }
    }
    if (!dropped || s.child->running()) throw;
    return start_calfbot(spec);
  }
  s.synchronous = synchronous;
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kStartSeconds);
  while (true) {
    auto res = http_get(s.port, "/readyz");
    if (res && res->result() == http::status::ok) break;
    if (!s.child->running() || std::chrono::steady_clock::now() > end) {
      throw std::runtime_error("calfbot serve on port " + std::to_string(s.port) +
                               " did not answer /readyz with 200; its output:\n" +
                               tail(s.child->log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return s;
}

}  // namespace calfbot::bench
