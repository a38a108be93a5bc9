// What the load benchmark reads beside its own figures (tests/bench/load_bench.cpp):
// a process's memory and CPU from /proc, the whole machine's CPU, and
// calfbot's store counters from its /metrics.
#pragma once

#include <sys/types.h>

#include <string>

namespace calfbot::bench {

// The first number on the line of /proc/<pid>/status that starts with `key`.
long proc_status_kib(pid_t pid, const std::string& key);
// User + system CPU seconds a process has used.
double cpu_seconds(pid_t pid);
// The rest of the first line of `path` that starts with `key`, after "key: "; "?" if none.
std::string first_line(const std::string& path, const std::string& key);
std::string load_average();  // /proc/loadavg's three figures

// calfbot's store counters from its /metrics (commits, writes, commit
// time) and the conversations it holds in memory.
struct StoreCounters {
  double commits = 0, writes = 0, commit_seconds = 0;
  double seconds = 0;  // the time between the two readings, for a difference
  double sessions_active = 0;
};
StoreCounters store_counters(unsigned short port);
StoreCounters operator-(const StoreCounters& a, const StoreCounters& b);

// The whole machine's CPU time (/proc/stat, in seconds): busy, waiting for
// I/O, stolen by the hypervisor.
struct MachineCpu {
  double busy = 0, iowait = 0, steal = 0;
};
MachineCpu machine_cpu();
MachineCpu operator-(const MachineCpu& a, const MachineCpu& b);

}  // namespace calfbot::bench
