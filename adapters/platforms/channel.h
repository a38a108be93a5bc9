// One messaging platform as a conversation channel: what the webhook
// handlers call once a request is verified and parsed.
//
// For each Inbound event, in order per user (one at a time; other users in
// parallel):
//  1. an event id already handled is a duplicate: nothing happens;
//  2. the user's session (mark "<platform>:user:<id>" in the outbox
//     database: the session token's SHA-256, never the token, the last bot
//     seq, the open question) is found or, when
//     missing or expired, started (bot::Channel{platform, user id});
//  3. the event is marked "pending", the input is posted to the
//     conversation service, and once its replies are durable there they are
//     rendered for the platform and enqueued in the outbox together with
//     the marks "event done" and the new user state, in one transaction.
//     The outbox's commits and the turn's commit are separate: the outbox
//     calls back only after its pass committed, so the conversation service
//     never runs inside the outbox's transaction.
// A crash after 3's post and before its enqueue is repaired when the platform
// redelivers: a "pending" event resumes the session instead of posting again,
// so an answer is applied once and its replies are sent once.
//
// Thread-safety: every member may be called from any thread; callbacks run
// on the outbox's or the store's thread and never block.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/platforms/platform.h"
#include "bot/outbox/outbox.h"

namespace calfbot::bot {
class ConversationService;
}

namespace calfbot::adapters {
class Logger;
}

namespace calfbot::adapters::platforms {

// What the channel needs of one platform.
struct PlatformSpec {
  std::string name;  // "telegram", "whatsapp", "sms": the session's channel and the outbox lane
  std::function<std::vector<ApiCall>(const dialog::Message& message, const std::string& user)> render;
  // A call that acknowledges the event itself (Telegram's answerCallbackQuery); may be empty.
  std::function<std::optional<ApiCall>(const Inbound&)> acknowledge;
  std::string ack_lane;  // the outbox lane of acknowledgements
  // Set where HELP must get a fixed answer (SMS); else help goes to the conversation.
  std::function<std::string()> help_text;
};

struct ChannelOptions {
  int64_t user_keep_seconds = 90LL * 86400;   // a user's state is forgotten after this
  int64_t event_keep_seconds = 14LL * 86400;  // duplicates are recognised this long
  std::function<int64_t()> now_unix;          // empty = the system clock
};

class PlatformChannel {
 public:
  // service, outbox and log must outlive the channel.
  PlatformChannel(PlatformSpec spec, bot::ConversationService& service, bot::Outbox& outbox,
                  Logger& log, ChannelOptions options = {});

  // Handles a verified webhook's events; `done` is called once, after every
  // event's outcome is durable (success) or with the first failure (the
  // webhook then answers 500 and the platform delivers again).
  void handle(std::vector<Inbound> events, std::function<void(bot::Status)> done);

  // Sends messages a session got with no message of the patient's (the
  // safety net on expiry, a member of staff's), if the session belongs to
  // this platform.
  void deliver(const std::string& session_id, const std::vector<dialog::Message>& messages);

  const std::string& name() const { return spec_.name; }

  // For OutboxOptions::migrate_mark: a user state stored with its session
  // token in clear (before tokens were hashed at rest), as stored now.
  static std::optional<std::string> migrate_mark(const std::string& key, const std::string& value);

 private:
  struct UserState;
  struct Work;
  using Job = std::function<void(std::function<void(bot::Status)>)>;

  void submit(const std::string& user, Job job, std::function<void(bot::Status)> done);
  void run_next(const std::string& user);
  void process(const Inbound& e, std::function<void(bot::Status)> done);
  void decide(std::shared_ptr<Work> w);
  void start_session(std::shared_ptr<Work> w, bool then_post);
  void post(std::shared_ptr<Work> w);
  void finish(std::shared_ptr<Work> w, std::vector<dialog::Message> messages);
  void note(std::shared_ptr<Work> w, const std::string& text);
  void commit(std::shared_ptr<Work> w, std::vector<bot::OutboxItem> items);
  void enqueue_messages(std::shared_ptr<Work> w, const std::vector<dialog::Message>& messages,
                        std::vector<bot::OutboxItem>& items);
  int64_t now() const;

  const PlatformSpec spec_;
  bot::ConversationService& service_;
  bot::Outbox& outbox_;
  Logger& log_;
  const ChannelOptions options_;

  std::mutex mu_;  // guards queues_
  struct Queued {
    Job job;
    std::function<void(bot::Status)> done;
  };
  std::map<std::string, std::deque<Queued>> queues_;  // by user: the head is running
};

}  // namespace calfbot::adapters::platforms
