#include "bot/outbox/outbox.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "bot/clock.h"
#include "bot/outbox/outbox_db.h"

namespace calfbot::bot {

namespace {

constexpr int64_t kPurgeEveryMs = 3600 * 1000;

}  // namespace

std::string OutboundResponse::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) if (k == lower_name) return v;
  return "";
}

Outcome default_outcome(const OutboundResponse& r) {
  Outcome o;
  o.detail = "HTTP " + std::to_string(r.status);
  if (r.status >= 200 && r.status < 300) return o;
  bool retry = r.status == 401 || r.status == 403 || r.status == 408 || r.status == 425 ||
               r.status == 429 || r.status >= 500;
  o.kind = retry ? Outcome::Kind::retry : Outcome::Kind::failed;
  if (r.status == 429 || r.status == 503) {
    std::string ra = r.header("retry-after");
    if (!ra.empty() && ra.find_first_not_of("0123456789") == std::string::npos && ra.size() < 7) {
      o.retry_after_ms = std::stoll(ra) * 1000;
    }
  }
  return o;
}

int64_t backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, double random01) {
  double cap = static_cast<double>(base_ms) * std::pow(2.0, std::max(0, attempt - 1));
  cap = std::min(cap, static_cast<double>(max_ms));
  random01 = std::clamp(random01, 0.0, 1.0);
  return std::max<int64_t>(1, static_cast<int64_t>(cap / 2 + random01 * cap / 2));
}

struct Outbox::Impl {
  using Item = OutboxDb::Row;
  struct Job {
    int64_t id = 0;
    std::string key;
    OutboundRequest request;  // as prepared for sending
  };
  struct Finished {
    Job job;
    Result<OutboundResponse> result;
  };
  struct LaneState {
    Lane lane;
    double tokens = 0;
    int64_t refill_ms = 0;
  };
  struct Enqueued {  // an enqueue written in the pass's transaction
    std::vector<Item> added;
    Done done;
  };

  Impl(OutboxOptions o, Transport& t) : opt(std::move(o)), transport(t) {
    if (!opt.now_ms) opt.now_ms = unix_now_ms;
    if (!opt.random) {
      auto rng = std::make_shared<std::mt19937_64>(static_cast<uint64_t>(unix_now_ms()));
      auto m = std::make_shared<std::mutex>();
      opt.random = [rng, m] {
        std::lock_guard lock(*m);
        return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
      };
    }
  }

  void open_db() {
    db = std::make_unique<OutboxDb>(opt.path, opt.synchronous_full, opt.busy_timeout_ms);
    if (opt.migrate_mark) db->migrate_marks(opt.migrate_mark);
    for (auto& it : db->pending()) by_key[it.key].push_back(std::move(it));
  }

  // One pass of the owner: the answers to record and the queued calls share
  // one transaction, so that a burst of webhooks costs one commit (one fsync)
  // instead of one per enqueue and one per answer. What the pass wrote takes
  // effect in memory, and enqueue callers hear of success, only after the
  // commit (commit_pass): success still means durable. get_mark and stats run
  // inside the transaction and see what the pass wrote before them; no
  // caller's callback runs inside it (get_mark's are called after the
  // commit), so a caller's own work (a conversation turn, its own commit)
  // never runs within the outbox's transaction.
  void run_pass(std::deque<std::function<void()>>& cmds, std::deque<Finished>& fin) {
    if (cmds.empty() && fin.empty()) return;
    db->begin();
    for (auto& f : fin) finish(f);
    for (auto& c : cmds) c();
    commit_pass();
  }

  // Commits the pass, then applies it: the enqueued items join their queues
  // and their callers hear of success, the answers take the items off their
  // queues. If the commit failed, every enqueue of the pass gets the error
  // and every answer counts as not recorded (the item is sent again).
  void commit_pass() {
    std::string why = db->commit();
    std::optional<Error> failure;
    if (!why.empty()) failure = Error(Code::store_unavailable, why);
    auto enqueued = std::move(pass_enqueued);
    auto answers = std::move(pass_answers);
    pass_enqueued.clear();
    pass_answers.clear();
    int64_t now = opt.now_ms();
    for (auto& ev : answers) {
      auto q = by_key.find(ev.key);
      if (q == by_key.end() || q->second.empty() || q->second.front().id != ev.item_id) continue;
      if (failure) {
        not_recorded(q->second.front(), ev, now, failure->detail);
      } else if (ev.kind != OutboxEvent::Kind::retry) {
        q->second.pop_front();
        if (q->second.empty()) by_key.erase(q);
      }
      if (opt.on_event) opt.on_event(ev);
    }
    if (!failure) {
      for (auto& e : enqueued) {
        for (auto& it : e.added) by_key[it.key].push_back(std::move(it));
      }
    }
    for (auto& e : enqueued) {
      if (e.done) e.done(failure ? Status(*failure) : Status());
    }
    auto reads = std::move(pass_reads);
    pass_reads.clear();
    for (auto& r : reads) r();
  }

  // Writes one enqueue call in the pass's transaction (OutboxDb::insert: a
  // savepoint each, so that one failing enqueue fails alone).
  void do_enqueue(std::vector<OutboxItem>& items, std::vector<Mark>& marks, Done done) {
    auto added = db->insert(items, marks, opt.now_ms());
    if (!added) return done ? done(added.error()) : void();
    pass_enqueued.push_back(Enqueued{std::move(*added), std::move(done)});
  }

  Result<OutboxStats> do_stats() {
    auto s = db->counts();
    if (s) s->in_flight = static_cast<int64_t>(in_flight.size());
    return s;
  }

  void purge(int64_t now) {
    if (now - last_purge_ms < kPurgeEveryMs) return;
    last_purge_ms = now;
    db->purge(now - opt.keep_done_ms, now);
  }

  // Picks every item that may go now; calls `dispatch` for each. Returns the
  // time the next waiting item becomes due.
  std::optional<int64_t> schedule(int64_t now, const std::function<void(Job)>& dispatch) {
    std::optional<int64_t> next;
    auto later = [&](int64_t t) { next = next ? std::min(*next, t) : t; };
    std::vector<std::pair<int64_t, std::string>> due;  // (item id, key): oldest first
    for (const auto& [key, q] : by_key) {
      if (q.empty() || in_flight.count(key)) continue;
      const Item& head = q.front();
      auto lane = lanes.find(head.lane);
      if (lane == lanes.end()) continue;
      int64_t at = head.next_ms;
      auto last = key_last_send.find(key);
      if (last != key_last_send.end()) {
        at = std::max(at, last->second + lane->second.lane.per_key_interval_ms);
      }
      if (at > now) {
        later(at);
      } else {
        due.emplace_back(head.id, key);
      }
    }
    std::sort(due.begin(), due.end());
    for (const auto& [id, key] : due) {
      Item& head = by_key[key].front();
      LaneState& ls = lanes[head.lane];
      if (ls.lane.rate_per_second > 0) {
        ls.tokens = std::min(ls.lane.burst, ls.tokens + static_cast<double>(now - ls.refill_ms) *
                                                            ls.lane.rate_per_second / 1000.0);
        ls.refill_ms = now;
        if (ls.tokens < 1) {
          later(now + std::max<int64_t>(
                          1, static_cast<int64_t>(std::ceil((1 - ls.tokens) * 1000.0 /
                                                            ls.lane.rate_per_second))));
          continue;
        }
        ls.tokens -= 1;
      }
      in_flight.insert(key);
      key_last_send[key] = now;
      OutboundRequest req = ls.lane.prepare ? ls.lane.prepare(head.request) : head.request;
      dispatch(Job{id, key, std::move(req)});
    }
    return next;
  }

  void finish(Finished& f) {
    in_flight.erase(f.job.key);
    auto q = by_key.find(f.job.key);
    if (q == by_key.end() || q->second.empty() || q->second.front().id != f.job.id) return;
    Item& it = q->second.front();
    const Lane& lane = lanes[it.lane].lane;
    int64_t now = opt.now_ms();
    Outcome o;
    if (!f.result) {
      o.kind = Outcome::Kind::retry;
      o.detail = std::string(to_string(f.result.error().code)) + ": " + f.result.error().detail;
    } else {
      o = lane.classify ? lane.classify(*f.result) : default_outcome(*f.result);
    }
    it.attempts++;
    OutboxEvent ev{OutboxEvent::Kind::delivered, it.id, it.lane, it.key, it.attempts, 0, o.detail};
    if (o.kind == Outcome::Kind::retry &&
        (it.attempts >= opt.max_attempts || now - it.created_ms >= opt.give_up_after_ms)) {
      o.kind = Outcome::Kind::failed;
      ev.detail += " (given up after " + std::to_string(it.attempts) + " attempts)";
    }
    // Written in the pass's transaction; the item leaves its queue and the
    // event is told once that committed (commit_pass).
    try {
      if (o.kind == Outcome::Kind::retry) {
        int64_t wait = o.retry_after_ms >= 0
                           ? std::max<int64_t>(1, o.retry_after_ms)
                           : backoff_delay_ms(it.attempts, opt.base_delay_ms, opt.max_delay_ms,
                                              opt.random());
        it.next_ms = now + wait;
        db->record_retry(it, o.detail);
        ev.kind = OutboxEvent::Kind::retry;
        ev.next_attempt_ms = it.next_ms;
      } else {
        bool ok = o.kind == Outcome::Kind::delivered;
        db->record_done(it, ok, now, o.detail);
        ev.kind = ok ? OutboxEvent::Kind::delivered : OutboxEvent::Kind::failed;
      }
      pass_answers.push_back(std::move(ev));
      return;
    } catch (const std::exception& e) {
      db->ok(&e);
      not_recorded(it, ev, now, e.what());
    }
    if (opt.on_event) opt.on_event(ev);
  }

  // The answer could not be recorded: the item stays pending and is sent
  // again after the backoff (at least once rather than lost).
  void not_recorded(Item& it, OutboxEvent& ev, int64_t now, const std::string& why) {
    it.next_ms = now + backoff_delay_ms(it.attempts, opt.base_delay_ms, opt.max_delay_ms,
                                        opt.random());
    ev.kind = OutboxEvent::Kind::retry;
    ev.next_attempt_ms = it.next_ms;
    ev.detail = "store_unavailable: " + why;
  }

  void owner_loop() {
    std::unique_lock lock(mu);
    while (true) {
      auto cmds = std::move(commands);
      commands.clear();
      auto fin = std::move(finished);
      finished.clear();
      bool stop = stopping;
      if (stop) {
        for (const auto& j : jobs) in_flight.erase(j.key);  // never started: stays pending
        jobs.clear();
      }
      lock.unlock();
      run_pass(cmds, fin);
      std::optional<int64_t> next;
      int64_t now = opt.now_ms();
      if (!stop) {
        purge(now);
        next = schedule(now, [this](Job j) {
          std::lock_guard g(mu);
          jobs.push_back(std::move(j));
          sender_cv.notify_one();
        });
      }
      lock.lock();
      if (!commands.empty() || !finished.empty() || woken || stopping != stop) {
        woken = false;
        continue;
      }
      // Stop once no send is under way; what was never sent stays pending in
      // the database and is resumed on the next start.
      if (stop && sending == 0) break;
      if (next && !stop) {
        owner_cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, *next - now)));
      } else {
        owner_cv.wait(lock);
      }
      woken = false;
    }
    senders_stop = true;
    sender_cv.notify_all();
  }

  void sender_loop() {
    std::unique_lock lock(mu);
    while (true) {
      sender_cv.wait(lock, [&] { return senders_stop || !jobs.empty(); });
      if (jobs.empty()) return;
      Job j = std::move(jobs.front());
      jobs.pop_front();
      ++sending;
      lock.unlock();
      auto r = transport.send(j.request);
      lock.lock();
      --sending;
      finished.push_back(Finished{std::move(j), std::move(r)});
      owner_cv.notify_one();
    }
  }

  // Runs `f` on the owner thread (or at the next run_once).
  void post(std::function<void()> f) {
    std::lock_guard lock(mu);
    commands.push_back(std::move(f));
    owner_cv.notify_one();
  }

  OutboxOptions opt;
  Transport& transport;
  std::unique_ptr<OutboxDb> db;

  std::mutex mu;  // guards the queues and flags below
  std::condition_variable owner_cv, sender_cv;
  std::deque<std::function<void()>> commands;
  std::deque<Job> jobs;
  std::deque<Finished> finished;
  bool stopping = false, senders_stop = false, woken = false, started = false;
  int sending = 0;  // jobs a sender has taken and not yet finished
  std::thread owner;
  std::vector<std::thread> senders;

  // Owner thread only.
  std::map<std::string, LaneState> lanes;
  std::map<std::string, std::deque<Item>> by_key;
  std::map<std::string, int64_t> key_last_send;
  std::set<std::string> in_flight;
  int64_t last_purge_ms = 0;
  // What the pass's transaction wrote (run_pass), applied after its commit.
  std::vector<Enqueued> pass_enqueued;
  std::vector<OutboxEvent> pass_answers;
  std::vector<std::function<void()>> pass_reads;  // get_mark's callbacks, with their values
};

Outbox::Outbox(OutboxOptions options, Transport& transport)
    : impl_(std::make_unique<Impl>(std::move(options), transport)) {}

Result<std::unique_ptr<Outbox>> Outbox::open(OutboxOptions options, Transport& transport) {
  auto box = std::make_unique<Outbox>(std::move(options), transport);
  try {
    box->impl_->open_db();
  } catch (const std::exception& e) {
    return Error(Code::store_unavailable, box->impl_->opt.path + ": " + e.what());
  }
  return box;
}

Outbox::~Outbox() {
  if (!impl_->started) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    impl_->owner_cv.notify_all();
  }
  impl_->owner.join();
  for (auto& t : impl_->senders) t.join();
}

void Outbox::add_lane(Lane lane) {
  std::string name = lane.name;
  double burst = lane.burst;
  impl_->lanes[name] = Impl::LaneState{std::move(lane), burst, impl_->opt.now_ms()};
}

void Outbox::start() {
  impl_->started = true;
  for (int i = 0; i < std::max(1, impl_->opt.senders); ++i) {
    impl_->senders.emplace_back([this] { impl_->sender_loop(); });
  }
  impl_->owner = std::thread([this] { impl_->owner_loop(); });
}

void Outbox::enqueue(std::vector<OutboxItem> items, std::vector<Mark> marks, Done done) {
  impl_->post([this, items = std::move(items), marks = std::move(marks), done = std::move(done)]() mutable {
    impl_->do_enqueue(items, marks, std::move(done));
  });
}

void Outbox::get_mark(std::string key,
                      std::function<void(Result<std::optional<std::string>>)> done) {
  impl_->post([this, key = std::move(key), done = std::move(done)] {
    impl_->pass_reads.push_back(
        [done, value = impl_->db->mark(key, impl_->opt.now_ms())] { done(value); });
  });
}

Result<OutboxStats> Outbox::stats() {
  if (!impl_->started) {
    run_once();
    return impl_->do_stats();
  }
  std::promise<Result<OutboxStats>> p;
  auto f = p.get_future();
  impl_->post([&] { p.set_value(impl_->do_stats()); });
  return f.get();
}

std::optional<int64_t> Outbox::run_once() {
  std::optional<int64_t> next;
  std::deque<Impl::Finished> fin;  // sent in one round, recorded in the next round's pass
  for (int round = 0; round < 1000; ++round) {
    std::deque<std::function<void()>> cmds;
    {
      std::lock_guard lock(impl_->mu);
      cmds.swap(impl_->commands);
    }
    if (round > 0 && cmds.empty() && fin.empty()) break;
    impl_->run_pass(cmds, fin);
    fin.clear();
    next = impl_->schedule(impl_->opt.now_ms(), [&](Impl::Job j) {
      auto r = impl_->transport.send(j.request);
      fin.push_back(Impl::Finished{std::move(j), std::move(r)});
    });
  }
  std::deque<std::function<void()>> none;
  impl_->run_pass(none, fin);  // after the last round allowed, what it sent
  return next;
}

void Outbox::wake() {
  std::lock_guard lock(impl_->mu);
  impl_->woken = true;
  impl_->owner_cv.notify_all();
}

}  // namespace calfbot::bot
