// The messaging platforms of `calfbot serve`: their webhook endpoints, their
// channels and the outbox that delivers their replies.
//
//   POST     /webhooks/telegram   X-Telegram-Bot-Api-Secret-Token
//   GET/POST /webhooks/whatsapp   hub.* handshake / X-Hub-Signature-256
//   POST     /webhooks/sms        X-Twilio-Signature
//
// A request without its platform's signature header gets 401, with a wrong
// one 403, and changes nothing. A verified request is answered 200 once its
// events are durable (replies in the outbox), 400 when it cannot be read and
// 500 when the store failed (the platform then delivers it again).
// A platform whose secrets are missing stays off: its path answers 404.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/platforms/channel.h"
#include "adapters/platforms/platform.h"
#include "adapters/platforms/signatures.h"
#include "adapters/server/http_types.h"
#include "bot/outbox/outbox.h"

namespace calfbot::bot {
class ConversationService;
}
namespace calfbot::config {
struct Config;
}

namespace calfbot::adapters {
class Logger;
}

namespace calfbot::adapters::platforms {

class Platforms {
 public:
  // Reads cfg.platforms and cfg.outbox; logs which platforms are on and, for
  // each one that is off, which keys are missing (names only). All
  // references must outlive this object.
  Platforms(const config::Config& cfg, bot::ConversationService& service, bot::Transport& transport,
            Logger& log);
  ~Platforms();
  Platforms(const Platforms&) = delete;
  Platforms& operator=(const Platforms&) = delete;

  // Opens the outbox (resuming what a previous run left pending) and starts
  // delivering; a no-op when no platform is on. Errors: store_unavailable.
  bot::Status start();

  // Whether `path` is one of the webhook paths (on or off).
  static bool owns(const std::string& path);

  // Handles a request for a webhook path; `done` is called exactly once,
  // maybe later and from another thread.
  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

  // For ServiceOptions::on_expired and on_pushed: sends a platform
  // session's messages nobody asked for there (the safety net on expiry, a
  // member of staff's) through the outbox.
  void deliver(const std::string& session_id, const std::vector<dialog::Message>& messages);

  std::vector<std::string> enabled() const;

 private:
  // A webhook request once verified and read, or the answer it gets at once
  // (a refusal, the WhatsApp handshake).
  struct Received {
    explicit Received(HttpResponse at_once) : answer(std::move(at_once)) {}
    Received(bot::Result<Parsed> events, HttpResponse when_durable)
        : parsed(std::move(events)), ok(std::move(when_durable)) {}
    std::optional<HttpResponse> answer;  // set: answered here, nothing to run
    bot::Result<Parsed> parsed = Parsed{};
    HttpResponse ok;  // the answer once its events are durable
  };
  // One platform, described once (webhooks.cpp, describe()): its name (the
  // session's channel, the outbox lane, the webhook path /webhooks/<name>),
  // the settings it needs, its outbox lanes, how its channel renders, and how
  // its webhook requests are verified and read. Everything else enumerates
  // these descriptions.
  struct Platform {
    std::string name;
    std::vector<std::string> missing;  // settings not set: the platform is off while any is
    std::function<void(bot::Outbox&)> add_lanes;
    PlatformSpec spec;
    std::function<Received(const HttpRequest&)> receive;
    std::unique_ptr<PlatformChannel> channel;  // made by start() when on
  };
  std::vector<Platform> describe();
  Platform telegram();
  Platform whatsapp();
  Platform sms();
  Received refuse(const std::string& platform, Verdict v, const char* why = nullptr);
  void run(Platform& p, bot::Result<Parsed> parsed, std::function<void(HttpResponse)> done,
           HttpResponse ok);

  const config::Config& cfg_;
  bot::ConversationService& service_;
  bot::Transport& transport_;
  Logger& log_;
  std::unique_ptr<bot::Outbox> outbox_;
  std::vector<Platform> platforms_;
};

}  // namespace calfbot::adapters::platforms
