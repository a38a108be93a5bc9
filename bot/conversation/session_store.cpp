#include "bot/conversation/session_store.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "bot/conversation/session_rows.h"
#include "bot/sqlite_pool.h"
#include "bot/store_version.h"

namespace calfbot::bot {

namespace {

using session_rows::kSchema;
using session_rows::kSessionColumns;
using session_rows::kUpsertSession;
using session_rows::read_session;
using session_rows::triage_column;
using session_rows::unavailable;

class SqliteSessionStore final : public SessionStore {
 public:
  explicit SqliteSessionStore(const SqliteStoreOptions& o)
      : options_(o),
        db_(o.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, o.busy_timeout_ms),
        readers_(o.path, SQLite::OPEN_READONLY, o.busy_timeout_ms) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec(o.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    check_store_version(db_, o.path);
    db_.exec(kSchema);
    // Checkpoints (copying the WAL back into the database, with its fsync)
    // run on a connection and thread of their own. SQLite's automatic one
    // runs inside the commit that crosses its threshold, so every write
    // queued behind that commit waited for it. The hook replaces the
    // automatic checkpoint on the write connection.
    checkpoint_db_ = std::make_unique<SQLite::Database>(o.path, SQLite::OPEN_READWRITE,
                                                        o.busy_timeout_ms);
    checkpoint_db_->exec("SELECT count(*) FROM sqlite_master");  // a first read opens its WAL
    sqlite3_wal_hook(db_.getHandle(), &SqliteSessionStore::on_wal_commit, this);
    upsert_ = std::make_unique<SQLite::Statement>(db_, kUpsertSession);
    insert_message_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT OR IGNORE INTO messages (session, seq, direction, body, time) "
             "VALUES (?, ?, ?, ?, ?)");
    // From here on only the writer thread touches db_ and its statements.
    writer_ = std::thread([this] { run_writer(); });
    checkpointer_ = std::thread([this] { run_checkpointer(); });
  }

  ~SqliteSessionStore() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_writer_.notify_one();
    writer_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_one();
    checkpointer_.join();
  }

  SqliteSessionStore(const SqliteSessionStore&) = delete;
  SqliteSessionStore& operator=(const SqliteSessionStore&) = delete;

  void write(SessionWrite w, Done done) override {
    {
      std::lock_guard lock(mu_);
      if (!stopping_ && queue_.size() < static_cast<size_t>(options_.queue_max)) {
        queue_.push_back(Pending{std::move(w), std::move(done), std::nullopt});
        ++submitted_;
        wake_writer_.notify_one();
        return;
      }
    }
    done(Error{Code::store_overloaded, "the write queue is full or the store is closing"});
  }

  Result<std::optional<SessionRecord>> find_by_token_hash(const std::string& token_hash) override {
    try {
      Reader r(*this);
      SQLite::Statement q(r.db(), std::string("SELECT ") + kSessionColumns +
                                      " FROM sessions WHERE token_hash = ?");
      q.bind(1, token_hash);
      if (!q.executeStep()) return std::optional<SessionRecord>();
      return std::optional<SessionRecord>(read_session(q));
    } catch (const std::exception& e) {
      return unavailable("find session", e);
    }
  }

  Result<std::optional<SessionRecord>> find_by_id(const std::string& session_id) override {
    try {
      Reader r(*this);
      SQLite::Statement q(r.db(), std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id = ?");
      q.bind(1, session_id);
      if (!q.executeStep()) return std::optional<SessionRecord>();
      return std::optional<SessionRecord>(read_session(q));
    } catch (const std::exception& e) {
      return unavailable("find session", e);
    }
  }

  void purge(std::vector<std::string> session_ids, int64_t expired_before,
             std::function<void(Result<int>)> done) override {
    auto deleted = std::make_shared<int>(0);
    Pending p{{}, [deleted, done](Status s) { s ? done(*deleted) : done(s.error()); },
              Purge{std::move(session_ids), expired_before, deleted}};
    {
      std::lock_guard lock(mu_);
      if (!stopping_ && queue_.size() < static_cast<size_t>(options_.queue_max)) {
        queue_.push_back(std::move(p));
        ++submitted_;
        wake_writer_.notify_one();
        return;
      }
    }
    done(Error{Code::store_overloaded, "the write queue is full or the store is closing"});
  }

  Result<std::vector<StoredMessage>> messages(const std::string& session_id, int after_out_seq,
                                              bool with_inputs) override {
    try {
      Reader r(*this);
      // rowid order is commit order: each input comes before the replies to
      // it, so "after bot message N" is "after N's row" for inputs too.
      SQLite::Statement q(
          r.db(), with_inputs
                      ? "SELECT direction, seq, body, time FROM messages WHERE session = ?1 AND "
                        "rowid > coalesce((SELECT max(rowid) FROM messages WHERE session = ?1 "
                        "AND direction = 'out' AND seq <= ?2), 0) ORDER BY rowid"
                      : "SELECT direction, seq, body, time FROM messages WHERE session = ?1 AND "
                        "direction = 'out' AND seq > ?2 ORDER BY rowid");
      q.bind(1, session_id);
      q.bind(2, after_out_seq);
      std::vector<StoredMessage> out;
      while (q.executeStep()) {
        StoredMessage m;
        m.direction = q.getColumn(0).getString() == "in" ? StoredMessage::Direction::in
                                                         : StoredMessage::Direction::out;
        m.seq = q.getColumn(1).getInt();
        m.body = q.getColumn(2).getString();
        m.time_unix = q.getColumn(3).getInt64();
        out.push_back(std::move(m));
      }
      return out;
    } catch (const std::exception& e) {
      return unavailable("read messages", e);
    }
  }

  Result<std::vector<SessionRecord>> due_to_expire(int64_t now_unix, int limit) override {
    try {
      Reader r(*this);
      SQLite::Statement q(r.db(), std::string("SELECT ") + kSessionColumns +
                                      " FROM sessions WHERE phase IN ('asking', 'done') AND "
                                      "expires <= ? ORDER BY expires LIMIT ?");
      q.bind(1, static_cast<int64_t>(now_unix));
      q.bind(2, limit);
      std::vector<SessionRecord> out;
      while (q.executeStep()) out.push_back(read_session(q));
      return out;
    } catch (const std::exception& e) {
      return unavailable("list expired sessions", e);
    }
  }

  Result<int64_t> count_unfinished() override {
    try {
      Reader r(*this);
      SQLite::Statement q(r.db(), "SELECT count(*) FROM sessions WHERE phase = 'asking'");
      q.executeStep();
      return static_cast<int64_t>(q.getColumn(0).getInt64());
    } catch (const std::exception& e) {
      return unavailable("count sessions", e);
    }
  }

  void flush() override {
    std::unique_lock lock(mu_);
    uint64_t target = submitted_;
    written_cv_.wait(lock, [&] { return completed_ >= target; });
  }

 private:
  // A purge, queued among the writes so that the writer alone deletes.
  struct Purge {
    std::vector<std::string> session_ids;
    int64_t expired_before = 0;
    std::shared_ptr<int> deleted;  // how many sessions went, once committed
  };
  struct Pending {
    SessionWrite write;
    Done done;
    std::optional<Purge> purge;  // instead of `write`
  };

  // A read connection checked out of the pool for one call: no connection is
  // used by two threads at once.
  class Reader {
   public:
    explicit Reader(SqliteSessionStore& s) : lease_(s.readers_) {}
    SQLite::Database& db() { return lease_.db(); }

   private:
    SqlitePool::Lease lease_;
  };

  // When the WAL holds options_.checkpoint_pages pages after a commit, a
  // checkpoint is due. The writer checkpoints itself only when the
  // checkpointer has fallen far behind, so that the WAL cannot grow without
  // bound (200 MiB).
  static constexpr int kWriterCheckpointPages = 50000;

  // sqlite3_wal_hook: runs on the writer thread after each commit.
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages) {
    auto* store = static_cast<SqliteSessionStore*>(self);
    if (pages >= std::max(kWriterCheckpointPages, 5 * store->options_.checkpoint_pages)) {
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= store->options_.checkpoint_pages) {
      {
        std::lock_guard lock(store->checkpoint_mu_);
        store->checkpoint_due_ = true;
      }
      store->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void run_checkpointer() {
    std::unique_lock lock(checkpoint_mu_);
    while (true) {
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_due_; });
      if (checkpoint_stop_) return;
      checkpoint_due_ = false;
      lock.unlock();
      // PASSIVE: copies what no reader still needs and never blocks the
      // writer. A failure (busy, disk full) is retried at the next commit
      // past the threshold; the WAL keeps every commit meanwhile.
      auto start = std::chrono::steady_clock::now();
      int wal_pages = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->getHandle(), nullptr,
                                         SQLITE_CHECKPOINT_PASSIVE, &wal_pages, &copied);
      if (rc == SQLITE_OK && options_.on_checkpoint) {
        options_.on_checkpoint(copied, std::chrono::duration<double>(
                                           std::chrono::steady_clock::now() - start)
                                           .count());
      }
      lock.lock();
    }
  }

  void run_writer() {
    std::vector<Pending> batch;
    while (true) {
      {
        std::unique_lock lock(mu_);
        wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and every queued write is done
        size_t n = std::min(queue_.size(), static_cast<size_t>(options_.batch_max));
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      auto start = std::chrono::steady_clock::now();
      Status status = commit(batch.begin(), batch.end());
      if (status && options_.on_commit) {
        options_.on_commit(batch.size(), std::chrono::duration<double>(
                                             std::chrono::steady_clock::now() - start)
                                             .count());
      }
      if (status) {
        for (auto& p : batch) p.done(Status());
      } else {
        // One bad write must not fail the others: retry each on its own.
        for (auto it = batch.begin(); it != batch.end(); ++it) {
          Status one = batch.size() == 1 ? status : commit(it, it + 1);
          it->done(one);
        }
      }
      {
        std::lock_guard lock(mu_);
        completed_ += batch.size();
      }
      written_cv_.notify_all();
      batch.clear();
    }
  }

  Status commit(std::vector<Pending>::iterator begin, std::vector<Pending>::iterator end) {
    try {
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      try {
        for (auto it = begin; it != end; ++it) {
          if (it->purge) {
            *it->purge->deleted = session_rows::delete_sessions(
                db_, it->purge->session_ids, it->purge->expired_before);
          } else {
            store(it->write);
          }
        }
      } catch (...) {
        // A failed statement must be reset before the rollback can run.
        upsert_->tryReset();
        insert_message_->tryReset();
        throw;
      }
      tx.commit();
      return {};
    } catch (const std::exception& e) {
      if (sqlite3_get_autocommit(db_.getHandle()) == 0) db_.tryExec("ROLLBACK");
      return unavailable("commit", e);
    }
  }

  void store(const SessionWrite& w) {
    const SessionRecord& s = w.session;
    SQLite::Statement& u = *upsert_;
    u.reset();
    u.clearBindings();
    u.bind(1, s.id);
    u.bind(2, s.token_hash);
    u.bind(3, s.channel);
    u.bind(4, s.external_user);
    u.bind(5, static_cast<int64_t>(s.created_unix));
    u.bind(6, static_cast<int64_t>(s.updated_unix));
    u.bind(7, static_cast<int64_t>(s.expires_unix));
    u.bind(8, s.state_json);
    u.bind(9, std::string(to_string(s.phase)));
    u.bind(10, triage_column(s.level));
    u.bind(11, triage_column(s.triage));
    u.bind(12, s.knowledge_version);
    u.bind(13, s.last_seq);
    u.bind(14, s.inputs);
    u.exec();
    SQLite::Statement& m = *insert_message_;
    for (const auto& msg : w.messages) {
      m.reset();
      m.clearBindings();
      m.bind(1, s.id);
      m.bind(2, msg.seq);
      m.bind(3, msg.direction == StoredMessage::Direction::in ? "in" : "out");
      m.bind(4, msg.body);
      m.bind(5, static_cast<int64_t>(msg.time_unix));
      m.exec();
    }
  }

  const SqliteStoreOptions options_;
  SQLite::Database db_;  // the write connection: the writer thread's alone
  std::unique_ptr<SQLite::Statement> upsert_;
  std::unique_ptr<SQLite::Statement> insert_message_;

  std::mutex mu_;  // guards the queue, stopping_ and the counters
  std::condition_variable wake_writer_;
  std::condition_variable written_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t submitted_ = 0;
  uint64_t completed_ = 0;

  SqlitePool readers_;

  std::unique_ptr<SQLite::Database> checkpoint_db_;  // the checkpointer thread's alone
  std::mutex checkpoint_mu_;  // guards the two flags below
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool checkpoint_stop_ = false;

  std::thread writer_;  // last: they start after everything above exists
  std::thread checkpointer_;
};

}  // namespace

Result<std::unique_ptr<SessionStore>> open_sqlite_store(const SqliteStoreOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return Error{Code::store_unavailable, "the session store needs a file path, not ':memory:'"};
  }
  try {
    return std::unique_ptr<SessionStore>(std::make_unique<SqliteSessionStore>(options));
  } catch (const std::exception& e) {
    return unavailable("open " + options.path, e);
  }
}

}  // namespace calfbot::bot
