// The durable session store: every conversation's state and every message in
// and out, so that a session survives reconnects and restarts.
//
// SessionStore is the interface the conversation service owns; the SQLite
// implementation (WAL, one writer thread, group commit) is open_sqlite_store.
// Tests may use a fake.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/error.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot {

// Where a conversation is: asking; done (the outcome was given, and the
// patient may still add to it); expired (idle past its expiry: it takes no
// more). The ids are the store's and REST's (docs/protocol.md).
enum class Phase { asking, done, expired };
std::string_view to_string(Phase p);
std::optional<Phase> phase_from_string(std::string_view id);

// One conversation as stored. `token_hash` is the SHA-256 (hex) of the
// session token: the token itself is never stored.
struct SessionRecord {
  std::string id;             // 32 hex characters, never shown to patients
  std::string token_hash;
  std::string channel;        // "websocket", "rest", "telegram", ...
  std::string external_user;  // the platform's user id, or ""
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
  int64_t expires_unix = 0;
  std::string state_json;     // dialog::to_json(State)
  Phase phase = Phase::asking;
  std::optional<knowledge::Triage> level;   // the escalation (urgent, emergency); none before any
  std::optional<knowledge::Triage> triage;  // the latest outcome's; none before any outcome
  std::string knowledge_version;
  int last_seq = 0;           // the last bot message's seq
  int inputs = 0;             // patient messages stored (their seq is 1, 2, ...)
};

struct StoredMessage {
  enum class Direction { in, out };
  Direction direction = Direction::out;
  int seq = 0;       // out: the bot message's "seq"; in: the patient message's number
  std::string body;  // the message as JSON text
  int64_t time_unix = 0;
};

// One session's changes that must become durable together: the record
// (inserted or replaced) and messages to add. A message whose (session,
// direction, seq) is already stored is skipped, so replaying a write is harmless.
struct SessionWrite {
  SessionRecord session;
  std::vector<StoredMessage> messages;
};

// Thread-safety: every member may be called from any thread.
class SessionStore {
 public:
  using Done = std::function<void(Status)>;

  virtual ~SessionStore() = default;

  // Makes `w` durable and then calls `done` exactly once, with success only
  // after the transaction holding the write has committed. `done` runs on the
  // store's own thread (or the caller's, for an immediate failure): it must
  // not block. Fails with "store_overloaded" when too many writes are queued
  // and "store_unavailable" when the database refuses the write.
  virtual void write(SessionWrite w, Done done) = 0;

  // Returns the session whose token hashes to token_hash; nullopt if none.
  virtual Result<std::optional<SessionRecord>> find_by_token_hash(const std::string& token_hash) = 0;

  // Returns the session with this id; nullopt if none.
  virtual Result<std::optional<SessionRecord>> find_by_id(const std::string& session_id) = 0;

  // Deletes, as one write of the writer (so after every write queued before
  // it), the sessions named with their messages, and every session expired
  // before `expired_before` (unix seconds) with its messages. `done` gets
  // how many sessions went, on the store's thread like write()'s. Errors as
  // write().
  virtual void purge(std::vector<std::string> session_ids, int64_t expired_before,
                     std::function<void(Result<int>)> done) = 0;

  // The session's messages after bot message `after_out_seq`, oldest first:
  // the bot's (seq > after_out_seq) and, when with_inputs, the patient's
  // stored after that bot message (all of them for 0).
  virtual Result<std::vector<StoredMessage>> messages(const std::string& session_id,
                                                      int after_out_seq, bool with_inputs) = 0;

  // Sessions not yet expired whose expiry time is at or before now_unix,
  // at most `limit` of them, soonest first.
  virtual Result<std::vector<SessionRecord>> due_to_expire(int64_t now_unix, int limit) = 0;

  // How many sessions are still in phase "asking".
  virtual Result<int64_t> count_unfinished() = 0;

  // Waits until every write queued so far has completed.
  virtual void flush() = 0;
};

struct SqliteStoreOptions {
  std::string path;            // the database file (":memory:" is refused: see below)
  bool synchronous_full = true;
  int batch_max = 512;         // writes in one transaction at the most
  int queue_max = 100000;      // queued writes at the most before "store_overloaded"
  int busy_timeout_ms = 5000;
  // WAL pages after which the checkpointer copies the WAL into the database
  // (4 KiB each), SQLite's own default. A wider window copies each
  // often-rewritten page (a session's row, an index page) fewer times: at
  // 10,000 the checkpointer's CPU a closed-loop turn fell from 39 to 11 µs
  // on a busy machine, but each checkpoint's larger fsync held up the
  // commits behind it: p99 at 5,000 patients 19-25 ms against 11-14 ms at
  // 1,000, and no more closed-loop turns on a quiet machine
  // (docs/performance.md).
  int checkpoint_pages = 1000;
  // Called on the writer thread after each commit with the number of writes
  // in the batch and the commit's duration; for metrics. May be empty.
  std::function<void(size_t writes, double seconds)> on_commit;
  // Called on the checkpointer thread after each checkpoint with the pages
  // it copied into the database and its duration. May be empty.
  std::function<void(int pages, double seconds)> on_checkpoint;
};

// Opens (creating if needed) the SQLite store: WAL journal, the schema, one
// writer thread that owns the write connection and commits queued writes in
// batches, a checkpointer thread that copies the WAL into the database so
// that commits never wait for it, and read connections checked out per call.
// A file is required because readers and the writer need separate
// connections to one database.
// Destroying the store finishes every queued write first.
// On failure returns "store_unavailable" with the SQLite message.
Result<std::unique_ptr<SessionStore>> open_sqlite_store(const SqliteStoreOptions& options);

}  // namespace calfbot::bot
