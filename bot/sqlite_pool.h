// Connections to one SQLite file, each lent to one caller at a time and kept
// for the next: SQLite connections must not be used by two threads at once,
// and opening one per call costs more than the call. The session store's
// readers and the clinic store share this.
// Thread-safety: lease() may be called from any thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace calfbot::bot {

class SqlitePool {
 public:
  // flags: SQLite::OPEN_READONLY, or OPEN_READWRITE | OPEN_CREATE.
  // on_open runs once on each new connection (a PRAGMA, say).
  SqlitePool(std::string path, int flags, int busy_timeout_ms,
             std::function<void(SQLite::Database&)> on_open = {})
      : path_(std::move(path)), flags_(flags), busy_timeout_ms_(busy_timeout_ms),
        on_open_(std::move(on_open)) {}
  SqlitePool(const SqlitePool&) = delete;
  SqlitePool& operator=(const SqlitePool&) = delete;

  // One connection, given back to the pool when the lease ends.
  class Lease {
   public:
    explicit Lease(SqlitePool& pool) : pool_(pool), db_(pool.take()) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SQLite::Database& db() { return *db_; }

   private:
    SqlitePool& pool_;
    std::unique_ptr<SQLite::Database> db_;
  };

  Lease lease() { return Lease(*this); }

 private:
  std::unique_ptr<SQLite::Database> take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return db;
      }
    }
    auto db = std::make_unique<SQLite::Database>(path_, flags_, busy_timeout_ms_);
    if (on_open_) on_open_(*db);
    return db;
  }
  void give_back(std::unique_ptr<SQLite::Database> db) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(db));
  }

  const std::string path_;
  const int flags_;
  const int busy_timeout_ms_;
  const std::function<void(SQLite::Database&)> on_open_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SQLite::Database>> idle_;
};

}  // namespace calfbot::bot
