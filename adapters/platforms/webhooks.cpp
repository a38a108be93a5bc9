#include "adapters/platforms/webhooks.h"

#include <nlohmann/json.hpp>

#include "adapters/logger.h"
#include "adapters/platforms/channel.h"
#include "adapters/platforms/signatures.h"
#include "adapters/platforms/telegram.h"
#include "adapters/platforms/twilio_sms.h"
#include "adapters/platforms/whatsapp.h"
#include "bot/conversation/conversation_service.h"
#include "config/config.h"

namespace calfbot::adapters::platforms {

using nlohmann::json;

namespace {

constexpr const char* kTelegramPath = "/webhooks/telegram";
constexpr const char* kWhatsAppPath = "/webhooks/whatsapp";
constexpr const char* kSmsPath = "/webhooks/sms";

// A webhook's answer: the code's HTTP status (docs/platforms.md) and
// {"status": "<code>"}, which platforms log and otherwise ignore.
HttpResponse reply(int status, std::string_view code) {
  HttpResponse r;
  r.status = status;
  r.body = json{{"status", code}}.dump();
  r.headers = {{"Cache-Control", "no-store"}};
  return r;
}

HttpResponse reply(bot::Code code) { return reply(bot::spec(code).http_status, bot::to_string(code)); }

HttpResponse ok() { return reply(200, "ok"); }

HttpResponse for_verdict(Verdict v) {
  return reply(v == Verdict::missing ? bot::Code::signature_missing : bot::Code::signature_invalid);
}

// Names of the settings that are empty; a platform is on when none is.
std::vector<std::string> missing(std::initializer_list<std::pair<const char*, const std::string*>> keys) {
  std::vector<std::string> out;
  for (const auto& [name, value] : keys) {
    if (value->empty()) out.push_back(name);
  }
  return out;
}

std::string outbox_path(const config::Config& cfg) {
  return cfg.outbox.path.empty() ? cfg.store.path + "-outbox" : cfg.outbox.path;
}

const char* event_name(bot::OutboxEvent::Kind k) {
  switch (k) {
    case bot::OutboxEvent::Kind::delivered: return "outbox_delivered";
    case bot::OutboxEvent::Kind::retry: return "outbox_retry";
    case bot::OutboxEvent::Kind::failed: return "outbox_failed";
  }
  return "outbox_event";
}

}  // namespace

Platforms::Platforms(const config::Config& cfg, bot::ConversationService& service,
                     bot::Transport& transport, Logger& log)
    : cfg_(cfg), service_(service), transport_(transport), log_(log) {
  const auto& p = cfg.platforms;
  auto report = [&](const char* name, const std::vector<std::string>& absent) {
    if (absent.empty()) {
      log_.info("platform_enabled", {{"platform", name}});
    } else {
      log_.warn("platform_disabled", {{"platform", name}, {"missing", absent}});
    }
    return absent.empty();
  };
  telegram_on_ = report("telegram", missing({{"platforms.telegram.bot_token", &p.telegram.bot_token},
                                             {"platforms.telegram.secret_token", &p.telegram.secret_token}}));
  whatsapp_on_ = report("whatsapp",
                        missing({{"platforms.whatsapp.access_token", &p.whatsapp.access_token},
                                 {"platforms.whatsapp.app_secret", &p.whatsapp.app_secret},
                                 {"platforms.whatsapp.verify_token", &p.whatsapp.verify_token},
                                 {"platforms.whatsapp.phone_number_id", &p.whatsapp.phone_number_id}}));
  sms_on_ = report("sms", missing({{"platforms.sms.account_sid", &p.sms.account_sid},
                                   {"platforms.sms.auth_token", &p.sms.auth_token},
                                   {"platforms.sms.from_number", &p.sms.from_number},
                                   {"platforms.sms.public_url", &p.sms.public_url}}));
}

Platforms::~Platforms() {
  // The outbox's threads call into the channels: they stop first.
  outbox_.reset();
}

bot::Status Platforms::start() {
  if (!telegram_on_ && !whatsapp_on_ && !sms_on_) return bot::Status();
  const auto& p = cfg_.platforms;
  bot::OutboxOptions o;
  o.path = outbox_path(cfg_);
  o.max_attempts = cfg_.outbox.max_attempts;
  o.give_up_after_ms = int64_t{cfg_.outbox.give_up_after_hours} * 3600 * 1000;
  o.base_delay_ms = cfg_.outbox.base_delay_ms;
  o.max_delay_ms = cfg_.outbox.max_delay_ms;
  o.senders = cfg_.outbox.senders;
  o.synchronous_full = cfg_.store.synchronous == "full";
  o.migrate_mark = &PlatformChannel::migrate_mark;  // tokens in clear from before: hashed
  o.on_event = [this](const bot::OutboxEvent& e) {
    json f = {{"lane", e.lane}, {"item", e.item_id}, {"attempts", e.attempts}, {"detail", e.detail}};
    if (e.kind == bot::OutboxEvent::Kind::retry) f["next_attempt_ms"] = e.next_attempt_ms;
    if (e.kind == bot::OutboxEvent::Kind::failed) {
      log_.error(event_name(e.kind), f);
    } else {
      log_.info(event_name(e.kind), f);
    }
  };
  auto box = bot::Outbox::open(o, transport_);
  if (!box) return box.error();
  outbox_ = std::move(*box);
  log_.info("outbox_opened", {{"path", o.path}});

  if (telegram_on_) {
    auto base = p.telegram.api_base + "/bot" + p.telegram.bot_token;
    auto prepare = [base](bot::OutboundRequest r) {
      r.url = base + r.url;  // the token is in the path: added here, never stored
      return r;
    };
    outbox_->add_lane({"telegram", p.telegram.messages_per_second, std::max(1.0, p.telegram.messages_per_second),
                       p.telegram.per_chat_interval_ms, prepare, telegram::classify});
    outbox_->add_lane({"telegram_ack", p.telegram.messages_per_second,
                       std::max(1.0, p.telegram.messages_per_second), 0, prepare, telegram::classify});
    PlatformSpec spec{"telegram", telegram::render,
                      [](const Inbound& e) -> std::optional<ApiCall> {
                        if (e.callback_id.empty()) return std::nullopt;
                        return telegram::answer_callback(e.callback_id);
                      },
                      "telegram_ack", nullptr};
    telegram_ = std::make_unique<PlatformChannel>(std::move(spec), service_, *outbox_, log_);
  }
  if (whatsapp_on_) {
    auto base = p.whatsapp.api_base + "/" + p.whatsapp.phone_number_id;
    auto auth = "Bearer " + p.whatsapp.access_token;
    outbox_->add_lane({"whatsapp", p.whatsapp.messages_per_second,
                       std::max(1.0, p.whatsapp.messages_per_second), p.whatsapp.per_user_interval_ms,
                       [base, auth](bot::OutboundRequest r) {
                         r.url = base + r.url;
                         r.headers.emplace_back("Authorization", auth);
                         return r;
                       },
                       whatsapp::classify});
    whatsapp_ = std::make_unique<PlatformChannel>(
        PlatformSpec{"whatsapp", whatsapp::render, nullptr, "", nullptr}, service_, *outbox_, log_);
  }
  if (sms_on_) {
    auto base = p.sms.api_base;
    auto auth = "Basic " + base64(p.sms.account_sid + ":" + p.sms.auth_token);
    outbox_->add_lane({"sms", p.sms.messages_per_second, 1, 0,
                       [base, auth](bot::OutboundRequest r) {
                         r.url = base + r.url;
                         r.headers.emplace_back("Authorization", auth);
                         return r;
                       },
                       twilio::classify});
    auto sms = p.sms;
    auto number = cfg_.emergency_number();
    PlatformSpec spec{"sms",
                      [sms](const dialog::Message& m, const std::string& to) {
                        return twilio::render(m, to, sms.from_number, sms.account_sid,
                                              static_cast<size_t>(sms.max_chars));
                      },
                      nullptr, "", [number] { return twilio::help_text(number); }};
    sms_ = std::make_unique<PlatformChannel>(std::move(spec), service_, *outbox_, log_);
  }
  outbox_->start();
  return bot::Status();
}

bool Platforms::owns(const std::string& path) {
  return path == kTelegramPath || path == kWhatsAppPath || path == kSmsPath;
}

std::vector<std::string> Platforms::enabled() const {
  std::vector<std::string> out;
  if (telegram_on_) out.push_back("telegram");
  if (whatsapp_on_) out.push_back("whatsapp");
  if (sms_on_) out.push_back("sms");
  return out;
}

void Platforms::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  if (req.path == kTelegramPath && telegram_) return telegram(req, std::move(done));
  if (req.path == kWhatsAppPath && whatsapp_) return whatsapp(req, std::move(done));
  if (req.path == kSmsPath && sms_) return sms(req, std::move(done));
  done(reply(bot::Code::platform_off));
}

void Platforms::run(const std::string& platform, bot::Result<Parsed> parsed,
                    std::function<void(HttpResponse)> done, HttpResponse ok) {
  if (!parsed) {
    log_.warn("platform_bad_payload", {{"platform", platform}, {"detail", parsed.error().detail}});
    return done(reply(bot::Code::bad_payload));
  }
  for (const auto& why : parsed->skipped) {
    log_.info("platform_skipped", {{"platform", platform}, {"why", why}});
  }
  PlatformChannel& ch = platform == "telegram" ? *telegram_ : platform == "whatsapp" ? *whatsapp_ : *sms_;
  ch.handle(std::move(parsed->events), [this, platform, done = std::move(done), ok](bot::Status s) {
    if (s) return done(ok);
    log_.error("platform_handle_failed", {{"platform", platform}, {"code", s.error().code}});
    done(reply(bot::Code::try_again));
  });
}

void Platforms::telegram(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  if (req.method != "POST") return done(reply(bot::Code::method_not_allowed));
  Verdict v = verify_telegram_secret(cfg_.platforms.telegram.secret_token,
                                     req.header("x-telegram-bot-api-secret-token"));
  if (v != Verdict::ok) {
    log_.warn("platform_rejected", {{"platform", "telegram"}, {"verdict", v == Verdict::missing ? "missing" : "bad"}});
    return done(for_verdict(v));
  }
  run("telegram", telegram::parse_update(req.body), std::move(done), ok());
}

void Platforms::whatsapp(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  const auto& c = cfg_.platforms.whatsapp;
  if (req.method == "GET") {
    auto challenge = whatsapp::verify_challenge(req.query, c.verify_token);
    if (!challenge) {
      log_.warn("platform_rejected", {{"platform", "whatsapp"}, {"verdict", "verify_token"}});
      return done(reply(bot::Code::verify_token_invalid));
    }
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = *challenge;
    return done(std::move(r));
  }
  if (req.method != "POST") return done(reply(bot::Code::method_not_allowed));
  Verdict v = verify_meta_signature(c.app_secret, req.body, req.header("x-hub-signature-256"));
  if (v != Verdict::ok) {
    log_.warn("platform_rejected", {{"platform", "whatsapp"}, {"verdict", v == Verdict::missing ? "missing" : "bad"}});
    return done(for_verdict(v));
  }
  run("whatsapp", whatsapp::parse_webhook(req.body, c.phone_number_id), std::move(done),
      ok());
}

void Platforms::sms(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  if (req.method != "POST") return done(reply(bot::Code::method_not_allowed));
  const auto& c = cfg_.platforms.sms;
  Params form = parse_form(req.body);
  std::string url = c.public_url + req.path + (req.query.empty() ? "" : "?" + req.query);
  Verdict v = verify_twilio_signature(c.auth_token, url, form, req.header("x-twilio-signature"));
  if (v != Verdict::ok) {
    log_.warn("platform_rejected", {{"platform", "sms"}, {"verdict", v == Verdict::missing ? "missing" : "bad"}});
    return done(for_verdict(v));
  }
  // An empty TwiML answer: the replies go through the Messages API, from the outbox.
  HttpResponse ok;
  ok.content_type = "text/xml";
  ok.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
  run("sms", twilio::parse_webhook(form), std::move(done), ok);
}

void Platforms::deliver_expired(const std::string& session_id,
                                const std::vector<dialog::Message>& messages) {
  for (auto* ch : {telegram_.get(), whatsapp_.get(), sms_.get()}) {
    if (ch) ch->deliver_expired(session_id, messages);
  }
}

}  // namespace calfbot::adapters::platforms
