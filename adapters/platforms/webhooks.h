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
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "adapters/server/http_types.h"
#include "adapters/platforms/platform.h"
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

class PlatformChannel;

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

  // For ServiceOptions::on_expired: sends a platform session's safety net.
  void deliver_expired(const std::string& session_id, const std::vector<dialog::Message>& messages);

  std::vector<std::string> enabled() const;

 private:
  void telegram(const HttpRequest& req, std::function<void(HttpResponse)> done);
  void whatsapp(const HttpRequest& req, std::function<void(HttpResponse)> done);
  void sms(const HttpRequest& req, std::function<void(HttpResponse)> done);
  void run(const std::string& platform, bot::Result<Parsed> parsed,
           std::function<void(HttpResponse)> done, HttpResponse ok);

  const config::Config& cfg_;
  bot::ConversationService& service_;
  bot::Transport& transport_;
  Logger& log_;
  std::unique_ptr<bot::Outbox> outbox_;
  std::unique_ptr<PlatformChannel> telegram_, whatsapp_, sms_;
  bool telegram_on_ = false, whatsapp_on_ = false, sms_on_ = false;
};

}  // namespace calfbot::adapters::platforms
