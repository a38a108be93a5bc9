// Internal to dialog/understanding: turning a patient's message into
// normalised tokens (lower case, contractions expanded, common misspellings
// fixed), the stems phrases are matched on, spelling correction against a
// vocabulary, and numbers written in digits or words.
//
// Pure functions and immutable tables; safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calfbot::dialog::text {

struct Token {
  enum class Kind : uint8_t { word, number, punct };
  Kind kind = Kind::word;
  std::string text;     // normalised word ("not", "swollen", "7", "3rd") or one punctuation mark
  std::string stem;     // what phrases are matched on ("swell" for swollen/swelling/swells)
  bool filler = false;  // a determiner or intensifier that phrases may skip ("my", "very")
  bool side = false;    // left, right or both: a phrase may skip it ("lower part of my left calf")
  uint32_t begin = 0;   // byte span of the original message this token came from
  uint32_t end = 0;
  // A number word: its value and kind ("seven" 7 unit, "twenty" 20 tens,
  // "third" 3 ordinal, "hundred" 100); kind none otherwise.
  enum class NumberWord : uint8_t { none, unit, tens, ordinal, hundred };
  NumberWord number_word = NumberWord::none;
  int8_t number_value = 0;

  bool is(std::string_view w) const { return text == w; }
  bool punct() const { return kind == Kind::punct; }
  // Ends a clause: . ! ? ; : and line breaks (which become ".").
  bool clause_end() const;
};

// Splits text into tokens. Letters are lower-cased; "don't"/"dont" become
// "do" "not", "it's" becomes "it" "is", "can't" "can" "not"; runs of three or
// more equal letters shrink to two ("sooo" -> "soo"); the fixed misspelling
// map is applied ("swolen" -> "swollen", "nite" -> "night"). Punctuation
// . , ; : ! ? / ( ) becomes tokens of its own, "-" between digits becomes
// "to", other symbols separate words. Never throws on any byte sequence.
std::vector<Token> tokenize(std::string_view text);

// The matching key of a normalised word: irregular forms mapped
// (swollen -> swell, calves -> calf), then one suffix stripped
// (-ing, -ed, -es/-s, a final -e). Deterministic, never empty for a
// non-empty word.
std::string stem(std::string_view word);

// True for determiners and intensifiers ("the", "my", "very", "a bit").
bool is_filler(std::string_view word);

// Recomputes stem, filler, side and number word after text changed.
void refresh(Token& t);

// A number at tokens[i]: digits ("54", "7.5"), digit ordinals ("3rd") or
// words up to a hundred ("fifty four", "twenty-three", "seventh",
// "a hundred"). len is the number of tokens it used.
struct Number {
  double value = 0;
  int len = 0;
  bool ordinal = false;
  bool words = false;  // written in words
};
std::optional<Number> parse_number(const std::vector<Token>& tokens, size_t i);

}  // namespace calfbot::dialog::text
