#include "adapters/metrics.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void head(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

template <class T>
void single(std::string& out, const std::string& name, const char* type, const char* help, T v) {
  head(out, name, type, help);
  out += name + " " + std::to_string(v) + "\n";
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::lock_guard lock(mu_);
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::render(const std::string& name, std::string& out) const {
  std::lock_guard lock(mu_);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name + "_bucket{le=\"" + number(bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += name + "_sum " + number(sum_) + "\n";
  out += name + "_count " + std::to_string(count_) + "\n";
}

Metrics::Metrics()
    : turn_latency_seconds({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}),
      store_commit_batch_size({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      store_commit_seconds({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}),
      store_checkpoint_seconds({0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}),
      escalations_{{"emergency", 0}, {"urgent", 0}} {}

void Metrics::record_turn(double seconds, const std::vector<dialog::Message>& outputs) {
  turns_total++;
  turn_latency_seconds.observe(seconds);
  for (const auto& m : outputs) {
    const auto* e = std::get_if<dialog::EscalationMessage>(&m);
    if (!e) continue;
    std::lock_guard lock(mu_);
    escalations_[std::string(knowledge::to_string(e->level))]++;
  }
}

void Metrics::record_error(bot::Code code) {
  std::lock_guard lock(mu_);
  errors_[std::string(bot::to_string(code))]++;
}

void Metrics::record_commit(size_t writes, double seconds) {
  store_commit_batch_size.observe(static_cast<double>(writes));
  store_commit_seconds.observe(seconds);
}

std::string Metrics::render() const {
  std::string out;
  single(out, "calfbot_connections_open", "gauge", "Open TCP connections.",
         connections_open.load());
  single(out, "calfbot_websockets_open", "gauge", "Open WebSocket connections.",
         websockets_open.load());
  single(out, "calfbot_connections_total", "counter", "TCP connections accepted.",
         connections_total.load());
  single(out, "calfbot_connections_rejected_total", "counter",
         "Connections refused because max_connections were open.",
         connections_rejected_total.load());
  single(out, "calfbot_http_requests_total", "counter", "HTTP requests handled.",
         http_requests_total.load());
  single(out, "calfbot_sessions_active", "gauge", "Conversations held in memory.",
         sessions_active ? sessions_active() : 0);
  single(out, "calfbot_sessions_started_total", "counter", "Conversations started.",
         sessions_started_total.load());
  single(out, "calfbot_sessions_resumed_total", "counter", "Conversations resumed by token.",
         sessions_resumed_total.load());
  single(out, "calfbot_sessions_expired_total", "counter", "Conversations expired when idle.",
         sessions_expired_total.load());
  single(out, "calfbot_turns_total", "counter", "Patient messages answered (durably stored).",
         turns_total.load());
  {
    std::lock_guard lock(mu_);
    head(out, "calfbot_escalations_total", "counter", "Escalations sent, by level.");
    for (const auto& [level, n] : escalations_) {
      out += "calfbot_escalations_total{level=\"" + level + "\"} " + std::to_string(n) + "\n";
    }
    head(out, "calfbot_errors_total", "counter", "Error messages sent to clients, by code.");
    for (const auto& [code, n] : errors_) {
      out += "calfbot_errors_total{code=\"" + code + "\"} " + std::to_string(n) + "\n";
    }
  }
  head(out, "calfbot_turn_latency_seconds", "histogram",
       "From a patient message received to its durable reply.");
  turn_latency_seconds.render("calfbot_turn_latency_seconds", out);
  head(out, "calfbot_store_commit_batch_size", "histogram", "Session writes per store commit.");
  store_commit_batch_size.render("calfbot_store_commit_batch_size", out);
  head(out, "calfbot_store_commit_seconds", "histogram", "Duration of each store commit.");
  store_commit_seconds.render("calfbot_store_commit_seconds", out);
  head(out, "calfbot_store_checkpoint_seconds", "histogram",
       "Duration of each copy of the store's WAL into its database (commits do not wait for it).");
  store_checkpoint_seconds.render("calfbot_store_checkpoint_seconds", out);
  return out;
}

}  // namespace calfbot::adapters
