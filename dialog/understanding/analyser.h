// Internal to dialog/understanding: one message's reading (analysis.cpp:
// phrases, sides, blocks, findings, who it is about; reply.cpp: the current
// question's choices and the reply), over the normalised tokens.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dialog/understanding/internal.h"
#include "dialog/understanding/person.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog::internal {

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

struct Match {
  size_t begin = 0, end = 0;
  const std::vector<int>* targets = nullptr;
  bool choice = false;     // targets are choice indexes of the current question
  bool cue_words = false;  // a choice phrase made only of cue words ("none", "no")
  size_t denial = kNone;   // a denial inside the phrase ("thigh is not swollen")
};

class Analyser {
 public:
  Analyser(const LexiconData& lex, std::string_view message, const Tokens& t,
           const knowledge::Question* q, const ChoiceTable* ct)
      : lex_(lex),
        message_(message),
        t_(t),
        q_(q),
        ct_(ct),
        n_(t.size()),
        covered_(n_, false),
        by_finding_(n_, false),
        cue_used_(n_, false),
        side_word_(n_, false),
        side_settled_(n_, false),
        block_at_(n_, -1) {}

  void run(Understanding& u, std::vector<bool>& used);
  // The clauses that state a past event present, unless the pain is said to
  // follow it ("after my flight yesterday", "since the operation").
  void mark_events(std::vector<bool>& events) const;

 private:
  void find_matches();
  bool side_question() const;
  // "my left calf", "on the right", "both legs"; "left" alone when the
  // question is which side. Not "I left work" nor "right now".
  void find_sides();
  // "side of" a part that is no part of the leg ("the left side of my chest").
  bool side_of_other(size_t k) const;
  void make_blocks();
  const Block& block_of(const Match& m) const {
    return blocks_[static_cast<size_t>(block_at_[m.begin])];
  }

  std::string evidence(const Match& m) const;
  void observe(Understanding& u, int finding, Value v, std::string ev, size_t pos);
  void findings_out(Understanding& u);
  // A topic said to be fine ("my heart's grand") denies the finding of the
  // question being asked that it may be about, else its first.
  int topic_finding(const std::vector<int>& findings) const;
  // "I was on apixaban but stopped it" (tables::kStoppable).
  void stopped_out(Understanding& u);
  // What a finding stated present states too (tables::kImplications).
  void implied_out(Understanding& u);
  void temperature_out(Understanding& u, const std::vector<bool>& used);
  bool stated(const Understanding& u, int finding) const;
  std::string span_text(Span s) const;
  // The sentences that tell of someone else's history or of what might
  // happen ("my dad had a clot in his leg"): the people in them are not
  // whom the message is about.
  std::vector<bool> reported() const;
  // Who the message is about, their sex and age, unless a phrase said so.
  void person_out(Understanding& u, std::vector<bool>& used);
  // One side stated: the other side and "both" are not; left and right
  // both stated: both legs.
  void sides_out(Understanding& u);
  void choices_out(Understanding& u);
  // Does block b hold a match of the current yes/no question's finding?
  bool answers_current(const Block& b) const;
  void reply_out(Understanding& u);
  // "Same size.", "they feel exactly the same", "it looks normal", "no
  // different": to a yes/no question about something wrong, a no. Not to
  // one whose finding is itself being normal ("fine in between attacks").
  bool said_normal(const Understanding& u) const;
  std::optional<Value> closing_reply(const Understanding& u) const;
  const LexiconData& lex_;
  const std::string_view message_;
  const Tokens& t_;
  const knowledge::Question* q_;
  const ChoiceTable* ct_;
  const size_t n_;
  std::vector<bool> covered_;       // by any phrase but a cue-word choice
  std::vector<bool> by_finding_;    // by a finding phrase or a side
  std::vector<bool> cue_used_;      // cue tokens that negated or doubted a phrase
  std::vector<bool> side_word_;     // left/right/both read as a side of the body
  std::vector<bool> side_settled_;  // inside a side phrase or a blocker
  std::vector<int> block_at_;
  std::vector<Match> matches_;
  std::vector<Block> blocks_;
  std::unordered_map<int, size_t> yes_at_;  // finding index -> token where stated present
};

}  // namespace calfbot::dialog::internal
