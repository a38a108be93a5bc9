// What the conversation service's tests share: the engine on the built-in
// knowledge, an in-memory store that can fail or hold writes, a SQLite file
// of the test's own, and calls that wait for the service's callbacks.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/conversation/conversation_service.h"
#include "bot/message_json.h"
#include "knowledge/loader.h"

namespace calfbot::bot::service_testing {

namespace fs = std::filesystem;

inline const dialog::Engine& engine() {
  static const auto* e = [] {
    auto r = knowledge::load_embedded();
    return new dialog::Engine(r.knowledge, dialog::EngineSettings{});
  }();
  return *e;
}

// An in-memory SessionStore that can fail writes or hold their completions.
class FakeStore : public SessionStore {
 public:
  void write(SessionWrite w, Done done) override {
    std::unique_lock lock(mu_);
    if (fail_next_ > 0) {
      --fail_next_;
      lock.unlock();
      return done(Error{Code::store_unavailable, "fake failure"});
    }
    if (hold_) {
      held_.push_back([this, w = std::move(w), done = std::move(done)]() mutable {
        {
          std::lock_guard relock(mu_);
          apply(w);
        }
        done(Status());
      });
      return;
    }
    apply(w);
    lock.unlock();
    done(Status());
  }
  Result<std::optional<SessionRecord>> find_by_token_hash(const std::string& h) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, r] : sessions_) {
      if (r.token_hash == h) return std::optional<SessionRecord>(r);
    }
    return std::optional<SessionRecord>();
  }
  Result<std::optional<SessionRecord>> find_by_id(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    return it == sessions_.end() ? std::optional<SessionRecord>() : std::optional<SessionRecord>(it->second);
  }
  void purge(std::vector<std::string> ids, int64_t expired_before,
             std::function<void(Result<int>)> done) override {
    int n = 0;
    {
      std::lock_guard lock(mu_);
      for (auto it = sessions_.begin(); it != sessions_.end();) {
        bool named = std::find(ids.begin(), ids.end(), it->first) != ids.end();
        bool old = it->second.phase == Phase::expired && it->second.updated_unix < expired_before;
        if (!named && !old) {
          ++it;
          continue;
        }
        messages_.erase(it->first);
        it = sessions_.erase(it);
        ++n;
      }
    }
    done(n);
  }
  Result<std::vector<StoredMessage>> messages(const std::string& id, int after, bool with_inputs) override {
    std::lock_guard lock(mu_);
    std::vector<StoredMessage> out;
    bool past = after == 0;
    for (const auto& m : messages_[id]) {
      bool out_dir = m.direction == StoredMessage::Direction::out;
      if (out_dir && m.seq > after) past = true;
      if (past && (out_dir || with_inputs)) out.push_back(m);
    }
    return out;
  }
  Result<std::vector<SessionRecord>> due_to_expire(int64_t now, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<SessionRecord> out;
    for (const auto& [id, r] : sessions_) {
      if (r.phase != Phase::expired && r.expires_unix <= now && static_cast<int>(out.size()) < limit) {
        out.push_back(r);
      }
    }
    return out;
  }
  Result<int64_t> count_unfinished() override { return int64_t{0}; }
  void flush() override {}

  void fail_next(int n) {
    std::lock_guard lock(mu_);
    fail_next_ = n;
  }
  void hold(bool on) {
    std::lock_guard lock(mu_);
    hold_ = on;
  }
  void release_held() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (auto& f : held) f();
  }
  size_t held() {
    std::lock_guard lock(mu_);
    return held_.size();
  }

 private:
  void apply(const SessionWrite& w) {  // mu_ held
    sessions_[w.session.id] = w.session;
    auto& list = messages_[w.session.id];
    for (const auto& m : w.messages) {
      bool dup = false;
      for (const auto& x : list) dup = dup || (x.direction == m.direction && x.seq == m.seq);
      if (!dup) list.push_back(m);
    }
  }

  std::mutex mu_;
  std::map<std::string, SessionRecord> sessions_;
  std::map<std::string, std::vector<StoredMessage>> messages_;
  int fail_next_ = 0;
  bool hold_ = false;
  std::vector<std::function<void()>> held_;
};

template <class T>
Result<T> wait(std::function<void(ConversationService::Callback<T>)> call) {
  std::promise<Result<T>> p;
  call([&](Result<T> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

inline Started start(ConversationService& s, const std::string& channel = "test") {
  auto r = wait<Started>([&](auto cb) { s.start(Channel{channel, ""}, cb); });
  EXPECT_TRUE(r.has_value()) << (r ? "" : std::string(to_string(r.error().code)));
  return *r;
}

inline Result<Delivery> say(ConversationService& s, const std::string& token, const std::string& text) {
  return wait<Delivery>(
      [&](auto cb) { s.post(token, dialog::Input{dialog::Input::Kind::text, text, 0, 0}, cb); });
}

inline Result<Delivery> resume(ConversationService& s, const std::string& token, int last_seq) {
  return wait<Delivery>([&](auto cb) { s.resume(token, last_seq, cb); });
}

inline std::string last_question_slot(const std::vector<dialog::Message>& ms) {
  std::string slot;
  for (const auto& m : ms) {
    if (const auto* q = std::get_if<dialog::QuestionMessage>(&m)) slot = q->slot;
  }
  return slot;
}

// Messages as a client gets them: each one's JSON (bot/message_json.h).
inline nlohmann::json wire(const std::vector<dialog::Message>& ms) { return messages_json(ms); }

// What a delivery shows the client, parsed: its texts, the patient's own
// messages among them in a full replay.
inline nlohmann::json shown(const Delivery& d) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : d.texts) out.push_back(nlohmann::json::parse(t));
  return out;
}

class TempDb {
 public:
  TempDb()
      : path_(fs::path(testing::TempDir()) /
              ("calfbot_service_" + std::to_string(getpid()) + "_" +
               testing::UnitTest::GetInstance()->current_test_info()->name() + ".db")) {
    remove();
  }
  ~TempDb() { remove(); }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  std::string path() const { return path_.string(); }
  std::unique_ptr<SessionStore> open() const {
    SqliteStoreOptions o;
    o.path = path();
    auto store = open_sqlite_store(o);
    return std::move(*store);
  }

 private:
  void remove() {
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_.string() + ext);
  }
  fs::path path_;
};

}  // namespace calfbot::bot::service_testing
