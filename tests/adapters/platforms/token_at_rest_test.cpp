// A messaging platform's session token is kept only as its SHA-256
// (docs/security.md): the user state in the outbox's file names the session
// by the hash the session store keeps, and a state stored with the token in
// clear by an older calfbot is rewritten when the outbox opens, its old bytes
// gone from the file. Against the real `calfbot serve`, its SQLite files and
// the fake Telegram Bot API on loopback.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/conversation/crypto.h"
#include "tests/adapters/platforms/e2e_support.h"

namespace calfbot::tests {
namespace {

using nlohmann::json;

json text_update(int64_t update_id, int64_t chat, const std::string& text) {
  json u = fixture_json("telegram_message_text.json");
  u["update_id"] = update_id;
  u["message"]["chat"]["id"] = chat;
  u["message"]["text"] = text;
  return u;
}

// Every byte of a database and its WAL, as anyone who can read the files sees them.
std::string raw_bytes(const std::filesystem::path& db) {
  std::string all;
  for (const char* ext : {"", "-wal"}) {
    std::ifstream in(db.string() + ext, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

json start_update(int64_t update_id, int64_t chat) {
  json u = fixture_json("telegram_command_start.json");
  u["update_id"] = update_id;
  u["message"]["chat"]["id"] = chat;
  return u;
}

json user_state(const std::filesystem::path& outbox, const std::string& user) {
  SQLite::Database db(outbox.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT value FROM outbox_marks WHERE key = ?");
  q.bind(1, "telegram:user:" + user);
  return q.executeStep() ? json::parse(q.getColumn(0).getString()) : json();
}

std::string session_hash(const std::filesystem::path& store, const std::string& user) {
  SQLite::Database db(store.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT token_hash FROM sessions WHERE channel = 'telegram' AND external_user = ?");
  q.bind(1, user);
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

// Answers once more and tells whether the same conversation went on (the
// greeting of a new one was not sent).
bool goes_on(E2e& t, int64_t update_id, int64_t chat) {
  size_t before = t.settle();
  if (t.post_telegram(text_update(update_id, chat, "my left calf hurts when I walk").dump()).status != 200) {
    return false;
  }
  if (!t.api.wait_accepted("/sendMessage", before + 1)) return false;
  t.settle();
  auto sent = texts(t.api.accepted("/sendMessage"));
  for (size_t i = before; i < sent.size(); ++i) {
    if (sent[i].find("calfbot") != std::string::npos) return false;  // a greeting: a new session
  }
  return true;
}

TEST(PlatformTokens, OnlyTheHashIsStored) {
  E2e t;
  t.start();
  ASSERT_EQ(t.post_telegram(start_update(300, 6001).dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", 2)) << t.server->output();
  t.settle();
  t.stop();
  json state = user_state(t.dir / "calfbot.db-outbox", "6001");
  ASSERT_TRUE(state.is_object());
  EXPECT_FALSE(state.contains("token")) << state.dump();
  std::string hash = state.value("token_hash", "");
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, session_hash(t.dir / "calfbot.db", "6001")) << "the hash names the session";
  t.start();
  EXPECT_TRUE(goes_on(t, 301, 6001)) << t.server->output();
}

TEST(PlatformTokens, ATokenStoredInClearIsHashedWhenTheOutboxOpens) {
  E2e t;
  t.start();
  ASSERT_EQ(t.post_telegram(start_update(400, 6002).dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/sendMessage", 2)) << t.server->output();
  t.settle();
  t.stop();
  // As an older calfbot stored it: the token in clear, the store its hash.
  const std::string token = "Legacy-clear-token-0123456789abcdefghijklmnopq";
  const auto outbox = t.dir / "calfbot.db-outbox";
  {
    json state = user_state(outbox, "6002");
    state.erase("token_hash");
    state["token"] = token;
    SQLite::Database db(outbox.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement u(db, "UPDATE outbox_marks SET value = ? WHERE key = 'telegram:user:6002'");
    u.bind(1, state.dump());
    ASSERT_EQ(u.exec(), 1);
    SQLite::Database store((t.dir / "calfbot.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement s(store, "UPDATE sessions SET token_hash = ? WHERE external_user = '6002'");
    s.bind(1, bot::sha256_hex(token));
    ASSERT_EQ(s.exec(), 1);
  }
  ASSERT_NE(raw_bytes(outbox).find(token), std::string::npos) << "the test's own premise";
  t.start();
  EXPECT_EQ(raw_bytes(outbox).find(token), std::string::npos) << "the token is still readable";
  EXPECT_EQ(user_state(outbox, "6002").value("token_hash", ""), bot::sha256_hex(token));
  EXPECT_TRUE(goes_on(t, 401, 6002)) << t.server->output();
}

}  // namespace
}  // namespace calfbot::tests
