// Loading the knowledge data files: the real files load, and each kind of
// broken file stops loading with a message naming the file, entry and fault.
#include "knowledge/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

namespace calfbot::knowledge {
namespace {

using nlohmann::json;

std::vector<DataFile> real_files() { return embedded_data_files(); }

// The real files with one replaced (or added when absent).
std::vector<DataFile> with(std::vector<DataFile> files, const std::string& name,
                           const std::string& content) {
  for (auto& f : files) {
    if (f.name == name) {
      f.content = content;
      return files;
    }
  }
  files.push_back({name, content});
  return files;
}

json file_json(const std::string& name) {
  for (const auto& f : real_files()) {
    if (f.name == name) return json::parse(f.content);
  }
  return nullptr;
}

std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.what());
  return out;
}

TEST(Loader, RealDataLoadsWithEveryConditionAndAVersion) {
  LoadResult r = load_embedded();
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().what());
  EXPECT_EQ(r.knowledge->version.size(), 64u);
  for (const auto& id : required_condition_ids()) {
    EXPECT_NE(r.knowledge->condition(id), nullptr) << id;
  }
  EXPECT_FALSE(r.knowledge->disclaimer.empty());
}

TEST(Loader, VersionChangesWithContentAndIsStable) {
  auto a = load_files(real_files());
  auto b = load_files(real_files());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.knowledge->version, b.knowledge->version);
  json m = file_json("meta.json");
  m["disclaimer"] = m["disclaimer"].get<std::string>() + " ";
  auto c = load_files(with(real_files(), "meta.json", m.dump()));
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a.knowledge->version, c.knowledge->version);
}

TEST(Loader, DatabaseFileRoundTrips) {
  auto path = (std::filesystem::temp_directory_path() / "calfbot_kb_test.db").string();
  auto a = load_embedded(path);
  ASSERT_TRUE(a.ok());
  auto b = load_database(path);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.knowledge->version, b.knowledge->version);
  EXPECT_EQ(a.knowledge->findings.size(), b.knowledge->findings.size());
  EXPECT_EQ(a.knowledge->conditions.size(), b.knowledge->conditions.size());
  std::filesystem::remove(path);
}

// The rules and the questions' ask_if read findings by the index the loader
// gives each finding predicate: it must be that finding's.
TEST(Loader, FindingPredicatesCarryTheirFindingsIndex) {
  auto r = load_embedded();
  ASSERT_TRUE(r.ok());
  const Knowledge& kb = *r.knowledge;
  int checked = 0;
  std::function<void(const Predicate&)> check = [&](const Predicate& p) {
    if (p.kind == Predicate::Kind::finding) {
      ASSERT_GE(p.finding, 0) << p.name;
      ASSERT_LT(static_cast<size_t>(p.finding), kb.findings.size()) << p.name;
      EXPECT_EQ(kb.findings[static_cast<size_t>(p.finding)].id, p.name);
      ++checked;
    }
    for (const auto& c : p.children) check(c);
  };
  for (const auto& rule : kb.red_flags) check(rule.when);
  for (const auto& q : kb.questions) check(q.ask_if);
  EXPECT_GT(checked, 50);
}

TEST(Loader, InvalidJsonNamesFileAndPosition) {
  auto r = load_files(with(real_files(), "wells.json", "[{\"id\": }"));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "wells.json");
  EXPECT_NE(r.errors[0].message.find("not valid JSON: "), std::string::npos);
  EXPECT_NE(r.errors[0].message.find("line 1, column 9"), std::string::npos) << r.errors[0].message;
}

TEST(Loader, UnknownFindingInLikelihoods) {
  json c = file_json("conditions/fracture.json");
  c["likelihoods"]["swolen"] = 0.5;
  auto r = load_files(with(real_files(), "conditions/fracture.json", c.dump()));
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "conditions/fracture.json: fracture: likelihoods: unknown finding 'swolen'"});
}

TEST(Loader, ProbabilityOutOfRange) {
  json c = file_json("conditions/fracture.json");
  c["likelihoods"]["deformity"] = 1.5;
  auto r = load_files(with(real_files(), "conditions/fracture.json", c.dump()));
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "conditions/fracture.json: fracture: likelihoods: 'deformity' must be "
                             "a probability strictly between 0 and 1"});
}

TEST(Loader, UnknownKeyIsATypo) {
  json c = file_json("conditions/contusion.json");
  c["priorr"] = 0.1;
  auto r = load_files(with(real_files(), "conditions/contusion.json", c.dump()));
  EXPECT_EQ(messages(r),
            std::vector<std::string>{"conditions/contusion.json: contusion: unknown key 'priorr'"});
}

TEST(Loader, MissingConditionFile) {
  std::vector<DataFile> files;
  for (const auto& f : real_files()) {
    if (f.name != "conditions/sciatica.json") files.push_back(f);
  }
  auto r = load_files(files);
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "conditions/sciatica.json: sciatica: missing: DESIGN.md requires it"});
}

TEST(Loader, WrongTriageLevel) {
  json c = file_json("conditions/contusion.json");
  c["urgency"] = "whenever";
  auto r = load_files(with(real_files(), "conditions/contusion.json", c.dump()));
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "conditions/contusion.json: contusion: 'urgency' is 'whenever'; use "
                             "emergency, urgent, soon or self_care"});
}

TEST(Loader, UnknownSourceCited) {
  json a = file_json("advice.json");
  a[0]["cite"] = json::array({"NOPE-1"});
  const std::string id = a[0]["id"];
  auto r = load_files(with(real_files(), "advice.json", a.dump()));
  EXPECT_EQ(messages(r),
            std::vector<std::string>{"advice.json: " + id + ": cites unknown source 'NOPE-1'"});
}

TEST(Loader, RedFlagWithUnknownPredicate) {
  json rf = file_json("red_flags.json");
  rf[0]["when"] = {{"some", json::array({"fever"})}};
  const std::string id = rf[0]["id"];
  auto r = load_files(with(real_files(), "red_flags.json", rf.dump()));
  EXPECT_EQ(messages(r), std::vector<std::string>{"red_flags.json: " + id +
                                                  ": when: unknown predicate 'some'; use all, "
                                                  "any, not, wells_at_least or number_at_least"});
}

TEST(Loader, DuplicateFindingId) {
  json f = file_json("findings.json");
  f.push_back(f[0]);
  const std::string id = f[0]["id"];
  auto r = load_files(with(real_files(), "findings.json", f.dump()));
  EXPECT_EQ(messages(r), std::vector<std::string>{"findings.json: " + id + ": duplicate id"});
}

TEST(Loader, FindingNoQuestionAsks) {
  json f = file_json("findings.json");
  f.push_back({{"id", "lonely"}, {"label", "a finding nobody asks about"}});
  auto r = load_files(with(real_files(), "findings.json", f.dump()));
  EXPECT_EQ(messages(r),
            std::vector<std::string>{"findings.json: lonely: no question asks about this finding"});
}

TEST(Loader, ConditionFileNameMustMatchId) {
  json c = file_json("conditions/contusion.json");
  auto r = load_files(with(real_files(), "conditions/bruise.json", c.dump()));
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "conditions/bruise.json: contusion: the file name must be conditions/contusion.json",
                "conditions/contusion.json: contusion: duplicate id (also in conditions/bruise.json)"}));
}

TEST(Loader, NotADataFile) {
  auto r = load_files(with(real_files(), "notes.json", "{}"));
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "notes.json: not a knowledge data file (see knowledge/README.md)"});
}

TEST(Loader, MissingFolder) {
  auto r = load_directory("/nonexistent/calfbot-data");
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "knowledge: knowledge data folder '/nonexistent/calfbot-data' does "
                             "not exist"});
}

TEST(Loader, QuestionWithBadType) {
  json q = file_json("questions.json");
  q[0]["type"] = "essay";
  const std::string slot = q[0]["slot"];
  auto r = load_files(with(real_files(), "questions.json", q.dump()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(messages(r).front(), "questions.json: " + slot +
                                     ": 'type' is 'essay'; use yes_no, single_choice, "
                                     "multi_choice, number or duration");
}

}  // namespace
}  // namespace calfbot::knowledge
