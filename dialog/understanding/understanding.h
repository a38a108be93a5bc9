// Understanding of free text: what findings, numbers and commands a patient's
// message states, with negation, uncertainty, time expressions, laterality,
// locations, 0-10 severity and common misspellings.
//
// Pure: no I/O; "today" comes in as an argument. A Lexicon is built once from
// the knowledge (finding and choice synonyms) and is immutable and safe to
// share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/understanding/value.h"

namespace calfbot::knowledge {
struct Knowledge;
struct Question;
}  // namespace calfbot::knowledge

namespace calfbot::dialog {

// person: the patient asks for a person (docs/console.md, "Handoff").
enum class Command { none, back, restart, help, why, skip, person };

struct Observation {
  std::string finding;   // finding id
  Value value;           // yes, no or unsure
  std::string evidence;  // the words that stated it
};
// Each finding appears at most once, in the order first stated; when a
// message states one both ways, yes wins over no and unsure (the safer
// reading for red flags). One side stated ("my left calf") also sets the
// other side and bilateral to no, with the same evidence. Evidence is a
// span of the original text and takes in the negation or doubt that
// applies ("no chest pain", "don't think it's swollen").

struct Understanding {
  std::vector<Observation> findings;   // findings stated anywhere in the text
  // A reply to the current question as a whole ("yes", "nope", "not sure",
  // "I think so", "none of them"); empty when the text is not such a reply.
  std::optional<Value> reply;
  std::vector<std::string> choices;    // ids of the current question's choices named
  std::optional<double> number;        // a number answering the current number question
  std::optional<double> severity;      // 0-10 severity stated anywhere ("7/10")
  std::optional<double> duration_days; // how long ago it started ("since Tuesday" -> days);
                                       // not the date of a past event ("had a clot 5 years ago")
  std::optional<double> age;           // the patient's age stated anywhere ("I'm 74", "76F")
  Command command = Command::none;
  // Another language than English (knowledge/data/languages.json): its id
  // ("es", "fr", ...), its reply, and only the red flags its phrases state.
  std::string language;
  std::string language_reply;
  // Set when the reply came from the statistical reader: its probability.
  std::optional<double> reader_p;
};

// The text as valid UTF-8: each byte that is not part of a valid sequence
// (a form-encoded SMS may carry any bytes) becomes U+FFFD; valid text comes
// back unchanged. The engine reads every message through this first.
std::string valid_utf8(std::string_view text);

// The date the message was written, in the patient's local time.
struct LocalDate {
  int year = 2026, month = 1, day = 1;
  int weekday = 0;  // 0 = Sunday ... 6 = Saturday
};
LocalDate local_date(int64_t time_unix, int utc_offset_minutes);

// The statistical reader's guess counts only at this probability or more.
inline constexpr double kReaderConfidence = 0.9;

class Lexicon {
 public:
  // reader_model: the statistical reader's model (reader.h), "" for none.
  // When the rules find no reply to a yes/no question and nothing in the
  // message names its finding, a confident guess of the reader is the reply;
  // but a "no" only for findings no red-flag rule reads: the reader may
  // raise a question's answer, never lower a warning sign.
  explicit Lexicon(const knowledge::Knowledge& kb, std::string_view reader_model = {});
  ~Lexicon();
  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  // The statistical reader's version (Reader::version), "" without one.
  const std::string& reader_version() const;

  // current: the question being answered, or nullptr.
  Understanding understand(std::string_view text, const knowledge::Question* current,
                           const LocalDate& today) const;

 private:
  // The statistical reader's reply to a yes/no question the rules found none to.
  void read_reply(std::string_view message, const knowledge::Question& q, Understanding& u) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace calfbot::dialog
