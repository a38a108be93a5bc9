#include "dialog/understanding/text_normal.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "dialog/understanding/text_tables.h"

namespace calfbot::dialog::text {

namespace {

using tables::kFillers;
using tables::kIrregular;
using tables::kRewrites;
using Pair = tables::Pair;

struct WordInfo {
  std::string_view rewrite;  // normal form, possibly several words ("dont" -> "do not")
  std::string_view stem;     // an irregular stem ("swollen" -> "swell")
  bool filler = false;
  Token::NumberWord number = Token::NumberWord::none;
  int8_t value = 0;
};

using InfoMap = std::unordered_map<std::string_view, WordInfo>;

// Everything known about particular words, in one table so that a token
// costs one lookup. Built on first use and never changed.
const InfoMap& word_info() {
  static const InfoMap m = [] {
    using K = Token::NumberWord;
    InfoMap r;
    for (const auto& [k, v] : kRewrites) r[k].rewrite = v;
    for (const auto& [k, v] : kIrregular) r[k].stem = v;
    for (std::string_view f : kFillers) r[f].filler = true;
    constexpr std::string_view kUnits[] = {
        "zero",     "one",     "two",     "three",     "four",     "five",    "six",
        "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    constexpr std::string_view kTens[] = {"twenty", "thirty",  "forty",  "fifty",
                                          "sixty",  "seventy", "eighty", "ninety"};
    constexpr std::string_view kOrdinals[] = {
        "zeroth",    "first",     "second",      "third",      "fourth",
        "fifth",     "sixth",     "seventh",     "eighth",     "ninth",
        "tenth",     "eleventh",  "twelfth",     "thirteenth", "fourteenth",
        "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
    auto number = [&r](std::string_view w, K kind, int value) {
      r[w].number = kind;
      r[w].value = static_cast<int8_t>(value);
    };
    for (int i = 0; i < 20; ++i) {
      number(kUnits[i], K::unit, i);
      number(kOrdinals[i], K::ordinal, i);
    }
    for (int i = 0; i < 8; ++i) number(kTens[i], K::tens, 20 + 10 * i);
    number("twentieth", K::ordinal, 20);
    number("thirtieth", K::ordinal, 30);
    number("hundred", K::hundred, 100);
    return r;
  }();
  return m;
}

const WordInfo* info_of(std::string_view w) {
  const InfoMap& m = word_info();
  auto it = m.find(w);
  return it == m.end() ? nullptr : &it->second;
}

std::string stem_rules(std::string_view w);

void apply(Token& t, const WordInfo* info) {
  const bool word = t.kind == Token::Kind::word;
  if (!word) info = nullptr;
  t.filler = info && info->filler;
  t.side = word && (t.text == "left" || t.text == "right" || t.text == "both");
  t.stem = !word                           ? t.text
           : (info && !info->stem.empty()) ? std::string(info->stem)
                                           : stem_rules(t.text);
  t.number_word = info ? info->number : Token::NumberWord::none;
  t.number_value = info ? info->value : 0;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (static_cast<unsigned char>(c) >= 0x80); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Collapses runs of three or more equal letters to two.
std::string squeeze(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (char c : w) {
    size_t n = out.size();
    if (n >= 2 && out[n - 1] == c && out[n - 2] == c && is_alpha(c)) continue;
    out.push_back(c);
  }
  return out;
}

class Builder {
 public:
  explicit Builder(std::vector<Token>& out) : out_(out) {}

  void punct(char c, uint32_t at) {
    Token t;
    t.kind = Token::Kind::punct;
    t.text = std::string(1, c);
    t.stem = t.text;
    t.begin = at;
    t.end = at + 1;
    out_.push_back(std::move(t));
  }

  // One raw word (lower case, apostrophes kept) spanning [b, e).
  void word(std::string raw, uint32_t b, uint32_t e) {
    while (!raw.empty() && raw.back() == '\'') raw.pop_back();
    while (!raw.empty() && raw.front() == '\'') raw.erase(raw.begin());
    if (raw.empty()) return;
    size_t ap = raw.find('\'');
    if (ap == std::string::npos) return plain(raw, b, e);
    std::string base = raw.substr(0, ap), rest = raw.substr(ap + 1);
    rest.erase(std::remove(rest.begin(), rest.end(), '\''), rest.end());
    if (rest == "t" && ends_with(base, "n")) {  // n't
      base.pop_back();
      if (base == "ca")
        base = "can";
      else if (base == "wo")
        base = "will";
      else if (base == "sha")
        base = "shall";
      else if (base == "ai")
        base = "is";
      plain(base, b, e);
      return plain("not", b, e);
    }
    static const Pair kSuffix[] = {
        {"m", "am"}, {"ve", "have"}, {"re", "are"}, {"ll", "will"}, {"d", "would"}};
    for (const auto& [suffix, word] : kSuffix) {
      if (rest == suffix) {
        plain(base, b, e);
        return plain(std::string(word), b, e);
      }
    }
    static const std::string_view kIsWords[] = {"it",  "that", "there", "what", "he",
                                                "she", "who",  "where", "here"};
    if (rest == "s") {
      plain(base, b, e);
      if (std::find(std::begin(kIsWords), std::end(kIsWords), base) != std::end(kIsWords)) {
        plain("is", b, e);
      }
      return;
    }
    plain(base + rest, b, e);
  }

 private:
  void plain(const std::string& raw, uint32_t b, uint32_t e) {
    std::string w = squeeze(raw);
    const WordInfo* info = info_of(w);
    if (info && !info->rewrite.empty()) {
      std::string_view v = info->rewrite;
      size_t s = 0;
      while (s < v.size()) {
        size_t sp = v.find(' ', s);
        if (sp == std::string_view::npos) sp = v.size();
        std::string part(v.substr(s, sp - s));
        const WordInfo* part_info = info_of(part);
        emit(std::move(part), part_info, b, e);
        s = sp + 1;
      }
      return;
    }
    // Digits glued to letters: keep ordinals ("3rd"), split the rest ("3days").
    size_t d = 0;
    while (d < w.size() && (is_digit(w[d]) || (d > 0 && w[d] == '.'))) ++d;
    if (d > 0 && d < w.size()) {
      std::string_view suf = std::string_view(w).substr(d);
      if (suf != "st" && suf != "nd" && suf != "rd" && suf != "th") {
        emit(w.substr(0, d), nullptr, b, e);
        return plain(w.substr(d), b, e);
      }
    }
    emit(std::move(w), info, b, e);
  }

  void emit(std::string w, const WordInfo* info, uint32_t b, uint32_t e) {
    Token t;
    t.kind = (!w.empty() && is_digit(w[0])) ? Token::Kind::number : Token::Kind::word;
    t.text = std::move(w);
    t.begin = b;
    t.end = e;
    apply(t, info);
    out_.push_back(std::move(t));
  }

  std::vector<Token>& out_;
};

}  // namespace

bool Token::clause_end() const {
  return kind == Kind::punct &&
         (text == "." || text == "!" || text == "?" || text == ";" || text == ":");
}

bool is_filler(std::string_view word) {
  const WordInfo* info = info_of(word);
  return info && info->filler;
}

void refresh(Token& t) { apply(t, t.kind == Token::Kind::word ? info_of(t.text) : nullptr); }

std::string stem(std::string_view w) {
  const WordInfo* info = info_of(w);
  return info && !info->stem.empty() ? std::string(info->stem) : stem_rules(w);
}

namespace {

std::string stem_rules(std::string_view w) {
  std::string s(w);
  auto undouble = [&s] {
    size_t n = s.size();
    if (n >= 2 && s[n - 1] == s[n - 2] && !is_vowel(s[n - 1]) && s[n - 1] != 'l' &&
        s[n - 1] != 's' && s[n - 1] != 'z') {
      s.pop_back();
    }
  };
  // Plural or third person first ("swellings" -> "swelling"), then -ing/-ed.
  if (ends_with(s, "ies") && s.size() >= 5) {
    s.resize(s.size() - 3);
    s += 'y';
  } else if (ends_with(s, "s") && s.size() >= 4 && !ends_with(s, "ss") && !ends_with(s, "us") &&
             !ends_with(s, "is")) {
    s.pop_back();
  }
  if (ends_with(s, "ing") && s.size() >= 6) {
    s.resize(s.size() - 3);
    undouble();
  } else if (ends_with(s, "ied") && s.size() >= 5) {
    s.resize(s.size() - 3);
    s += 'y';
  } else if (ends_with(s, "ed") && !ends_with(s, "eed") && s.size() >= 5) {
    s.resize(s.size() - 2);
    undouble();
  }
  if (s.size() >= 4 && s.back() == 'e' && s[s.size() - 2] != 'e') s.pop_back();
  return s;
}

// Texting's one-letter words between two words: "swollen n red" (and),
// "w the swelling" (with). Alone, "n" stays a reply ("n" = no). And "me"
// before a part of the body, as many say "my" ("done me calf in").
void join_letters(std::vector<Token>& out) {
  static constexpr std::string_view kBody[] = {
      "calf", "calves", "leg", "legs", "foot", "feet", "heel", "heels", "knee", "knees",
      "ankle", "shin", "toes", "back", "chest", "heart", "achilles", "thigh", "hip", "bum"};
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    Token& t = out[i];
    if (t.is("me") && std::find(std::begin(kBody), std::end(kBody), out[i + 1].text) !=
                          std::end(kBody)) {
      t.text = "my";
    } else if (i == 0 || t.punct() || out[i - 1].punct() || out[i + 1].punct() ||
               (t.text != "n" && t.text != "w")) {
      continue;
    } else {
      t.text = t.text == "n" ? "and" : "with";
    }
    apply(t, info_of(t.text));
  }
}

}  // namespace

namespace {

// A character between words: punctuation becomes a token, a line break a
// full stop, "&" and "+" "and", "-" between digits "to" ("3-4 days").
void separator(Builder& b, char c, uint32_t i, bool between_digits) {
  switch (c) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '/':
    case '(':
    case ')':
      b.punct(c, i);
      break;
    case '\n':
      b.punct('.', i);
      break;
    case '&':
    case '+':
      b.word("and", i, i + 1);
      break;
    case '-':
      if (between_digits) b.word("to", i, i + 1);
      break;
    default:
      break;
  }
}

}  // namespace

std::vector<Token> tokenize(std::string_view in) {
  std::vector<Token> out;
  out.reserve(in.size() / 4 + 4);
  Builder b(out);
  std::string word;
  uint32_t wb = 0;
  auto flush = [&](uint32_t at) {
    if (!word.empty()) b.word(std::move(word), wb, at);
    word.clear();
  };
  const uint32_t n = static_cast<uint32_t>(std::min<size_t>(in.size(), UINT32_MAX - 1));
  for (uint32_t i = 0; i < n; ++i) {
    char c = lower(in[i]);
    // U+2018/U+2019 quotation marks are apostrophes.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < n &&
        static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(in[i + 2]) == 0x98 ||
         static_cast<unsigned char>(in[i + 2]) == 0x99)) {
      if (!word.empty()) word.push_back('\'');
      i += 2;
      continue;
    }
    if (is_alpha(c) || is_digit(c)) {
      if (word.empty()) wb = i;
      word.push_back(c);
      continue;
    }
    if (c == '\'' && !word.empty()) {
      word.push_back(c);
      continue;
    }
    // A decimal point inside a number ("7.5").
    if (c == '.' && !word.empty() && is_digit(word.back()) && i + 1 < n && is_digit(in[i + 1]) &&
        std::all_of(word.begin(), word.end(), [](char x) { return is_digit(x) || x == '.'; })) {
      word.push_back(c);
      continue;
    }
    // "w/o" is one word.
    if (c == '/' && word == "w" && i + 1 < n && lower(in[i + 1]) == 'o' &&
        (i + 2 >= n || !is_alpha(lower(in[i + 2])))) {
      word = "w/o";
      ++i;
      continue;
    }
    const bool digit_before = !word.empty() && is_digit(word.back());
    flush(i);
    separator(b, c, i, digit_before && i + 1 < n && is_digit(in[i + 1]));
  }
  flush(n);
  join_letters(out);
  return out;
}

// ---- numbers -----------------------------------------------------------------

std::optional<Number> parse_number(const std::vector<Token>& tokens, size_t i) {
  using K = Token::NumberWord;
  if (i >= tokens.size()) return std::nullopt;
  const Token& t = tokens[i];
  if (t.kind == Token::Kind::number) {
    const std::string& s = t.text;
    size_t d = 0;
    while (d < s.size() && (is_digit(s[d]) || s[d] == '.')) ++d;
    if (d == 0 || d > 9) return std::nullopt;
    Number n;
    n.value = std::strtod(s.substr(0, d).c_str(), nullptr);
    n.len = 1;
    n.ordinal = d < s.size();
    return n;
  }
  if (t.kind != Token::Kind::word) return std::nullopt;
  const Token* next = i + 1 < tokens.size() ? &tokens[i + 1] : nullptr;
  Number n;
  n.words = true;
  n.len = 1;
  if ((t.is("a") || t.is("one")) && next && next->number_word == K::hundred) {
    n.value = 100;
    n.len = 2;
    return n;
  }
  if (t.number_word == K::none) return std::nullopt;
  n.value = t.number_value;
  n.ordinal = t.number_word == K::ordinal;
  // "fifty four", "twenty-third".
  if (t.number_word == K::tens && next && next->number_value >= 1 && next->number_value <= 9 &&
      (next->number_word == K::unit || next->number_word == K::ordinal)) {
    n.value += next->number_value;
    n.ordinal = next->number_word == K::ordinal;
    n.len = 2;
  }
  return n;
}

}  // namespace calfbot::dialog::text
