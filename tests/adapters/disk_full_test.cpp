// Disk full: the real `calfbot serve` with its SQLite store on a small tmpfs.
// Once a filler file has taken the last byte, new answers and new
// conversations are refused with store_unavailable (docs/errors.md) and the
// server keeps running; no acknowledged answer is lost; once the filler is
// gone the same server takes answers and new conversations again, and the
// file passes PRAGMA integrity_check.
//
// Mounting the tmpfs needs root (CAP_SYS_ADMIN), as the tests have in CI.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

using nlohmann::json;

constexpr const char* kTmpfsSize = "size=3m";

struct Session {
  std::unique_ptr<WsClient> client;
  std::string id;
  std::string token;
  std::vector<json> acked;  // answers whose reply arrived, in order
  json question;            // the question the client has on screen
};

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = dir_.file("store");
    ASSERT_EQ(mkdir(mount_point_.c_str(), 0700), 0) << std::strerror(errno);
    if (mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, kTmpfsSize) != 0) {
      const int e = errno;
      FAIL() << "this test mounts a " << kTmpfsSize << " tmpfs for the store and needs root "
             << "(CAP_SYS_ADMIN) for it: mount(2) failed: " << std::strerror(e)
             << ". Run the adapters tests as root.";
    }
    mounted_ = true;
  }

  void TearDown() override {
    server_.reset();  // the server's files are on the tmpfs
    if (filler_ >= 0) close(filler_);
    if (mounted_ && umount2(mount_point_.c_str(), MNT_DETACH) != 0) {
      ADD_FAILURE() << "umount " << mount_point_ << ": " << std::strerror(errno);
    }
  }

  std::string db() const { return mount_point_ + "/calfbot.db"; }

  std::map<std::string, std::string> env() const {
    return {{"CALFBOT_STORE__PATH", db()},
            {"CALFBOT_STORE__SYNCHRONOUS", "full"},
            {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "1000"},
            {"CALFBOT_SERVER__MESSAGE_BURST", "1000"}};
  }

  // hello on a new connection: the session message, or the error the server sent.
  json hello(Session& s) {
    s.client = std::make_unique<WsClient>(server_->port());
    EXPECT_TRUE(s.client->connected());
    s.client->send(json{{"type", "hello"}});
    auto turn = read_turn(*s.client);
    if (turn.empty()) return json();
    if (turn[0]["type"] == "session") {
      s.id = turn[0]["conversation_id"];
      s.token = turn[0]["token"];
      s.question = turn.back();
    }
    return turn[0];
  }

  // One answer; returns the last message of the reply (the next question,
  // the outcome, or an error without seq).
  json answer(Session& s) {
    json a = plain_answer(s.question);
    s.client->send(a);
    auto turn = read_turn(*s.client);
    if (turn.empty()) return json();
    if (turn.back().contains("seq")) {
      s.acked.push_back(a);
      s.question = turn.back();
    }
    return turn.back();
  }

  // Writes a filler file until the tmpfs has no byte left.
  void fill() {
    filler_ = open((mount_point_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(filler_, 0) << std::strerror(errno);
    std::string block(64 * 1024, 'x');
    std::size_t chunk = block.size();
    while (chunk > 0) {
      ssize_t n = write(filler_, block.data(), chunk);
      if (n < 0) {
        ASSERT_EQ(errno, ENOSPC) << std::strerror(errno);
        chunk /= 2;  // the last blocks, smaller
      }
    }
    struct statvfs fs {};
    ASSERT_EQ(statvfs(mount_point_.c_str(), &fs), 0);
    ASSERT_EQ(fs.f_bavail, 0u) << "the tmpfs still has free blocks";
  }

  void unfill() {
    close(filler_);
    filler_ = -1;
    ASSERT_EQ(unlink((mount_point_ + "/filler").c_str()), 0) << std::strerror(errno);
  }

  bool alive() {
    return http_request(server_->port(), "GET", "/healthz").status == 200;
  }

  void expect_refused(const json& reply) {
    EXPECT_EQ(reply.value("type", ""), "error") << reply.dump();
    EXPECT_EQ(reply.value("code", ""), "store_unavailable") << reply.dump();
    EXPECT_FALSE(reply.contains("seq")) << "a refused answer is not part of the conversation";
    EXPECT_FALSE(reply.value("text", "").empty());
  }

  // Every acknowledged answer is stored once, in order, and nothing else.
  void check_store(const std::vector<Session>& sessions) {
    SQLite::Database d(db(), SQLite::OPEN_READONLY);
    SQLite::Statement integrity(d, "PRAGMA integrity_check");
    ASSERT_TRUE(integrity.executeStep());
    EXPECT_EQ(integrity.getColumn(0).getString(), "ok");
    for (const auto& s : sessions) {
      EXPECT_EQ(stored_inputs(d, s.id), s.acked) << "conversation " << s.id;
    }
  }

  TempFolder dir_;
  std::string mount_point_;
  bool mounted_ = false;
  int filler_ = -1;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(DiskFull, RefusesNewWorkClearlyKeepsWhatItHadAndRecoversWithoutRestart) {
  server_ = std::make_unique<ServerProcess>(env());
  std::vector<Session> sessions(4);
  for (size_t i = 0; i < sessions.size(); ++i) {
    ASSERT_EQ(hello(sessions[i]).value("type", ""), "session");
    for (size_t n = 0; n < i + 2; ++n) ASSERT_TRUE(answer(sessions[i]).contains("seq"));
  }

  ASSERT_NO_FATAL_FAILURE(fill());
  // Answers and new conversations are refused, on both channels; the server runs on.
  for (auto& s : sessions) {
    const json before = s.question;
    expect_refused(answer(s));
    EXPECT_EQ(s.question, before) << "the question stands";
  }
  Session refused;
  expect_refused(hello(refused));
  auto rest = http_request(server_->port(), "POST", "/v1/conversations");
  EXPECT_EQ(rest.status, 503) << rest.body;
  EXPECT_EQ(rest.json().value("code", ""), "store_unavailable") << rest.body;
  auto rest_answer =
      http_request(server_->port(), "POST", "/v1/conversations/" + sessions[0].id + "/messages",
                   plain_answer(sessions[0].question).dump(),
                   {{"Authorization", "Bearer " + sessions[0].token}});
  EXPECT_EQ(rest_answer.status, 503) << rest_answer.body;
  EXPECT_EQ(rest_answer.json().value("code", ""), "store_unavailable") << rest_answer.body;
  EXPECT_TRUE(alive());
  EXPECT_NE(server_->output().find("database or disk is full"), std::string::npos)
      << "the log names the cause:\n" << server_->output();
  // A session resumed while the disk is full is where it was.
  Session& first = sessions[0];
  first.client = std::make_unique<WsClient>(server_->port());
  first.client->send(json{{"type", "resume"}, {"token", first.token},
                          {"last_seq", first.question["seq"]}});
  auto resumed = first.client->read();
  ASSERT_TRUE(resumed) << "close code " << first.client->close_code();
  EXPECT_EQ((*resumed)["resumed"], true);
  EXPECT_EQ((*resumed)["last_seq"], first.question["seq"]);

  // Room again: the same server carries on.
  ASSERT_NO_FATAL_FAILURE(unfill());
  for (auto& s : sessions) {
    for (int n = 0; n < 70 && s.question["type"] != "outcome"; ++n) {
      json reply = answer(s);
      ASSERT_TRUE(reply.contains("seq")) << reply.dump();
    }
    EXPECT_EQ(s.question["type"], "outcome");
  }
  Session fresh;
  ASSERT_EQ(hello(fresh).value("type", ""), "session");
  ASSERT_TRUE(answer(fresh).contains("seq"));
  sessions.push_back(std::move(fresh));
  EXPECT_EQ(server_->terminate(), 0);
  ASSERT_NO_FATAL_FAILURE(check_store(sessions));
}

}  // namespace
}  // namespace calfbot::testing_support
