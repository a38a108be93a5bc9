// The durable outbox: every outbound HTTP request a channel must make (a
// reply to a Telegram chat, a WhatsApp or SMS message, a signed alert to a
// clinic's webhook) is stored in SQLite first and sent later, retried with
// exponential backoff until the destination accepts it, so that an outage
// loses nothing and a restart resumes delivery.
//
// Generic by design: an item is a request (method, URL, headers, body) with
//  - a lane: the destination class, with its rate limits and two hooks:
//    `prepare` adds what must not be stored (base URL, credentials) at send
//    time, `classify` reads the answer (accepted, retry later, refused);
//  - a key: items with one key are sent one at a time, in enqueue order; a
//    later item waits until the earlier one was accepted or given up;
//  - an optional dedupe id: enqueueing an id that is stored already is a no-op.
// Marks (key -> value notes, e.g. "webhook event 123 handled") are written in
// the same transaction as the items they go with, so a caller can record what
// it has handed over atomically with the hand-over.
//
// Delivery is at least once; it is exactly once as far as the destination's
// answer tells: an item is resent only when no 2xx answer arrived (a crash
// between the destination's acceptance and the commit of "delivered" resends).
//
// Threads: one owner thread holds the SQLite connection (one writer) and the
// schedule; `senders` threads call the Transport. Without start() nothing
// runs on its own and tests drive it with run_once() and a fake clock.
// Thread-safety: every public member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/error.h"

namespace calfbot::bot {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct OutboundRequest {
  std::string method = "POST";
  std::string url;  // absolute, or relative to what the lane's prepare adds
  HeaderList headers;
  std::string body;
};

struct OutboundResponse {
  int status = 0;
  HeaderList headers;  // names in lower case
  std::string body;
  std::string header(const std::string& lower_name) const;
};

// Sends one request and waits for the answer, within its own timeouts.
// Errors are transport failures (no answer); any HTTP status is a success.
// Thread-safety: send() is called from several threads at once.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<OutboundResponse> send(const OutboundRequest& request) = 0;
};

// What an answer means for the item.
struct Outcome {
  enum class Kind { delivered, retry, failed };
  Kind kind = Kind::delivered;
  int64_t retry_after_ms = -1;  // retry: the destination's own wait; -1 = the backoff
  std::string detail;           // for the log: status and error code, never the body
};

// 2xx delivered; 401, 403, 408, 425, 429 and 5xx retried (429 honours
// Retry-After in seconds); any other status failed.
Outcome default_outcome(const OutboundResponse& response);

struct Lane {
  std::string name;
  double rate_per_second = 0;       // sends per second over the whole lane; 0 = no limit
  double burst = 1;                 // sends allowed at once before the rate applies
  int64_t per_key_interval_ms = 0;  // least time between two sends of one key
  // The request as sent, made from the stored one. Empty = as stored.
  std::function<OutboundRequest(OutboundRequest)> prepare;
  // Empty = default_outcome.
  std::function<Outcome(const OutboundResponse&)> classify;
};

struct OutboxItem {
  std::string lane;
  std::string key;
  OutboundRequest request;
  std::string dedupe_id;  // "" = none
};

struct Mark {
  std::string key;
  std::string value;
  int64_t expires_unix = 0;  // removed after this time; 0 = kept
};

// Told after each attempt; for logs and metrics. Runs on the owner thread.
struct OutboxEvent {
  enum class Kind { delivered, retry, failed };
  Kind kind = Kind::delivered;
  int64_t item_id = 0;
  std::string lane;
  std::string key;
  int attempts = 0;
  int64_t next_attempt_ms = 0;  // retry: when
  std::string detail;
};

struct OutboxOptions {
  std::string path;                // the SQLite file (":memory:" works without start())
  int max_attempts = 100;          // then the item is given up ("failed")
  int64_t give_up_after_ms = 24LL * 3600 * 1000;  // or when this old
  int64_t base_delay_ms = 1000;    // the first retry waits about this long
  int64_t max_delay_ms = 300000;   // no wait is longer
  int senders = 4;                 // threads calling the transport
  int busy_timeout_ms = 5000;
  int64_t keep_done_ms = 7LL * 86400 * 1000;  // delivered and failed rows kept this long
  bool synchronous_full = true;
  std::function<int64_t()> now_ms;  // wall clock, ms since the epoch; empty = the system clock
  std::function<double()> random;   // uniform in [0, 1); empty = seeded from the clock
  std::function<void(const OutboxEvent&)> on_event;
  // Rewrites stored marks once, when the outbox opens and before anything
  // runs: given a mark's key and value, the value to store instead, or
  // nullopt to keep it. The old bytes are wiped from the file and its WAL
  // (secure_delete, then a truncating checkpoint): for a format that kept a
  // secret in clear. Empty = none.
  std::function<std::optional<std::string>(const std::string& key, const std::string& value)>
      migrate_mark;
};

// The wait before retry number `attempt` (1 = the first retry): the capped
// exponential base * 2^(attempt-1), of which a random half is kept
// ("equal jitter"), so that retries of many items spread out.
int64_t backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, double random01);

struct OutboxStats {
  int64_t pending = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t in_flight = 0;
};

class Outbox {
 public:
  using Done = std::function<void(Status)>;

  // Opens (creating if needed) the outbox tables in options.path and loads
  // the pending items. transport must outlive the outbox. Errors:
  // "store_unavailable" with the SQLite message.
  static Result<std::unique_ptr<Outbox>> open(OutboxOptions options, Transport& transport);

  // Stops the threads (requests in flight finish first); pending items stay
  // stored for the next start.
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Registers a lane; call before start(). Items of an unknown lane wait.
  void add_lane(Lane lane);

  // Starts the owner and sender threads.
  void start();

  // Stores items and marks atomically, then calls `done` on the owner thread:
  // success means they are durable. Calls queued together share one commit
  // (one fsync); each succeeds or fails on its own, and all fail if the
  // commit does.
  void enqueue(std::vector<OutboxItem> items, std::vector<Mark> marks, Done done);

  // The value of a mark; nullopt when there is none (or it expired). `done`
  // runs on the owner thread after the pass that read it committed, outside
  // any transaction of the outbox.
  void get_mark(std::string key, std::function<void(Result<std::optional<std::string>>)> done);

  // Counts, answered by the owner thread (blocks until then).
  Result<OutboxStats> stats();

  // Without threads: handles queued calls, sends every due item (inline) and
  // records the answers. Returns the time of the next due item, if any.
  std::optional<int64_t> run_once();

  // Re-reads the clock now (after a fake clock moved).
  void wake();

  Outbox(OutboxOptions options, Transport& transport);  // use open()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace calfbot::bot
