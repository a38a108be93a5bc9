// Internal to dialog/understanding: who a message is about, from the way it
// speaks of people rather than from any phrase list of findings: "my dad, he's
// 78", "her left calf", "writing for my wife" are about someone else; "I'm 74",
// "76F", "22 m", "a 33-year-old bloke", "aged 70", "seventy-three" give an
// age and a sex; "I had a baby ten days ago" says the patient is a woman.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "dialog/understanding/text_normal.h"

namespace calfbot::dialog::internal {

struct Span {
  size_t begin = 0, end = 0;  // tokens [begin, end); empty when end == begin
  bool empty() const { return end <= begin; }
};

struct Person {
  bool other = false;  // the message is about someone else than the writer
  Span other_at;
  int sex = -1;        // -1 unknown, 0 female, 1 male (of whoever it is about)
  Span sex_at;
  std::optional<double> age;
  Span age_at;
};

// finding_at: tokens inside a finding phrase; reported: tokens of sentences
// about someone else's history ("my dad had a clot"). sex_words: matches of words
// that imply a sex ("pregnant", "prostate"), with the sex each implies, in
// message order. loose_numbers: a number standing alone ("..., 62, smoker")
// may be an age; false while a number question is being answered.
struct SexWord {
  Span at;
  int sex;
};
Person read_person(const std::vector<text::Token>& tokens, const std::vector<bool>& finding_at,
                   const std::vector<bool>& reported, const std::vector<SexWord>& sex_words,
                   bool loose_numbers);

// The words people are spoken of with ("husband", "daughter"), for spelling
// correction.
const std::vector<std::string_view>& person_words();

}  // namespace calfbot::dialog::internal
