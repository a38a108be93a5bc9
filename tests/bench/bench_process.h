// The benchmarks' child processes (tests/bench/load_bench.cpp,
// tests/bench/crash_bench.cpp): starting `calfbot serve` (or any program)
// with a clean environment, waiting until it is ready, stopping it on every
// way out, and the temporary folder its files go to.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>

namespace calfbot::bench {

constexpr double kStartSeconds = 30;  // a server that is not ready by then failed to start

// Blocks SIGINT/SIGTERM/SIGHUP in every thread (call before starting any) and
// waits for them on a thread of its own, which stops every Child, removes the
// TempDir and exits. `program` names the messages this file prints.
void handle_stop_signals(const char* program);

std::string read_file(const std::string& path);
std::string tail(const std::string& text, std::size_t n = 3000);

// The file system a path is on, by name (ext4, tmpfs, ...).
std::string file_system(const std::string& path);

// A child process. Every child started is stopped on every way out: its
// destructor, a stop signal to the benchmark (handle_stop_signals) and the
// benchmark's own death (PR_SET_PDEATHSIG).
class Child {
 public:
  // Runs `exe args` in `dir` with exactly `env`, its output to `log`.
  Child(std::string name, const std::string& exe, const std::vector<std::string>& args,
        const std::vector<std::string>& env, const std::string& dir, std::string log);
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_); }

  // False once the process has ended (then status() says how).
  bool running();
  const std::string& status() const { return status_; }

  // SIGTERM, up to `timeout_seconds` for the exit, then SIGKILL.
  void stop(double timeout_seconds = 10);
  // SIGKILL at once, and reaps the process.
  void kill_hard();

 private:
  void reaped(int st);

  std::string name_;
  std::string log_;
  pid_t pid_ = -1;
  std::string status_;
};

// A new folder in $TMPDIR (else the system's temporary folder), removed with
// its files afterwards (also when a stop signal ends the benchmark).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "server.max_connections" -> "CALFBOT_SERVER__MAX_CONNECTIONS" (docs/configuration.md)
std::string env_name(const std::string& key);

// The limits a benchmark lifts: it is one client address opening thousands
// of conversations, each sending as fast as it is answered.
const std::vector<std::pair<std::string, std::string>>& lifted_limits();

std::optional<boost::beast::http::response<boost::beast::http::string_body>> http_get(
    unsigned short port, const std::string& target);

// A server started and ready.
struct Server {
  std::unique_ptr<Child> child;
  unsigned short port = 0;
  std::string synchronous;  // calfbot: as its store_opened log line says
};

// Waits for `ready(log)` to give a port, or the child to end, or kStartSeconds.
unsigned short wait_for_start(Child& child, const std::string& what,
                              const std::function<unsigned short(const std::string& log)>& ready);

struct CalfbotSpec {
  std::string exe;
  std::string dir;         // its working folder
  std::string store_path;  // store.path
  std::string log;         // its output
  int threads = 2;
  std::string synchronous;  // store.synchronous; "" = calfbot's default
  // Lifted limits (lifted_limits()) this calfbot build does not know: it
  // refuses an unknown key at start-up, so these are left out. Filled in by
  // start_calfbot when it meets one.
  std::vector<std::string> unknown_keys;
};

// Starts `calfbot serve` on 127.0.0.1 and a free port with a clean
// environment holding only the spec's CALFBOT_* settings and the lifted
// limits, and waits until it answers /readyz with 200.
Server start_calfbot(CalfbotSpec& spec);

}  // namespace calfbot::bench
