// The transcripts the dialog tests compare with what the engine says now
// (tests/dialog/transcripts/<name>.txt). With CALFBOT_UPDATE_TRANSCRIPTS set
// they are written anew instead, and the test is skipped.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace calfbot::dialog {

inline std::string transcript_path(const std::string& name) {
  return std::string(CALFBOT_SOURCE_DIR) + "/tests/dialog/transcripts/" + name + ".txt";
}

// Sets `expected` to the recorded transcript; records `actual` first when
// asked to. The caller returns when the test is skipped or has failed:
//   recorded_transcript(path, actual, expected);
//   if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return;
inline void recorded_transcript(const std::string& path, const std::string& actual,
                                std::string& expected) {
  if (std::getenv("CALFBOT_UPDATE_TRANSCRIPTS")) {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path << "; run with CALFBOT_UPDATE_TRANSCRIPTS=1";
  std::stringstream text;
  text << in.rdbuf();
  expected = text.str();
}

}  // namespace calfbot::dialog
