#include "machine_stats.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bench_process.h"

namespace calfbot::bench {

long proc_status_kib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

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

}  // namespace calfbot::bench
