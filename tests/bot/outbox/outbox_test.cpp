// The outbox with a fake clock, a fixed random source and a scripted
// transport: retries with backoff, per-key order, rate limits, marks,
// de-duplication, resuming after a restart, and one commit per pass.
#include "bot/outbox/outbox.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "adapters/http_client.h"

namespace calfbot::bot {
namespace {

using adapters::FakeHttpClient;

// The fake, and a hook run once at the next send (to queue calls then).
class HookedTransport : public Transport {
 public:
  explicit HookedTransport(FakeHttpClient& inner) : inner_(inner) {}
  Result<OutboundResponse> send(const OutboundRequest& request) override {
    if (auto hook = std::exchange(on_send, nullptr)) hook();
    return inner_.send(request);
  }
  std::function<void()> on_send;

 private:
  FakeHttpClient& inner_;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("calfbot_outbox_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    box_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + ext);
  }

  void open(Transport* transport = nullptr) {
    OutboxOptions o;
    o.path = path_.string();
    o.now_ms = [this] { return now_; };
    o.random = [] { return 0.5; };
    o.base_delay_ms = 1000;
    o.max_delay_ms = 60000;
    o.max_attempts = 5;
    o.on_event = [this](const OutboxEvent& e) { events_.push_back(e); };
    auto b = Outbox::open(o, transport ? *transport : http_);
    ASSERT_TRUE(b) << b.error().detail;
    box_ = std::move(*b);
    box_->add_lane(Lane{"chat", 0, 1, 0, nullptr, nullptr});
  }

  OutboxItem item(const std::string& key, const std::string& body, const std::string& dedupe = "") {
    return OutboxItem{"chat", key, {"POST", "http://127.0.0.1:9/send", {{"Content-Type", "text/plain"}}, body}, dedupe};
  }

  void put(std::vector<OutboxItem> items, std::vector<Mark> marks = {}) {
    bool ok = false;
    box_->enqueue(std::move(items), std::move(marks), [&](Status s) { ok = bool(s); });
    box_->run_once();
    ASSERT_TRUE(ok);
  }

  std::vector<std::string> bodies() {
    std::vector<std::string> out;
    for (const auto& r : http_.sent()) out.push_back(r.body);
    return out;
  }

  // The commits in the outbox's WAL file, read from the file itself: each
  // transaction ends with one frame whose header holds the database size
  // after it (0 in the other frames). Frames of an older WAL generation
  // (other salts) end the count; the tests stay far below a checkpoint.
  int wal_commits() {
    std::ifstream f(path_.string() + "-wal", std::ios::binary);
    std::string wal((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto be32 = [&](size_t at) {
      uint32_t v = 0;
      for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(wal[at + i]);
      return v;
    };
    if (wal.size() < 32) return 0;
    size_t frame = 24 + be32(8);  // frame header + page
    int commits = 0;
    for (size_t at = 32; at + frame <= wal.size(); at += frame) {
      if (be32(at + 8) != be32(16) || be32(at + 12) != be32(20)) break;
      if (be32(at + 4) != 0) ++commits;
    }
    return commits;
  }

  std::optional<std::string> mark(const std::string& key) {
    std::optional<std::string> got;
    box_->get_mark(key, [&](auto r) { got = r ? *r : std::optional<std::string>("error"); });
    box_->run_once();
    return got;
  }

  std::filesystem::path path_;
  int64_t now_ = 1'700'000'000'000;
  FakeHttpClient http_;
  std::unique_ptr<Outbox> box_;
  std::vector<OutboxEvent> events_;
};

TEST(Backoff, DoublesWithEqualJitterUpToTheCap) {
  EXPECT_EQ(backoff_delay_ms(1, 1000, 60000, 0.0), 500);
  EXPECT_EQ(backoff_delay_ms(1, 1000, 60000, 1.0), 1000);
  EXPECT_EQ(backoff_delay_ms(3, 1000, 60000, 0.5), 3000);
  EXPECT_EQ(backoff_delay_ms(30, 1000, 60000, 1.0), 60000);
  EXPECT_EQ(backoff_delay_ms(30, 1000, 60000, 0.0), 30000);
}

TEST(DefaultOutcome, ByStatus) {
  EXPECT_EQ(default_outcome({204, {}, ""}).kind, Outcome::Kind::delivered);
  EXPECT_EQ(default_outcome({404, {}, ""}).kind, Outcome::Kind::failed);
  EXPECT_EQ(default_outcome({401, {}, ""}).kind, Outcome::Kind::retry);
  auto o = default_outcome({429, {{"retry-after", "12"}}, ""});
  EXPECT_EQ(o.kind, Outcome::Kind::retry);
  EXPECT_EQ(o.retry_after_ms, 12000);
}

TEST_F(OutboxTest, RetriesWithBackoffUntilAcceptedThenOnce) {
  open();
  http_.push_status(503);
  http_.push(Error(Code::http_connect_failed, "refused"));
  put({item("k", "hello")});
  EXPECT_EQ(bodies().size(), 1u);
  ASSERT_EQ(events_.back().kind, OutboxEvent::Kind::retry);
  EXPECT_EQ(events_.back().next_attempt_ms, now_ + 750);  // attempt 1: 1000 * (0.5 + 0.5/2)
  now_ += 749;
  box_->run_once();
  EXPECT_EQ(bodies().size(), 1u);  // not yet due
  now_ += 1;
  box_->run_once();
  EXPECT_EQ(bodies().size(), 2u);
  EXPECT_EQ(events_.back().next_attempt_ms, now_ + 1500);  // attempt 2: 2000 * 0.75
  now_ += 1500;
  box_->run_once();
  EXPECT_EQ(bodies().size(), 3u);
  EXPECT_EQ(events_.back().kind, OutboxEvent::Kind::delivered);
  now_ += 100000;
  box_->run_once();
  EXPECT_EQ(bodies().size(), 3u);  // delivered once
  auto s = box_->stats();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->delivered, 1);
  EXPECT_EQ(s->pending, 0);
}

TEST_F(OutboxTest, OneKeyInOrderAndALaterItemWaitsForTheFailingHead) {
  open();
  http_.push_status(500);
  put({item("a", "a1"), item("a", "a2"), item("b", "b1")});
  // a1 failed: a2 waits behind it; b is another key and goes.
  EXPECT_EQ(bodies(), (std::vector<std::string>{"a1", "b1"}));
  now_ += 1000;
  box_->run_once();
  EXPECT_EQ(bodies(), (std::vector<std::string>{"a1", "b1", "a1", "a2"}));
}

TEST_F(OutboxTest, PermanentFailureIsGivenUpAndTheNextGoes) {
  open();
  http_.push_status(400);
  put({item("a", "a1"), item("a", "a2")});
  EXPECT_EQ(bodies(), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(events_[0].kind, OutboxEvent::Kind::failed);
  EXPECT_EQ(box_->stats()->failed, 1);
}

TEST_F(OutboxTest, GivesUpAfterMaxAttempts) {
  open();
  for (int i = 0; i < 5; ++i) http_.push_status(503);
  put({item("a", "a1")});
  for (int i = 0; i < 10; ++i) {
    now_ += 120000;
    box_->run_once();
  }
  EXPECT_EQ(bodies().size(), 5u);
  EXPECT_EQ(events_.back().kind, OutboxEvent::Kind::failed);
  EXPECT_NE(events_.back().detail.find("given up after 5 attempts"), std::string::npos);
}

TEST_F(OutboxTest, RetryAfterFromTheDestinationWins) {
  open();
  http_.push(OutboundResponse{429, {{"retry-after", "30"}}, ""});
  put({item("a", "a1")});
  EXPECT_EQ(events_.back().next_attempt_ms, now_ + 30000);
}

TEST_F(OutboxTest, PerKeyIntervalAndLaneRate) {
  open();
  box_->add_lane(Lane{"slow", 2.0, 2.0, 1000, nullptr, nullptr});
  std::vector<OutboxItem> items;
  for (const char* k : {"x", "y", "z"}) {
    for (int i = 1; i <= 2; ++i) {
      auto it = item(k, std::string(k) + std::to_string(i));
      it.lane = "slow";
      items.push_back(it);
    }
  }
  put(items);
  // A burst of 2 over the lane: x1 and y1 (oldest first).
  EXPECT_EQ(bodies(), (std::vector<std::string>{"x1", "y1"}));
  now_ += 500;  // one token back; x and y must wait 1 s between their own sends
  box_->run_once();
  EXPECT_EQ(bodies(), (std::vector<std::string>{"x1", "y1", "z1"}));
  now_ += 500;
  box_->run_once();
  EXPECT_EQ(bodies(), (std::vector<std::string>{"x1", "y1", "z1", "x2"}));
  now_ += 500;
  box_->run_once();
  EXPECT_EQ(bodies().back(), "y2");
  now_ += 500;
  box_->run_once();
  EXPECT_EQ(bodies().back(), "z2");
  EXPECT_EQ(bodies().size(), 6u);
}

TEST_F(OutboxTest, PrepareAddsWhatIsNotStored) {
  open();
  box_->add_lane(Lane{"auth", 0, 1, 0,
                      [](OutboundRequest r) {
                        r.url = "http://127.0.0.1:1/base" + r.url;
                        r.headers.emplace_back("Authorization", "Bearer secret");
                        return r;
                      },
                      nullptr});
  auto it = item("k", "b");
  it.lane = "auth";
  it.request.url = "/messages";
  put({it});
  ASSERT_EQ(http_.sent().size(), 1u);
  EXPECT_EQ(http_.sent()[0].url, "http://127.0.0.1:1/base/messages");
  EXPECT_EQ(http_.sent()[0].headers.back().second, "Bearer secret");
}

TEST_F(OutboxTest, DedupeIdsAndMarksInOneTransaction) {
  open();
  put({item("k", "one", "d1")}, {{"event:1", "done", 0}, {"gone", "x", 1}});
  put({item("k", "again", "d1")});
  EXPECT_EQ(bodies(), std::vector<std::string>{"one"});
  std::optional<std::string> got, gone = "unset";
  box_->get_mark("event:1", [&](auto r) { got = *r; });
  box_->get_mark("gone", [&](auto r) { gone = *r; });
  box_->run_once();
  EXPECT_EQ(got, "done");
  EXPECT_FALSE(gone);  // expired
}

TEST_F(OutboxTest, ARestartResumesWhatWasPending) {
  open();
  http_.push_status(503);
  put({item("k", "first"), item("k", "second")});
  box_.reset();
  open();
  now_ += 10000;
  box_->run_once();
  EXPECT_EQ(bodies(), (std::vector<std::string>{"first", "first", "second"}));
}

TEST_F(OutboxTest, CallsQueuedTogetherShareOneCommitAndSoDoTheirAnswers) {
  open();
  put({item("warm", "w")});
  int before = wal_commits();
  ASSERT_GT(before, 0);
  int ok = 0;
  std::optional<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto it = item("k" + std::to_string(i), std::to_string(i));
    it.lane = "later";  // not registered yet: nothing is sent in this run
    box_->enqueue({it}, {{"m" + std::to_string(i), "v", 0}}, [&](Status s) { ok += bool(s); });
  }
  // Runs in the same pass, after the enqueues: sees what they wrote.
  box_->get_mark("m7", [&](auto r) { seen = r ? *r : std::optional<std::string>("error"); });
  box_->run_once();
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(seen, "v");
  EXPECT_EQ(wal_commits() - before, 1);
  EXPECT_EQ(box_->stats()->pending, 20);

  box_->add_lane(Lane{"later", 0, 1, 0, nullptr, nullptr});
  before = wal_commits();
  box_->run_once();  // 20 sends, their 20 answers recorded in one pass
  EXPECT_EQ(bodies().size(), 21u);
  EXPECT_EQ(wal_commits() - before, 1);
  EXPECT_EQ(box_->stats()->delivered, 21);
}

TEST_F(OutboxTest, OneFailingEnqueueFailsAloneInItsPass) {
  open();
  {
    SQLite::Database db(path_.string(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN CAST(NEW.body AS TEXT) = 'bad'"
            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }
  std::vector<std::optional<Status>> got(3);
  box_->enqueue({item("a", "a1")}, {{"ma", "1", 0}}, [&](Status s) { got[0] = s; });
  // b1 is written before the refusal: undone with the rest of its call.
  box_->enqueue({item("b", "b1"), item("b", "bad")}, {{"mb", "1", 0}}, [&](Status s) { got[1] = s; });
  box_->enqueue({item("c", "c1")}, {{"mc", "1", 0}}, [&](Status s) { got[2] = s; });
  box_->run_once();
  ASSERT_TRUE(got[0] && got[1] && got[2]);
  EXPECT_TRUE(*got[0]);
  ASSERT_FALSE(*got[1]);
  EXPECT_EQ(got[1]->error().code, bot::Code::store_unavailable);
  EXPECT_NE(got[1]->error().detail.find("refused by the test"), std::string::npos);
  EXPECT_TRUE(*got[2]);
  EXPECT_EQ(bodies(), (std::vector<std::string>{"a1", "c1"}));
  EXPECT_EQ(mark("ma"), "1");
  EXPECT_FALSE(mark("mb"));
  EXPECT_EQ(mark("mc"), "1");
  auto s = box_->stats();
  EXPECT_EQ(s->delivered, 2);
  EXPECT_EQ(s->pending, 0);
}

TEST_F(OutboxTest, APassSQLiteRollsBackFailsEveryEnqueueAndKeepsItsAnswersPending) {
  HookedTransport transport(http_);
  open(&transport);
  {
    SQLite::Database db(path_.string(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TRIGGER doom BEFORE INSERT ON outbox WHEN CAST(NEW.body AS TEXT) = 'doom'"
            " BEGIN SELECT RAISE(ROLLBACK, 'doom by the test'); END");
  }
  std::vector<std::optional<Status>> got(3);
  // Queued while x1 is sent: they run in the pass that records its answer,
  // after it; the second one makes SQLite roll back the whole transaction.
  transport.on_send = [&] {
    box_->enqueue({item("a", "a1")}, {{"ma", "1", 0}}, [&](Status s) { got[0] = s; });
    box_->enqueue({item("d", "doom")}, {}, [&](Status s) { got[1] = s; });
    box_->enqueue({item("c", "c1")}, {}, [&](Status s) { got[2] = s; });
  };
  put({item("x", "x1")});
  for (const auto& g : got) {
    ASSERT_TRUE(g);
    ASSERT_FALSE(*g);
    EXPECT_EQ(g->error().code, bot::Code::store_unavailable);
    EXPECT_NE(g->error().detail.find("doom by the test"), std::string::npos);
  }
  EXPECT_EQ(bodies(), std::vector<std::string>{"x1"});
  ASSERT_EQ(events_.back().kind, OutboxEvent::Kind::retry);  // x1's delivery was not recorded
  EXPECT_NE(events_.back().detail.find("store_unavailable"), std::string::npos);
  EXPECT_EQ(box_->stats()->pending, 1);
  EXPECT_FALSE(mark("ma"));
  now_ += 750;  // the backoff: x1 again (at least once), and nothing of a or c
  box_->run_once();
  EXPECT_EQ(bodies(), (std::vector<std::string>{"x1", "x1"}));
  put({item("a", "a2")});  // the next pass works
  EXPECT_EQ(bodies(), (std::vector<std::string>{"x1", "x1", "a2"}));
  auto s = box_->stats();
  EXPECT_EQ(s->delivered, 2);
  EXPECT_EQ(s->pending, 0);
}

TEST_F(OutboxTest, DoneHearsOfSuccessOnlyOnceCommitted) {
  open();
  SQLite::Database other(path_.string(), SQLite::OPEN_READWRITE);
  int durable = 0;
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    auto it = item("k" + n, n);
    it.lane = "later";  // kept pending
    box_->enqueue({it}, {{"m" + n, "v", 0}}, [&, n](Status s) {
      ASSERT_TRUE(s);
      // Another connection sees only committed rows.
      SQLite::Statement q(other,
                          "SELECT (SELECT COUNT(*) FROM outbox WHERE key = ?1)"
                          " + (SELECT COUNT(*) FROM outbox_marks WHERE key = ?2)");
      q.bind(1, "k" + n);
      q.bind(2, "m" + n);
      ASSERT_TRUE(q.executeStep());
      if (q.getColumn(0).getInt() == 2) ++durable;
    });
  }
  box_->run_once();
  EXPECT_EQ(durable, 3);
}

TEST_F(OutboxTest, ThreadsDeliverEverythingInOrderPerKey) {
  OutboxOptions o;
  o.path = path_.string();
  o.senders = 3;
  auto b = Outbox::open(o, http_);
  ASSERT_TRUE(b);
  (*b)->add_lane(Lane{"chat", 0, 1, 0, nullptr, nullptr});
  (*b)->start();
  std::vector<OutboxItem> items;
  for (int i = 0; i < 20; ++i) items.push_back(item("k" + std::to_string(i % 4), std::to_string(i)));
  std::promise<bool> done;
  (*b)->enqueue(items, {}, [&](Status s) { done.set_value(bool(s)); });
  ASSERT_TRUE(done.get_future().get());
  for (int i = 0; i < 200 && (*b)->stats()->delivered < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ((*b)->stats()->delivered, 20);
  b->reset();
  std::map<std::string, int> last;
  for (const auto& r : http_.sent()) {
    int n = std::stoi(r.body);
    std::string key = "k" + std::to_string(n % 4);
    if (last.count(key)) {
      EXPECT_GT(n, last[key]);
    }
    last[key] = n;
  }
}

}  // namespace
}  // namespace calfbot::bot
