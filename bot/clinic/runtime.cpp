#include "bot/clinic/runtime.h"

#include <algorithm>
#include <chrono>
#include <future>

#include "bot/clock.h"
#include "config/config.h"

namespace calfbot::bot::clinic {

void ChangedIntakes::push(const std::string& intake_id) {
  {
    std::lock_guard lock(mu_);
    ids_.push_back(intake_id);
  }
  cv_.notify_one();
}

std::vector<std::string> ChangedIntakes::take(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, until, [this] { return stopped_ || !ids_.empty(); });
  std::vector<std::string> out;
  if (stopped_) return out;
  for (auto& id : ids_) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  ids_.clear();
  return out;
}

void ChangedIntakes::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

bool ChangedIntakes::stopped() {
  std::lock_guard lock(mu_);
  return stopped_;
}

std::function<void(const SessionRecord&, const dialog::State&)> link_listener(ChangedIntakes& changed) {
  return [&changed](const SessionRecord& r, const dialog::State&) {
    if (r.channel == kLinkChannel && !r.external_user.empty()) changed.push(r.external_user);
  };
}

Result<std::unique_ptr<ClinicRuntime>> ClinicRuntime::start(const config::Config& cfg,
                                                            ClinicStore& store,
                                                            ChangedIntakes& changed,
                                                            ConversationService& conversations,
                                                            const dialog::Engine& engine,
                                                            Transport& transport, Log log,
                                                            Followed followed) {
  std::unique_ptr<ClinicRuntime> rt(new ClinicRuntime());
  rt->log_ = std::move(log);
  rt->followed_ = std::move(followed);
  rt->store_ = &store;
  rt->changed_ = &changed;

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
  changed_->stop();
  if (jobs_.joinable()) jobs_.join();
  outbox_.reset();
}

void ClinicRuntime::purge() {
  auto n = service_->purge();
  if (!n) {
    log_("purge_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
  } else if (n->intakes + n->sessions > 0) {
    log_("purged", {{"intakes", n->intakes}, {"sessions", n->sessions}});
  }
}

void ClinicRuntime::follow(std::vector<std::string>& intakes) {
  std::vector<std::string> failed;
  for (const auto& id : intakes) {
    auto n = service_->follow(id);
    if (n) {
      if (followed_) followed_(id);
      continue;
    }
    log_("intake_follow_failed", {{"intake", id}, {"code", n.error().code}, {"detail", n.error().detail}});
    failed.push_back(id);
  }
  intakes = std::move(failed);
}

void ClinicRuntime::run_jobs(int64_t purge_every_seconds) {
  using Clock = std::chrono::steady_clock;
  auto next_purge = Clock::now();
  auto next_tick = Clock::now();
  std::vector<std::string> retry;
  if (auto n = service_->catch_up(); !n) {
    log_("intake_watch_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
  }
  while (!changed_->stopped()) {
    if (Clock::now() >= next_purge) {
      purge();
      next_purge = Clock::now() + std::chrono::seconds(purge_every_seconds);
    }
    if (Clock::now() >= next_tick) {
      auto n = service_->expire_due();
      if (!n) log_("intake_watch_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
      follow(retry);
      next_tick = Clock::now() + std::chrono::seconds(1);
    }
    auto changed = changed_->take(std::min(next_tick, next_purge));
    follow(changed);
    retry.insert(retry.end(), changed.begin(), changed.end());
  }
}

}  // namespace calfbot::bot::clinic
