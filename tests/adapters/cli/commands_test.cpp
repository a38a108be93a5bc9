// The calfbot command line (adapters/cli/commands.cpp): one parser for every
// command; a bad command line gets exit code 2 and a message that names what
// was wrong.
#include "adapters/cli/commands.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace calfbot::cli {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome run(std::vector<std::string> args, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out, err;
  int code = run_command(std::move(args), in, out, err);
  return {code, out.str(), err.str()};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Commands, HelpListsEveryCommand) {
  Outcome r = run({"help"});
  EXPECT_EQ(r.code, 0);
  for (const char* c : {"chat", "eval", "serve", "knowledge", "keys", "link", "staff", "clinic"}) {
    EXPECT_TRUE(has(r.out, "\n" + std::string(c) + "\n")) << c << " missing from:\n" << r.out;
  }
  Outcome flag = run({"--help"});
  EXPECT_EQ(flag.code, 0);
  EXPECT_TRUE(has(flag.out, "Usage: calfbot")) << flag.out;
}

TEST(Commands, NoCommandPrintsTheManualAndFails) {
  Outcome r = run({});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "Usage: calfbot")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Commands, AnUnknownCommandOrOptionIsNamed) {
  Outcome cmd = run({"frobnicate"});
  EXPECT_EQ(cmd.code, 2);
  EXPECT_TRUE(has(cmd.err, "frobnicate")) << cmd.err;
  EXPECT_TRUE(has(cmd.err, "see calfbot help")) << cmd.err;
  Outcome opt = run({"eval", "--fast"});
  EXPECT_EQ(opt.code, 2);
  EXPECT_TRUE(has(opt.err, "--fast")) << opt.err;
  Outcome extra = run({"serve", "now"});
  EXPECT_EQ(extra.code, 2);
  EXPECT_TRUE(has(extra.err, "now")) << extra.err;
}

TEST(Commands, OptionValuesAreChecked) {
  Outcome half = run({"eval", "--half", "both"});
  EXPECT_EQ(half.code, 2);
  EXPECT_TRUE(has(half.err, "--half")) << half.err;
  EXPECT_TRUE(has(half.err, "dev")) << half.err;
  Outcome missing = run({"eval", "--only"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(has(missing.err, "--only")) << missing.err;
  Outcome hours = run({"link", "create", "--expires-in", "-3"});
  EXPECT_EQ(hours.code, 2);
  EXPECT_TRUE(has(hours.err, "--expires-in")) << hours.err;
  Outcome both = run({"link", "create", "--expires", "2026-05-01T09:30:00Z", "--expires-in", "3"});
  EXPECT_EQ(both.code, 2);
  EXPECT_TRUE(has(both.err, "--expires")) << both.err;
}

TEST(Commands, RequiredOptionsAndVerbsAreAskedFor) {
  Outcome name = run({"keys", "create"});
  EXPECT_EQ(name.code, 2);
  EXPECT_TRUE(has(name.err, "--name")) << name.err;
  Outcome verb = run({"staff"});
  EXPECT_EQ(verb.code, 2);
  EXPECT_TRUE(has(verb.err, "subcommand")) << verb.err;
  Outcome id = run({"link", "revoke"});
  EXPECT_EQ(id.code, 2);
  EXPECT_TRUE(has(id.err, "intake_id")) << id.err;
}

TEST(Commands, TheConfigIsReadBeforeOrAfterTheCommand) {
  const std::string missing = "/nonexistent/calfbot-config.json";
  for (const auto& args : {std::vector<std::string>{"--config", missing, "keys", "list"},
                           std::vector<std::string>{"keys", "list", "--config", missing}}) {
    Outcome r = run(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "config error")) << r.err;
    EXPECT_TRUE(has(r.err, missing)) << r.err;
  }
}

TEST(Commands, KnowledgeCheckReadsTheBuiltInData) {
  Outcome r = run({"knowledge", "check"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "conditions")) << r.out;
  Outcome compile = run({"knowledge", "compile"});
  EXPECT_EQ(compile.code, 2);
  EXPECT_TRUE(has(compile.err, "--db")) << compile.err;
}

}  // namespace
}  // namespace calfbot::cli
