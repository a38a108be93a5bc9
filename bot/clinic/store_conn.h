// Internal to bot/clinic: the clinic store's pooled connection, shared by the
// files that implement ClinicStore (store.cpp, store_staff.cpp).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/clinic/store.h"

namespace calfbot::bot::clinic {

// A pooled connection, returned to the pool when done.
class ClinicStore::Conn {
 public:
  explicit Conn(ClinicStore& s) : lease_(s.pool_) {}
  SQLite::Database& db() { return lease_.db(); }

 private:
  SqlitePool::Lease lease_;
};

}  // namespace calfbot::bot::clinic
