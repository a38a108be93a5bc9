#include "bot/conversation/session_rows.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/store_version.h"

namespace calfbot::bot {

namespace session_rows {

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  external_user TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  state TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('asking', 'done', 'expired')),
  level TEXT NOT NULL DEFAULT '',
  triage TEXT NOT NULL DEFAULT '',
  knowledge_version TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  inputs INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (phase, expires);
CREATE TABLE IF NOT EXISTS messages (
  session TEXT NOT NULL REFERENCES sessions (id),
  seq INTEGER NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  body TEXT NOT NULL,
  time INTEGER NOT NULL,
  UNIQUE (session, direction, seq)
);
PRAGMA user_version = 1;
)sql";
static_assert(kStoreSchemaVersion == 1, "kSchema sets user_version: raise both, with the upgrade");

const char* const kUpsertSession = R"sql(
INSERT INTO sessions (id, token_hash, channel, external_user, created, updated, expires, state,
                      phase, level, triage, knowledge_version, last_seq, inputs)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  updated = excluded.updated, expires = excluded.expires, state = excluded.state,
  phase = excluded.phase, level = excluded.level, triage = excluded.triage,
  knowledge_version = excluded.knowledge_version,
  last_seq = excluded.last_seq, inputs = excluded.inputs, external_user = excluded.external_user
)sql";

const char* const kSessionColumns =
    "id, token_hash, channel, external_user, created, updated, expires, state, phase, level, "
    "triage, knowledge_version, last_seq, inputs";

// A triage id as the store keeps it: "" for none.
std::string triage_column(const std::optional<knowledge::Triage>& t) {
  return t ? std::string(knowledge::to_string(*t)) : std::string();
}

Error unavailable(const std::string& what, const std::exception& e) {
  return Error{Code::store_unavailable, what + ": " + e.what()};
}

SessionRecord read_session(SQLite::Statement& q) {
  SessionRecord r;
  r.id = q.getColumn(0).getString();
  r.token_hash = q.getColumn(1).getString();
  r.channel = q.getColumn(2).getString();
  r.external_user = q.getColumn(3).getString();
  r.created_unix = q.getColumn(4).getInt64();
  r.updated_unix = q.getColumn(5).getInt64();
  r.expires_unix = q.getColumn(6).getInt64();
  r.state_json = q.getColumn(7).getString();
  // The schema's CHECK holds the phase to its three ids.
  r.phase = phase_from_string(q.getColumn(8).getString()).value_or(Phase::asking);
  r.level = knowledge::triage_from_string(q.getColumn(9).getString());
  r.triage = knowledge::triage_from_string(q.getColumn(10).getString());
  r.knowledge_version = q.getColumn(11).getString();
  r.last_seq = q.getColumn(12).getInt();
  r.inputs = q.getColumn(13).getInt();
  return r;
}

int delete_sessions(SQLite::Database& db, const std::vector<std::string>& session_ids,
                    int64_t expired_before) {
  int deleted = 0;
  SQLite::Statement messages(db, "DELETE FROM messages WHERE session = ?");
  SQLite::Statement sessions(db, "DELETE FROM sessions WHERE id = ?");
  for (const auto& id : session_ids) {
    messages.reset();
    messages.bind(1, id);
    messages.exec();
    sessions.reset();
    sessions.bind(1, id);
    deleted += sessions.exec();
  }
  SQLite::Statement old_messages(db, "DELETE FROM messages WHERE session IN (SELECT id FROM sessions "
                                     "WHERE phase = 'expired' AND updated < ?)");
  old_messages.bind(1, static_cast<int64_t>(expired_before));
  old_messages.exec();
  SQLite::Statement old(db, "DELETE FROM sessions WHERE phase = 'expired' AND updated < ?");
  old.bind(1, static_cast<int64_t>(expired_before));
  return deleted + old.exec();
}

}  // namespace session_rows

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::asking: return "asking";
    case Phase::done: return "done";
    case Phase::expired: return "expired";
  }
  return "asking";
}

std::optional<Phase> phase_from_string(std::string_view id) {
  for (Phase p : {Phase::asking, Phase::done, Phase::expired}) {
    if (to_string(p) == id) return p;
  }
  return std::nullopt;
}

}  // namespace calfbot::bot
