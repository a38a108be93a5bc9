// Messages in another language than English: which language it is (by its
// common words, or by its script for Arabic and Chinese), and the red flags
// it states in the phrases the knowledge lists for that language
// (knowledge/data/languages.json). calfbot converses in English; a message
// in another language gets, in that language, the emergency number and that
// news, and its red flags are still screened.
//
// Pure; a LanguageReader is immutable once built and safe to share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dialog/understanding/value.h"

namespace calfbot::knowledge {
struct Knowledge;
struct Language;
}  // namespace calfbot::knowledge

namespace calfbot::dialog {

// Lower case, with the accents of Latin letters taken off ("Pálido" ->
// "palido", "łydka" -> "lydka"); other characters are kept.
std::string fold_accents(std::string_view text);

class LanguageReader {
 public:
  explicit LanguageReader(const knowledge::Knowledge& kb);

  struct Reading {
    const knowledge::Language* language = nullptr;  // nullptr: English (or unknown)
    // Red-flag findings stated, with no when a negation comes just before.
    std::vector<std::pair<std::string, Value>> findings;
  };
  Reading read(std::string_view text) const;

 private:
  const knowledge::Knowledge& kb_;
};

}  // namespace calfbot::dialog
