// The fixture of the understanding tests: the real knowledge's Lexicon, and
// each message's understanding as one readable line.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dialog/understanding/understanding.h"
#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::dialog::test_support {


// Thursday 12 March 2026, the day every message here is written.
constexpr LocalDate kToday{2026, 3, 12, 4};

inline std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

inline const char* command_name(Command c) {
  switch (c) {
    case Command::none:
      return "none";
    case Command::back:
      return "back";
    case Command::restart:
      return "restart";
    case Command::help:
      return "help";
    case Command::why:
      return "why";
    case Command::skip:
      return "skip";
    case Command::person:
      return "person";
  }
  return "?";
}

// "side_left=yes chest_pain=no reply=no choices=a,b number=54 severity=7 days=2 command=back"
inline std::string summary(const Understanding& u) {
  std::string s;
  auto add = [&s](const std::string& part) {
    if (!s.empty()) s += ' ';
    s += part;
  };
  for (const auto& o : u.findings) add(o.finding + "=" + to_string(o.value));
  if (u.reply) add(std::string("reply=") + to_string(*u.reply));
  if (!u.choices.empty()) {
    std::string c = "choices=";
    for (size_t i = 0; i < u.choices.size(); ++i) c += (i ? "," : "") + u.choices[i];
    add(c);
  }
  if (u.number) add("number=" + number_text(*u.number));
  if (u.severity) add("severity=" + number_text(*u.severity));
  if (u.duration_days) add("days=" + number_text(*u.duration_days));
  if (u.age) add("age=" + number_text(*u.age));
  if (u.command != Command::none) add(std::string("command=") + command_name(u.command));
  return s;
}

inline std::string evidence(const Understanding& u, const std::string& finding) {
  for (const auto& o : u.findings) {
    if (o.finding == finding) return o.evidence;
  }
  return "<none>";
}

using Cases = std::vector<std::pair<const char*, const char*>>;

class UnderstandingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = knowledge::load_embedded();
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().what());
    kb_ = loaded.knowledge;
    lexicon_ = std::make_unique<Lexicon>(*kb_);
  }
  static void TearDownTestSuite() {
    lexicon_.reset();
    kb_.reset();
  }

  // The understanding of text as a reply to the question with this slot.
  static Understanding understand(std::string_view text, std::string_view slot = "",
                                  const LocalDate& today = kToday) {
    const knowledge::Question* q = slot.empty() ? nullptr : kb_->question(slot);
    EXPECT_TRUE(slot.empty() || q) << "no question " << slot;
    return lexicon_->understand(text, q, today);
  }
  static std::string said(std::string_view text, std::string_view slot = "") {
    return summary(understand(text, slot));
  }
  static void expect_all(const Cases& cases, std::string_view slot = "") {
    for (const auto& [text, expected] : cases) {
      EXPECT_EQ(said(text, slot), expected) << "message: " << text;
    }
  }

  // Each of the space-separated parts of expected is in the message's
  // summary (others may be too); each part of absent is not.
  static void expect_has(const Cases& cases, std::string_view slot = "",
                         std::string_view absent = "") {
    auto parts = [](std::string_view s) {
      std::vector<std::string> out;
      size_t b = 0;
      while (b < s.size()) {
        size_t e = s.find(' ', b);
        if (e == std::string_view::npos) e = s.size();
        if (e > b) out.emplace_back(s.substr(b, e - b));
        b = e + 1;
      }
      return out;
    };
    for (const auto& [text, expected] : cases) {
      const std::vector<std::string> got = parts(said(text, slot));
      for (const std::string& want : parts(expected)) {
        EXPECT_NE(std::find(got.begin(), got.end(), want), got.end())
            << "message: " << text << "\nwanted: " << want << "\ngot: " << said(text, slot);
      }
      for (const std::string& not_want : parts(absent)) {
        EXPECT_EQ(std::find(got.begin(), got.end(), not_want), got.end())
            << "message: " << text << "\nunwanted: " << not_want;
      }
    }
  }

  static inline std::shared_ptr<const knowledge::Knowledge> kb_;
  static inline std::unique_ptr<Lexicon> lexicon_;
};

}  // namespace calfbot::dialog::test_support
