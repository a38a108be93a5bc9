// Console logins (bot/clinic/console.h) on a real SQLite file with a clock
// the test moves: sessions expire, end at logout and when the account is
// disabled; a lock-out ends after its time; the CSRF token is the session's.
#include <gtest/gtest.h>

#include "bot/clinic/console.h"
#include "bot/clinic/password.h"
#include "bot/clinic/store.h"
#include "tests/support/server_process.h"

namespace calfbot {
namespace {

using namespace bot::clinic;
using testing_support::TempFolder;

class ConsoleAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ClinicStore::open(dir_.file("calfbot.db"));
    ASSERT_TRUE(s) << s.error().detail;
    store_ = std::move(*s);
    auto h = hash_password("correct horse battery", PasswordCost{1024, 1, 1});
    ASSERT_TRUE(h);
    ASSERT_TRUE(store_->create_staff({"north", "ann@north.example", "Ann Lee", *h}, "cli", now_));
    ConsoleSettings settings;
    settings.session_seconds = 3600;
    settings.max_failed_logins = 3;
    settings.lockout_seconds = 600;
    auth_ = std::make_unique<ConsoleAuth>(*store_, settings, [this] { return now_; });
  }
  TempFolder dir_;
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<ClinicStore> store_;
  std::unique_ptr<ConsoleAuth> auth_;
};

TEST_F(ConsoleAuthTest, ASessionLastsItsTimeAndEndsAtLogout) {
  auto l = auth_->login("ann@north.example", "correct horse battery");
  ASSERT_TRUE(l) << l.error().detail;
  EXPECT_EQ(l->member.clinic, "north");
  EXPECT_EQ(l->expires_unix, now_ + 3600);
  auto s = auth_->session(l->session_token);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->csrf_token, l->csrf_token);
  EXPECT_TRUE(ConsoleAuth::csrf_ok(l->session_token, l->csrf_token));
  EXPECT_FALSE(ConsoleAuth::csrf_ok(l->session_token, ""));
  EXPECT_FALSE(ConsoleAuth::csrf_ok("another token", l->csrf_token));
  now_ += 3599;
  EXPECT_TRUE(auth_->session(l->session_token));
  now_ += 1;
  EXPECT_EQ(auth_->session(l->session_token).error().code, bot::Code::not_logged_in);

  auto again = auth_->login("ann@north.example", "correct horse battery");
  ASSERT_TRUE(again);
  ASSERT_TRUE(auth_->logout(*auth_->session(again->session_token), again->session_token));
  EXPECT_EQ(auth_->session(again->session_token).error().code, bot::Code::not_logged_in);
  EXPECT_EQ(auth_->session("").error().code, bot::Code::not_logged_in);
}

TEST_F(ConsoleAuthTest, DisablingAnAccountEndsItsSessions) {
  auto l = auth_->login("ann@north.example", "correct horse battery");
  ASSERT_TRUE(l);
  ASSERT_TRUE(store_->disable_staff("ann@north.example", "cli", now_));
  EXPECT_EQ(auth_->session(l->session_token).error().code, bot::Code::not_logged_in);
  EXPECT_EQ(auth_->login("ann@north.example", "correct horse battery").error().code,
            bot::Code::login_failed);
}

TEST_F(ConsoleAuthTest, ALockEndsAfterItsTimeAndASuccessStartsTheCountAfresh) {
  EXPECT_EQ(auth_->login("ann@north.example", "wrong one").error().code, bot::Code::login_failed);
  EXPECT_EQ(auth_->login("ann@north.example", "wrong two").error().code, bot::Code::login_failed);
  ASSERT_TRUE(auth_->login("ann@north.example", "correct horse battery"));  // the count starts afresh
  for (int i = 0; i < 3; ++i) auth_->login("ann@north.example", "wrong");
  EXPECT_EQ(auth_->login("ann@north.example", "correct horse battery").error().code,
            bot::Code::account_locked);
  now_ += 599;
  EXPECT_EQ(auth_->login("ann@north.example", "correct horse battery").error().code,
            bot::Code::account_locked);
  now_ += 1;
  EXPECT_TRUE(auth_->login("ann@north.example", "correct horse battery"));
  auto log = store_->audit_log(0, 100, "");
  ASSERT_TRUE(log);
  int locked = 0;
  for (const auto& e : *log) locked += e.action == "console.login_locked" ? 1 : 0;
  EXPECT_EQ(locked, 2);
}

}  // namespace
}  // namespace calfbot
