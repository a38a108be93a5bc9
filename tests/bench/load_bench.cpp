// Load benchmark: the real `calfbot serve` as a black box, measured beside a
// bare Beast WebSocket echo server (the floor: what the network and the
// client cost). Prints figures; not a test. docs/performance.md has the
// figures of a run and what limits each.
//   build/tests/bench/load_bench --calfbot build/calfbot
//   build/tests/bench/load_bench --quick --calfbot build/calfbot    (a smoke run)
//
// Each measurement starts its own server (a fresh SQLite file for calfbot), so
// every memory figure starts from an empty server. Exits with 1 when any
// conversation had an error or none was completed.
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench_process.h"
#include "bench_report.h"
#include "load_client.h"
#include "load_report.h"
#include "machine_stats.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using calfbot::bench::CalfbotSpec;
using calfbot::bench::Child;
using calfbot::bench::cpu_seconds;
using calfbot::bench::DiskFloor;
using calfbot::bench::against_disk_floor;
using calfbot::bench::measure_fdatasync;
using calfbot::bench::print_disk_floor;
using calfbot::bench::errors;
using calfbot::bench::file_system;
using calfbot::bench::first_line;
using calfbot::bench::fixed;
using calfbot::bench::kib_per_conversation;
using calfbot::bench::Load;
using calfbot::bench::load_average;
using calfbot::bench::LoadOptions;
using calfbot::bench::LoadSpec;
using calfbot::bench::MachineCpu;
using calfbot::bench::machine_cpu;
using calfbot::bench::Measured;
using calfbot::bench::median_turns;
using calfbot::bench::percentile;
using calfbot::bench::proc_status_kib;
using calfbot::bench::ratio;
using calfbot::bench::Server;
using calfbot::bench::StoreCounters;
using calfbot::bench::store_counters;
using calfbot::bench::tail;
using calfbot::bench::TempDir;
using calfbot::bench::turns_per_second;
using calfbot::bench::wait_for_start;

constexpr int kServerThreads = 2;     // calfbot's default server.threads; the echo server's too

const char* kUsage =
    "usage: load_bench --calfbot PATH [--quick] [--closed C] [--seconds D] [--warmup W]\n"
    "                  [--human N1,N2,...] [--ramp S] [--window S] [--think MIN,MAX]\n"
    "                  [--turn-timeout S] [--client-threads T] [--synchronous full|normal]\n"
    "       load_bench --echo-server PORT\n"
    "  --quick            small numbers for a smoke run (a few seconds); options given win\n"
    "  --closed C         closed loop: C conversations at once, answering at once (100)\n"
    "  --seconds D        closed loop: seconds measured after the warm-up (10; warm-up 2)\n"
    "  --human LIST       human pace: patients open at once, one run each (5000)\n"
    "  --ramp S           human pace: seconds over which the patients arrive (20)\n"
    "  --window S         human pace: seconds measured after the ramp (30)\n"
    "  --think MIN,MAX    human pace: seconds before each answer, uniform (1,3)\n"
    "  --turn-timeout S   a reply later than this is an error (10)\n"
    "  --client-threads T threads of the client's io_context (1)\n"
    "  --synchronous M    set calfbot's store.synchronous (default: calfbot's own default)\n"
    "  --echo-server PORT run only the echo server (the benchmark starts it this way)\n"
    "The SQLite files go to a new folder in $TMPDIR (else the system's temporary folder).\n";

Server start_calfbot(LoadOptions& o, const std::string& dir) {
  CalfbotSpec spec;
  spec.exe = o.calfbot;
  spec.dir = dir;
  spec.store_path = dir + "/calfbot.db";
  spec.log = dir + "/calfbot.log";
  spec.threads = kServerThreads;
  spec.synchronous = o.synchronous;
  spec.unknown_keys = o.unknown_keys;
  Server s = calfbot::bench::start_calfbot(spec);
  o.unknown_keys = spec.unknown_keys;  // the output lists them
  return s;
}

Server start_echo(const std::string& self_exe, const std::string& dir) {
  std::filesystem::create_directories(dir);
  Server s;
  s.child = std::make_unique<Child>(
      "echo server", self_exe,
      std::vector<std::string>{"--echo-server", "0", "--threads", std::to_string(kServerThreads)},
      std::vector<std::string>{}, dir, dir + "/echo.log");
  s.port = wait_for_start(*s.child, "echo server", [](const std::string& log) -> unsigned short {
    if (log.rfind("listening ", 0) != 0) return 0;
    return static_cast<unsigned short>(std::atoi(log.c_str() + 10));
  });
  return s;
}

// ---- one measurement ----

// Starts the server, runs the load: `settle` seconds (warm-up or ramp), then
// `window` seconds measured; stops both.
Measured measure(LoadOptions& o, const std::string& self_exe, const std::string& dir,
                  LoadSpec spec, double settle, double window) {
  Measured r;
  r.server = spec.echo ? "echo" : "calfbot";
  MachineCpu before = machine_cpu();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.background));
  r.background = machine_cpu() - before;
  r.background = {r.background.busy / o.background, r.background.iowait / o.background,
                  r.background.steal / o.background};
  Server s = spec.echo ? start_echo(self_exe, dir) : start_calfbot(o, dir);
  r.synchronous = s.synchronous;
  const pid_t pid = s.child->pid();
  r.rss_before_kib = proc_status_kib(pid, "VmRSS");
  spec.port = s.port;
  auto load = std::make_unique<Load>(spec);
  load->start();
  std::this_thread::sleep_for(std::chrono::duration<double>(settle));
  StoreCounters store0 = spec.echo ? StoreCounters{} : store_counters(s.port);
  double server0 = cpu_seconds(pid), client0 = cpu_seconds(getpid());
  MachineCpu machine0 = machine_cpu();
  auto t0 = std::chrono::steady_clock::now();
  load->record(true);
  std::this_thread::sleep_for(std::chrono::duration<double>(window));
  r.rss_steady_kib = proc_status_kib(pid, "VmRSS");
  r.open_at_end = load->open();
  load->record(false);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.server_cpu = (cpu_seconds(pid) - server0) / elapsed;
  r.client_cpu = (cpu_seconds(getpid()) - client0) / elapsed;
  MachineCpu m = machine_cpu() - machine0;
  r.machine = {m.busy / elapsed, m.iowait / elapsed, m.steal / elapsed};
  if (!spec.echo) r.store = store_counters(s.port) - store0;
  r.f = load->stop();
  load.reset();  // closes the client sockets, so the server's shutdown waits for none
  if (!s.child->running()) {
    throw std::runtime_error(r.server + " " + s.child->status() + " during the run; its output:\n" +
                             tail(s.child->log()));
  }
  s.child->stop();
  return r;
}

// ---- options ----

std::vector<double> numbers(const std::string& flag, const std::string& list) {
  std::vector<double> out;
  std::istringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(v >= 0)) {
      throw std::runtime_error(flag + ": not a number: '" + item + "'");
    }
    out.push_back(v);
  }
  if (out.empty()) throw std::runtime_error(flag + ": needs a value");
  return out;
}

LoadOptions parse(int argc, char** argv) {
  LoadOptions o;
  const auto options = calfbot::bench::option_values(argc, argv, kUsage, {"--quick"});
  if (std::find_if(options.begin(), options.end(),
                   [](const auto& option) { return option.first == "--quick"; }) != options.end()) {
    o.closed = 20;
    o.seconds = 1.5;
    o.warmup = 0.5;
    o.human = {200};
    o.ramp = 1;
    o.window = 1.5;
    o.think_min = 0.05;
    o.think_max = 0.15;
    o.background = 0.25;
    o.disk_samples = 50;
  }
  for (const auto& option : options) {
    const std::string& a = option.first;
    const std::string& v = option.second;
    if (a == "--quick") continue;
    auto one = [&] { return numbers(a, v).front(); };
    auto whole = [&](double min) {
      double d = one();
      if (d != std::floor(d) || d < min) throw std::runtime_error(a + ": must be a whole number");
      return static_cast<int>(d);
    };
    if (a == "--calfbot") {
      o.calfbot = v;
    } else if (a == "--closed") {
      o.closed = whole(1);
    } else if (a == "--seconds") {
      o.seconds = one();
    } else if (a == "--warmup") {
      o.warmup = one();
    } else if (a == "--human") {
      o.human.clear();
      for (double n : numbers(a, v)) {
        if (n < 1 || n != std::floor(n)) throw std::runtime_error(a + ": whole numbers from 1");
        o.human.push_back(static_cast<int>(n));
      }
    } else if (a == "--ramp") {
      o.ramp = one();
    } else if (a == "--window") {
      o.window = one();
    } else if (a == "--think") {
      auto t = numbers(a, v);
      if (t.size() != 2 || t[0] > t[1]) throw std::runtime_error(a + ": MIN,MAX in seconds");
      o.think_min = t[0];
      o.think_max = t[1];
    } else if (a == "--turn-timeout") {
      o.turn_timeout = one();
    } else if (a == "--client-threads") {
      o.client_threads = whole(1);
    } else if (a == "--synchronous") {
      if (v != "full" && v != "normal") throw std::runtime_error(a + ": full or normal");
      o.synchronous = v;
    } else {
      throw std::runtime_error("unknown option: " + a + "\n" + kUsage);
    }
  }
  calfbot::bench::require_calfbot(o.calfbot, kUsage);
  if (o.seconds <= 0 || o.window <= 0) throw std::runtime_error("--seconds and --window must be > 0");
  return o;
}

// Room for every socket: the clients here; the servers inherit the limit.
void raise_file_limit(int sockets) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  const rlim_t want = static_cast<rlim_t>(std::max(sockets, 10000)) + 1000;
  rl.rlim_cur = std::max(rl.rlim_cur, std::min<rlim_t>(rl.rlim_max, 1 << 20));
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    throw std::runtime_error(std::string("setrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  }
  if (rl.rlim_cur < want) {
    throw std::runtime_error("RLIMIT_NOFILE: " + std::to_string(sockets) + " patients need " +
                             std::to_string(want) + " open files, the hard limit is " +
                             std::to_string(rl.rlim_max));
  }
}

int run(int argc, char** argv) {
  LoadOptions o = parse(argc, argv);
  const std::string self_exe = std::filesystem::read_symlink("/proc/self/exe").string();
  raise_file_limit(std::max(o.closed, *std::max_element(o.human.begin(), o.human.end())));
  calfbot::bench::handle_stop_signals("load_bench");
  signal(SIGPIPE, SIG_IGN);

  utsname un{};
  uname(&un);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  std::printf("load_bench: calfbot serve against a bare Beast WebSocket echo server\n");
  std::printf("  machine: %u cores (%s), %s MiB memory, Linux %s; load average %s\n",
              std::thread::hardware_concurrency(), first_line("/proc/cpuinfo", "model name").c_str(),
              fixed(static_cast<double>(std::atol(first_line("/proc/meminfo", "MemTotal").c_str())) /
                        1024, 0).c_str(),
              un.release, load_average().c_str());
  std::printf("  calfbot: %s; %d server threads (both servers); client: %d thread(s); "
              "open files %llu; turn timeout %s s\n",
              o.calfbot.c_str(), kServerThreads, o.client_threads,
              static_cast<unsigned long long>(rl.rlim_cur), fixed(o.turn_timeout, 0).c_str());
  std::printf("  every measurement starts a fresh server (calfbot: a new SQLite file); a turn is one "
              "message sent until the next question or outcome (the hello counts)\n");
  std::fflush(stdout);

  TempDir tmp("load_bench");
  std::printf("  SQLite files in a fresh temporary folder on %s\n", file_system(tmp.path()).c_str());
  const DiskFloor disk = measure_fdatasync(tmp.path(), o.disk_samples);
  print_disk_floor(disk);
  int run_id = 0;
  auto dir = [&] { return tmp.path() + "/" + std::to_string(++run_id); };
  const auto started = std::chrono::steady_clock::now();
  auto progress = [&](const std::string& what) {
    std::printf("# [%s s] %s\n",
                fixed(std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                          .count(), 1).c_str(), what.c_str());
    std::fflush(stdout);
  };
  bool failed = false;
  std::uint64_t completed = 0;
  auto account = [&](const Measured& r) {
    if (errors(r.f.errors_total) > 0) failed = true;
    if (r.server == "calfbot") completed += r.f.conversation_turns.size();
  };

  LoadSpec closed;
  closed.patients = o.closed;
  closed.turn_timeout = o.turn_timeout;
  closed.threads = o.client_threads;
  progress("closed loop, calfbot ...");
  Measured bot_closed = measure(o, self_exe, dir(), closed, o.warmup, o.seconds);
  std::string synchronous = bot_closed.synchronous;
  progress("  calfbot logged store synchronous=" + synchronous);
  calfbot::bench::print_lifted_limits(o.unknown_keys);
  const int echo_turns = std::max(1, median_turns(bot_closed.f));
  const std::size_t echo_bytes = bot_closed.f.reply_turns > 0
                                     ? bot_closed.f.reply_bytes / bot_closed.f.reply_turns
                                     : 300;
  closed.echo = true;
  closed.echo_turns = echo_turns;
  closed.echo_bytes = echo_bytes;
  progress("closed loop, echo ...");
  Measured echo_closed = measure(o, self_exe, dir(), closed, o.warmup, o.seconds);
  account(bot_closed);
  account(echo_closed);
  print_closed(o, bot_closed, echo_closed, echo_turns, echo_bytes);

  std::vector<std::string> summary;
  summary.push_back("closed loop " + std::to_string(o.closed) + ": throughput " +
                    ratio(turns_per_second(bot_closed), turns_per_second(echo_closed)) +
                    ", p99 " +
                    ratio(percentile(bot_closed.f.latency_ms, 0.99),
                          percentile(echo_closed.f.latency_ms, 0.99)));
  for (int n : o.human) {
    LoadSpec human;
    human.patients = n;
    human.ramp_seconds = o.ramp;
    human.think_min = o.think_min;
    human.think_max = o.think_max;
    human.turn_timeout = o.turn_timeout;
    human.threads = o.client_threads;
    progress("human pace " + std::to_string(n) + ", calfbot ...");
    Measured bot = measure(o, self_exe, dir(), human, o.ramp, o.window);
    human.echo = true;
    human.echo_turns = median_turns(bot.f) > 0 ? median_turns(bot.f) : echo_turns;
    human.echo_bytes = echo_bytes;
    progress("human pace " + std::to_string(n) + ", echo ...");
    Measured echo = measure(o, self_exe, dir(), human, o.ramp, o.window);
    account(bot);
    account(echo);
    print_human(o, n, bot, echo, human.echo_turns);
    summary.push_back("human pace " + std::to_string(n) + ": p99 " +
                      ratio(percentile(bot.f.latency_ms, 0.99),
                            percentile(echo.f.latency_ms, 0.99)) +
                      ", memory per conversation " +
                      ratio(kib_per_conversation(bot, n), kib_per_conversation(echo, n)) +
                      against_disk_floor(percentile(bot.f.latency_ms, 0.99), disk));
  }

  std::printf("\nbot/echo ratios (calfbot store synchronous=%s):\n", synchronous.c_str());
  for (const auto& s : summary) std::printf("  %s\n", s.c_str());
  progress("done");
  std::printf("load average at the end: %s\n", load_average().c_str());
  if (failed) {
    std::printf("FAILED: some conversations had errors (listed above)\n");
    return 1;
  }
  if (completed == 0) {
    std::printf("FAILED: no calfbot conversation was completed\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return calfbot::bench::run_reporting_errors("load_bench", [&] {
    if (argc >= 3 && std::string(argv[1]) == "--echo-server") {
      int threads = kServerThreads;
      if (argc >= 5 && std::string(argv[3]) == "--threads") threads = std::atoi(argv[4]);
      return calfbot::bench::run_echo_server(static_cast<unsigned short>(std::atoi(argv[2])),
                                             std::max(1, threads));
    }
    return run(argc, argv);
  });
}
