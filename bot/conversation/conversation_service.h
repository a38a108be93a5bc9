// The conversation service: the engine plus the durable store, for every
// channel (WebSocket, REST, and later the messaging platforms and clinic links).
//
// A session is named by its token (an unguessable secret the patient's client
// keeps) and has an id (for URLs and logs). Each patient input is handled in
// order per session: the engine step runs on the last durable state, and the
// input, the bot's replies and the new state are written in one store write;
// the caller hears of the replies only after that write has committed.
//
// Thread-safety: every member may be called from any thread. Completion
// callbacks run on the store's writer thread or the caller's thread; they must
// not block (post the result to your own executor).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/conversation/session_store.h"
#include "dialog/engine.h"

namespace calfbot::bot {

struct ServiceOptions {
  int64_t session_idle_expiry_seconds = 240 * 60;
  // A channel's own idle expiry, in place of the one above: a clinic link's
  // conversation waits as long as the link does, so a patient can come back
  // days later (the link's own expiry and completion end it).
  std::map<std::string, int64_t> channel_idle_expiry_seconds;
  // A session untouched this long leaves memory (it is read back from the
  // store when its patient returns), so memory follows the conversations
  // going on now, not every one of the last hours.
  int64_t cache_idle_seconds = 300;
  // A finished conversation (its outcome given) leaves memory sooner: its
  // patient seldom writes again, and one who does is read back the same way.
  int64_t cache_done_seconds = 10;
  // A channel's say in whether a session of it may still go on, asked in
  // the session's order before each of its inputs, resumes and expiry: an
  // error refuses the input or resume with that error and stores nothing
  // (a clinic link's gate answers session_closed once its link is revoked,
  // expired or completed), and an expiry stores no safety-net message. It runs
  // on the service's threads: it may read, and must not wait for a write.
  std::map<std::string, std::function<Status(const SessionRecord&)>> channel_gates;
  int max_pending_per_session = 8;  // inputs waiting behind a write; more are "rate_limited"
  std::function<int64_t()> clock;   // seconds since the epoch; empty = the system clock
  // Runs work that follows a commit (the next queued input of a session) off
  // the store's thread. Empty = run it at once on the calling thread.
  std::function<void(std::function<void()>)> schedule;
  // Told after a session expired, with the messages stored on expiry (the
  // safety-net message, if any), so channels can deliver them.
  std::function<void(const std::string& session_id, const std::vector<dialog::Message>&)>
      on_expired;
  // For metrics, whatever the channel (the web, a messaging platform, a
  // clinic link): told once a new session is durable, and once a patient's
  // input is, with the seconds from post() to then and the bot's replies.
  // They run on the store's thread: they must not block.
  std::function<void(const std::string& channel)> on_started;
  // Told after each change of a session commits (its start, each input, its
  // expiry), with the record as committed (state_json empty) and its state:
  // for whoever follows a channel's conversations at once (the clinic's
  // alerts and statuses). Runs on the store's thread: it must not block.
  std::function<void(const SessionRecord&, const dialog::State&)> on_committed;
  std::function<void(const std::string& channel, double seconds,
                     const std::vector<dialog::Message>& replies)>
      on_turn;
  // The channels whose conversations a clinic's staff watch in the console
  // (a clinic link's): a patient there asking for a person is told one may
  // come (dialog::Input::watched; docs/console.md, "Handoff").
  std::set<std::string> watched_channels;
  // Told after a staff action committed (staff()), with the session's
  // record and the messages it stored, so that the patient's channel
  // delivers them: nobody asked for them on that channel. Runs on the
  // store's thread: it must not block.
  std::function<void(const SessionRecord&, const std::vector<dialog::Message>&)> on_pushed;
};

// Where a session came from: the channel's name and, for messaging platforms,
// the platform's user id.
struct Channel {
  std::string name;
  std::string external_user;
};

struct Started {
  std::string session_id;
  std::string token;  // given out once; only its hash is stored
  std::vector<dialog::Message> messages;
  std::vector<std::string> texts;  // messages[i] as JSON text, as stored (bot/message_json.h)
};

// A session token's SHA-256 (hex, as hash_token gives it): what a channel
// keeps that must not keep the token itself (a messaging platform's user
// state, stored in its outbox's file). It names the session as the token does.
struct TokenHash {
  std::string hex;
};

// A conversation as committed, read by its id: for a channel's owner that
// names its conversations by id and never holds their tokens (the clinic).
struct ConversationView {
  SessionRecord record;  // state_json empty: the state is below, parsed
  dialog::State state;
};

// Bot messages for the client, after a post or a resume.
struct Delivery {
  std::string session_id;
  int last_seq = 0;  // the session's last bot message seq after this
  std::vector<dialog::Message> messages;
  // What the client is shown, as JSON text, in order: each of `messages` as
  // stored and, in a full replay (resume with_patient), the patient's own
  // messages in their places. A channel that sends JSON sends these.
  std::vector<std::string> texts;
};

struct Summary {
  std::string session_id;
  std::string channel;
  Phase phase = Phase::asking;
  std::optional<knowledge::Triage> escalation;  // urgent or emergency; none before any
  std::string current;     // the slot awaiting an answer, "" when none
  std::string knowledge_version;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
  int64_t expires_unix = 0;
  int last_seq = 0;
  std::optional<dialog::OutcomeMessage> outcome;  // the latest outcome message
};

class ConversationService {
 public:
  template <class T>
  using Callback = std::function<void(Result<T>)>;

  // engine and store must outlive the service.
  ConversationService(const dialog::Engine& engine, SessionStore& store, ServiceOptions options);
  ~ConversationService();
  ConversationService(const ConversationService&) = delete;
  ConversationService& operator=(const ConversationService&) = delete;

  // A new session: a fresh token (256 random bits from OpenSSL, base64url),
  // the greeting and the first question, durable before `done` is called.
  void start(const Channel& channel, Callback<Started> done);

  // One patient input (its time is set here). Queued behind the session's
  // earlier inputs. Errors: unknown_session, session_expired, its channel
  // gate's (session_closed), rate_limited
  // (too many inputs queued), store_overloaded, store_unavailable,
  // internal_error. On an error nothing changed.
  void post(const std::string& token, dialog::Input input, Callback<Delivery> done);
  void post(const TokenHash& token_hash, dialog::Input input, Callback<Delivery> done);

  // A member of staff's action in the conversation with this id
  // (docs/console.md, "Handoff"), queued behind the session's inputs like
  // one, but no patient turn: the messages it makes are durable before
  // `done` hears of them, and then go to on_pushed for the patient's channel.
  // Errors: unknown_session, session_expired, its channel gate's
  // (session_closed), not_in_charge (a message or hand-back with nobody in
  // charge), rate_limited, store_overloaded, store_unavailable, internal_error.
  void staff(const std::string& session_id, dialog::StaffAction action, Callback<Delivery> done);

  // The bot messages after last_seq, once the session's queued inputs are
  // durable. With `with_patient`, the patient's own messages come too, in
  // order among the texts, as {"type": "patient", "text": ...} (a choice
  // shown by its label):
  // a client with nothing on screen (another browser) can then show the
  // whole conversation. Errors: unknown_session, session_expired, its
  // channel gate's (session_closed), store_unavailable.
  void resume(const std::string& token, int last_seq, Callback<Delivery> done,
              bool with_patient = false);
  void resume(const TokenHash& token_hash, int last_seq, Callback<Delivery> done,
              bool with_patient = false);

  // The session's id, for channels that name it in URLs. Errors as summary.
  Result<std::string> session_id(const std::string& token);

  // What is durable now. Errors: unknown_session, session_expired (summary
  // and transcript still answer for an expired session), store_unavailable.
  Result<Summary> summary(const std::string& token);
  Result<std::vector<StoredMessage>> transcript(const std::string& token, int after_out_seq);
  // The same by the conversation's id (for the clinic, which keeps ids, not tokens).
  Result<std::vector<StoredMessage>> transcript_by_id(const std::string& session_id);

  // The conversation with this id as committed; nullopt if none (never
  // started, or purged). Errors: store_unavailable, internal_error (its
  // stored state unreadable).
  Result<std::optional<ConversationView>> conversation(const std::string& session_id);

  // Deletes the conversations named, and every one expired before
  // `expired_before` (unix seconds), with their messages, through the
  // store's writer; `done` gets how many went. For the retention purge:
  // the conversations named must be over (none is in memory). Errors:
  // store_overloaded, store_unavailable.
  void purge(std::vector<std::string> session_ids, int64_t expired_before,
             std::function<void(Result<int>)> done);

  // Expires sessions idle past their expiry time (at most `limit`): each gets
  // phase "expired" and, where the patient was escalated, a safety-net
  // message. Returns how many expired. Also drops from memory the sessions
  // nobody has touched for cache_idle_seconds.
  Result<int> expire_idle(int limit = 1000);

  // Drops from memory the sessions no job holds that nobody has touched for
  // cache_idle_seconds (cache_done_seconds once finished). expire_idle does
  // it too; the server calls this between expiry sweeps.
  void evict_idle();

  // Sessions held in memory (those touched lately and not expired).
  size_t cached_sessions() const;

  static std::string hash_token(const std::string& token);

 private:
  struct Entry;
  struct Job;

  Result<std::shared_ptr<Entry>> entry_for(const std::string& token_hash, bool allow_expired);
  void enqueue(const std::shared_ptr<Entry>& entry, Job job);
  void run_next(std::shared_ptr<Entry> entry);
  void finish_job(const std::shared_ptr<Entry>& entry);
  // The committed record, if the session may go on; else the job is told
  // why, the next one runs, and nullopt.
  std::optional<SessionRecord> open_record(const std::shared_ptr<Entry>& entry, Job& job);
  void run_input(const std::shared_ptr<Entry>& entry, Job& job);
  void run_staff(const std::shared_ptr<Entry>& entry, Job& job);
  // Writes a step at time t (the record `r` after it, the patient's input
  // `in` when there is one, the outputs), then publishes it and tells job.done.
  void commit_step(const std::shared_ptr<Entry>& entry, SessionRecord r, dialog::StepResult step,
                   int64_t t, std::optional<StoredMessage> in, Job& job);
  void run_resume(const std::shared_ptr<Entry>& entry, Job& job);
  void run_expire(const std::shared_ptr<Entry>& entry, Job& job);
  int64_t now() const;
  int64_t idle_expiry(const std::string& channel) const;
  // Whether the session takes inputs and resumes: not expired, and its
  // channel's gate lets it.
  Status usable(const SessionRecord& r) const;
  void evict_idle(int64_t now_unix);

  const dialog::Engine& engine_;
  SessionStore& store_;
  const ServiceOptions options_;

  mutable std::mutex mu_;  // guards entries_ only; each Entry has its own mutex
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;  // by token hash
};

}  // namespace calfbot::bot
