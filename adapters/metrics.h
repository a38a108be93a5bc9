// Server metrics in the Prometheus text format (GET /metrics).
// Thread-safety: every member may be called from any thread (atomics; the
// histograms and labelled counters take a short lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/error.h"
#include "dialog/message.h"

namespace calfbot::adapters {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // Appends the _bucket, _sum and _count lines of `name`.
  void render(const std::string& name, std::string& out) const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // one per bound, plus +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Metrics {
 public:
  Metrics();

  std::atomic<int64_t> connections_open{0};
  std::atomic<int64_t> websockets_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_rejected_total{0};
  std::atomic<uint64_t> http_requests_total{0};
  std::atomic<uint64_t> sessions_started_total{0};
  std::atomic<uint64_t> sessions_resumed_total{0};
  std::atomic<uint64_t> sessions_expired_total{0};
  std::atomic<uint64_t> turns_total{0};

  Histogram turn_latency_seconds;
  Histogram store_commit_batch_size;
  Histogram store_commit_seconds;
  Histogram store_checkpoint_seconds;  // on the store's own thread, beside the commits

  // Sessions held in memory; set once by whoever owns the service.
  std::function<int64_t()> sessions_active;

  // A committed patient turn, on any channel (ServiceOptions::on_turn): its
  // latency (input posted to durable) and the bot messages, whose
  // escalations are counted by level.
  void record_turn(double seconds, const std::vector<dialog::Message>& outputs);
  // An error code sent to a client.
  void record_error(bot::Code code);
  // A store commit (SqliteStoreOptions::on_commit).
  void record_commit(size_t writes, double seconds);

  std::string render() const;

 private:
  mutable std::mutex mu_;  // guards the labelled counters
  std::map<std::string, uint64_t> escalations_;  // by level
  std::map<std::string, uint64_t> errors_;       // by code id
};

}  // namespace calfbot::adapters
