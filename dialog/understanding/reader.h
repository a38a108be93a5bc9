// The statistical reader beside the rules: a fastText classifier (Debian's
// libfasttext, character n-grams, so it copes with misspellings and unseen
// phrasing) trained on the development half of the evidence written blind
// (tests/evidence/dev) at build time. Given the question being answered and
// the patient's words, it guesses whether the reply means yes, no or not
// sure. The lexicon asks it only when the rules found no reply, and only a
// confident guess counts; dialog/understanding decides which findings it
// may never lower (understanding.h).
//
// Thread-safety: a Reader is immutable once made; reply() may be called from
// any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dialog/understanding/value.h"

namespace fasttext {
class FastText;
}

namespace calfbot::dialog {

// The line the reader reads and is trained on: the slot as a token, then the
// words, lower case, with punctuation apart.
std::string reader_line(std::string_view slot, std::string_view text);

class Reader {
 public:
  // model: a fastText supervised model's bytes (labels yes, no, unsure);
  // empty: no reader (every reply() is nullopt). Throws std::invalid_argument
  // when the bytes are not such a model.
  explicit Reader(std::string_view model);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  struct Guess {
    Value value = Value::unknown;
    double p = 0;  // the model's probability of it
  };
  std::optional<Guess> reply(std::string_view slot, std::string_view text) const;

  // The SHA-256 of the model's bytes (hex), "" without one: a conversation
  // records it with the knowledge version, so its replay reads the same.
  const std::string& version() const { return version_; }

 private:
  std::unique_ptr<fasttext::FastText> model_;
  std::string version_;
};

// The model built into this program (empty when it was built without one).
std::string_view built_in_reader_model();

}  // namespace calfbot::dialog
