#include "adapters/cli/serve.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <ostream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include "adapters/logger.h"
#include "adapters/api/clinic_api.h"
#include "adapters/api/console_api.h"
#include "adapters/api/console_events.h"
#include "adapters/http_client.h"
#include "adapters/metrics.h"
#include "adapters/platforms/webhooks.h"
#include "adapters/server/router.h"
#include "adapters/server/server.h"
#include "adapters/cli/app.h"
#include "bot/clinic/console.h"
#include "bot/clinic/runtime.h"
#include "bot/clinic/service.h"
#include "bot/conversation/conversation_service.h"
#include "bot/conversation/session_store.h"
#include "bot/message_json.h"
#include "knowledge/knowledge.h"
#include "bot/clock.h"

namespace calfbot::cli {

namespace net = boost::asio;

namespace {

// Patient data is for this server's user alone: every file created from
// here on is 0600 (the stores, their WAL and shared-memory files, the
// outboxes), and the ones an earlier run made are made so.
void keep_files_private(const std::string& store_path) {
  ::umask(0077);
  namespace fs = std::filesystem;
  const fs::path store(store_path);
  const fs::path dir = store.has_parent_path() ? store.parent_path() : fs::path(".");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(store.filename().string(), 0) != 0) continue;
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
  }
}

// Connections still open this long after SIGTERM are cut.
constexpr auto kShutdownGrace = std::chrono::seconds(5);

// The threads that run the io_context, and the wait for them to end.
class Runner {
 public:
  void stop_requested() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
    }
    cv_.notify_all();
  }
  void thread_done() {
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    cv_.notify_all();
  }
  void set_running(int n) { running_ = n; }
  // Waits for a stop (or every thread to end); true if the grace ran out.
  bool wait_for_end() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopping_ || running_ == 0; });
    return !cv_.wait_until(lock, deadline_, [&] { return running_ == 0; });
  }
  // The sweeper's sleep: false once a stop was requested.
  bool sleep(std::chrono::seconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [&] { return stopping_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int running_ = 0;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace

int run_serve(const std::string& config_path, std::ostream& out, std::ostream& err) {
  auto app = make_app(config_path, err);
  if (!app) return 1;
  const auto& cfg = app->config;
  adapters::Logger log(out, cfg.server.log_patient_text);
  adapters::Metrics metrics;
  keep_files_private(cfg.store.path);

  bot::SqliteStoreOptions so;
  so.path = cfg.store.path;
  so.synchronous_full = cfg.store.synchronous == "full";
  so.batch_max = cfg.store.batch_max;
  so.on_commit = [&metrics](size_t writes, double seconds) { metrics.record_commit(writes, seconds); };
  so.on_checkpoint = [&metrics](int, double seconds) {
    metrics.store_checkpoint_seconds.observe(seconds);
  };
  auto store = bot::open_sqlite_store(so);
  if (!store) {
    err << "store error: " << cfg.store.path << ": " << store.error().detail << "\n";
    return 1;
  }

  // The clinic's tables, first: the conversation service asks them whether a
  // link's conversation may go on (bot::clinic::link_gate).
  auto clinic_store = bot::clinic::ClinicStore::open(cfg.store.path);
  if (!clinic_store) {
    err << "clinic error: " << clinic_store.error().detail << "\n";
    return 1;
  }

  net::io_context ioc(cfg.server.threads);
  adapters::Server* server_for_expiry = nullptr;  // set before the sweeper starts
  adapters::platforms::Platforms* platforms_for_expiry = nullptr;  // likewise
  bot::ServiceOptions options;
  options.session_idle_expiry_seconds = int64_t{cfg.server.session_idle_expiry_minutes} * 60;
  options.cache_idle_seconds = cfg.server.memory_idle_seconds;
  options.cache_done_seconds = cfg.server.memory_done_seconds;
  // a link's conversation lasts as long as the longest link may
  options.channel_idle_expiry_seconds[bot::clinic::kLinkChannel] =
      int64_t{bot::clinic::clinic_settings(cfg).link_max_expiry_hours} * 3600;
  options.channel_gates[bot::clinic::kLinkChannel] =
      bot::clinic::link_gate(**clinic_store, bot::unix_now);
  // A link conversation's every change reaches the clinic's jobs at once
  // (alerts, statuses); the bridge exists before both.
  bot::clinic::ChangedIntakes changed_intakes;
  options.on_committed = bot::clinic::link_listener(changed_intakes);
  options.schedule = [&ioc](std::function<void()> f) { net::post(ioc, std::move(f)); };
  // Counted here, not per channel, so that conversations through messaging
  // platforms and clinic links are counted as well as the web's.
  options.on_started = [&](const std::string&) { metrics.sessions_started_total++; };
  options.on_turn = [&](const std::string&, double seconds,
                        const std::vector<dialog::Message>& replies) {
    metrics.record_turn(seconds, replies);
  };
  // Messages no patient message asked for (an expiry's safety net, a member
  // of staff's) go to the session's WebSockets and its platform's outbox.
  auto deliver = [&](const std::string& id, const std::vector<dialog::Message>& messages, bool expired) {
    if (server_for_expiry) {
      std::vector<std::string> texts;
      for (const auto& m : messages) texts.push_back(bot::message_text(m));
      server_for_expiry->deliver(id, texts, expired);
    }
    if (platforms_for_expiry) platforms_for_expiry->deliver(id, messages);
  };
  options.on_expired = [&](const std::string& id, const std::vector<dialog::Message>& messages) {
    metrics.sessions_expired_total++;
    log.info("session_expired", {{"session", id}, {"safety_net", !messages.empty()}});
    deliver(id, messages, true);
  };
  // Handoff (docs/console.md): a clinic link's conversation is watched by its
  // clinic's console.
  options.watched_channels = {bot::clinic::kLinkChannel};
  options.on_pushed = [&](const bot::SessionRecord& r, const std::vector<dialog::Message>& messages) {
    deliver(r.id, messages, false);
  };
  bot::ConversationService service(*app->engine, **store, options);
  metrics.sessions_active = [&service] { return static_cast<int64_t>(service.cached_sessions()); };

  auto unfinished = (*store)->count_unfinished();
  log.info("store_opened", {{"path", cfg.store.path},
                            {"synchronous", cfg.store.synchronous},
                            {"unfinished_sessions", unfinished ? *unfinished : -1}});

  adapters::Server server(ioc, cfg.server, service, metrics, log);
  // Messaging platforms (docs/platforms.md): webhooks on the same listener,
  // replies through the outbox over HTTPS.
  auto http_client = adapters::make_http_client();
  adapters::platforms::Platforms platforms(cfg, service, *http_client, log);
  if (auto started = platforms.start(); !started) {
    err << "outbox error: " << started.error().detail << "\n";
    return 1;
  }
  server.router().add_routes(&adapters::platforms::Platforms::owns,
                             [&platforms](const adapters::HttpRequest& req, auto done) {
                               platforms.handle(req, std::move(done));
                             });
  platforms_for_expiry = &platforms;
  // The clinic side (docs/clinic.md): pre-visit links, the clinic API, alerts, retention;
  // each intake followed is pushed to its clinic's consoles (docs/console.md).
  adapters::ConsoleEvents console_events;
  auto clinic = bot::clinic::ClinicRuntime::start(
      cfg, **clinic_store, changed_intakes, service, *app->engine, *http_client,
      [&log](const std::string& event, const nlohmann::json& fields) { log.info(event, fields); },
      [&console_events, &clinic_store](const std::string& intake_id) {
        auto i = (*clinic_store)->intake(intake_id);
        if (i && *i) console_events.publish((*i)->clinic, "intake", nlohmann::json{{"id", intake_id}}.dump());
      });
  if (!clinic) {
    err << "clinic error: " << clinic.error().detail << "\n";
    return 1;
  }
  adapters::ClinicApi clinic_api((*clinic)->service(), (*clinic)->store(), cfg.emergency_number());
  server.router().add_routes(&adapters::ClinicApi::owns,
                             [&clinic_api](const adapters::HttpRequest& req, auto done) {
                               clinic_api.handle(req, std::move(done));
                             });
  // The staff console (docs/console.md): logins and the clinic's intakes, live.
  bot::clinic::ConsoleAuth console_auth(**clinic_store, bot::clinic::console_settings(cfg),
                                        bot::unix_now);
  adapters::ConsoleApi console_api(console_auth, (*clinic)->service(), console_events);
  server.router().add_routes(&adapters::ConsoleApi::owns,
                             [&console_api](const adapters::HttpRequest& req, auto done) {
                               console_api.handle(req, std::move(done));
                             });
  // Where patients reach calfbot is its own origin too.
  if (auto base = cfg.clinic.public_base_url; base.find("://") != std::string::npos) {
    server.add_own_origin(base.substr(0, base.find('/', base.find("://") + 3)));
  }
  auto port = server.start();
  if (!port) {
    err << "server error: " << port.error().detail << "\n";
    return 1;
  }
  server_for_expiry = &server;

  Runner runner;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log.info("shutdown_started", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
    runner.stop_requested();
    server.shutdown();
  });
  log.info("listening", {{"host", cfg.server.host},
                         {"port", *port},
                         {"threads", cfg.server.threads},
                         {"knowledge_version", app->kb->version}});

  runner.set_running(cfg.server.threads);
  std::vector<std::thread> threads;
  for (int i = 0; i < cfg.server.threads; ++i) {
    threads.emplace_back([&] {
      ioc.run();
      runner.thread_done();
    });
  }
  // Expires idle sessions; on its own thread because it waits for commits.
  // Between expiry sweeps it drops finished conversations from memory.
  auto every = std::chrono::seconds(
      std::clamp<int64_t>(options.session_idle_expiry_seconds / 10, 1, 60));
  auto evict_every = std::min(
      every, std::chrono::seconds(std::clamp<int64_t>(options.cache_done_seconds, 1, 5)));
  std::thread sweeper([&] {
    auto since_expiry = std::chrono::seconds(0);
    while (runner.sleep(evict_every)) {
      since_expiry += evict_every;
      console_events.heartbeat();
      if (since_expiry < every) {
        service.evict_idle();
        continue;
      }
      since_expiry = {};
      auto n = service.expire_idle();
      if (!n) log.error("expiry_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
    }
  });

  if (runner.wait_for_end()) {
    log.warn("shutdown_forced", {{"after_seconds", kShutdownGrace.count()}});
    ioc.stop();
  }
  for (auto& t : threads) t.join();
  runner.stop_requested();  // ends the sweeper in every case
  sweeper.join();
  (*store)->flush();
  log.info("stopped", {{"turns", metrics.turns_total.load()}});
  return 0;
}

}  // namespace calfbot::cli
