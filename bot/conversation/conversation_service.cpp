#include "bot/conversation/conversation_service.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <iterator>
#include <utility>

#include <nlohmann/json.hpp>

#include "bot/clock.h"
#include "bot/conversation/crypto.h"
#include "bot/conversation/service_steps.h"
#include "bot/message_json.h"
#include "dialog/render.h"
#include "dialog/state.h"
#include "knowledge/knowledge.h"

namespace calfbot::bot {

using nlohmann::json;

struct ConversationService::Job {
  enum class Kind { input, resume, expire, staff };
  Kind kind = Kind::input;
  dialog::Input input;
  int last_seq = 0;
  Callback<Delivery> done;
  bool with_patient = false;  // resume: the patient's messages too
  std::chrono::steady_clock::time_point posted = {};  // input: when post() got it
  dialog::StaffAction action = {};                    // staff: what they did
};


struct ConversationService::Entry {
  std::mutex mu;  // guards everything below
  SessionRecord record;  // as last committed, without state_json (kept parsed, below)
  dialog::State state;   // the committed state
  bool busy = false;     // a job is running; the next waits in `jobs`
  std::deque<Job> jobs;

  // The last committed record and state, copied under the lock: a job works
  // on its copy and publishes the new one only after the store commits.
  std::pair<SessionRecord, dialog::State> snapshot() {
    std::lock_guard lock(mu);
    return {record, state};
  }
};

using service_steps::add_out;
using service_steps::apply_state;
using service_steps::delivery_of;
using service_steps::input_json;
using service_steps::kExpiredEmergency;
using service_steps::kExpiredUrgent;

ConversationService::ConversationService(const dialog::Engine& engine, SessionStore& store,
                                         ServiceOptions options)
    : engine_(engine), store_(store), options_(std::move(options)) {}

ConversationService::~ConversationService() = default;

int64_t ConversationService::now() const {
  if (options_.clock) return options_.clock();
  return unix_now();
}

int64_t ConversationService::idle_expiry(const std::string& channel) const {
  auto it = options_.channel_idle_expiry_seconds.find(channel);
  return it != options_.channel_idle_expiry_seconds.end() ? it->second
                                                          : options_.session_idle_expiry_seconds;
}

Status ConversationService::usable(const SessionRecord& r) const {
  if (r.phase == Phase::expired) return Error{Code::session_expired, "session " + r.id + " has expired"};
  auto gate = options_.channel_gates.find(r.channel);
  return gate == options_.channel_gates.end() || !gate->second ? Status() : gate->second(r);
}

void ConversationService::evict_idle() { evict_idle(now()); }

void ConversationService::evict_idle(int64_t now_unix) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    // Held by the map alone (checked under mu_, which entry_for takes to hand
    // one out): no job runs or waits on it, so a later load from the store
    // sees exactly what this entry had.
    bool unused = it->second.use_count() == 1;
    bool idle = false;
    if (unused) {
      std::lock_guard entry_lock(it->second->mu);
      const SessionRecord& r = it->second->record;
      idle = r.updated_unix + (r.phase == Phase::done ? options_.cache_done_seconds
                                                 : options_.cache_idle_seconds) <= now_unix;
    }
    it = unused && idle ? entries_.erase(it) : std::next(it);
  }
}

std::string ConversationService::hash_token(const std::string& token) {
  return sha256_hex(token);
}

size_t ConversationService::cached_sessions() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void ConversationService::start(const Channel& channel, Callback<Started> done) {
  auto token_bytes = random_bytes(32);
  auto id_bytes = random_bytes(16);
  if (!token_bytes || !id_bytes) return done(Error{Code::internal_error, "RAND_bytes failed"});
  std::string token = base64url(*token_bytes);
  int64_t t = now();
  dialog::StepResult step;
  try {
    step = engine_.start(t);
  } catch (const std::exception& e) {
    return done(Error{Code::internal_error, std::string("engine start: ") + e.what()});
  }
  SessionRecord r;
  r.id = hex(*id_bytes);
  r.token_hash = hash_token(token);
  r.channel = channel.name;
  r.external_user = channel.external_user;
  r.created_unix = r.updated_unix = t;
  r.expires_unix = t + idle_expiry(r.channel);
  apply_state(r, step.state, step.outputs);
  SessionWrite w{r, {}};
  r.state_json = {};  // written; memory keeps the parsed state only
  std::vector<std::string> texts = add_out(w, step.outputs, t);
  store_.write(std::move(w), [this, r, token, step = std::move(step), texts = std::move(texts),
                              done = std::move(done)](Status s) mutable {
    if (!s) return done(s.error());
    auto entry = std::make_shared<Entry>();
    entry->record = r;
    entry->state = step.state;
    {
      std::lock_guard lock(mu_);
      entries_.emplace(r.token_hash, entry);
    }
    if (options_.on_started) options_.on_started(r.channel);
    if (options_.on_committed) options_.on_committed(r, entry->state);
    done(Started{r.id, token, std::move(step.outputs), std::move(texts)});
  });
}

Result<std::shared_ptr<ConversationService::Entry>> ConversationService::entry_for(
    const std::string& token_hash, bool allow_expired) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(token_hash);
    if (it != entries_.end()) return it->second;
  }
  auto found = store_.find_by_token_hash(token_hash);
  if (!found) return found.error();
  if (!*found) return Error{Code::unknown_session, "no session has this token"};
  SessionRecord& r = **found;
  if (r.phase == Phase::expired && !allow_expired) {
    return Error{Code::session_expired, "session " + r.id + " has expired"};
  }
  auto entry = std::make_shared<Entry>();
  try {
    entry->state = dialog::state_from_json(json::parse(r.state_json));
  } catch (const std::exception& e) {
    return Error{Code::internal_error, "session " + r.id + ": stored state unreadable: " + e.what()};
  }
  r.state_json = {};
  entry->record = std::move(r);
  if (entry->record.phase == Phase::expired) return entry;  // read-only: never cached
  std::lock_guard lock(mu_);
  // Another thread may have loaded the same session meanwhile: keep one.
  return entries_.emplace(token_hash, entry).first->second;
}

void ConversationService::post(const std::string& token, dialog::Input input,
                               Callback<Delivery> done) {
  post(TokenHash{hash_token(token)}, std::move(input), std::move(done));
}

void ConversationService::post(const TokenHash& token_hash, dialog::Input input,
                               Callback<Delivery> done) {
  auto entry = entry_for(token_hash.hex, false);
  if (!entry) return done(entry.error());
  enqueue(*entry, Job{Job::Kind::input, std::move(input), 0, std::move(done), false,
                      std::chrono::steady_clock::now()});
}

void ConversationService::staff(const std::string& session_id, dialog::StaffAction action,
                                Callback<Delivery> done) {
  auto found = store_.find_by_id(session_id);
  if (!found) return done(found.error());
  if (!*found) return done(Error{Code::unknown_session, "no session " + session_id});
  auto entry = entry_for((*found)->token_hash, false);
  if (!entry) return done(entry.error());
  enqueue(*entry, Job{Job::Kind::staff, {}, 0, std::move(done), false, {}, std::move(action)});
}

void ConversationService::resume(const std::string& token, int last_seq, Callback<Delivery> done,
                                 bool with_patient) {
  resume(TokenHash{hash_token(token)}, last_seq, std::move(done), with_patient);
}

void ConversationService::resume(const TokenHash& token_hash, int last_seq,
                                 Callback<Delivery> done, bool with_patient) {
  auto entry = entry_for(token_hash.hex, false);
  if (!entry) return done(entry.error());
  enqueue(*entry,
          Job{Job::Kind::resume, {}, std::max(0, last_seq), std::move(done), with_patient});
}

void ConversationService::enqueue(const std::shared_ptr<Entry>& entry, Job job) {
  {
    std::lock_guard lock(entry->mu);
    if ((job.kind == Job::Kind::input || job.kind == Job::Kind::staff) &&
        entry->jobs.size() >= static_cast<size_t>(options_.max_pending_per_session)) {
      job.done(Error{Code::rate_limited, "too many messages waiting in session " + entry->record.id});
      return;
    }
    entry->jobs.push_back(std::move(job));
    if (entry->busy) return;
    entry->busy = true;
  }
  run_next(entry);
}

void ConversationService::run_next(std::shared_ptr<Entry> entry) {
  Job job;
  {
    std::lock_guard lock(entry->mu);
    job = std::move(entry->jobs.front());
    entry->jobs.pop_front();
  }
  switch (job.kind) {
    case Job::Kind::input: return run_input(entry, job);
    case Job::Kind::resume: return run_resume(entry, job);
    case Job::Kind::expire: return run_expire(entry, job);
    case Job::Kind::staff: return run_staff(entry, job);
  }
}

void ConversationService::finish_job(const std::shared_ptr<Entry>& entry) {
  {
    std::lock_guard lock(entry->mu);
    if (entry->jobs.empty()) {
      entry->busy = false;
      return;
    }
  }
  if (options_.schedule) {
    options_.schedule([this, entry] { run_next(entry); });
  } else {
    run_next(entry);
  }
}

std::optional<SessionRecord> ConversationService::open_record(const std::shared_ptr<Entry>& entry,
                                                               Job& job) {
  SessionRecord r;
  {
    std::lock_guard lock(entry->mu);
    r = entry->record;
  }
  if (auto open = usable(r); !open) {
    job.done(open.error());
    finish_job(entry);
    return std::nullopt;
  }
  return r;
}

void ConversationService::run_input(const std::shared_ptr<Entry>& entry, Job& job) {
  auto open = open_record(entry, job);
  if (!open) return;
  SessionRecord& r = *open;
  // The engine reads the committed state in place, without a copy: only a
  // job replaces it (after its commit, below) and an entry's jobs run one
  // at a time, so nothing writes it meanwhile; others only read it.
  const dialog::State& state = entry->state;
  int64_t t = now();
  job.input.time_unix = t;
  job.input.watched = options_.watched_channels.count(r.channel) > 0;
  dialog::StepResult step;
  try {
    step = engine_.step(state, job.input, r.inputs);
  } catch (const std::exception& e) {
    job.done(Error{Code::internal_error, "session " + r.id + ": engine step: " + e.what()});
    return finish_job(entry);
  }
  if (step.over_limit) {
    // Screened, nothing raised, nothing stored: the write rate stays flat.
    job.done(Error{Code::conversation_full, "session " + r.id + " is at its bounds"});
    return finish_job(entry);
  }
  r.inputs += 1;
  StoredMessage in{StoredMessage::Direction::in, r.inputs, input_json(step.input).dump(), t};
  commit_step(entry, std::move(r), std::move(step), t, std::move(in), job);
}

void ConversationService::run_staff(const std::shared_ptr<Entry>& entry, Job& job) {
  auto open = open_record(entry, job);
  if (!open) return;
  SessionRecord& r = *open;
  // As in run_input: only this job replaces the committed state.
  dialog::StepResult step = engine_.staff(entry->state, job.action);
  if (step.not_in_charge) {
    job.done(Error{Code::not_in_charge, "session " + r.id + " has no member of staff in charge"});
    return finish_job(entry);
  }
  commit_step(entry, std::move(r), std::move(step), now(), std::nullopt, job);
}

void ConversationService::commit_step(const std::shared_ptr<Entry>& entry, SessionRecord r,
                                      dialog::StepResult step, int64_t t,
                                      std::optional<StoredMessage> in, Job& job) {
  r.updated_unix = t;
  r.expires_unix = t + idle_expiry(r.channel);
  apply_state(r, step.state, step.outputs);
  SessionWrite w{r, {}};
  r.state_json = {};  // written; memory keeps the parsed state only
  if (in) w.messages.push_back(std::move(*in));
  std::vector<std::string> texts = add_out(w, step.outputs, t);
  const bool pushed = job.kind == Job::Kind::staff;
  store_.write(std::move(w), [this, entry, r, step = std::move(step), texts = std::move(texts), pushed,
                              posted = job.posted, done = std::move(job.done)](Status s) mutable {
    if (!s) {
      done(s.error());
    } else {
      {
        std::lock_guard lock(entry->mu);
        entry->record = r;
        entry->state = std::move(step.state);
      }
      // Only this job writes the entry's state until finish_job: read unlocked.
      if (options_.on_committed) options_.on_committed(r, entry->state);
      if (pushed && options_.on_pushed) options_.on_pushed(r, step.outputs);
      if (!pushed && options_.on_turn) {
        options_.on_turn(r.channel,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - posted)
                             .count(),
                         step.outputs);
      }
      done(Delivery{r.id, r.last_seq, std::move(step.outputs), std::move(texts)});
    }
    finish_job(entry);
  });
}

void ConversationService::run_resume(const std::shared_ptr<Entry>& entry, Job& job) {
  auto open = open_record(entry, job);
  if (!open) return;
  auto d = delivery_of(store_.messages(open->id, job.last_seq, job.with_patient), job.with_patient);
  if (d) {
    d->session_id = open->id;
    d->last_seq = open->last_seq;
  }
  job.done(std::move(d));
  finish_job(entry);
}

void ConversationService::run_expire(const std::shared_ptr<Entry>& entry, Job& job) {
  auto snapshot = entry->snapshot();  // named, not bound: clang 14 cannot capture bindings
  SessionRecord& r = snapshot.first;
  dialog::State& state = snapshot.second;
  int64_t t = now();
  if (r.phase == Phase::expired || r.expires_unix > t) {  // touched since the sweep looked
    job.done(Error{Code::not_due, ""});
    return finish_job(entry);
  }
  std::vector<dialog::Message> messages;
  // A conversation its channel closed gets no safety net: nobody may read it.
  if (r.level && usable(r)) {
    messages.push_back(dialog::InfoMessage{
        ++state.seq,
        dialog::fill(r.level == knowledge::Triage::emergency ? kExpiredEmergency : kExpiredUrgent,
                     engine_.settings()),
        "", dialog::InfoReason::session_expired});
  }
  r.state_json = dialog::to_json_text(state);
  r.last_seq = state.seq;
  r.phase = Phase::expired;
  r.updated_unix = t;
  SessionWrite w{r, {}};
  r.state_json = {};  // written; memory keeps the parsed state only
  std::vector<std::string> texts = add_out(w, messages, t);
  store_.write(std::move(w), [this, entry, r, state, messages, texts = std::move(texts),
                              done = std::move(job.done)](Status s) mutable {
    if (s) {
      {
        std::lock_guard lock(entry->mu);
        entry->record = r;
        entry->state = std::move(state);
      }
      {
        std::lock_guard lock(mu_);
        auto it = entries_.find(r.token_hash);
        if (it != entries_.end() && it->second == entry) entries_.erase(it);
      }
      if (options_.on_committed) options_.on_committed(r, entry->state);
      if (options_.on_expired) options_.on_expired(r.id, messages);
      done(Delivery{r.id, r.last_seq, messages, std::move(texts)});
    } else {
      done(s.error());
    }
    finish_job(entry);
  });
}

Result<int> ConversationService::expire_idle(int limit) {
  auto due = store_.due_to_expire(now(), limit);
  if (!due) return due.error();
  std::vector<std::future<bool>> results;
  for (const auto& record : *due) {
    auto entry = entry_for(record.token_hash, false);
    if (!entry) continue;  // expired meanwhile, or unreadable (logged by the caller's metrics)
    auto promise = std::make_shared<std::promise<bool>>();
    results.push_back(promise->get_future());
    enqueue(*entry, Job{Job::Kind::expire, {}, 0, [promise](Result<Delivery> d) {
                          promise->set_value(d.has_value());
                        }});
  }
  int expired = 0;
  for (auto& f : results) expired += f.get() ? 1 : 0;
  evict_idle(now());
  return expired;
}

Result<std::string> ConversationService::session_id(const std::string& token) {
  auto entry = entry_for(hash_token(token), true);
  if (!entry) return entry.error();
  std::lock_guard lock((*entry)->mu);
  return (*entry)->record.id;
}

Result<Summary> ConversationService::summary(const std::string& token) {
  auto entry = entry_for(hash_token(token), true);
  if (!entry) return entry.error();
  Summary s;
  {
    std::lock_guard lock((*entry)->mu);
    const SessionRecord& r = (*entry)->record;
    s.session_id = r.id;
    s.channel = r.channel;
    s.phase = r.phase;
    s.escalation = r.level;
    s.current = (*entry)->state.current;
    s.knowledge_version = r.knowledge_version;
    s.created_unix = r.created_unix;
    s.updated_unix = r.updated_unix;
    s.expires_unix = r.expires_unix;
    s.last_seq = r.last_seq;
  }
  auto d = delivery_of(store_.messages(s.session_id, 0, false), false);
  if (!d) return d.error();
  for (const auto& m : d->messages) {
    if (const auto* o = std::get_if<dialog::OutcomeMessage>(&m)) s.outcome = *o;
  }
  return s;
}

Result<std::vector<StoredMessage>> ConversationService::transcript(const std::string& token,
                                                                   int after_out_seq) {
  auto id = session_id(token);
  if (!id) return id.error();
  return store_.messages(*id, after_out_seq, true);
}

Result<std::vector<StoredMessage>> ConversationService::transcript_by_id(const std::string& session_id) {
  return store_.messages(session_id, 0, true);
}

Result<std::optional<ConversationView>> ConversationService::conversation(
    const std::string& session_id) {
  auto found = store_.find_by_id(session_id);
  if (!found) return found.error();
  if (!*found) return std::optional<ConversationView>();
  ConversationView v;
  try {
    v.state = dialog::state_from_json(json::parse((*found)->state_json));
  } catch (const std::exception& e) {
    return Error{Code::internal_error, "session " + session_id + ": stored state unreadable: " + e.what()};
  }
  (*found)->state_json = {};
  v.record = std::move(**found);
  return std::optional<ConversationView>(std::move(v));
}

void ConversationService::purge(std::vector<std::string> session_ids, int64_t expired_before,
                                std::function<void(Result<int>)> done) {
  store_.purge(std::move(session_ids), expired_before, std::move(done));
}

}  // namespace calfbot::bot
