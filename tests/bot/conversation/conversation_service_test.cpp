// The conversation service: tokens, durable turns, resume after last_seq and
// after a restart, per-session ordering, expiry with a safety net, and
// failures that change nothing.
#include "bot/conversation/conversation_service.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "tests/bot/conversation/service_support.h"

namespace calfbot::bot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using namespace service_testing;

TEST(ConversationService, StartGivesAnUnguessableTokenAndTheFirstQuestion) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  Started a = start(service);
  Started b = start(service);
  EXPECT_EQ(a.token.size(), 43u) << "256 bits, base64url without padding";
  EXPECT_EQ(a.token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.session_id, b.session_id);
  EXPECT_EQ(last_question_slot(a.messages), "complaint");
  // Only the token's hash is stored.
  store.reset();
  SQLite::Database check(db.path(), SQLite::OPEN_READONLY);
  SQLite::Statement q(check, "SELECT token_hash FROM sessions WHERE id = ?");
  q.bind(1, a.session_id);
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), ConversationService::hash_token(a.token));
  EXPECT_EQ(check.execAndGet("SELECT count(*) FROM sessions WHERE state LIKE '%" + a.token + "%'")
                .getInt(),
            0);
}

TEST(ConversationService, EachTurnStoresTheInputAndTheReplies) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  Started s = start(service);
  auto r = say(service, s.token, "my left calf aches after running");
  ASSERT_TRUE(r);
  ASSERT_FALSE(wire(r->messages).empty());
  EXPECT_EQ(wire(r->messages).front()["seq"], 3);
  EXPECT_EQ(r->last_seq, wire(r->messages).back()["seq"]);
  auto t = service.transcript(s.token, 0);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 2 + 1 + wire(r->messages).size());
  EXPECT_EQ((*t)[2].direction, StoredMessage::Direction::in);
  EXPECT_EQ(json::parse((*t)[2].body), json({{"text", "my left calf aches after running"}}));
  EXPECT_EQ(json::parse(t->back().body), wire(r->messages).back());
}

// Text from a platform's form body (an SMS) may hold bytes that are not
// UTF-8. The turn is answered and stored, the bad bytes replaced, and the red
// flags in the same message are still read.
TEST(ConversationService, TextThatIsNotUtf8IsAnsweredAndStoredWithTheBadBytesReplaced) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  Started s = start(service);
  auto r = say(service, s.token, "my calf \xff\xfe hurts and I'm coughing up blood \xc3");
  ASSERT_TRUE(r) << r.error().code;
  bool escalated = false;
  for (const auto& m : wire(r->messages)) {
    EXPECT_NO_THROW((void)m.dump()) << "every reply is valid JSON text";
    if (m.value("type", "") == "escalation") escalated = true;
  }
  EXPECT_TRUE(escalated) << "coughing up blood is read through the bad bytes";
  auto t = service.transcript(s.token, 0);
  ASSERT_TRUE(t);
  EXPECT_EQ(json::parse((*t)[2].body),
            json({{"text", "my calf \uFFFD\uFFFD hurts and I'm coughing up blood \uFFFD"}}));
}

TEST(ConversationService, ResumeSendsWhatCameAfterLastSeq) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  Started s = start(service);
  auto r = say(service, s.token, "my calf hurts");
  ASSERT_TRUE(r);
  auto again = resume(service, s.token, 2);
  ASSERT_TRUE(again);
  EXPECT_EQ(wire(again->messages), wire(r->messages));
  EXPECT_EQ(again->session_id, s.session_id);
  EXPECT_TRUE(resume(service, s.token, r->last_seq)->messages.empty());
  EXPECT_EQ(resume(service, s.token, 0)->messages.size(), 2 + wire(r->messages).size());
}

TEST(ConversationService, UnknownTokenIsAnError) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  EXPECT_EQ(say(service, "nope", "hello").error().code, bot::Code::unknown_session);
  EXPECT_EQ(resume(service, "nope", 0).error().code, bot::Code::unknown_session);
  EXPECT_EQ(service.summary("nope").error().code, bot::Code::unknown_session);
}

TEST(ConversationService, AfterARestartTheSessionResumesAtTheSameQuestion) {
  TempDb db;
  Started s;
  Delivery last;
  {
    auto store = db.open();
    ConversationService service(engine(), *store, {});
    s = start(service);
    last = *say(service, s.token, "my right calf is sore");
    last = *say(service, s.token, "myself");
  }
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  auto r = resume(service, s.token, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->last_seq, last.last_seq);
  EXPECT_EQ(last_question_slot(r->messages), last_question_slot(last.messages));
  auto summary = service.summary(s.token);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->current, last_question_slot(last.messages));
  EXPECT_EQ(summary->phase, Phase::asking);
  auto next = say(service, s.token, "unsure");
  ASSERT_TRUE(next);
  EXPECT_EQ(wire(next->messages).front()["seq"], last.last_seq + 1);
}

TEST(ConversationService, InputsOfOneSessionNeverInterleave) {
  TempDb db;
  auto store = db.open();
  ServiceOptions o;
  o.max_pending_per_session = 100;
  ConversationService service(engine(), *store, o);
  Started s = start(service);
  constexpr int kInputs = 12;
  std::vector<std::future<Result<Delivery>>> replies;
  std::vector<std::thread> threads;
  std::vector<std::promise<Result<Delivery>>> promises(kInputs);
  for (auto& p : promises) replies.push_back(p.get_future());
  for (int i = 0; i < kInputs; ++i) {
    threads.emplace_back([&, i] {
      service.post(s.token, dialog::Input{dialog::Input::Kind::text, "unsure", 0, 0},
                   [&, i](Result<Delivery> r) { promises[i].set_value(std::move(r)); });
    });
  }
  for (auto& t : threads) t.join();
  for (auto& f : replies) ASSERT_TRUE(f.get());
  // The transcript reads input, its replies, input, its replies, ... with
  // bot seqs counting up by one.
  auto t = service.transcript(s.token, 0);
  ASSERT_TRUE(t);
  int expected_out = 1;
  int expected_in = 1;
  bool previous_was_in = false;
  for (const auto& m : *t) {
    if (m.direction == StoredMessage::Direction::in) {
      EXPECT_EQ(m.seq, expected_in++);
      EXPECT_FALSE(previous_was_in) << "two inputs without a reply between them";
      previous_was_in = true;
    } else {
      EXPECT_EQ(m.seq, expected_out++);
      previous_was_in = false;
    }
  }
  EXPECT_EQ(expected_in, kInputs + 1);
}

TEST(ConversationService, FailedWriteChangesNothing) {
  FakeStore store;
  ConversationService service(engine(), store, {});
  Started s = start(service);
  store.fail_next(1);
  auto failed = say(service, s.token, "my calf hurts");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, bot::Code::store_unavailable);
  EXPECT_EQ(service.summary(s.token)->last_seq, 2);
  auto ok = say(service, s.token, "my calf hurts");
  ASSERT_TRUE(ok);
  EXPECT_EQ(wire(ok->messages).front()["seq"], 3) << "the failed turn left no trace";
  EXPECT_EQ(service.transcript(s.token, 0)->front().seq, 1);
}

TEST(ConversationService, TooManyWaitingInputsAreRateLimited) {
  FakeStore store;
  ServiceOptions o;
  o.max_pending_per_session = 3;
  ConversationService service(engine(), store, o);
  Started s = start(service);
  store.hold(true);
  std::vector<std::string> codes;
  std::mutex mu;
  for (int i = 0; i < 5; ++i) {
    service.post(s.token, dialog::Input{dialog::Input::Kind::text, "unsure", 0, 0},
                 [&](Result<Delivery> r) {
                   std::lock_guard lock(mu);
                   codes.push_back(r ? "ok" : std::string(to_string(r.error().code)));
                 });
  }
  EXPECT_EQ(store.held(), 1u) << "one write in flight; three wait behind it";
  EXPECT_EQ(codes, std::vector<std::string>{"rate_limited"});
  store.hold(false);
  store.release_held();
  EXPECT_EQ(codes, (std::vector<std::string>{"rate_limited", "ok", "ok", "ok", "ok"}));
}

TEST(ConversationService, IdleSessionsExpireWithASafetyNetWhereEscalated) {
  FakeStore store;
  int64_t now = 1000;
  std::vector<std::string> expired;
  ServiceOptions o;
  o.session_idle_expiry_seconds = 60;
  o.clock = [&] { return now; };
  o.on_expired = [&](const std::string& id, const std::vector<dialog::Message>&) {
    expired.push_back(id);
  };
  ConversationService service(engine(), store, o);
  Started calm = start(service);
  Started urgent = start(service);
  auto esc = say(service, urgent.token, "my calf is swollen and now I have chest pain when I breathe in");
  ASSERT_TRUE(esc);
  ASSERT_EQ(wire(esc->messages).front()["type"], "escalation");
  now += 59;
  EXPECT_EQ(*service.expire_idle(), 0);
  now += 2;
  EXPECT_EQ(*service.expire_idle(), 2);
  EXPECT_EQ(expired.size(), 2u);
  EXPECT_EQ(service.cached_sessions(), 0u);
  EXPECT_EQ(say(service, urgent.token, "hello").error().code, bot::Code::session_expired);
  EXPECT_EQ(resume(service, calm.token, 0).error().code, bot::Code::session_expired);
  auto t = service.transcript(urgent.token, esc->last_seq);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 1u);
  json net = json::parse(t->front().body);
  EXPECT_EQ(net["reason"], "session_expired");
  EXPECT_EQ(net["seq"], esc->last_seq + 1);
  EXPECT_NE(net["text"].get<std::string>().find("call 999"), std::string::npos);
  EXPECT_TRUE(service.transcript(calm.token, 2)->empty()) << "no escalation, no safety net";
  EXPECT_EQ(service.summary(urgent.token)->phase, Phase::expired);
  EXPECT_EQ(service.summary(urgent.token)->escalation, knowledge::Triage::emergency);
  EXPECT_EQ(*service.expire_idle(), 0);
}

TEST(ConversationService, AFullReplayWithThePatientShowsTheirWordsInPlace) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  Started s = start(service);
  auto first = say(service, s.token, "my left calf hurts when I walk");
  ASSERT_TRUE(first);
  std::vector<std::string> said = {"my left calf hurts when I walk"};
  // typed answers (an age) until a question with buttons comes
  while (!wire(first->messages).back().contains("choices") && said.size() < 4) {
    first = say(service, s.token, "40");
    ASSERT_TRUE(first);
    said.push_back("40");
  }
  // answer it by its first button
  const json q = wire(first->messages).back();
  ASSERT_EQ(q["type"], "question");
  ASSERT_TRUE(q.contains("choices")) << q.dump();
  std::string id = q["choices"][0]["id"], label = q["choices"][0]["label"];
  auto second = wait<Delivery>([&](auto cb) {
    service.post(s.token, dialog::Input{dialog::Input::Kind::choice, id, 0, 0}, cb);
  });
  ASSERT_TRUE(second);

  auto plain = resume(service, s.token, 0);
  ASSERT_TRUE(plain);
  for (const auto& m : shown(*plain)) EXPECT_NE(m["type"], "patient") << "only when asked";

  auto full = wait<Delivery>([&](auto cb) { service.resume(s.token, 0, cb, true); });
  ASSERT_TRUE(full);
  std::vector<std::string> patient;
  size_t question_before_label = 0;
  const json replay = shown(*full);
  for (size_t i = 0; i < replay.size(); ++i) {
    const json& m = replay[i];
    if (m["type"] != "patient") continue;
    EXPECT_FALSE(m.contains("seq"));
    patient.push_back(m["text"]);
    if (m["text"] == label) question_before_label = i;
  }
  said.push_back(label);
  EXPECT_EQ(patient, said);
  ASSERT_GT(question_before_label, 0u);
  EXPECT_EQ(replay[question_before_label - 1], q) << "each answer follows its question";
  EXPECT_EQ(replay.back(), wire(second->messages).back());
  EXPECT_EQ(replay.size(), shown(*plain).size() + said.size());
}

TEST(ConversationService, AChannelWithItsOwnExpiryOutlivesTheDefaultAndLeavesMemory) {
  FakeStore store;
  int64_t now = 1000;
  ServiceOptions o;
  o.session_idle_expiry_seconds = 60;
  o.channel_idle_expiry_seconds["clinic"] = 3600;
  o.cache_idle_seconds = 30;
  o.clock = [&] { return now; };
  ConversationService service(engine(), store, o);
  Started web = start(service);
  Started link = start(service, "clinic");
  auto answered = say(service, link.token, "my right calf aches after walking");
  ASSERT_TRUE(answered);
  now += 61;
  EXPECT_EQ(*service.expire_idle(), 1) << "only the web conversation expires";
  EXPECT_EQ(service.cached_sessions(), 0u) << "the idle link conversation is dropped from memory";
  EXPECT_EQ(say(service, web.token, "hello").error().code, bot::Code::session_expired);
  // the patient comes back: read back from the store where it was
  auto back = resume(service, link.token, 0);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->last_seq, answered->last_seq);
  EXPECT_EQ(service.summary(link.token)->phase, Phase::asking);
  EXPECT_EQ(service.cached_sessions(), 1u);
  now += 3600;
  EXPECT_EQ(*service.expire_idle(), 1) << "and expires at its own time";
  EXPECT_EQ(resume(service, link.token, 0).error().code, bot::Code::session_expired);
}

// A channel's gate ends its sessions (a clinic link's, once the link is
// closed): inputs and resumes refused with its error, nothing stored, and
// the clinic reads the conversation by id as it was.
TEST(ConversationService, AChannelsGateRefusesItsSessionAndNothingIsStored) {
  FakeStore store;
  std::atomic<bool> closed{false};
  std::vector<std::string> committed;  // session ids, as on_committed told them
  ServiceOptions o;
  o.channel_gates["clinic"] = [&](const SessionRecord& r) -> Status {
    if (closed) return Error{Code::session_closed, r.id};
    return {};
  };
  o.on_committed = [&](const SessionRecord& r, const dialog::State&) { committed.push_back(r.id); };
  ConversationService service(engine(), store, o);
  Started web = start(service);
  Started link = start(service, "clinic");
  ASSERT_TRUE(say(service, link.token, "my right calf aches after walking"));
  EXPECT_EQ(committed, (std::vector<std::string>{web.session_id, link.session_id, link.session_id}));
  closed = true;
  auto before = store.messages(link.session_id, 0, true)->size();
  EXPECT_EQ(say(service, link.token, "and my chest hurts").error().code, Code::session_closed);
  EXPECT_EQ(resume(service, link.token, 0).error().code, Code::session_closed);
  EXPECT_EQ(store.messages(link.session_id, 0, true)->size(), before);
  EXPECT_EQ(committed.size(), 3u) << "nothing committed after the end";
  EXPECT_TRUE(say(service, web.token, "my calf hurts")) << "other channels go on";
  auto view = service.conversation(link.session_id);
  ASSERT_TRUE(view && *view);
  EXPECT_EQ((*view)->record.inputs, 1);
  EXPECT_EQ((*view)->record.external_user, "");
  EXPECT_FALSE(*service.conversation("no-such-session"));
}

TEST(ConversationService, AFinishedConversationLeavesMemorySoonerAndIsReadBack) {
  FakeStore store;
  int64_t now = 1000;
  ServiceOptions o;
  o.cache_idle_seconds = 300;
  o.cache_done_seconds = 10;
  o.clock = [&] { return now; };
  ConversationService service(engine(), store, o);
  Started asking = start(service);
  Started done = start(service);
  ASSERT_TRUE(say(service, asking.token, "my right calf aches after walking"));
  auto outcome = say(service, done.token, "my calf is swollen and now I have chest pain when I breathe in");
  ASSERT_TRUE(outcome);
  ASSERT_EQ(wire(outcome->messages).back()["type"], "outcome");
  now += 9;
  service.evict_idle();
  EXPECT_EQ(service.cached_sessions(), 2u);
  now += 1;
  service.evict_idle();
  EXPECT_EQ(service.cached_sessions(), 1u) << "only the finished conversation leaves memory";
  // Its patient comes back: everything is read back from the store.
  auto back = resume(service, done.token, 0);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->last_seq, outcome->last_seq);
  EXPECT_EQ(wire(back->messages).back()["type"], "outcome");
  EXPECT_EQ(service.summary(done.token)->escalation, knowledge::Triage::emergency);
  now += 290;
  service.evict_idle();
  EXPECT_EQ(service.cached_sessions(), 0u) << "the other after cache_idle_seconds";
}

// The metrics hooks hear of every channel's sessions and durable turns, and
// of nothing that failed.
TEST(ConversationService, StartsAndTurnsOfEveryChannelAreToldForMetrics) {
  FakeStore store;
  std::vector<std::string> started;
  std::vector<std::pair<std::string, int>> turns;  // channel, escalations among the replies
  ServiceOptions o;
  o.on_started = [&](const std::string& channel) { started.push_back(channel); };
  o.on_turn = [&](const std::string& channel, double seconds,
                  const std::vector<dialog::Message>& replies) {
    EXPECT_GE(seconds, 0.0);
    int escalations = 0;
    for (const auto& m : replies) escalations += std::holds_alternative<dialog::EscalationMessage>(m);
    turns.emplace_back(channel, escalations);
  };
  ConversationService service(engine(), store, o);
  Started telegram = start(service, "telegram");
  Started link = start(service, "link");
  ASSERT_TRUE(say(service, telegram.token,
                  "my calf is swollen and now I have chest pain when I breathe in"));
  store.fail_next(1);
  EXPECT_FALSE(say(service, link.token, "my right calf aches after walking"));
  ASSERT_TRUE(say(service, link.token, "my right calf aches after walking"));
  EXPECT_EQ(started, (std::vector<std::string>{"telegram", "link"}));
  EXPECT_EQ(turns, (std::vector<std::pair<std::string, int>>{{"telegram", 1}, {"link", 0}}));
}

TEST(ConversationService, ManySessionsAtOnceKeepTheirOwnState) {
  TempDb db;
  auto store = db.open();
  ConversationService service(engine(), *store, {});
  constexpr int kSessions = 16;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kSessions);
  for (int i = 0; i < kSessions; ++i) {
    threads.emplace_back([&, i] {
      Started s = start(service);
      int expected = 3;
      for (const char* text : {"my calf aches", "myself", "40", "unsure"}) {
        auto r = say(service, s.token, text);
        if (!r || wire(r->messages).front()["seq"] != expected) failures[i] = "out of order";
        if (r) expected = r->last_seq + 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
}

}  // namespace
}  // namespace calfbot::bot
