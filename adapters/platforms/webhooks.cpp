#include "adapters/platforms/webhooks.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/logger.h"
#include "adapters/platforms/telegram.h"
#include "adapters/platforms/twilio_sms.h"
#include "adapters/platforms/whatsapp.h"
#include "bot/conversation/conversation_service.h"
#include "config/config.h"

namespace calfbot::adapters::platforms {

using nlohmann::json;

namespace {

// A webhook's answer: the code's HTTP status (docs/platforms.md) and
// {"status": "<code>"}, which platforms log and otherwise ignore.
HttpResponse reply(int status, std::string_view code) {
  HttpResponse r;
  r.status = status;
  r.body = json{{"status", code}}.dump();
  r.headers = {{"Cache-Control", "no-store"}};
  return r;
}

HttpResponse reply(bot::Code code) {
  return reply(bot::spec(code).http_status, bot::to_string(code));
}

HttpResponse ok() { return reply(200, "ok"); }

HttpResponse for_verdict(Verdict v) {
  return reply(v == Verdict::missing ? bot::Code::signature_missing : bot::Code::signature_invalid);
}

constexpr std::string_view kWebhooks = "/webhooks/";

// Names of the settings that are empty; a platform is on when none is.
std::vector<std::string> missing(
    std::initializer_list<std::pair<const char*, const std::string*>> keys) {
  std::vector<std::string> out;
  for (const auto& [name, value] : keys) {
    if (value->empty()) out.push_back(name);
  }
  return out;
}

// The outbox's request for a platform API: the base URL (and credentials)
// added at send time, never stored.
std::function<bot::OutboundRequest(bot::OutboundRequest)> sent_to(std::string base,
                                                                  std::string authorization = "") {
  return [base = std::move(base), auth = std::move(authorization)](bot::OutboundRequest r) {
    r.url = base + r.url;
    if (!auth.empty()) r.headers.emplace_back("Authorization", auth);
    return r;
  };
}

std::string outbox_path(const config::Config& cfg) {
  return cfg.outbox.path.empty() ? cfg.store.path + "-outbox" : cfg.outbox.path;
}

const char* event_name(bot::OutboxEvent::Kind k) {
  switch (k) {
    case bot::OutboxEvent::Kind::delivered:
      return "outbox_delivered";
    case bot::OutboxEvent::Kind::retry:
      return "outbox_retry";
    case bot::OutboxEvent::Kind::failed:
      return "outbox_failed";
  }
  return "outbox_event";
}

}  // namespace

std::vector<Platforms::Platform> Platforms::describe() {
  std::vector<Platform> all;
  all.push_back(telegram());
  all.push_back(whatsapp());
  all.push_back(sms());
  return all;
}

Platforms::Platform Platforms::telegram() {
  const auto& tg = cfg_.platforms.telegram;
  return {
      "telegram",
      missing({{"platforms.telegram.bot_token", &tg.bot_token},
               {"platforms.telegram.secret_token", &tg.secret_token}}),
      [&tg](bot::Outbox& box) {
        // the bot token is in the path
        auto to = sent_to(tg.api_base + "/bot" + tg.bot_token);
        const double burst = std::max(1.0, tg.messages_per_second);
        box.add_lane({"telegram", tg.messages_per_second, burst, tg.per_chat_interval_ms, to,
                      telegram::classify});
        box.add_lane({"telegram_ack", tg.messages_per_second, burst, 0, to, telegram::classify});
      },
      PlatformSpec{"telegram", telegram::render,
                   [](const Inbound& e) -> std::optional<ApiCall> {
                     if (e.callback_id.empty()) return std::nullopt;
                     return telegram::answer_callback(e.callback_id);
                   },
                   "telegram_ack", nullptr},
      [this, &tg](const HttpRequest& req) {
        if (req.method != "POST") return Received(reply(bot::Code::method_not_allowed));
        Verdict v =
            verify_telegram_secret(tg.secret_token, req.header("x-telegram-bot-api-secret-token"));
        if (v != Verdict::ok) return refuse("telegram", v);
        return Received(telegram::parse_update(req.body), ok());
      },
      nullptr};
}

Platforms::Platform Platforms::whatsapp() {
  const auto& wa = cfg_.platforms.whatsapp;
  return {
      "whatsapp",
      missing({{"platforms.whatsapp.access_token", &wa.access_token},
               {"platforms.whatsapp.app_secret", &wa.app_secret},
               {"platforms.whatsapp.verify_token", &wa.verify_token},
               {"platforms.whatsapp.phone_number_id", &wa.phone_number_id}}),
      [&wa](bot::Outbox& box) {
        box.add_lane({"whatsapp", wa.messages_per_second, std::max(1.0, wa.messages_per_second),
                      wa.per_user_interval_ms,
                      sent_to(wa.api_base + "/" + wa.phone_number_id, "Bearer " + wa.access_token),
                      whatsapp::classify});
      },
      PlatformSpec{"whatsapp", whatsapp::render, nullptr, "", nullptr},
      [this, &wa](const HttpRequest& req) {
        if (req.method == "GET") {
          auto challenge = whatsapp::verify_challenge(req.query, wa.verify_token);
          if (!challenge) return refuse("whatsapp", Verdict::bad, "verify_token");
          HttpResponse r;
          r.content_type = "text/plain; charset=utf-8";
          r.body = *challenge;
          return Received(std::move(r));
        }
        if (req.method != "POST") return Received(reply(bot::Code::method_not_allowed));
        Verdict v =
            verify_meta_signature(wa.app_secret, req.body, req.header("x-hub-signature-256"));
        if (v != Verdict::ok) return refuse("whatsapp", v);
        return Received(whatsapp::parse_webhook(req.body, wa.phone_number_id), ok());
      },
      nullptr};
}

Platforms::Platform Platforms::sms() {
  const auto& sms = cfg_.platforms.sms;
  const std::string number = cfg_.emergency_number();
  return {"sms",
          missing({{"platforms.sms.account_sid", &sms.account_sid},
                   {"platforms.sms.auth_token", &sms.auth_token},
                   {"platforms.sms.from_number", &sms.from_number},
                   {"platforms.sms.public_url", &sms.public_url}}),
          [&sms](bot::Outbox& box) {
            box.add_lane(
                {"sms", sms.messages_per_second, 1, 0,
                 sent_to(sms.api_base, "Basic " + base64(sms.account_sid + ":" + sms.auth_token)),
                 twilio::classify});
          },
          PlatformSpec{"sms",
                       [&sms](const dialog::Message& m, const std::string& to) {
                         return twilio::render(m, to, sms.from_number, sms.account_sid,
                                               static_cast<size_t>(sms.max_chars));
                       },
                       nullptr, "", [number] { return twilio::help_text(number); }},
          [this, &sms](const HttpRequest& req) {
            if (req.method != "POST") return Received(reply(bot::Code::method_not_allowed));
            Params form = parse_form(req.body);
            std::string url =
                sms.public_url + req.path + (req.query.empty() ? "" : "?" + req.query);
            Verdict v = verify_twilio_signature(sms.auth_token, url, form,
                                                req.header("x-twilio-signature"));
            if (v != Verdict::ok) return refuse("sms", v);
            // An empty TwiML answer: the replies go through the Messages API, from the outbox.
            HttpResponse twiml;
            twiml.content_type = "text/xml";
            twiml.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
            return Received(twilio::parse_webhook(form), std::move(twiml));
          },
          nullptr};
}

Platforms::Platforms(const config::Config& cfg, bot::ConversationService& service,
                     bot::Transport& transport, Logger& log)
    : cfg_(cfg), service_(service), transport_(transport), log_(log), platforms_(describe()) {
  for (const auto& p : platforms_) {
    if (p.missing.empty()) {
      log_.info("platform_enabled", {{"platform", p.name}});
    } else {
      log_.warn("platform_disabled", {{"platform", p.name}, {"missing", p.missing}});
    }
  }
}

Platforms::~Platforms() {
  // The outbox's threads call into the channels: they stop first.
  outbox_.reset();
}

bot::Status Platforms::start() {
  if (enabled().empty()) return bot::Status();
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
    json f = {
        {"lane", e.lane}, {"item", e.item_id}, {"attempts", e.attempts}, {"detail", e.detail}};
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
  for (auto& p : platforms_) {
    if (!p.missing.empty()) continue;
    p.add_lanes(*outbox_);
    p.channel = std::make_unique<PlatformChannel>(p.spec, service_, *outbox_, log_);
  }
  outbox_->start();
  return bot::Status();
}

bool Platforms::owns(const std::string& path) { return path.starts_with(kWebhooks); }

std::vector<std::string> Platforms::enabled() const {
  std::vector<std::string> out;
  for (const auto& p : platforms_) {
    if (p.missing.empty()) out.push_back(p.name);
  }
  return out;
}

void Platforms::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  const std::string name = req.path.substr(std::min(req.path.size(), kWebhooks.size()));
  auto p = std::find_if(platforms_.begin(), platforms_.end(),
                        [&](const Platform& q) { return q.name == name && q.channel; });
  if (p == platforms_.end()) return done(reply(bot::Code::platform_off));
  Received r = p->receive(req);
  if (r.answer) return done(std::move(*r.answer));
  run(*p, std::move(r.parsed), std::move(done), std::move(r.ok));
}

Platforms::Received Platforms::refuse(const std::string& platform, Verdict v, const char* why) {
  log_.warn("platform_rejected", {{"platform", platform},
                                  {"verdict", why                     ? why
                                              : v == Verdict::missing ? "missing"
                                                                      : "bad"}});
  if (why) return Received(reply(bot::Code::verify_token_invalid));
  return Received(for_verdict(v));
}

void Platforms::run(Platform& p, bot::Result<Parsed> parsed, std::function<void(HttpResponse)> done,
                    HttpResponse ok) {
  if (!parsed) {
    log_.warn("platform_bad_payload", {{"platform", p.name}, {"detail", parsed.error().detail}});
    return done(reply(bot::Code::bad_payload));
  }
  for (const auto& why : parsed->skipped) {
    log_.info("platform_skipped", {{"platform", p.name}, {"why", why}});
  }
  p.channel->handle(std::move(parsed->events), [this, platform = p.name, done = std::move(done),
                                                ok = std::move(ok)](bot::Status s) {
    if (s) return done(ok);
    log_.error("platform_handle_failed", {{"platform", platform}, {"code", s.error().code}});
    done(reply(bot::Code::try_again));
  });
}

void Platforms::deliver(const std::string& session_id,
                                const std::vector<dialog::Message>& messages) {
  for (auto& p : platforms_) {
    if (p.channel) p.channel->deliver(session_id, messages);
  }
}

}  // namespace calfbot::adapters::platforms
