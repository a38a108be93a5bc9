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
#include "disk_floor.h"
#include "load_client.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using calfbot::bench::CalfbotSpec;
using calfbot::bench::Child;
using calfbot::bench::DiskFloor;
using calfbot::bench::measure_fdatasync;
using calfbot::bench::Figures;
using calfbot::bench::file_system;
using calfbot::bench::http_get;
using calfbot::bench::Load;
using calfbot::bench::LoadSpec;
using calfbot::bench::read_file;
using calfbot::bench::Server;
using calfbot::bench::tail;
using calfbot::bench::TempDir;
using calfbot::bench::wait_for_start;

constexpr int kServerThreads = 2;     // calfbot's default server.threads; the echo server's too

struct Options {
  std::string calfbot;
  int closed = 100;
  double seconds = 10;
  double warmup = 2;
  std::vector<int> human = {5000};
  double ramp = 20;
  double window = 30;
  double think_min = 1, think_max = 3;
  double turn_timeout = 10;
  int client_threads = 1;
  std::string synchronous;  // "" = the server's default
  double background = 1;    // seconds of whole-machine CPU sampled before each server starts
  int disk_samples = 1000;  // fdatasync timings for the disk floor
  std::vector<std::string> unknown_keys;  // lifted limits the calfbot under test does not have
};

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

// ---- /proc ----

// The first number on the line of /proc/<pid>/status that starts with `key`.
long proc_status_kib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

// User + system CPU seconds a process has used.
double cpu_seconds(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string first_line(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "?";
}

std::string load_average() {
  std::string s = read_file("/proc/loadavg");
  std::istringstream in(s);
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---- the servers ----

// time; and the conversations it holds in memory.
struct StoreCounters {
  double commits = 0, writes = 0, commit_seconds = 0;
  double seconds = 0;  // the time between the two readings, for a difference
  double sessions_active = 0;
};

StoreCounters store_counters(unsigned short port) {
  StoreCounters c;
  auto res = http_get(port, "/metrics");
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
                  .count();
  if (!res) return c;
  std::istringstream in(res->body());
  std::string name, value;
  while (in >> name >> value) {
    if (name == "calfbot_store_commit_seconds_count") c.commits = std::atof(value.c_str());
    if (name == "calfbot_store_commit_seconds_sum") c.commit_seconds = std::atof(value.c_str());
    if (name == "calfbot_store_commit_batch_size_sum") c.writes = std::atof(value.c_str());
    if (name == "calfbot_sessions_active") c.sessions_active = std::atof(value.c_str());
  }
  return c;
}

StoreCounters operator-(const StoreCounters& a, const StoreCounters& b) {
  return {a.commits - b.commits, a.writes - b.writes, a.commit_seconds - b.commit_seconds,
          a.seconds - b.seconds, a.sessions_active};
}

// The whole machine's CPU time (/proc/stat, in seconds): busy, waiting for
// I/O, stolen by the hypervisor.
struct MachineCpu {
  double busy = 0, iowait = 0, steal = 0;
};

MachineCpu machine_cpu() {
  std::istringstream in(read_file("/proc/stat"));
  std::string cpu;
  double v[8] = {};  // user nice system idle iowait irq softirq steal
  in >> cpu;
  for (double& x : v) in >> x;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {(v[0] + v[1] + v[2] + v[5] + v[6]) / tick, v[4] / tick, v[7] / tick};
}

MachineCpu operator-(const MachineCpu& a, const MachineCpu& b) {
  return {a.busy - b.busy, a.iowait - b.iowait, a.steal - b.steal};
}

Server start_calfbot(Options& o, const std::string& dir) {
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

struct Result {
  std::string server;  // "calfbot" or "echo"
  Figures f;
  int open_at_end = 0;
  long rss_before_kib = 0, rss_steady_kib = 0;
  double server_cpu = 0, client_cpu = 0;  // CPU seconds per second of the window
  MachineCpu machine;                     // likewise, all processes
  MachineCpu background;                  // all processes in the second before the server started
  StoreCounters store;                    // calfbot: over the window
  std::string synchronous;
};

// Starts the server, runs the load: `settle` seconds (warm-up or ramp), then
// `window` seconds measured; stops both.
Result measure(Options& o, const std::string& self_exe, const std::string& dir, LoadSpec spec,
               double settle, double window) {
  Result r;
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

// ---- figures ----

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(i, 1, v.size()) - 1];
}

int median_turns(const Figures& f) {
  if (f.conversation_turns.empty()) return 0;
  std::vector<int> t = f.conversation_turns;
  std::nth_element(t.begin(), t.begin() + static_cast<long>(t.size() / 2), t.end());
  return t[t.size() / 2];
}

std::uint64_t errors(const std::map<std::string, std::uint64_t>& e) {
  std::uint64_t n = 0;
  for (const auto& [what, count] : e) n += count;
  return n;
}

double turns_per_second(const Result& r) {
  return r.f.window_seconds > 0 ? static_cast<double>(r.f.latency_ms.size()) / r.f.window_seconds
                                : 0;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << v;
  return s.str();
}

void print_disk_floor(const DiskFloor& d) {
  if (!d.error.empty()) {
    std::printf("  disk floor: not measured (%s)\n", d.error.c_str());
    return;
  }
  std::printf("  disk floor: a 4 KiB write and fdatasync on the store's disk: p50 %s ms, p99 %s ms "
              "(%d samples, this run)\n",
              fixed(d.p50_ms, 2).c_str(), fixed(d.p99_ms, 2).c_str(), d.samples);
}

// A durable reply waits for one commit: the p99 the store can reach is the
// disk's fdatasync p99 plus what calfbot adds (docs/performance.md).
std::string against_disk_floor(double p99_ms, const DiskFloor& d) {
  if (!d.error.empty() || std::isnan(p99_ms)) return "";
  return "; p99 " + fixed(p99_ms, 1) + " ms = fdatasync p99 + " + fixed(p99_ms - d.p99_ms, 1) + " ms";
}

std::string ratio(double bot, double echo) {
  if (!(echo > 0) || std::isnan(bot)) return "-";
  return fixed(bot / echo, bot / echo < 10 ? 2 : 1) + "x";
}

void print_errors(const Result& r) {
  for (const auto& [what, count] : r.f.errors_total) {
    std::printf("    %s error: %s (%llu)\n", r.server.c_str(), what.c_str(),
                static_cast<unsigned long long>(count));
  }
}

// What else the window saw: the store's commits (calfbot) and the whole machine.
void print_context(const Result& r) {
  std::printf("    %-8s machine CPU busy %s%% of %u00%% (before the server started: %s%%), "
              "iowait %s%%, steal %s%%\n",
              r.server.c_str(), fixed(100 * r.machine.busy, 0).c_str(),
              std::thread::hardware_concurrency(), fixed(100 * r.background.busy, 0).c_str(),
              fixed(100 * r.machine.iowait, 0).c_str(), fixed(100 * r.machine.steal, 0).c_str());
  if (r.server != "calfbot" || r.store.seconds <= 0) return;
  const StoreCounters& c = r.store;
  std::printf("    calfbot  store (synchronous=%s): %s commits/s, %s writes a commit, %s ms a "
              "commit, committing %s%% of the time\n",
              r.synchronous.c_str(), fixed(c.commits / c.seconds, 0).c_str(),
              fixed(c.commits > 0 ? c.writes / c.commits : 0, 1).c_str(),
              fixed(c.commits > 0 ? 1000 * c.commit_seconds / c.commits : 0, 2).c_str(),
              fixed(100 * c.commit_seconds / c.seconds, 0).c_str());
  std::printf("    calfbot  conversations held in memory at the end: %s\n",
              fixed(c.sessions_active, 0).c_str());
}

void print_closed(const Options& o, const Result& bot, const Result& echo, int echo_turns,
                  std::size_t echo_bytes) {
  std::printf("\nclosed loop: %d conversations at once, each answering at once; %s s measured "
              "after %s s warm-up\n",
              o.closed, fixed(o.seconds, 1).c_str(), fixed(o.warmup, 1).c_str());
  std::printf("  (echo: conversations of %d messages of %zu bytes, the bot's median turns and mean "
              "reply bytes a turn)\n",
              echo_turns, echo_bytes);
  std::printf("  %-9s %10s %8s %8s %8s %9s %7s %10s %7s %11s %11s\n", "server", "turns/s", "p50 ms",
              "p99 ms", "max ms", "turns", "convs", "turns/conv", "errors", "server CPU",
              "client CPU");
  for (const Result* r : {&bot, &echo}) {
    std::printf("  %-9s %10s %8s %8s %8s %9zu %7llu %10d %7llu %10s%% %10s%%\n", r->server.c_str(),
                fixed(turns_per_second(*r), 0).c_str(),
                fixed(percentile(r->f.latency_ms, 0.5), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 0.99), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 1.0), 1).c_str(), r->f.latency_ms.size(),
                static_cast<unsigned long long>(r->f.conversations), median_turns(r->f),
                static_cast<unsigned long long>(errors(r->f.errors_window)),
                fixed(100 * r->server_cpu, 0).c_str(), fixed(100 * r->client_cpu, 0).c_str());
  }
  std::printf("  %-9s %10s %8s %8s\n", "bot/echo",
              ratio(turns_per_second(bot), turns_per_second(echo)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.5), percentile(echo.f.latency_ms, 0.5)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.99), percentile(echo.f.latency_ms, 0.99)).c_str());
  print_context(bot);
  print_context(echo);
  print_errors(bot);
  print_errors(echo);
}

double kib_per_conversation(const Result& r, int patients) {
  return static_cast<double>(r.rss_steady_kib - r.rss_before_kib) / patients;
}

void print_human(const Options& o, int patients, const Result& bot, const Result& echo,
                 int echo_turns) {
  std::printf("\nhuman pace: %d patients, arriving over %s s, each answering every %s-%s s; %s s "
              "measured after the ramp\n",
              patients, fixed(o.ramp, 1).c_str(), fixed(o.think_min, 2).c_str(),
              fixed(o.think_max, 2).c_str(), fixed(o.window, 1).c_str());
  std::printf("  (echo: conversations of %d messages)\n", echo_turns);
  std::printf("  %-9s %6s %8s %8s %8s %8s %8s %7s %7s %11s %11s %11s %11s %9s\n", "server",
              "open", "turns/s", "p50 ms", "p99 ms", "max ms", "turns", "convs", "errors",
              "server CPU", "client CPU", "RSS before", "RSS steady", "KiB/conv");
  for (const Result* r : {&bot, &echo}) {
    std::printf("  %-9s %6d %8s %8s %8s %8s %8zu %7llu %7llu %10s%% %10s%% %7s MiB %7s MiB %9s\n",
                r->server.c_str(), r->open_at_end, fixed(turns_per_second(*r), 0).c_str(),
                fixed(percentile(r->f.latency_ms, 0.5), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 0.99), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 1.0), 1).c_str(), r->f.latency_ms.size(),
                static_cast<unsigned long long>(r->f.conversations),
                static_cast<unsigned long long>(errors(r->f.errors_window)),
                fixed(100 * r->server_cpu, 0).c_str(), fixed(100 * r->client_cpu, 0).c_str(),
                fixed(static_cast<double>(r->rss_before_kib) / 1024, 1).c_str(),
                fixed(static_cast<double>(r->rss_steady_kib) / 1024, 1).c_str(),
                fixed(kib_per_conversation(*r, patients), 1).c_str());
  }
  std::printf("  %-9s %6s %8s %8s %8s %8s %8s %7s %7s %11s %11s %11s %11s %9s\n", "bot/echo", "",
              "", ratio(percentile(bot.f.latency_ms, 0.5), percentile(echo.f.latency_ms, 0.5)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.99), percentile(echo.f.latency_ms, 0.99)).c_str(),
              "", "", "", "", "", "", "", "",
              ratio(kib_per_conversation(bot, patients), kib_per_conversation(echo, patients))
                  .c_str());
  print_context(bot);
  print_context(echo);
  print_errors(bot);
  print_errors(echo);
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

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--quick") != args.end()) {
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
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--quick") continue;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= args.size()) throw std::runtime_error("unknown option or missing value: " + a);
    const std::string& v = args[++i];
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
  if (o.calfbot.empty()) throw std::runtime_error(std::string("--calfbot PATH is required\n") + kUsage);
  if (access(o.calfbot.c_str(), X_OK) != 0) {
    throw std::runtime_error("--calfbot " + o.calfbot + ": not an executable file");
  }
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
  Options o = parse(argc, argv);
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
  auto account = [&](const Result& r) {
    if (errors(r.f.errors_total) > 0) failed = true;
    if (r.server == "calfbot") completed += r.f.conversation_turns.size();
  };

  LoadSpec closed;
  closed.patients = o.closed;
  closed.turn_timeout = o.turn_timeout;
  closed.threads = o.client_threads;
  progress("closed loop, calfbot ...");
  Result bot_closed = measure(o, self_exe, dir(), closed, o.warmup, o.seconds);
  std::string synchronous = bot_closed.synchronous;
  progress("  calfbot logged store synchronous=" + synchronous);
  {
    std::string lifted, unknown;
    for (const auto& [key, value] : calfbot::bench::lifted_limits()) {
      bool known = std::find(o.unknown_keys.begin(), o.unknown_keys.end(), key) ==
                   o.unknown_keys.end();
      (known ? lifted : unknown) += (known ? " " + key + "=" + value : " " + key);
    }
    std::printf("  calfbot limits lifted:%s\n", lifted.c_str());
    if (!unknown.empty()) std::printf("  not in this calfbot build (left out):%s\n", unknown.c_str());
  }
  const int echo_turns = std::max(1, median_turns(bot_closed.f));
  const std::size_t echo_bytes = bot_closed.f.reply_turns > 0
                                     ? bot_closed.f.reply_bytes / bot_closed.f.reply_turns
                                     : 300;
  closed.echo = true;
  closed.echo_turns = echo_turns;
  closed.echo_bytes = echo_bytes;
  progress("closed loop, echo ...");
  Result echo_closed = measure(o, self_exe, dir(), closed, o.warmup, o.seconds);
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
    Result bot = measure(o, self_exe, dir(), human, o.ramp, o.window);
    human.echo = true;
    human.echo_turns = median_turns(bot.f) > 0 ? median_turns(bot.f) : echo_turns;
    human.echo_bytes = echo_bytes;
    progress("human pace " + std::to_string(n) + ", echo ...");
    Result echo = measure(o, self_exe, dir(), human, o.ramp, o.window);
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
  try {
    if (argc >= 3 && std::string(argv[1]) == "--echo-server") {
      int threads = kServerThreads;
      if (argc >= 5 && std::string(argv[3]) == "--threads") threads = std::atoi(argv[4]);
      return calfbot::bench::run_echo_server(static_cast<unsigned short>(std::atoi(argv[2])),
                                             std::max(1, threads));
    }
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "load_bench: " << e.what() << "\n";
    return 2;
  }
}
