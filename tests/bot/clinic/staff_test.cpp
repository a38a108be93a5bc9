// Staff accounts: argon2id password hashes (bot/clinic/password.h), the
// clinic store's clinic_staff table on a real SQLite file, and the
// `calfbot staff` commands run as a process with the password on stdin.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <cstdio>

#include "bot/clinic/password.h"
#include "bot/clinic/store.h"
#include "tests/support/server_process.h"

namespace calfbot {
namespace {

using bot::clinic::ClinicStore;
using bot::clinic::hash_password;
using bot::clinic::NewStaff;
using bot::clinic::PasswordCost;
using bot::clinic::verify_password;
using testing_support::TempFolder;

// Cheap parameters for the tests that hash many times; the default is checked once.
const PasswordCost kCheap{1024, 1, 1};

TEST(Password, DefaultCostIsArgon2idAt64MiBThreePasses) {
  auto h = hash_password("correct horse battery");
  ASSERT_TRUE(h) << h.error().detail;
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(verify_password("correct horse battery", *h));
  EXPECT_FALSE(verify_password("correct horse batterY", *h));
}

TEST(Password, SaltedSoTheSamePasswordHashesDifferently) {
  auto a = hash_password("the same password", kCheap);
  auto b = hash_password("the same password", kCheap);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password("the same password", *a));
  EXPECT_TRUE(verify_password("the same password", *b));
}

TEST(Password, ShortAndHugePasswordsAreRefused) {
  auto short_one = hash_password("elevenchars", kCheap);
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().code, bot::Code::bad_request);
  EXPECT_EQ(short_one.error().detail, "a password needs at least 12 characters");
  EXPECT_FALSE(hash_password(std::string(1025, 'x'), kCheap));
}

TEST(Password, MalformedOrForeignHashesNeverVerify) {
  EXPECT_FALSE(verify_password("anything at all", ""));
  EXPECT_FALSE(verify_password("anything at all", "$argon2id$v=19$garbage"));
  auto h = hash_password("anything at all", kCheap);
  ASSERT_TRUE(h);
  std::string as_argon2i = *h;
  as_argon2i.replace(0, 9, "$argon2i");  // "$argon2id" -> "$argon2i": another variant
  EXPECT_FALSE(verify_password("anything at all", as_argon2i));
}

NewStaff member(const std::string& clinic, const std::string& email) {
  NewStaff s;
  s.clinic = clinic;
  s.email = email;
  s.name = "Nurse " + email.substr(0, email.find('@'));
  s.password_hash = *hash_password("a long enough password", kCheap);
  return s;
}

TEST(StaffStore, CreateListDisableAndAudit) {
  TempFolder dir;
  auto store = ClinicStore::open(dir.file("calfbot.db"));
  ASSERT_TRUE(store) << store.error().detail;
  auto& s = **store;
  auto ann = s.create_staff(member("north", "ann@north.example"), "cli", 100);
  ASSERT_TRUE(ann) << ann.error().detail;
  EXPECT_EQ(ann->id.rfind("st_", 0), 0u);
  EXPECT_EQ(ann->id.size(), 15u);
  ASSERT_TRUE(s.create_staff(member("south", "bob@south.example"), "cli", 101));

  auto taken = s.create_staff(member("south", "ANN@north.example"), "cli", 102);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().detail, "a staff account with the email 'ANN@north.example' exists");

  auto north = s.staff("north");
  ASSERT_TRUE(north);
  ASSERT_EQ(north->size(), 1u);
  EXPECT_EQ((*north)[0].email, "ann@north.example");
  EXPECT_EQ(s.staff("")->size(), 2u);

  auto cred = s.staff_credential("Ann@North.example");
  ASSERT_TRUE(cred && *cred);
  EXPECT_TRUE(verify_password("a long enough password", (*cred)->password_hash));
  EXPECT_EQ((*cred)->member.clinic, "north");

  EXPECT_TRUE(*s.disable_staff("ann@north.example", "cli", 200));
  EXPECT_TRUE(*s.disable_staff(ann->id, "cli", 300));  // twice: no error, no second entry
  EXPECT_FALSE(*s.disable_staff("nobody@north.example", "cli", 300));
  EXPECT_EQ((*s.staff_credential("ann@north.example"))->member.disabled_unix, 200);

  auto log = s.audit_log(0, 10, "");
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].action, "staff.create:" + ann->id);
  EXPECT_EQ((*log)[2].action, "staff.disable:" + ann->id);
  EXPECT_EQ((*log)[2].actor, "cli");
}

std::string run_staff(const std::string& db, const std::string& stdin_text, const std::string& args) {
  std::string cmd = "printf '%s' '" + stdin_text + "' | env -u CALFBOT_FHIR_OUT CALFBOT_STORE__PATH='" + db + "' " CALFBOT_BIN
                    " staff " + args + " 2>&1; echo \"exit=$?\"";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 512> buf{};
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (p) pclose(p);
  return out;
}

TEST(StaffCommand, PasswordFromStdinNeverAnArgument) {
  TempFolder dir;
  const std::string db = dir.file("calfbot.db");
  std::string made = run_staff(db, "a long enough password\n",
                               "create --name 'Ann Lee' --email ann@north.example --clinic north");
  EXPECT_NE(made.find("staff: st_"), std::string::npos) << made;
  EXPECT_NE(made.find("ann@north.example (clinic north)\nexit=0"), std::string::npos) << made;

  std::string with_arg = run_staff(db, "", "create --name Bob --email bob@x.example hunter2hunter2");
  EXPECT_NE(with_arg.find("unexpected argument 'hunter2hunter2' (the password is read from stdin)"),
            std::string::npos) << with_arg;
  EXPECT_NE(with_arg.find("exit=2"), std::string::npos);
  EXPECT_NE(run_staff(db, "short\n", "create --name Bob --email bob@x.example")
                .find("a password needs at least 12 characters\nexit=2"),
            std::string::npos);

  std::string listed = run_staff(db, "", "list");
  EXPECT_NE(listed.find("\tnorth\tann@north.example\tAnn Lee\tactive\nexit=0"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("bob@"), std::string::npos);
  EXPECT_NE(run_staff(db, "", "disable ann@north.example").find("disabled ann@north.example\nexit=0"),
            std::string::npos);
  EXPECT_NE(run_staff(db, "", "list").find("\tdisabled\n"), std::string::npos);
  EXPECT_NE(run_staff(db, "", "disable nobody@x.example").find("no staff account 'nobody@x.example'\nexit=1"),
            std::string::npos);

  SQLite::Database raw(db);
  std::string stored = raw.execAndGet("SELECT password FROM clinic_staff").getString();
  EXPECT_EQ(stored.rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u);
  EXPECT_EQ(stored.find("a long enough password"), std::string::npos);
}

}  // namespace
}  // namespace calfbot

namespace calfbot {
namespace {

using bot::clinic::IntakeRequest;

TEST(ClinicId, AnIntakeKeepsItsClinicAndDefaultsToOne) {
  TempFolder dir;
  auto store = ClinicStore::open(dir.file("calfbot.db"));
  ASSERT_TRUE(store);
  IntakeRequest north;
  north.expires_unix = 1000;
  north.created_by = "cli";
  north.clinic = "north";
  IntakeRequest plain = north;
  plain.clinic = IntakeRequest{}.clinic;
  auto a = (*store)->create_intake(north, 10);
  auto b = (*store)->create_intake(plain, 10);
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*(*store)->intake(a->intake.id))->clinic, "north");
  EXPECT_EQ((*(*store)->intake(b->intake.id))->clinic, "default");
}

TEST(ClinicId, AnOlderDatabaseGetsTheColumnWithItsIntakesInTheDefaultClinic) {
  TempFolder dir;
  const std::string path = dir.file("calfbot.db");
  {
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(
        "CREATE TABLE clinic_intakes (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
        "patient_ref TEXT NOT NULL, appointment INTEGER, locale TEXT NOT NULL, created_by TEXT NOT NULL, "
        "created INTEGER NOT NULL, updated INTEGER NOT NULL, expires INTEGER NOT NULL, completed INTEGER, "
        "status TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '', session_box TEXT NOT NULL DEFAULT '', "
        "alerted TEXT NOT NULL DEFAULT '', triage TEXT NOT NULL DEFAULT '');"
        "INSERT INTO clinic_intakes (id, token_hash, patient_ref, locale, created_by, created, updated, "
        "expires, status) VALUES ('old1', 'h', '', 'en', 'cli', 1, 1, 9, 'pending')");
  }
  auto store = ClinicStore::open(path);
  ASSERT_TRUE(store) << store.error().detail;
  EXPECT_EQ((*(*store)->intake("old1"))->clinic, "default");
  ASSERT_TRUE(ClinicStore::open(path));  // a second open finds the column there
}

}  // namespace
}  // namespace calfbot
