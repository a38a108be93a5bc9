// Internal to dialog/understanding: the tables a Lexicon holds, and the parts
// of understanding one message (phrases, sides, choices and the reply;
// negation and doubt; severity and numbers).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dialog/understanding/phrase_matcher.h"
#include "dialog/understanding/text_normal.h"
#include "dialog/understanding/understanding.h"

namespace calfbot::dialog::internal {

using Tokens = std::vector<text::Token>;

// The phrases naming one question's choices.
struct ChoiceTable {
  std::vector<std::string> ids;
  std::vector<std::vector<int>> sets;  // finding indexes each choice makes present
  text::PhraseTrie trie;               // targets: choice index
};

struct ReplyPhrase {
  std::vector<std::string> words;  // normalised tokens
  Value value;
  bool strong;  // see tables::Reply
};

struct CuePhrase {
  std::vector<std::string> words;
  Value value;  // no or unsure
  int budget;
  bool modifiers;
};

// Everything a Lexicon builds from the knowledge; immutable afterwards.
struct LexiconData {
  std::vector<std::string> finding_ids;
  std::unordered_map<std::string, int> finding_index;
  // targets: finding index; -1 a blocker; -2 - i the topic i of topics
  text::PhraseTrie findings;
  std::unordered_map<std::string, ChoiceTable> choices;  // by question slot
  std::optional<text::Speller> speller;
  int side[3] = {-1, -1, -1};  // finding indexes of side_left, side_right, bilateral
  std::vector<int> side_targets[3];
  std::vector<ReplyPhrase> replies;  // longest first
  std::vector<CuePhrase> cues;       // longer cues before shorter ones sharing a start
  // First word -> indexes in replies / cues, in the same order.
  std::unordered_map<std::string, std::vector<int>> replies_by_first, cues_by_first;
  std::unordered_map<std::string, Command> commands;
  std::vector<bool> is_event;  // by finding index: a past event (a flight, an operation)
  std::vector<bool> normal_is_yes;  // by finding index: a synonym says all is well ("fine in between")
  struct TopicFindings {
    std::vector<int> findings;
    bool all = false;
    bool inverse = false;  // an ability ("I can walk"): stated, the finding is absent
    bool states = false;   // states the question's finding or its first ("a dent")
  };
  std::vector<TopicFindings> topics;  // tables::kTopics
  text::PhraseTrie sex_words;  // targets: 0 female, 1 male (tables::kSexWords)
  text::PhraseTrie severity_words;  // targets: a 0-10 score (tables::kSeverityWords)
  int person[3] = {-1, -1, -1};  // finding indexes of for_someone_else, female, male
  int fever = -1;                // finding index of fever, read from a temperature too
  std::vector<std::pair<int, int>> implications;  // finding index -> the one it implies
  std::vector<bool> implied_when_asked;           // per implication: also in an answer about it
};

inline constexpr size_t kNone = static_cast<size_t>(-1);

// Tokens covered by overlapping phrases, judged as one statement.
struct Block {
  size_t begin = 0, end = 0;
  Value value = Value::yes;  // unknown: about someone else or hypothetical
  bool side_only = false;    // only left/right/both
  bool topic_only = false;   // only topics ("colour"): "a normal colour" denies them
  size_t cue = kNone;        // token of the cue that negated it or made it unsure
  size_t post = kNone;       // token of a trailing "no" ("chest pain: no")
  size_t denial = kNone;     // a denial inside the phrase ("foot does not change colour")
};

// Negation and doubt: sets each block's value, cue and post from the cues
// around it, and marks in cue_used the cue tokens that reached a block.
// block_at holds, for every token, the index of its block or -1.
void assign_polarity(const LexiconData& lex, const Tokens& tokens, std::vector<Block>& blocks,
                     const std::vector<int>& block_at, std::vector<bool>& cue_used);

// Fills u.findings (with negation, uncertainty, sides, and who the message
// is about), u.age, u.choices and u.reply. choices may be null (no current
// question or no choices). events: set to the tokens of clauses that state a
// past event ("I had a clot 5 years ago"), whose time is not the onset.
// used: set for the tokens of the age, which are no other number.
void analyse(const LexiconData& lex, std::string_view message, const Tokens& tokens,
             const knowledge::Question* current, const ChoiceTable* choices, Understanding& u,
             std::vector<bool>& events, std::vector<bool>& used);

// A 0-10 score said in words ("unbearable", "worst pain of my life",
// "really bad"), not denied; nullopt when there is none.
std::optional<double> severity_in_words(const LexiconData& lex, const Tokens& tokens);

// Fills u.severity and u.number, skipping tokens marked used (by time
// expressions); marks what it reads as used.
void numbers(const Tokens& tokens, std::vector<bool>& used, const knowledge::Question* current,
             Understanding& u);

}  // namespace calfbot::dialog::internal
