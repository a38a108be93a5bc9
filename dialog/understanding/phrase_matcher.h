// Internal to dialog/understanding: finding the phrases of a vocabulary in a
// tokenised message, and correcting misspelt words against that vocabulary.
//
// Both are built once and are then immutable and safe to share between
// threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dialog/understanding/text_normal.h"

namespace calfbot::dialog::text {

// A set of phrases, each with integer targets (a finding index, a choice
// index). Phrases are matched on stems, so inflections match ("swollen"
// matches "swelling", "swells"); a phrase word "*" matches any one word;
// determiners and intensifiers are dropped from phrases and skipped inside a
// match ("pain in chest" = "pain in my chest" = "pain in the chest"), except
// in a phrase they would leave with one word ("bit by bit", "a little").
// A side word is skipped too ("lower part of my left calf"), so that the
// caller can read it as a side. A denial a "*" takes is reported, so that the
// phrase is read as denied ("thigh is not swollen" for "thigh * swollen").
// A phrase word "..." matches up to kMaxGap words of one clause (no
// punctuation, "but" or "if" among them): "cough ... blood" is "coughed and
// there were streaks of blood"; a denial in the gap is reported the same way.
class PhraseTrie {
 public:
  PhraseTrie();

  // Adds a phrase. Returns false (and adds nothing) when it has no words
  // left after dropping determiners and intensifiers.
  bool add(std::string_view phrase, int target);

  struct Match {
    size_t begin = 0;  // tokens [begin, end)
    size_t end = 0;
    const std::vector<int>* targets = nullptr;
    // A denial a "*" took ("foot does not change colour"), or npos.
    size_t denial = static_cast<size_t>(-1);
    bool gapped = false;  // a phrase with a "...": chosen after all others
  };
  // Non-overlapping matches, chosen longest first (ties: leftmost), returned
  // in message order.
  std::vector<Match> match_all(const std::vector<Token>& tokens) const;

  // Every word (normalised text) of the phrases added, for spelling correction.
  const std::vector<std::string>& words() const { return words_; }

 private:
  struct Node {
    std::vector<std::pair<int, int>> next;  // stem id -> node, sorted by id
    int wild = -1;
    int gap = -1;  // a "...": the rest of the phrase after some words
    std::vector<int> targets;
    bool gapped = false;  // the phrase ending here has a "..."
    bool denies = false;  // a phrase ending here has a denial of its own ("leg does not move")
  };
  // The words of one message: stem ids (-1: in no phrase) and skippability.
  struct Words {
    const std::vector<Token>& tokens;
    std::vector<int> ids;
  };
  // The longest phrase found so far from one start: [0] without a "...",
  // [1] with one.
  struct Best {
    size_t end[2] = {0, 0};
    int node[2] = {-1, -1};
  };
  int child(int node, int id) const;
  void walk(const Words& w, int node, size_t j, Best& best) const;
  // skipped: words skipped in a row so far; at most kMaxSkip, which keeps
  // a match linear in the message whatever it holds.
  void advance(const Words& w, int node, size_t j, Best& best,
               int skipped = 0) const;
  static constexpr int kMaxSkip = 3;
  static constexpr size_t kMaxGap = 6;

  std::vector<Node> nodes_;
  std::unordered_map<std::string, int> stem_ids_;
  std::vector<std::string> words_;
  std::unordered_set<std::string> seen_words_;
};

// Spelling correction against a vocabulary: a word of 5 or more letters that
// is not known is replaced by the only vocabulary word at Damerau-Levenshtein
// distance 1 (deletion, insertion, substitution or transposition). When no
// word or several words are that close, nothing is corrected. An inflection
// of a known word is left alone; a known word with its g dropped ("achin")
// gets it back.
class Speller {
 public:
  // vocabulary: words corrections may produce; known: further words that are
  // spelled correctly and must never be "corrected" (common English).
  Speller(const std::vector<std::string>& vocabulary, const std::vector<std::string>& known);

  // The correction for word, or nullopt when it is known or uncorrectable.
  std::optional<std::string> correct(std::string_view word) const;

 private:
  std::unordered_set<std::string> known_;
  std::vector<std::string> words_;
  // Each vocabulary word and each one-letter deletion of it -> indexes in words_.
  std::unordered_map<std::string, std::vector<int>> deletes_;
};

}  // namespace calfbot::dialog::text
