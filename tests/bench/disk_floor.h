// The disk's floor under a durable turn: how long fdatasync takes after a
// 4 KiB write on the store's own disk. A reply waits for its commit, and a
// commit cannot be faster than this, so load_bench prints it beside the
// echo server: the two floors a turn's latency is measured against.
#pragma once

#include <string>

namespace calfbot::bench {

struct DiskFloor {
  int samples = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::string error;  // why it could not be measured, "" when it was
};

// Writes `samples` 4 KiB blocks, each followed by fdatasync, into a file in
// `dir` (rewritten in place over 4 MiB, as SQLite reuses its WAL after a
// checkpoint), times each pair, and removes the file.
DiskFloor measure_fdatasync(const std::string& dir, int samples);

}  // namespace calfbot::bench
