// The outbox's SQLite file: the calls waiting to be sent (table `outbox`)
// and the marks (table `outbox_marks`), written in one transaction for each
// pass of the outbox's owner thread (bot/outbox/outbox.cpp), which alone uses it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/outbox/outbox.h"

namespace SQLite {
class Database;
}

namespace calfbot::bot {

class OutboxDb {
 public:
  // A call as stored.
  struct Row {
    int64_t id = 0;
    std::string lane, key;
    OutboundRequest request;
    int attempts = 0;
    int64_t next_ms = 0;
    int64_t created_ms = 0;
  };

  // Opens (creating if needed) the file with its tables. Throws
  // std::exception (SQLite's message) on failure.
  OutboxDb(const std::string& path, bool synchronous_full, int busy_timeout_ms);
  ~OutboxDb();
  OutboxDb(const OutboxDb&) = delete;
  OutboxDb& operator=(const OutboxDb&) = delete;

  // Rewrites every mark `fn` gives a new value for, in one transaction, with
  // the old bytes overwritten (secure_delete) and the WAL checkpointed and
  // truncated after, so that no old value stays readable in either file.
  // Before any pass. Throws std::exception (SQLite's message) on failure.
  void migrate_marks(
      const std::function<std::optional<std::string>(const std::string&, const std::string&)>& fn);

  // The calls not yet delivered or given up, oldest first.
  std::vector<Row> pending();

  // The pass's transaction. begin() takes the write lock at once (waiting up
  // to the busy timeout), so that no write later in the pass fails on a
  // snapshot gone stale; a failure is kept and every write of the pass then
  // fails with it.
  void begin();
  // Whether the pass's transaction is still open. SQLite rolls it back by
  // itself after some errors (a full disk, a trigger's RAISE(ROLLBACK)); then
  // nothing of the pass commits, and nothing after may write: each statement
  // would commit on its own. `e`: the error just seen, if any.
  bool ok(const std::exception* e = nullptr);
  // Why the pass cannot commit ("" while it can).
  const std::string& error() const { return error_; }
  // Commits the pass if it is open; returns why it did not commit ("" when
  // it did) and starts afresh for the next pass.
  std::string commit();

  // One enqueue, under a savepoint so that its failure undoes its own rows
  // only and the rest of the pass still commits. Returns the calls added
  // (one already stored with the same dedupe id is skipped), their ids final.
  // Takes the requests out of `items`.
  Result<std::vector<Row>> insert(std::vector<OutboxItem>& items, const std::vector<Mark>& marks,
                                  int64_t now_ms);
  // An attempt's answer, in the pass's transaction. Throw std::exception.
  void record_retry(const Row& row, const std::string& detail);
  void record_done(const Row& row, bool delivered, int64_t now_ms, const std::string& detail);

  // The mark's value; none when absent or expired at now_ms.
  Result<std::optional<std::string>> mark(const std::string& key, int64_t now_ms);
  // How many calls are pending, delivered and failed (in_flight left 0).
  Result<OutboxStats> counts();
  // Drops answered calls older than `done_before_ms` and expired marks.
  // Housekeeping: a failure is left for the next time.
  void purge(int64_t done_before_ms, int64_t now_ms);

 private:
  std::unique_ptr<SQLite::Database> db_;
  bool open_ = false;  // the pass's transaction
  std::string error_;
};

}  // namespace calfbot::bot
