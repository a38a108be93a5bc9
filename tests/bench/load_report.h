// The load benchmark's figures and how they are printed
// (tests/bench/load_bench.cpp): its options, one measurement's result, and
// the tables of the closed loop and of human pace, calfbot beside the echo server.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "disk_floor.h"
#include "load_client.h"
#include "machine_stats.h"

namespace calfbot::bench {

struct LoadOptions {
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

// One measurement of one server.
struct Measured {
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

int median_turns(const Figures& f);
std::uint64_t errors(const std::map<std::string, std::uint64_t>& e);
double turns_per_second(const Measured& r);
// bot / echo as "2.34x"; "-" when either is missing.
std::string ratio(double bot, double echo);
double kib_per_conversation(const Measured& r, int patients);

void print_disk_floor(const DiskFloor& d);
// A durable reply waits for one commit: the p99 the store can reach is the
// disk's fdatasync p99 plus what calfbot adds (docs/performance.md). Returns
// "; p99 X ms = fdatasync p99 + Y ms", or "" when either is missing.
std::string against_disk_floor(double p99_ms, const DiskFloor& d);

void print_closed(const LoadOptions& o, const Measured& bot, const Measured& echo, int echo_turns,
                  std::size_t echo_bytes);
void print_human(const LoadOptions& o, int patients, const Measured& bot, const Measured& echo,
                 int echo_turns);

}  // namespace calfbot::bench
