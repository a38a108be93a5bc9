#include "adapters/cli/serve.h"

#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>
#include <utility>
#include <vector>

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

// Messages no patient message asked for: an expiry's safety net, a member
// of staff's (docs/console.md). The conversation service is built before the
// server and the platforms (they need it), so its hooks cannot name them:
// they leave each here, and once run_serve has built both it connects them,
// which delivers what was left meanwhile and, from then on, each at once.
// Thread-safe.
class UnaskedMessages {
 public:
  struct Unasked {
    std::string session_id;
    std::vector<dialog::Message> messages;
    bool expired = false;  // an expiry's, which ends the session's sockets
  };
  using Sink = std::function<void(const Unasked&)>;
  void push(Unasked u) {
    std::unique_lock lock(mu_);
    if (!sink_) {
      waiting_.push_back(std::move(u));
      return;
    }
    lock.unlock();
    sink_(u);
  }
  // Called once, before any thread could push concurrently with it.
  void connect(Sink sink) {
    std::vector<Unasked> waiting;
    {
      std::lock_guard lock(mu_);
      sink_ = std::move(sink);
      waiting = std::exchange(waiting_, {});
    }
    for (const auto& u : waiting) sink_(u);
  }

 private:
  std::mutex mu_;  // guards waiting_ and the setting of sink_
  std::vector<Unasked> waiting_;
  Sink sink_;
};

// The parts that outlive the wiring: the session store and the clinic's.
struct Stores {
  std::unique_ptr<bot::SessionStore> sessions;
  std::unique_ptr<bot::clinic::ClinicStore> clinic;
};

// Opens the session store, then the clinic's tables (the conversation
// service asks them whether a link's conversation may go on), and logs
// "store_opened". On failure writes why to err and returns nothing.
std::optional<Stores> open_stores(const config::Config& cfg, adapters::Metrics& metrics,
                                  adapters::Logger& log, std::ostream& err) {
  bot::SqliteStoreOptions so;
  so.path = cfg.store.path;
  so.synchronous_full = cfg.store.synchronous == "full";
  so.batch_max = cfg.store.batch_max;
  so.on_commit = [&metrics](size_t writes, double seconds) {
    metrics.record_commit(writes, seconds);
  };
  so.on_checkpoint = [&metrics](int, double seconds) {
    metrics.store_checkpoint_seconds.observe(seconds);
  };
  auto store = bot::open_sqlite_store(so);
  if (!store) {
    err << "store error: " << cfg.store.path << ": " << store.error().detail << "\n";
    return std::nullopt;
  }
  auto clinic_store = bot::clinic::ClinicStore::open(cfg.store.path);
  if (!clinic_store) {
    err << "clinic error: " << clinic_store.error().detail << "\n";
    return std::nullopt;
  }
  auto unfinished = (*store)->count_unfinished();
  log.info("store_opened", {{"path", cfg.store.path},
                            {"synchronous", cfg.store.synchronous},
                            {"unfinished_sessions", unfinished ? *unfinished : -1}});
  return Stores{std::move(*store), std::move(*clinic_store)};
}

// What the conversation service tells, and whom: metrics and the log for
// every channel, the clinic's jobs (through `changed`) for link
// conversations, and each expiry's or staff member's messages to `unasked`.
bot::ServiceOptions service_options(const config::Config& cfg,
                                    bot::clinic::ClinicStore& clinic_store,
                                    bot::clinic::ChangedIntakes& changed, UnaskedMessages& unasked,
                                    net::io_context& ioc, adapters::Metrics& metrics,
                                    adapters::Logger& log) {
  bot::ServiceOptions options;
  options.session_idle_expiry_seconds = int64_t{cfg.server.session_idle_expiry_minutes} * 60;
  options.cache_idle_seconds = cfg.server.memory_idle_seconds;
  options.cache_done_seconds = cfg.server.memory_done_seconds;
  // a link's conversation lasts as long as the longest link may
  options.channel_idle_expiry_seconds[bot::clinic::kLinkChannel] =
      int64_t{bot::clinic::clinic_settings(cfg).link_max_expiry_hours} * 3600;
  options.channel_gates[bot::clinic::kLinkChannel] =
      bot::clinic::link_gate(clinic_store, bot::unix_now);
  // A link conversation's every change reaches the clinic's jobs at once
  // (alerts, statuses); the bridge exists before both.
  options.on_committed = bot::clinic::link_listener(changed);
  options.schedule = [&ioc](std::function<void()> f) { net::post(ioc, std::move(f)); };
  // Counted here, not per channel, so that conversations through messaging
  // platforms and clinic links are counted as well as the web's.
  options.on_started = [&metrics](const std::string&) { metrics.sessions_started_total++; };
  options.on_turn = [&metrics](const std::string&, double seconds,
                               const std::vector<dialog::Message>& replies) {
    metrics.record_turn(seconds, replies);
  };
  options.on_expired = [&metrics, &log, &unasked](const std::string& id,
                                                  const std::vector<dialog::Message>& messages) {
    metrics.sessions_expired_total++;
    log.info("session_expired", {{"session", id}, {"safety_net", !messages.empty()}});
    unasked.push({id, messages, true});
  };
  // Handoff (docs/console.md): a clinic link's conversation is watched by its
  // clinic's console, and what its staff write reaches the patient.
  options.watched_channels = {bot::clinic::kLinkChannel};
  options.on_pushed = [&unasked](const bot::SessionRecord& r,
                                 const std::vector<dialog::Message>& messages) {
    unasked.push({r.id, messages, false});
  };
  return options;
}

// The clinic side (docs/clinic.md): pre-visit links, alerts, retention;
// each intake followed is pushed to its clinic's consoles (docs/console.md).
// On failure writes why to err and returns nullptr.
std::unique_ptr<bot::clinic::ClinicRuntime> start_clinic(
    const App& app, bot::clinic::ClinicStore& clinic_store, bot::clinic::ChangedIntakes& changed,
    bot::ConversationService& service, bot::Transport& transport, adapters::Logger& log,
    adapters::ConsoleEvents& console_events, std::ostream& err) {
  auto clinic = bot::clinic::ClinicRuntime::start(
      app.config, clinic_store, changed, service, *app.engine, transport,
      [&log](const std::string& event, const nlohmann::json& fields) { log.info(event, fields); },
      [&console_events, &clinic_store](const std::string& intake_id) {
        auto i = clinic_store.intake(intake_id);
        if (i && *i) {
          console_events.publish((*i)->clinic, "intake", nlohmann::json{{"id", intake_id}}.dump());
        }
      });
  if (!clinic) {
    err << "clinic error: " << clinic.error().detail << "\n";
    return nullptr;
  }
  return std::move(*clinic);
}

// Every component's routes on the one listener: the messaging platforms'
// webhooks (docs/platforms.md), the clinic API and the staff console.
void add_routes(adapters::Router& router, adapters::platforms::Platforms& platforms,
                adapters::ClinicApi& clinic_api, adapters::ConsoleApi& console_api) {
  router.add_routes(&adapters::platforms::Platforms::owns,
                    [&platforms](const adapters::HttpRequest& req, auto done) {
                      platforms.handle(req, std::move(done));
                    });
  router.add_routes(&adapters::ClinicApi::owns,
                    [&clinic_api](const adapters::HttpRequest& req, auto done) {
                      clinic_api.handle(req, std::move(done));
                    });
  router.add_routes(&adapters::ConsoleApi::owns,
                    [&console_api](const adapters::HttpRequest& req, auto done) {
                      console_api.handle(req, std::move(done));
                    });
}

// Where patients reach calfbot is its own origin too.
void add_public_origin(adapters::Server& server, const config::Config& cfg) {
  if (auto base = cfg.clinic.public_base_url; base.find("://") != std::string::npos) {
    server.add_own_origin(base.substr(0, base.find('/', base.find("://") + 3)));
  }
}

// Expires idle sessions, on its own thread because it waits for commits
// (each expiry's messages go out through UnaskedMessages). Between expiry
// sweeps it drops finished conversations from memory and keeps the
// consoles' streams alive. Runs until `runner`
// is told to stop; join() waits for that.
class Sweeper {
 public:
  Sweeper(Runner& runner, bot::ConversationService& service, const bot::ServiceOptions& options,
          adapters::ConsoleEvents& console_events, adapters::Logger& log)
      : runner_(runner), service_(service), console_events_(console_events), log_(log) {
    every_ = std::chrono::seconds(
        std::clamp<int64_t>(options.session_idle_expiry_seconds / 10, 1, 60));
    evict_every_ = std::min(
        every_, std::chrono::seconds(std::clamp<int64_t>(options.cache_done_seconds, 1, 5)));
    thread_ = std::thread([this] { run(); });
  }
  void join() { thread_.join(); }

 private:
  void run() {
    auto since_expiry = std::chrono::seconds(0);
    while (runner_.sleep(evict_every_)) {
      since_expiry += evict_every_;
      console_events_.heartbeat();
      if (since_expiry < every_) {
        service_.evict_idle();
        continue;
      }
      since_expiry = {};
      auto n = service_.expire_idle();
      if (!n) log_.error("expiry_failed", {{"code", n.error().code}, {"detail", n.error().detail}});
    }
  }

  Runner& runner_;
  bot::ConversationService& service_;
  adapters::ConsoleEvents& console_events_;
  adapters::Logger& log_;
  std::chrono::seconds every_{};
  std::chrono::seconds evict_every_{};
  std::thread thread_;
};

// Runs the io_context on the configured threads until SIGTERM or SIGINT
// (then shuts the server down, cutting what is left after the grace), with
// the sweeper beside them. Logs "listening" with `listening` once the
// signals are caught.
void run_until_stopped(const config::Config& cfg, net::io_context& ioc, adapters::Server& server,
                       bot::ConversationService& service, const bot::ServiceOptions& options,
                       adapters::ConsoleEvents& console_events, adapters::Logger& log,
                       const nlohmann::json& listening) {
  Runner runner;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log.info("shutdown_started", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
    runner.stop_requested();
    server.shutdown();
  });
  log.info("listening", listening);
  runner.set_running(cfg.server.threads);
  std::vector<std::thread> threads;
  for (int i = 0; i < cfg.server.threads; ++i) {
    threads.emplace_back([&] {
      ioc.run();
      runner.thread_done();
    });
  }
  Sweeper sweeper(runner, service, options, console_events, log);
  if (runner.wait_for_end()) {
    log.warn("shutdown_forced", {{"after_seconds", kShutdownGrace.count()}});
    ioc.stop();
  }
  for (auto& t : threads) t.join();
  runner.stop_requested();  // ends the sweeper in every case
  sweeper.join();
}

}  // namespace

int run_serve(const std::string& config_path, std::ostream& out, std::ostream& err) {
  auto app = make_app(config_path, err);
  if (!app) return 1;
  const auto& cfg = app->config;
  adapters::Logger log(out, cfg.server.log_patient_text);
  adapters::Metrics metrics;
  keep_files_private(cfg.store.path);
  auto stores = open_stores(cfg, metrics, log, err);
  if (!stores) return 1;

  // Built in the order each needs the one before: the bridges first (the
  // clinic's changed intakes, the messages no patient asked for), then the service that
  // fills them, then whoever drains them.
  net::io_context ioc(cfg.server.threads);
  bot::clinic::ChangedIntakes changed_intakes;
  UnaskedMessages unasked;
  const bot::ServiceOptions options =
      service_options(cfg, *stores->clinic, changed_intakes, unasked, ioc, metrics, log);
  bot::ConversationService service(*app->engine, *stores->sessions, options);
  metrics.sessions_active = [&service] { return static_cast<int64_t>(service.cached_sessions()); };

  adapters::Server server(ioc, cfg.server, service, metrics, log);
  auto http_client = adapters::make_http_client();
  adapters::platforms::Platforms platforms(cfg, service, *http_client, log);
  if (auto started = platforms.start(); !started) {
    err << "outbox error: " << started.error().detail << "\n";
    return 1;
  }
  adapters::ConsoleEvents console_events;
  auto clinic = start_clinic(*app, *stores->clinic, changed_intakes, service, *http_client, log,
                             console_events, err);
  if (!clinic) return 1;
  adapters::ClinicApi clinic_api(clinic->service(), clinic->store(), cfg.emergency_number());
  bot::clinic::ConsoleAuth console_auth(*stores->clinic, bot::clinic::console_settings(cfg),
                                        bot::unix_now);
  adapters::ConsoleApi console_api(console_auth, clinic->service(), console_events);
  add_routes(server.router(), platforms, clinic_api, console_api);
  add_public_origin(server, cfg);
  unasked.connect([&server, &platforms](const UnaskedMessages::Unasked& u) {
    std::vector<std::string> texts;
    for (const auto& m : u.messages) texts.push_back(bot::message_text(m));
    server.deliver(u.session_id, texts, u.expired);
    platforms.deliver(u.session_id, u.messages);
  });
  auto port = server.start();
  if (!port) {
    err << "server error: " << port.error().detail << "\n";
    return 1;
  }
  run_until_stopped(cfg, ioc, server, service, options,
                    console_events, log,
                    {{"host", cfg.server.host},
                     {"port", *port},
                     {"threads", cfg.server.threads},
                     {"knowledge_version", app->kb->version}});
  stores->sessions->flush();
  log.info("stopped", {{"turns", metrics.turns_total.load()}});
  return 0;
}

}  // namespace calfbot::cli
