// The clinic side as `calfbot serve` runs it: on the clinic store (in the
// session store's database, opened first by the caller, who also gives the
// conversation service its link_gate), the durable outbox of escalation alerts (its own
// SQLite file, <store.path>-clinic-outbox), the ClinicService, and one job
// thread that follows open intakes every second (status, alerts) and purges
// old patient data every clinic.purge_interval_minutes (first at start-up).
// Thread-safety: the accessors may be used from any thread; stop() once.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "bot/clinic/service.h"
#include "bot/clinic/store.h"
#include "bot/outbox/outbox.h"

namespace calfbot::config {
struct Config;
}

namespace calfbot::bot::clinic {

// Seconds since the epoch, by the system clock: the clinic's clock.
int64_t unix_now();

class ClinicRuntime {
 public:
  using Log = std::function<void(const std::string& event, const nlohmann::json& fields)>;

  // store, conversations, engine and transport must outlive the runtime.
  // Errors: "store_unavailable" (the alert outbox).
  static Result<std::unique_ptr<ClinicRuntime>> start(const config::Config& cfg, ClinicStore& store,
                                                      ConversationService& conversations,
                                                      const dialog::Engine& engine,
                                                      Transport& transport, Log log);
  ~ClinicRuntime();  // stops the job thread and the outbox
  ClinicRuntime(const ClinicRuntime&) = delete;
  ClinicRuntime& operator=(const ClinicRuntime&) = delete;

  ClinicService& service() { return *service_; }
  ClinicStore& store() { return *store_; }

 private:
  ClinicRuntime() = default;
  void run_jobs(int64_t purge_every_seconds);

  Log log_;
  ClinicStore* store_ = nullptr;  // the caller's
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ClinicService> service_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread jobs_;
};

}  // namespace calfbot::bot::clinic
