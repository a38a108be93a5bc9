#include "bot/outbox/outbox_db.h"

#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace calfbot::bot {

namespace {

std::string headers_to_json(const HeaderList& h) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [k, v] : h) j.push_back({k, v});
  return j.dump();
}

HeaderList headers_from_json(const std::string& s) {
  HeaderList h;
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (!j.is_array()) return h;
  for (const auto& p : j) {
    if (p.is_array() && p.size() == 2 && p[0].is_string() && p[1].is_string()) {
      h.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
    }
  }
  return h;
}

Error db_error(const std::exception& e) { return Error(Code::store_unavailable, e.what()); }

}  // namespace

OutboxDb::OutboxDb(const std::string& path, bool synchronous_full, int busy_timeout_ms)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)) {
  db_->setBusyTimeout(busy_timeout_ms);
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS outbox ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT, lane TEXT NOT NULL, key TEXT NOT NULL,"
      " method TEXT NOT NULL, url TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,"
      " dedupe_id TEXT UNIQUE, state TEXT NOT NULL, attempts INTEGER NOT NULL,"
      " next_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, done_ms INTEGER,"
      " last_error TEXT);"
      "CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, id);"
      "CREATE TABLE IF NOT EXISTS outbox_marks ("
      " key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_unix INTEGER NOT NULL);");
}

OutboxDb::~OutboxDb() = default;

void OutboxDb::migrate_marks(
    const std::function<std::optional<std::string>(const std::string&, const std::string&)>& fn) {
  std::vector<std::pair<std::string, std::string>> changed;
  {
    SQLite::Statement q(*db_, "SELECT key, value FROM outbox_marks");
    while (q.executeStep()) {
      std::string key = q.getColumn(0).getString();
      if (auto value = fn(key, q.getColumn(1).getString())) changed.emplace_back(key, *value);
    }
  }
  if (changed.empty()) return;
  db_->exec("PRAGMA secure_delete = ON");
  {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement u(*db_, "UPDATE outbox_marks SET value = ? WHERE key = ?");
    for (const auto& [key, value] : changed) {
      u.reset();
      SQLite::bind(u, value, key);
      u.exec();
    }
    tx.commit();
  }
  db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db_->exec("PRAGMA secure_delete = OFF");
}

std::vector<OutboxDb::Row> OutboxDb::pending() {
  std::vector<Row> rows;
  SQLite::Statement q(*db_,
                      "SELECT id, lane, key, method, url, headers, body, attempts, next_ms,"
                      " created_ms FROM outbox WHERE state = 'pending' ORDER BY id");
  while (q.executeStep()) {
    rows.push_back(Row{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                       q.getColumn(2).getString(),
                       {q.getColumn(3).getString(), q.getColumn(4).getString(),
                        headers_from_json(q.getColumn(5).getString()), q.getColumn(6).getString()},
                       q.getColumn(7).getInt(), q.getColumn(8).getInt64(),
                       q.getColumn(9).getInt64()});
  }
  return rows;
}

void OutboxDb::begin() {
  try {
    db_->exec("BEGIN IMMEDIATE");
    open_ = true;
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

bool OutboxDb::ok(const std::exception* e) {
  if (open_ && sqlite3_get_autocommit(db_->getHandle())) {
    open_ = false;
    error_ = e ? e->what() : "the transaction was rolled back";
  }
  return open_;
}

std::string OutboxDb::commit() {
  if (ok()) {
    try {
      db_->exec("COMMIT");
    } catch (const std::exception& e) {
      error_ = e.what();
      try {
        if (!sqlite3_get_autocommit(db_->getHandle())) db_->exec("ROLLBACK");
      } catch (const std::exception&) {
        // The next BEGIN fails and tells.
      }
    }
    open_ = false;
  }
  std::string why = std::move(error_);
  error_.clear();
  return why;
}

Result<std::vector<OutboxDb::Row>> OutboxDb::insert(std::vector<OutboxItem>& items,
                                                    const std::vector<Mark>& marks,
                                                    int64_t now_ms) {
  if (!ok()) return Error(Code::store_unavailable, error_);
  std::vector<Row> added;
  try {
    db_->exec("SAVEPOINT enqueue");
    SQLite::Statement ins(*db_,
                          "INSERT OR IGNORE INTO outbox (lane, key, method, url, headers, body,"
                          " dedupe_id, state, attempts, next_ms, created_ms)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)");
    for (auto& i : items) {
      ins.reset();
      ins.clearBindings();
      SQLite::bind(ins, i.lane, i.key, i.request.method, i.request.url,
                   headers_to_json(i.request.headers));
      ins.bind(6, i.request.body.data(), static_cast<int>(i.request.body.size()));
      i.dedupe_id.empty() ? ins.bind(7) : ins.bind(7, i.dedupe_id);
      ins.bind(8, now_ms);
      ins.bind(9, now_ms);
      if (ins.exec() == 1) {
        // The id is final: a later failure of the pass drops the call too.
        added.push_back(Row{db_->getLastInsertRowid(), i.lane, i.key, std::move(i.request), 0,
                            now_ms, now_ms});
      }
    }
    SQLite::Statement mark(*db_, "INSERT OR REPLACE INTO outbox_marks VALUES (?, ?, ?)");
    for (const auto& m : marks) {
      mark.reset();
      SQLite::bind(mark, m.key, m.value, m.expires_unix);
      mark.exec();
    }
    db_->exec("RELEASE enqueue");
  } catch (const std::exception& e) {
    try {
      db_->exec("ROLLBACK TO enqueue");
      db_->exec("RELEASE enqueue");
    } catch (const std::exception&) {
      // SQLite rolled back the whole pass already, or this call's rows could
      // not be undone alone: then nothing of the pass may commit.
      try {
        db_->exec("ROLLBACK");
      } catch (const std::exception&) {
        // No transaction left (ok() tells).
      }
    }
    ok(&e);
    return db_error(e);
  }
  return added;
}

void OutboxDb::record_retry(const Row& row, const std::string& detail) {
  if (!ok()) throw std::runtime_error(error_);
  SQLite::Statement u(*db_, "UPDATE outbox SET attempts = ?, next_ms = ?, last_error = ? WHERE id = ?");
  SQLite::bind(u, row.attempts, row.next_ms, detail, row.id);
  u.exec();
}

void OutboxDb::record_done(const Row& row, bool delivered, int64_t now_ms,
                           const std::string& detail) {
  if (!ok()) throw std::runtime_error(error_);
  SQLite::Statement u(*db_, "UPDATE outbox SET state = ?, attempts = ?, done_ms = ?, "
                            "last_error = ? WHERE id = ?");
  SQLite::bind(u, std::string(delivered ? "delivered" : "failed"), row.attempts, now_ms, detail,
               row.id);
  u.exec();
}

Result<std::optional<std::string>> OutboxDb::mark(const std::string& key, int64_t now_ms) {
  try {
    SQLite::Statement q(*db_, "SELECT value, expires_unix FROM outbox_marks WHERE key = ?");
    q.bind(1, key);
    if (!q.executeStep()) return std::optional<std::string>();
    int64_t expires = q.getColumn(1).getInt64();
    if (expires != 0 && expires * 1000 < now_ms) return std::optional<std::string>();
    return std::optional<std::string>(q.getColumn(0).getString());
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<OutboxStats> OutboxDb::counts() {
  OutboxStats s;
  try {
    SQLite::Statement q(*db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
    while (q.executeStep()) {
      std::string state = q.getColumn(0).getString();
      int64_t n = q.getColumn(1).getInt64();
      (state == "pending" ? s.pending : state == "delivered" ? s.delivered : s.failed) = n;
    }
  } catch (const std::exception& e) {
    return db_error(e);
  }
  return s;
}

void OutboxDb::purge(int64_t done_before_ms, int64_t now_ms) {
  try {
    SQLite::Statement d(*db_, "DELETE FROM outbox WHERE state != 'pending' AND done_ms < ?");
    d.bind(1, done_before_ms);
    d.exec();
    SQLite::Statement m(*db_, "DELETE FROM outbox_marks WHERE expires_unix != 0 AND expires_unix < ?");
    m.bind(1, now_ms / 1000);
    m.exec();
  } catch (const std::exception&) {
    // Housekeeping: a busy database tries again next time.
  }
}

}  // namespace calfbot::bot
