// The SQLite session store: durability before completion, group commit,
// replays that never duplicate, one bad write that fails alone, expiry.
#include "bot/conversation/session_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace calfbot::bot {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = fs::path(testing::TempDir()) /
            ("calfbot_store_" + std::to_string(getpid()) + "_" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

SessionWrite session_write(const std::string& id, int last_seq, int64_t expires = 1000) {
  SessionWrite w;
  w.session.id = id;
  w.session.token_hash = "hash-" + id;
  w.session.channel = "test";
  w.session.created_unix = 1;
  w.session.updated_unix = 2;
  w.session.expires_unix = expires;
  w.session.state_json = "{}";
  w.session.phase = Phase::asking;
  w.session.knowledge_version = "kv";
  w.session.last_seq = last_seq;
  for (int s = 1; s <= last_seq; ++s) {
    w.messages.push_back(
        {StoredMessage::Direction::out, s, "{\"seq\":" + std::to_string(s) + "}", 2});
  }
  return w;
}

// Writes and waits for the completion.
Status write_sync(SessionStore& store, SessionWrite w) {
  std::promise<Status> done;
  store.write(std::move(w), [&](Status s) { done.set_value(s); });
  return done.get_future().get();
}

std::unique_ptr<SessionStore> open(const std::string& path, SqliteStoreOptions o = {}) {
  o.path = path;
  auto r = open_sqlite_store(o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().detail);
  return r ? std::move(*r) : nullptr;
}

std::vector<int> seqs(const std::vector<StoredMessage>& ms) {
  std::vector<int> out;
  for (const auto& m : ms) out.push_back(m.seq);
  return out;
}

TEST(SessionStore, WrittenSessionIsFoundByTokenHash) {
  TempDir dir;
  auto store = open(dir.file("s.db"));
  ASSERT_TRUE(write_sync(*store, session_write("a", 2)));
  auto found = store->find_by_token_hash("hash-a");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "a");
  EXPECT_EQ((*found)->channel, "test");
  EXPECT_EQ((*found)->last_seq, 2);
  EXPECT_EQ((*found)->phase, Phase::asking);
  auto missing = store->find_by_token_hash("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST(SessionStore, CompletionComesOnlyAfterCommit) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  auto store = open(path);
  std::promise<int> rows_seen;
  store->write(session_write("a", 3), [&](Status s) {
    ASSERT_TRUE(s);
    // Another connection sees the rows: the transaction has committed.
    SQLite::Database other(path, SQLite::OPEN_READONLY);
    rows_seen.set_value(other.execAndGet("SELECT count(*) FROM messages").getInt());
  });
  EXPECT_EQ(rows_seen.get_future().get(), 3);
}

TEST(SessionStore, ReplayedWriteNeverDuplicatesMessages) {
  TempDir dir;
  auto store = open(dir.file("s.db"));
  ASSERT_TRUE(write_sync(*store, session_write("a", 2)));
  ASSERT_TRUE(write_sync(*store, session_write("a", 2)));
  ASSERT_TRUE(write_sync(*store, session_write("a", 3)));
  auto ms = store->messages("a", 0, true);
  ASSERT_TRUE(ms);
  EXPECT_EQ(seqs(*ms), (std::vector<int>{1, 2, 3}));
}

TEST(SessionStore, MessagesAfterABotMessage) {
  TempDir dir;
  auto store = open(dir.file("s.db"));
  SessionWrite w = session_write("a", 2);
  ASSERT_TRUE(write_sync(*store, w));
  w.session.last_seq = 4;
  w.messages = {{StoredMessage::Direction::in, 1, "{\"text\":\"hi\"}", 3},
                {StoredMessage::Direction::out, 3, "{}", 3},
                {StoredMessage::Direction::out, 4, "{}", 3}};
  ASSERT_TRUE(write_sync(*store, w));
  auto out_only = store->messages("a", 2, false);
  ASSERT_TRUE(out_only);
  EXPECT_EQ(seqs(*out_only), (std::vector<int>{3, 4}));
  auto both = store->messages("a", 2, true);
  ASSERT_TRUE(both);
  ASSERT_EQ(both->size(), 3u);
  EXPECT_EQ((*both)[0].direction, StoredMessage::Direction::in);
  EXPECT_EQ((*both)[0].body, "{\"text\":\"hi\"}");
  EXPECT_EQ(seqs(*store->messages("a", 0, true)), (std::vector<int>{1, 2, 1, 3, 4}));
  EXPECT_TRUE(store->messages("a", 4, true)->empty());
}

TEST(SessionStore, ManyWritesShareFewCommits) {
  TempDir dir;
  std::mutex mu;
  std::vector<size_t> batches;
  SqliteStoreOptions o;
  o.batch_max = 64;
  o.on_commit = [&](size_t n, double) {
    std::lock_guard lock(mu);
    batches.push_back(n);
  };
  auto store = open(dir.file("s.db"), o);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store->write(session_write("s" + std::to_string(t * kPerThread + i), 1),
                     [&](Status s) { ok += s ? 1 : 0; });
      }
    });
  }
  for (auto& th : threads) th.join();
  store->flush();
  EXPECT_EQ(ok, kThreads * kPerThread);
  std::lock_guard lock(mu);
  size_t total = 0;
  for (size_t b : batches) {
    EXPECT_LE(b, 64u);
    total += b;
  }
  EXPECT_EQ(total, static_cast<size_t>(kThreads * kPerThread));
  EXPECT_LT(batches.size(), static_cast<size_t>(kThreads * kPerThread) / 2)
      << "writes queued together should commit together";
}

// The WAL is copied into the database on a thread of its own: a commit never
// waits for a checkpoint, and the data survives it.
TEST(SessionStore, CheckpointsRunBesideTheWriterNotInIt) {
  TempDir dir;
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::thread::id> writer, checkpointer;
  int pages_copied = 0;
  SqliteStoreOptions o;
  o.checkpoint_pages = 1000;
  o.on_commit = [&](size_t, double) {
    std::lock_guard lock(mu);
    writer.insert(std::this_thread::get_id());
  };
  o.on_checkpoint = [&](int pages, double) {
    std::lock_guard lock(mu);
    checkpointer.insert(std::this_thread::get_id());
    pages_copied += pages;
    cv.notify_all();
  };
  auto store = open(dir.file("s.db"), o);
  // About 6 MiB of state: past the 1,000-page (4 MiB) threshold.
  for (int i = 0; i < 300; ++i) {
    SessionWrite w = session_write("s" + std::to_string(i), 1);
    w.session.state_json = std::string(20000, static_cast<char>('a' + i % 26));
    store->write(std::move(w), [](Status s) { ASSERT_TRUE(s); });
  }
  store->flush();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return pages_copied > 0; }))
        << "no checkpoint ran after 6 MiB of commits";
    ASSERT_EQ(writer.size(), 1u);
    EXPECT_EQ(checkpointer.count(*writer.begin()), 0u) << "the writer ran a checkpoint itself";
  }
  store.reset();
  // Every write is in the database file once the store is closed.
  SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sessions").getInt(), 300);
  EXPECT_EQ(db.execAndGet("SELECT state FROM sessions WHERE id = 's299'").getString(),
            std::string(20000, static_cast<char>('a' + 299 % 26)));
}

// Holds the writer thread inside on_commit until released, so that writes
// pile up in the queue behind it.
class BlockedWriter {
 public:
  SqliteStoreOptions options(int queue_max) {
    SqliteStoreOptions o;
    o.queue_max = queue_max;
    o.on_commit = [this](size_t, double) {
      std::call_once(once_, [&] {
        entered_.set_value();
        release_.get_future().wait();
      });
    };
    return o;
  }
  void wait_until_blocked() { entered_.get_future().wait(); }
  void release() { release_.set_value(); }

 private:
  std::once_flag once_;
  std::promise<void> entered_;
  std::promise<void> release_;
};

TEST(SessionStore, FullQueueIsOverloadedNotBlocked) {
  TempDir dir;
  BlockedWriter blocked;
  auto store = open(dir.file("s.db"), blocked.options(2));
  store->write(session_write("first", 1), [](Status) {});
  blocked.wait_until_blocked();
  std::atomic<int> ok{0};
  store->write(session_write("b", 1), [&](Status s) { ok += s ? 1 : 0; });
  store->write(session_write("c", 1), [&](Status s) { ok += s ? 1 : 0; });
  std::optional<Status> third;
  store->write(session_write("d", 1), [&](Status s) { third = s; });
  ASSERT_TRUE(third.has_value()) << "a full queue answers at once";
  ASSERT_FALSE(*third);
  EXPECT_EQ(third->error().code, bot::Code::store_overloaded);
  blocked.release();
  store->flush();
  EXPECT_EQ(ok, 2);
}

TEST(SessionStore, OneBadWriteFailsAloneInItsBatch) {
  TempDir dir;
  BlockedWriter blocked;
  auto store = open(dir.file("s.db"), blocked.options(100));
  store->write(session_write("first", 1), [](Status) {});
  blocked.wait_until_blocked();
  std::vector<std::string> results(3);
  SessionWrite bad = session_write("bad", 1);
  bad.session.token_hash = "hash-first";  // another session's: violates UNIQUE
  store->write(session_write("good1", 1), [&](Status s) { results[0] = s ? "ok" : std::string(to_string(s.error().code)); });
  store->write(bad, [&](Status s) { results[1] = s ? "ok" : std::string(to_string(s.error().code)); });
  store->write(session_write("good2", 1), [&](Status s) { results[2] = s ? "ok" : std::string(to_string(s.error().code)); });
  blocked.release();
  store->flush();
  EXPECT_EQ(results, (std::vector<std::string>{"ok", "store_unavailable", "ok"}));
  EXPECT_TRUE(*store->find_by_token_hash("hash-good2"));
  EXPECT_FALSE(*store->find_by_token_hash("hash-bad"));
}

TEST(SessionStore, EverythingSurvivesReopeningInWalMode) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  {
    auto store = open(path);
    for (int i = 0; i < 10; ++i) store->write(session_write("s" + std::to_string(i), 2), [](Status) {});
  }  // destroying the store finishes the queued writes
  SQLite::Database check(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(check.execAndGet("PRAGMA journal_mode").getString(), "wal");
  auto store = open(path);
  EXPECT_EQ(*store->count_unfinished(), 10);
  auto found = store->find_by_token_hash("hash-s7");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(seqs(*store->messages("s7", 0, false)), (std::vector<int>{1, 2}));
}

TEST(SessionStore, DueToExpireListsIdleUnexpiredSessionsSoonestFirst) {
  TempDir dir;
  auto store = open(dir.file("s.db"));
  ASSERT_TRUE(write_sync(*store, session_write("late", 1, 300)));
  ASSERT_TRUE(write_sync(*store, session_write("early", 1, 100)));
  ASSERT_TRUE(write_sync(*store, session_write("future", 1, 9999)));
  SessionWrite gone = session_write("gone", 1, 50);
  gone.session.phase = Phase::expired;
  ASSERT_TRUE(write_sync(*store, gone));
  auto due = store->due_to_expire(500, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, "early");
  EXPECT_EQ((*due)[1].id, "late");
  EXPECT_EQ(store->due_to_expire(500, 1)->size(), 1u);
}

// The retention purge deletes through the writer (one writer per database):
// the sessions named and those expired before the cutoff, with their
// messages, and nothing else.
TEST(SessionStore, PurgeDeletesNamedAndLongExpiredSessionsThroughTheWriter) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  auto store = open(path);
  ASSERT_TRUE(write_sync(*store, session_write("named", 2)));
  ASSERT_TRUE(write_sync(*store, session_write("live", 2)));
  SessionWrite old = session_write("old", 2);
  old.session.phase = Phase::expired;
  ASSERT_TRUE(write_sync(*store, old));
  SessionWrite recent = session_write("recent", 2);
  recent.session.phase = Phase::expired;
  recent.session.updated_unix = 100;
  ASSERT_TRUE(write_sync(*store, recent));
  std::promise<Result<int>> purged;
  store->purge({"named"}, 50, [&](Result<int> n) { purged.set_value(n); });
  auto n = purged.get_future().get();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  for (const char* id : {"named", "old"}) {
    EXPECT_FALSE(*store->find_by_id(id)) << id;
    EXPECT_TRUE(store->messages(id, 0, true)->empty()) << id;
  }
  for (const char* id : {"live", "recent"}) {
    ASSERT_TRUE(*store->find_by_id(id)) << id;
    EXPECT_EQ((*store->find_by_id(id))->id, id);
    EXPECT_EQ(seqs(*store->messages(id, 0, false)), (std::vector<int>{1, 2})) << id;
  }
}

TEST(SessionStore, MemoryDatabaseIsRefused) {
  SqliteStoreOptions o;
  o.path = ":memory:";
  auto r = open_sqlite_store(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bot::Code::store_unavailable);
}

TEST(SessionStore, UnopenableFileIsAnError) {
  SqliteStoreOptions o;
  o.path = "/nonexistent-dir/calfbot.db";
  auto r = open_sqlite_store(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bot::Code::store_unavailable);
  EXPECT_NE(r.error().detail.find("/nonexistent-dir/calfbot.db"), std::string::npos);
}

}  // namespace
}  // namespace calfbot::bot
