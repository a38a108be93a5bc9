// The clinic side as `calfbot serve` runs it: on the clinic store (in the
// session store's database, opened first by the caller, who also gives the
// conversation service its link_gate and its on_committed = link_listener),
// the durable outbox of escalation alerts (its own SQLite file,
// <store.path>-clinic-outbox), the ClinicService, and one job thread that
// follows each intake the moment its conversation changes (alerts, status),
// marks links expired within a second of their expiry, catches up with every
// open intake at start-up, and purges old patient data every
// clinic.purge_interval_minutes (first at start-up).
// Thread-safety: the accessors may be used from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/clinic/service.h"
#include "bot/clinic/store.h"
#include "bot/outbox/outbox.h"
#include "bot/clock.h"

namespace calfbot::config {
struct Config;
}

namespace calfbot::bot::clinic {

// The intakes whose conversation changed, from the conversation service (on
// its store's thread) to the clinic's job thread: made before both, so that
// neither is wired to the other after the fact.
// Thread-safety: every member may be called from any thread.
class ChangedIntakes {
 public:
  // Never blocks beyond a short lock.
  void push(const std::string& intake_id);
  // The intakes pushed since the last take, each once, in order; waits until
  // one is pushed, `until` passes or stop() was called (then returns none).
  std::vector<std::string> take(std::chrono::steady_clock::time_point until);
  void stop();
  bool stopped();

 private:
  std::mutex mu_;  // guards the members below
  std::condition_variable cv_;
  std::vector<std::string> ids_;
  bool stopped_ = false;
};

// ServiceOptions::on_committed for the clinic: a change of a link's
// conversation names its intake in `changed`. `changed` must outlive it.
std::function<void(const SessionRecord&, const dialog::State&)> link_listener(ChangedIntakes& changed);

class ClinicRuntime {
 public:
  using Log = std::function<void(const std::string& event, const nlohmann::json& fields)>;

  // Told, on the job thread, of each intake followed after its
  // conversation changed (its status and alerts up to date): the console's push.
  using Followed = std::function<void(const std::string& intake_id)>;

  // store, changed, conversations, engine and transport must outlive the
  // runtime. Errors: "store_unavailable" (the alert outbox).
  static Result<std::unique_ptr<ClinicRuntime>> start(const config::Config& cfg, ClinicStore& store,
                                                      ChangedIntakes& changed,
                                                      ConversationService& conversations,
                                                      const dialog::Engine& engine,
                                                      Transport& transport, Log log,
                                                      Followed followed = {});
  ~ClinicRuntime();  // stops the job thread (and `changed`) and the outbox
  ClinicRuntime(const ClinicRuntime&) = delete;
  ClinicRuntime& operator=(const ClinicRuntime&) = delete;

  ClinicService& service() { return *service_; }
  ClinicStore& store() { return *store_; }

 private:
  ClinicRuntime() = default;
  void run_jobs(int64_t purge_every_seconds);
  void purge();
  // Follows each intake; those that failed (the store busy) are kept for the next round.
  void follow(std::vector<std::string>& intakes);

  Log log_;
  Followed followed_;
  ClinicStore* store_ = nullptr;         // the caller's
  ChangedIntakes* changed_ = nullptr;    // the caller's
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ClinicService> service_;
  std::thread jobs_;
};

}  // namespace calfbot::bot::clinic
