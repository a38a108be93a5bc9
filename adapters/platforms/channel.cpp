#include "adapters/platforms/channel.h"

#include <atomic>

#include "adapters/logger.h"
#include "adapters/platforms/signatures.h"
#include "bot/clock.h"
#include "bot/conversation/conversation_service.h"

namespace calfbot::adapters::platforms {

using nlohmann::json;

struct PlatformChannel::UserState {
  // The session token's SHA-256 (hex); "" = no session yet. The token itself
  // is never stored: the conversation service takes the hash as it takes
  // the token (docs/security.md).
  std::string token_hash;
  std::string session;  // the session's id
  int last_seq = 0;     // the last bot message already enqueued
  QuestionMemo question;
  bool opted_out = false;

  std::string dump() const {
    return json{{"token_hash", token_hash},
                {"session", session},
                {"last_seq", last_seq},
                {"question", question.to_json()},
                {"opted_out", opted_out}}
        .dump();
  }
  // The state as stored now, for one stored before tokens were hashed;
  // nullopt when it holds no token in clear.
  static std::optional<std::string> at_rest(const std::string& s) {
    json j = json::parse(s, nullptr, false);
    if (!j.is_object() || !j.contains("token")) return std::nullopt;
    return parse(s).dump();
  }
  static UserState parse(const std::string& s) {
    UserState u;
    json j = json::parse(s, nullptr, false);
    if (!j.is_object()) return u;
    u.token_hash = j.value("token_hash", "");
    // Before hashing at rest, the state held the token in clear.
    if (u.token_hash.empty() && !j.value("token", "").empty()) {
      u.token_hash = bot::ConversationService::hash_token(j.value("token", ""));
    }
    u.session = j.value("session", "");
    u.last_seq = j.value("last_seq", 0);
    u.question = QuestionMemo::from_json(j.value("question", json::object()));
    u.opted_out = j.value("opted_out", false);
    return u;
  }
};

struct PlatformChannel::Work {
  Inbound e;
  UserState state;
  bool recovering = false;       // the event was marked pending by an earlier attempt
  std::vector<dialog::Message> messages;  // bot messages to send, oldest first
  std::function<void(bot::Status)> done;
};

namespace {

// Logs name users by a short hash: phone numbers are personal data.
std::string user_tag(const std::string& user) { return hmac_sha256_hex("calfbot-user", user).substr(0, 12); }

bool is_command(const Inbound& e, const char* c) {
  return e.kind == Inbound::Kind::command && e.value == c;
}

}  // namespace

PlatformChannel::PlatformChannel(PlatformSpec spec, bot::ConversationService& service,
                                 bot::Outbox& outbox, Logger& log, ChannelOptions options)
    : spec_(std::move(spec)), service_(service), outbox_(outbox), log_(log), options_(std::move(options)) {}

int64_t PlatformChannel::now() const {
  if (options_.now_unix) return options_.now_unix();
  return bot::unix_now();
}

void PlatformChannel::handle(std::vector<Inbound> events, std::function<void(bot::Status)> done) {
  if (events.empty()) return done(bot::Status());
  struct Count {
    std::mutex mu;
    size_t left;
    std::optional<bot::Error> error;
    std::function<void(bot::Status)> done;
  };
  auto count = std::make_shared<Count>();
  count->left = events.size();
  count->done = std::move(done);
  for (auto& e : events) {
    std::string user = e.user;
    submit(user, [this, e = std::move(e)](auto next) { process(e, std::move(next)); },
           [count](bot::Status s) {
             std::unique_lock lock(count->mu);
             if (!s && !count->error) count->error = s.error();
             if (--count->left > 0) return;
             lock.unlock();
             if (count->error) {
               count->done(*count->error);
             } else {
               count->done(bot::Status());
             }
           });
  }
}

void PlatformChannel::submit(const std::string& user, Job job, std::function<void(bot::Status)> done) {
  bool idle;
  {
    std::lock_guard lock(mu_);
    auto& q = queues_[user];
    q.push_back(Queued{std::move(job), std::move(done)});
    idle = q.size() == 1;
  }
  if (idle) run_next(user);
}

void PlatformChannel::run_next(const std::string& user) {
  Job job;
  {
    std::lock_guard lock(mu_);
    job = queues_[user].front().job;
  }
  job([this, user](bot::Status s) {
    std::function<void(bot::Status)> done;
    bool more;
    {
      std::lock_guard lock(mu_);
      auto& q = queues_[user];
      done = std::move(q.front().done);
      q.pop_front();
      more = !q.empty();
      if (!more) queues_.erase(user);
    }
    done(s);
    if (more) run_next(user);
  });
}

void PlatformChannel::process(const Inbound& e, std::function<void(bot::Status)> done) {
  auto w = std::make_shared<Work>();
  w->e = e;
  w->done = std::move(done);
  outbox_.get_mark(spec_.name + ":event:" + e.event_id, [this, w](auto seen) {
    if (!seen) return w->done(seen.error());
    if (*seen && **seen == "done") {
      log_.info("platform_duplicate", {{"platform", spec_.name}, {"delivery", w->e.event_id}});
      return w->done(bot::Status());
    }
    w->recovering = seen->has_value();
    outbox_.get_mark(spec_.name + ":user:" + w->e.user, [this, w](auto state) {
      if (!state) return w->done(state.error());
      if (*state) w->state = UserState::parse(**state);
      decide(w);
    });
  });
}

void PlatformChannel::decide(std::shared_ptr<Work> w) {
  const Inbound& e = w->e;
  log_.info("platform_event", {{"platform", spec_.name},
                               {"delivery", e.event_id},
                               {"user", user_tag(e.user)},
                               {"kind", static_cast<int>(e.kind)}});
  if (is_command(e, "stop") || is_command(e, "unstop")) {
    w->state.opted_out = is_command(e, "stop");
    log_.info(w->state.opted_out ? "platform_opt_out" : "platform_opt_in",
              {{"platform", spec_.name}, {"user", user_tag(e.user)}});
    return commit(w, {});  // the platform itself confirms the keyword
  }
  if (w->state.opted_out) return commit(w, {});
  if (e.kind == Inbound::Kind::unsupported) {
    return note(w, "Sorry, I can only read text messages and button presses. Please type your answer.");
  }
  if (is_command(e, "help") && spec_.help_text) return note(w, spec_.help_text());
  bool fresh_start = is_command(e, "start") || is_command(e, "restart");
  if (w->state.token_hash.empty()) return start_session(w, !fresh_start);
  if (w->recovering) {
    service_.resume(bot::TokenHash{w->state.token_hash}, w->state.last_seq, [this, w](auto r) {
      if (r && !r->messages.empty()) return finish(w, std::move(r->messages));
      post(w);
    });
    return;
  }
  outbox_.enqueue({}, {bot::Mark{spec_.name + ":event:" + w->e.event_id, "pending",
                                 now() + options_.event_keep_seconds}},
                  [this, w](bot::Status s) {
                    if (!s) return w->done(s.error());
                    post(w);
                  });
}

void PlatformChannel::start_session(std::shared_ptr<Work> w, bool then_post) {
  service_.start(bot::Channel{spec_.name, w->e.user}, [this, w, then_post](auto r) {
    if (!r) return w->done(r.error());
    w->state.token_hash = bot::ConversationService::hash_token(r->token);
    w->state.session = r->session_id;
    w->state.last_seq = 0;
    w->state.question = QuestionMemo();
    for (auto& m : r->messages) w->messages.push_back(std::move(m));
    log_.info("platform_session_started", {{"platform", spec_.name}, {"session", r->session_id}});
    if (!then_post) return finish(w, {});
    post(w);
  });
}

void PlatformChannel::post(std::shared_ptr<Work> w) {
  const Inbound& e = w->e;
  dialog::Input input;
  input.kind = dialog::Input::Kind::text;
  input.value = e.value;
  if (e.kind == Inbound::Kind::command) {
    input.kind = dialog::Input::Kind::choice;  // restart, help: the engine's commands
    if (e.value == "start") input.value = "restart";
  } else if (auto c = choice_from_digits(e.value, w->state.question)) {
    input.kind = dialog::Input::Kind::choice;
    input.value = *c;
  } else if (e.kind == Inbound::Kind::choice) {
    input.kind = dialog::Input::Kind::choice;
  }
  service_.post(bot::TokenHash{w->state.token_hash}, input, [this, w](auto r) {
    if (r) return finish(w, std::move(r->messages));
    const bot::Code code = r.error().code;
    const bool fresh_start = is_command(w->e, "start") || is_command(w->e, "restart");
    if ((code == bot::Code::session_expired || code == bot::Code::unknown_session) &&
        w->messages.empty()) {
      return start_session(w, !fresh_start);
    }
    if (code == bot::Code::conversation_full && w->messages.empty()) {
      // A chat has no "new conversation" button: past its bounds
      // (docs/security.md) the next message opens a fresh conversation.
      w->messages.push_back(dialog::InfoMessage{
          0, "That conversation reached its length limit, so I've started a new one.", "",
          dialog::InfoReason::none});
      return start_session(w, !fresh_start);
    }
    log_.warn("platform_post_failed", {{"platform", spec_.name}, {"code", code}});
    w->done(r.error());
  });
}

void PlatformChannel::finish(std::shared_ptr<Work> w, std::vector<dialog::Message> messages) {
  for (auto& m : messages) w->messages.push_back(std::move(m));
  std::vector<bot::OutboxItem> items;
  enqueue_messages(w, w->messages, items);
  commit(w, std::move(items));
}

void PlatformChannel::enqueue_messages(std::shared_ptr<Work> w,
                                       const std::vector<dialog::Message>& messages,
                                       std::vector<bot::OutboxItem>& items) {
  for (const auto& m : messages) {
    int seq = dialog::seq_of(m);
    if (seq != 0 && seq <= w->state.last_seq) continue;  // sent before
    if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) {
      w->state.question = QuestionMemo::from_message(*q);
    }
    if (std::holds_alternative<dialog::OutcomeMessage>(m)) w->state.question = QuestionMemo();
    auto calls = spec_.render(m, w->e.user);
    for (size_t i = 0; i < calls.size(); ++i) {
      bot::OutboxItem item;
      item.lane = spec_.name;
      item.key = spec_.name + ":" + w->e.user;
      item.request.url = calls[i].path;
      item.request.headers = {{"Content-Type", calls[i].content_type}};
      item.request.body = calls[i].body;
      item.dedupe_id = spec_.name + ":" + w->state.session + ":" + std::to_string(seq) + ":" +
                       std::to_string(i);
      items.push_back(std::move(item));
    }
    if (seq > w->state.last_seq) w->state.last_seq = seq;
  }
}

void PlatformChannel::note(std::shared_ptr<Work> w, const std::string& text) {
  std::vector<bot::OutboxItem> items;
  auto calls = spec_.render(dialog::InfoMessage{0, text, "", dialog::InfoReason::none}, w->e.user);
  for (size_t i = 0; i < calls.size(); ++i) {
    items.push_back(bot::OutboxItem{spec_.name, spec_.name + ":" + w->e.user,
                                    {"POST", calls[i].path, {{"Content-Type", calls[i].content_type}}, calls[i].body},
                                    spec_.name + ":note:" + w->e.event_id + ":" + std::to_string(i)});
  }
  commit(w, std::move(items));
}

void PlatformChannel::commit(std::shared_ptr<Work> w, std::vector<bot::OutboxItem> items) {
  if (spec_.acknowledge && !w->e.event_id.empty()) {
    if (auto ack = spec_.acknowledge(w->e)) {
      // Acknowledged first: it only stops a spinner and waits for no reply.
      items.insert(items.begin(),
                   bot::OutboxItem{spec_.ack_lane, spec_.ack_lane + ":" + w->e.event_id,
                                   {"POST", ack->path, {{"Content-Type", ack->content_type}}, ack->body},
                                   spec_.name + ":ack:" + w->e.event_id});
    }
  }
  std::vector<bot::Mark> marks;
  int64_t t = now();
  if (!w->e.event_id.empty()) {
    marks.push_back({spec_.name + ":event:" + w->e.event_id, "done", t + options_.event_keep_seconds});
  }
  marks.push_back({spec_.name + ":user:" + w->e.user, w->state.dump(), t + options_.user_keep_seconds});
  if (!w->state.session.empty()) {
    marks.push_back({spec_.name + ":session:" + w->state.session, w->e.user,
                     t + options_.user_keep_seconds});
  }
  outbox_.enqueue(std::move(items), std::move(marks), w->done);
}

std::optional<std::string> PlatformChannel::migrate_mark(const std::string& key,
                                                        const std::string& value) {
  if (key.find(":user:") == std::string::npos) return std::nullopt;
  return UserState::at_rest(value);
}

void PlatformChannel::deliver(const std::string& session_id,
                                      const std::vector<dialog::Message>& messages) {
  if (messages.empty()) return;
  outbox_.get_mark(spec_.name + ":session:" + session_id, [this, session_id, messages](auto user) {
    if (!user || !*user) return;  // not one of this platform's sessions
    std::string u = **user;
    submit(u,
           [this, u, session_id, messages](auto next) {
             outbox_.get_mark(spec_.name + ":user:" + u, [this, u, session_id, messages, next](auto s) {
               if (!s || !*s) return next(bot::Status());
               auto w = std::make_shared<Work>();
               w->e.user = u;
               w->state = UserState::parse(**s);
               w->done = next;
               if (w->state.session != session_id) return next(bot::Status());
               finish(w, messages);
             });
           },
           [this](bot::Status s) {
             if (!s) log_.error("platform_push_delivery_failed", {{"platform", spec_.name}});
           });
  });
}

}  // namespace calfbot::adapters::platforms
