// calfbot.db across releases: a file written by an earlier release opens in
// this one with nothing lost, and a file written by a newer release is
// refused, untouched, with a message that says what to do.
//
// tests/bot/fixtures/store/calfbot-v<N>.db is a file written by the release
// whose schema was version N, kept as it was written: the conversations of
// store_fixture() below, a clinic's key, staff member and link intake, and
// (in calfbot-v<N>.json) what was true of them then. Each schema version adds
// its own file and never rewrites an older one:
//   CALFBOT_UPDATE_STORE_FIXTURE=1 build/tests/bot_tests --gtest_filter='StoreVersion.*'
// writes the current version's file when it is missing.
#include "bot/store_version.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/clinic/store.h"
#include "conversation/service_support.h"

namespace calfbot::bot {
namespace {

using namespace service_testing;
namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(CALFBOT_SOURCE_DIR) / "tests/bot/fixtures/store";
constexpr int64_t kMadeAt = 1795000000;  // 2026-11-18: the fixture's clock

ServiceOptions at(int64_t now) {
  ServiceOptions o;
  o.clock = [now] { return now; };
  return o;
}

fs::path fixture(int version, const std::string& ext) {
  return kFixtures / ("calfbot-v" + std::to_string(version) + ext);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of a fixture in the test's own folder, removed afterwards.
class FixtureCopy {
 public:
  explicit FixtureCopy(int version)
      : dir_(fs::path(testing::TempDir()) /
             ("calfbot_store_version_" + std::to_string(getpid()) + "_" +
              testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy_file(fixture(version, ".db"), path());
  }
  ~FixtureCopy() { fs::remove_all(dir_); }
  FixtureCopy(const FixtureCopy&) = delete;
  FixtureCopy& operator=(const FixtureCopy&) = delete;
  std::string path() const { return (dir_ / "calfbot.db").string(); }

 private:
  fs::path dir_;
};

// What today's release writes: a conversation part-way through, one that
// escalated to an emergency, and a clinic with a key, a member of staff and
// a link intake that a conversation opened. Returns what the test checks.
nlohmann::json store_fixture(const std::string& path) {
  nlohmann::json made;
  {
    SqliteStoreOptions o;
    o.path = path;
    auto sessions = open_sqlite_store(o);
    if (!sessions) throw std::runtime_error(sessions.error().detail);
    ConversationService service(engine(), **sessions, at(kMadeAt));
    Started asking = start(service, "websocket");
    say(service, asking.token, "my right calf is sore");
    say(service, asking.token, "myself");
    auto last = say(service, asking.token, "52");
    made["asking"] = {{"token", asking.token},
                      {"last_seq", last->last_seq},
                      {"question", last_question_slot(last->messages)}};
    Started urgent = start(service, "rest");
    auto escalated = say(service, urgent.token, "my calf is swollen and I'm coughing up blood");
    made["emergency"] = {{"token", urgent.token}, {"last_seq", escalated->last_seq}};

    auto clinic = clinic::ClinicStore::open(path);
    if (!clinic) throw std::runtime_error(clinic.error().detail);
    auto key = (*clinic)->create_key("reception desk", kMadeAt);
    clinic::IntakeRequest request;
    request.patient_ref = "MRN-0042";
    request.expires_unix = kMadeAt + 7 * 86400;
    request.created_by = key->key.id;
    auto intake = (*clinic)->create_intake(request, kMadeAt);
    Started linked = start(service, "link");
    (*clinic)->bind_session(intake->intake.id, linked.session_id, "sealed", kMadeAt);
    (*clinic)->create_staff({clinic::kDefaultClinic, "nurse@example.org", "Sam Nurse", "x"}, "cli",
                            kMadeAt);
    made["clinic"] = {{"key", key->secret}, {"intake", intake->intake.id}, {"session", linked.session_id}};
    (*sessions)->flush();
  }
  // Everything in the main file, no -wal beside it, nothing unused.
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.exec("VACUUM");
  return made;
}

void write_fixture_if_asked() {
  if (!std::getenv("CALFBOT_UPDATE_STORE_FIXTURE") || fs::exists(fixture(kStoreSchemaVersion, ".db"))) {
    return;
  }
  fs::create_directories(kFixtures);
  nlohmann::json made = store_fixture(fixture(kStoreSchemaVersion, ".db").string());
  made["schema_version"] = kStoreSchemaVersion;
  std::ofstream(fixture(kStoreSchemaVersion, ".json")) << made.dump(1) << "\n";
}

nlohmann::json facts(int version) {
  return nlohmann::json::parse(std::ifstream(fixture(version, ".json")));
}

TEST(StoreVersion, AFileOfTheFirstSchemaResumesEveryConversationWithNothingLost) {
  write_fixture_if_asked();
  FixtureCopy copy(1);
  const nlohmann::json made = facts(1);
  SqliteStoreOptions o;
  o.path = copy.path();
  auto store = open_sqlite_store(o);
  ASSERT_TRUE(store) << store.error().detail;
  ConversationService service(engine(), **store, at(kMadeAt + 600));

  auto asking = resume(service, made["asking"]["token"], 0);
  ASSERT_TRUE(asking) << asking.error().detail;
  EXPECT_EQ(asking->last_seq, made["asking"]["last_seq"].get<int>());
  EXPECT_EQ(last_question_slot(asking->messages), made["asking"]["question"].get<std::string>());
  auto next = say(service, made["asking"]["token"], "unsure");
  ASSERT_TRUE(next) << next.error().detail;
  EXPECT_EQ(wire(next->messages).front()["seq"], made["asking"]["last_seq"].get<int>() + 1);

  auto summary = service.summary(made["emergency"]["token"]);
  ASSERT_TRUE(summary) << summary.error().detail;
  EXPECT_EQ(summary->escalation, knowledge::Triage::emergency);
  EXPECT_EQ(resume(service, made["emergency"]["token"], 0)->last_seq,
            made["emergency"]["last_seq"].get<int>());
}

TEST(StoreVersion, AFileOfTheFirstSchemaKeepsTheClinicsKeysStaffAndIntakes) {
  FixtureCopy copy(1);
  const nlohmann::json made = facts(1);
  auto clinic = clinic::ClinicStore::open(copy.path());
  ASSERT_TRUE(clinic) << clinic.error().detail;
  auto key = (*clinic)->authenticate(made["clinic"]["key"]);
  ASSERT_TRUE(key);
  EXPECT_TRUE(key->has_value());
  auto intake = (*clinic)->intake(made["clinic"]["intake"]);
  ASSERT_TRUE(intake && *intake);
  EXPECT_EQ((*intake)->patient_ref, "MRN-0042");
  EXPECT_EQ((*intake)->session_id, made["clinic"]["session"].get<std::string>());
  auto staff = (*clinic)->staff_credential("nurse@example.org");
  ASSERT_TRUE(staff && *staff);
  EXPECT_EQ((*staff)->member.name, "Sam Nurse");
}

TEST(StoreVersion, AFileFromANewerReleaseIsRefusedUntouchedSayingWhatToDo) {
  FixtureCopy copy(1);
  {
    SQLite::Database db(copy.path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion + 1));
  }
  const std::string before = file_bytes(copy.path());

  SqliteStoreOptions o;
  o.path = copy.path();
  auto store = open_sqlite_store(o);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Code::store_unavailable);
  const std::string& why = store.error().detail;
  EXPECT_NE(why.find("newer calfbot"), std::string::npos) << why;
  EXPECT_NE(why.find("version " + std::to_string(kStoreSchemaVersion + 1)), std::string::npos) << why;
  EXPECT_NE(why.find("restore a backup"), std::string::npos) << why;

  auto clinic = clinic::ClinicStore::open(copy.path());
  ASSERT_FALSE(clinic);
  EXPECT_NE(clinic.error().detail.find("newer calfbot"), std::string::npos) << clinic.error().detail;

  EXPECT_EQ(file_bytes(copy.path()), before);
}

}  // namespace
}  // namespace calfbot::bot
