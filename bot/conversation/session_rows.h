// The SQLite session store's rows (bot/conversation/session_store.cpp, the
// one writer of tables `sessions` and `messages`): the schema, a session row
// read back, and the purge's deletes. Internal to the store: nothing else
// touches these tables.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "bot/conversation/session_store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace calfbot::bot::session_rows {

extern const char* const kSchema;
extern const char* const kUpsertSession;
extern const char* const kSessionColumns;  // in the order read_session reads them

// A triage id as the store keeps it: "" for none.
std::string triage_column(const std::optional<knowledge::Triage>& t);

Error unavailable(const std::string& what, const std::exception& e);

// The row `q` stands on, selected with kSessionColumns.
SessionRecord read_session(SQLite::Statement& q);

// Deletes the sessions named and those expired before `expired_before`,
// with their messages, in the caller's transaction; returns how many
// sessions went. Throws SQLite::Exception.
int delete_sessions(SQLite::Database& db, const std::vector<std::string>& session_ids,
                    int64_t expired_before);

}  // namespace calfbot::bot::session_rows
