#include "bot/clinic/runtime.h"

#include <chrono>
#include <future>

#include "config/config.h"

namespace calfbot::bot::clinic {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<ClinicRuntime>> ClinicRuntime::start(const config::Config& cfg,
                                                            ClinicStore& store,
                                                            ConversationService& conversations,
                                                            const dialog::Engine& engine,
                                                            Transport& transport, Log log) {
  std::unique_ptr<ClinicRuntime> rt(new ClinicRuntime());
  rt->log_ = std::move(log);
  rt->store_ = &store;

  ClinicService::AlertSink sink;
  const std::string webhook = cfg.clinic.alert_webhook_url;
  if (!webhook.empty()) {
    OutboxOptions oo;
    oo.path = cfg.store.path + "-clinic-outbox";
    oo.synchronous_full = cfg.store.synchronous == "full";
    oo.base_delay_ms = 1000;
    oo.max_delay_ms = 60000;
    oo.senders = 1;
    oo.on_event = [log = rt->log_](const OutboxEvent& e) {
      const char* kind = e.kind == OutboxEvent::Kind::delivered ? "alert_delivered"
                         : e.kind == OutboxEvent::Kind::retry   ? "alert_retry"
                                                                : "alert_failed";
      log(kind, {{"key", e.key}, {"attempts", e.attempts}, {"detail", e.detail}});
    };
    auto outbox = Outbox::open(oo, transport);
    if (!outbox) return outbox.error();
    rt->outbox_ = std::move(*outbox);
    rt->outbox_->add_lane(alert_lane(cfg.clinic.alert_secret, unix_now));
    rt->outbox_->start();
    sink = [outbox = rt->outbox_.get(), webhook](const Alert& a) -> Status {
      auto done = std::make_shared<std::promise<Status>>();
      auto result = done->get_future();
      outbox->enqueue({alert_item(a, webhook)}, {}, [done](Status s) { done->set_value(s); });
      return result.get();  // durable before the intake is marked as alerted
    };
  }
  rt->service_ = std::make_unique<ClinicService>(*rt->store_, conversations, engine,
                                                 clinic_settings(cfg), unix_now, std::move(sink));
  int64_t purge_every = int64_t{cfg.clinic.purge_interval_minutes} * 60;
  rt->jobs_ = std::thread([raw = rt.get(), purge_every] { raw->run_jobs(purge_every); });
  return rt;
}

ClinicRuntime::~ClinicRuntime() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (jobs_.joinable()) jobs_.join();
  outbox_.reset();
}

void ClinicRuntime::run_jobs(int64_t purge_every_seconds) {
  auto next_purge = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= next_purge) {
      auto n = service_->purge();
      if (!n) {
        log_("purge_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
      } else if (n->intakes + n->sessions > 0) {
        log_("purged", {{"intakes", n->intakes}, {"sessions", n->sessions}});
      }
      next_purge = std::chrono::steady_clock::now() + std::chrono::seconds(purge_every_seconds);
    }
    auto changed = service_->watch();
    if (!changed) log_("intake_watch_failed", {{"code", changed.error().code}, {"detail", changed.error().detail}});
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) return;
  }
}

}  // namespace calfbot::bot::clinic
