#include "dialog/understanding/language.h"

#include <algorithm>

#include "knowledge/knowledge.h"

namespace calfbot::dialog {

namespace {

// Two-byte UTF-8 sequences of accented Latin letters and the ASCII letter
// each is read as.
struct Fold {
  unsigned char a, b;
  char to;
};
constexpr Fold kFolds[] = {
    // Latin-1: à-ÿ and À-Þ
    {0xC3, 0xA0, 'a'}, {0xC3, 0xA1, 'a'}, {0xC3, 0xA2, 'a'}, {0xC3, 0xA3, 'a'}, {0xC3, 0xA4, 'a'},
    {0xC3, 0xA5, 'a'}, {0xC3, 0xA7, 'c'}, {0xC3, 0xA8, 'e'}, {0xC3, 0xA9, 'e'}, {0xC3, 0xAA, 'e'},
    {0xC3, 0xAB, 'e'}, {0xC3, 0xAC, 'i'}, {0xC3, 0xAD, 'i'}, {0xC3, 0xAE, 'i'}, {0xC3, 0xAF, 'i'},
    {0xC3, 0xB1, 'n'}, {0xC3, 0xB2, 'o'}, {0xC3, 0xB3, 'o'}, {0xC3, 0xB4, 'o'}, {0xC3, 0xB5, 'o'},
    {0xC3, 0xB6, 'o'}, {0xC3, 0xB9, 'u'}, {0xC3, 0xBA, 'u'}, {0xC3, 0xBB, 'u'}, {0xC3, 0xBC, 'u'},
    {0xC3, 0xBD, 'y'}, {0xC3, 0xBF, 'y'}, {0xC3, 0x80, 'a'}, {0xC3, 0x81, 'a'}, {0xC3, 0x82, 'a'},
    {0xC3, 0x83, 'a'}, {0xC3, 0x84, 'a'}, {0xC3, 0x87, 'c'}, {0xC3, 0x88, 'e'}, {0xC3, 0x89, 'e'},
    {0xC3, 0x8A, 'e'}, {0xC3, 0x8D, 'i'}, {0xC3, 0x91, 'n'}, {0xC3, 0x93, 'o'}, {0xC3, 0x94, 'o'},
    {0xC3, 0x95, 'o'}, {0xC3, 0x96, 'o'}, {0xC3, 0x9A, 'u'}, {0xC3, 0x9C, 'u'},
    // Latin Extended-A (Polish)
    {0xC4, 0x84, 'a'}, {0xC4, 0x85, 'a'}, {0xC4, 0x86, 'c'}, {0xC4, 0x87, 'c'}, {0xC4, 0x98, 'e'},
    {0xC4, 0x99, 'e'}, {0xC5, 0x81, 'l'}, {0xC5, 0x82, 'l'}, {0xC5, 0x83, 'n'}, {0xC5, 0x84, 'n'},
    {0xC5, 0x9A, 's'}, {0xC5, 0x9B, 's'}, {0xC5, 0xB9, 'z'}, {0xC5, 0xBA, 'z'}, {0xC5, 0xBB, 'z'},
    {0xC5, 0xBC, 'z'}};

// The Unicode block group a code point's leading bytes put it in.
enum class Script { latin, arabic, cjk, other };

// Decodes one UTF-8 sequence at s[i] (valid UTF-8: the engine made it so).
// Returns its code point and sets len.
char32_t decode(std::string_view s, size_t i, size_t& len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (i + len > s.size()) {
    len = 1;
    return c;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

Script script_of(char32_t cp) {
  if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F)) return Script::arabic;
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) return Script::cjk;
  if (cp < 0x250) return Script::latin;
  return Script::other;
}

// Words of a folded text: runs of letters and digits.
std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> out;
  std::string w;
  for (char c : folded) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
      w += c;
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// English words a message in another language seldom has.
constexpr std::string_view kEnglish[] = {
    "the", "and", "my", "is", "it", "have", "has", "of", "with", "since", "pain", "calf",
    "leg",  "not", "but", "for", "was", "been", "this", "that", "yes", "swollen", "left",
    "right", "days", "week", "hurts", "i", "im", "its", "in", "to", "on", "at", "a", "an"};

bool contains(const std::vector<std::string>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Words another language's phrase may have between two of its own words.
constexpr size_t kGap = 3;
// Bytes of Chinese text before a phrase where a negation denies it (three
// characters of three bytes each).
constexpr size_t kCjkLookBack = 9;

std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

// Arabic letters as people type them interchangeably: alef with hamza or
// madda as alef, alef maqsura as ya, ta marbuta as ha; short vowel marks
// and the stretching tatweel dropped.
std::string normal_arabic(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c == 0xD8 || c == 0xD9) && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      const char32_t cp = ((c & 0x1F) << 6) | (d & 0x3F);
      ++i;
      if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622) {
        out += "\xD8\xA7";  // alef
      } else if (cp == 0x0649) {
        out += "\xD9\x8A";  // ya
      } else if (cp == 0x0629) {
        out += "\xD9\x87";  // ha
      } else if (cp == 0x0640 || (cp >= 0x064B && cp <= 0x0652)) {
        // tatweel, vowel marks: dropped
      } else {
        out += static_cast<char>(c);
        out += static_cast<char>(d);
      }
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

// A word of the message is a phrase's word: the same, or in Arabic the same
// after a one-letter prefix written onto it ("و" and, "ف" so, "ب" with,
// "ل" for: "وضيق" is "and tightness").
bool same_word(std::string_view w, std::string_view p, bool arabic) {
  if (w == p) return true;
  if (!arabic || w.size() != p.size() + 2) return false;
  static constexpr std::string_view kPrefixes[] = {"\xD9\x88", "\xD9\x81", "\xD8\xA8",
                                                   "\xD9\x84"};
  return std::find(std::begin(kPrefixes), std::end(kPrefixes), w.substr(0, 2)) !=
             std::end(kPrefixes) &&
         w.substr(2) == p;
}

}  // namespace

std::string fold_accents(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
      continue;
    }
    if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      auto f = std::find_if(std::begin(kFolds), std::end(kFolds),
                            [&](const Fold& x) { return x.a == c && x.b == d; });
      if (f != std::end(kFolds)) {
        out += f->to;
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

namespace {

using Findings = std::vector<std::pair<std::string, Value>>;

// The language of the knowledge's that the message is in, or nullptr
// (English, or none well enough): by script (most letters Arabic or
// Chinese) and by its words, which must outnumber the English ones.
const knowledge::Language* language_of(const knowledge::Knowledge& kb, std::string_view text,
                                       const std::vector<std::string>& words) {
  size_t letters = 0, arabic = 0, cjk = 0;
  for (size_t i = 0, len = 1; i < text.size(); i += len) {
    const char32_t cp = decode(text, i, len);
    const Script s = script_of(cp);
    if (s == Script::latin && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') && cp < 0xC0) continue;
    ++letters;
    arabic += s == Script::arabic;
    cjk += s == Script::cjk;
  }
  const knowledge::Language* best = nullptr;
  size_t best_hits = 0;
  for (const auto& l : kb.languages) {
    size_t hits = 0;
    if (l.script == "arabic") hits = 2 * arabic > letters ? letters : 0;
    if (l.script == "cjk") hits = 3 * cjk > letters ? letters : 0;
    for (const auto& w : words) hits += contains(l.words, w) ? 1 : 0;
    if (hits > best_hits) {
      best = &l;
      best_hits = hits;
    }
  }
  size_t english = 0;
  for (const auto& w : words) {
    english += std::find(std::begin(kEnglish), std::end(kEnglish), w) != std::end(kEnglish);
  }
  if (!best || best_hits < 2 || best_hits <= english) return nullptr;
  return best;
}

// A red-flag finding stated (no when denied); stated both ways, yes wins.
void note(Findings& findings, const std::string& finding, bool denied) {
  const Value v = denied ? Value::no : Value::yes;
  auto seen = std::find_if(findings.begin(), findings.end(),
                           [&](const auto& f) { return f.first == finding; });
  if (seen == findings.end()) {
    findings.emplace_back(finding, v);
  } else if (v == Value::yes) {
    seen->second = Value::yes;  // stated both ways: yes wins
  }
}

// Chinese has no spaces between words: its phrases are found anywhere
// in the text, each denied by a negation among the characters just before.
void read_cjk(const knowledge::Language& l, const std::string& folded, Findings& findings) {
  const std::string joined = without_spaces(folded);
  for (const auto& [finding, phrases] : l.red_flags) {
    for (const auto& phrase : phrases) {
      const std::string p = without_spaces(fold_accents(phrase));
      for (size_t at = p.empty() ? std::string::npos : joined.find(p); at != std::string::npos;
           at = joined.find(p, at + 1)) {
        const size_t from = at > kCjkLookBack ? at - kCjkLookBack : 0;
        const std::string_view before = std::string_view(joined).substr(from, at - from);
        bool denied = false;
        for (const auto& n : l.negations) denied |= before.find(n) != std::string_view::npos;
        note(findings, finding, denied);
      }
    }
  }
}

// Its red-flag phrases, word by word, with up to kGap other words between
// two of a phrase's words ("me duele mucho el pecho", "mon pied est devenu
// froid"); denied by a negation just before or among those words.
void read_words(const knowledge::Language& l, const std::vector<std::string>& message,
                Findings& findings) {
  const bool in_arabic = l.script == "arabic";
  for (const auto& [finding, phrases] : l.red_flags) {
    for (const auto& phrase : phrases) {
      const std::string folded_phrase = fold_accents(phrase);
      const std::vector<std::string> p =
          words_of(in_arabic ? normal_arabic(folded_phrase) : folded_phrase);
      if (p.empty() || p.size() > message.size()) continue;
      for (size_t i = 0; i + p.size() <= message.size(); ++i) {
        if (!same_word(message[i], p[0], in_arabic)) continue;
        bool denied = false, found = true;
        for (size_t k = 1, j = i + 1; k < p.size() && found; ++k, ++j) {
          const size_t limit = std::min(message.size(), j + kGap + 1);
          while (j < limit && !same_word(message[j], p[k], in_arabic)) {
            denied |= contains(l.negations, message[j]);
            ++j;
          }
          found = j < limit;
        }
        if (!found) continue;
        for (size_t k = 1; k <= 3 && k <= i; ++k) denied |= contains(l.negations, message[i - k]);
        note(findings, finding, denied);
      }
    }
  }
}

}  // namespace

LanguageReader::LanguageReader(const knowledge::Knowledge& kb) : kb_(kb) {}

LanguageReader::Reading LanguageReader::read(std::string_view text) const {
  Reading r;
  if (kb_.languages.empty()) return r;
  const std::string folded = fold_accents(text);
  const std::vector<std::string> words = words_of(folded);
  const knowledge::Language* best = language_of(kb_, text, words);
  if (!best) return r;
  r.language = best;
  if (best->script == "cjk") {
    read_cjk(*best, folded, r.findings);
    return r;
  }
  const bool in_arabic = best->script == "arabic";
  read_words(*best, in_arabic ? words_of(normal_arabic(folded)) : words, r.findings);
  return r;
}

}  // namespace calfbot::dialog
