// Internal to bot/clinic: the clinic store's pooled connection, shared by the
// files that implement ClinicStore (store.cpp, store_staff.cpp).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>

#include "bot/clinic/store.h"

namespace calfbot::bot::clinic {

// A pooled connection, returned to the pool when done.
class ClinicStore::Conn {
 public:
  explicit Conn(ClinicStore& s) : store_(s) {
    {
      std::lock_guard lock(s.pool_mu_);
      if (!s.pool_.empty()) {
        db_ = std::move(s.pool_.back());
        s.pool_.pop_back();
        return;
      }
    }
    db_ = std::make_unique<SQLite::Database>(s.path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                             s.busy_timeout_ms_);
    db_->exec("PRAGMA foreign_keys = ON");
  }
  ~Conn() {
    std::lock_guard lock(store_.pool_mu_);
    store_.pool_.push_back(std::move(db_));
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  SQLite::Database& db() { return *db_; }

 private:
  ClinicStore& store_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace calfbot::bot::clinic
