#include "dialog/understanding/understanding.h"

#include <algorithm>
#include <unordered_map>

#include <boost/locale/utf.hpp>

#include "dialog/understanding/language.h"
#include "dialog/understanding/lexicon_tables.h"
#include "dialog/understanding/person.h"
#include "dialog/understanding/phrase_matcher.h"
#include "dialog/understanding/reader.h"
#include "dialog/understanding/text_normal.h"
#include "dialog/understanding/time_expressions.h"
#include "dialog/understanding/internal.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

struct Lexicon::Impl : internal::LexiconData {
  Impl(const knowledge::Knowledge& kb, std::string_view reader_model)
      : languages(kb), reader(reader_model) {}
  LanguageReader languages;
  Reader reader;
  std::vector<bool> raise_only;  // by finding index: read by a red-flag rule (any level)
};

using internal::Tokens;
using text::Token;

namespace {

// Marks every finding a predicate reads.
void mark_findings(const knowledge::Predicate& p, const std::unordered_map<std::string, int>& index,
                   std::vector<bool>& marks) {
  if (p.kind == knowledge::Predicate::Kind::finding) {
    if (auto it = index.find(p.name); it != index.end()) marks[static_cast<size_t>(it->second)] = true;
  }
  for (const auto& c : p.children) mark_findings(c, index, marks);
}

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

std::vector<std::string> words_of(std::string_view phrase) {
  std::vector<std::string> out;
  for (const Token& t : text::tokenize(phrase)) {
    if (!t.punct()) out.push_back(t.text);
  }
  return out;
}

// Commands are short; longer messages are never compared with them.
constexpr size_t kMaxCommandTokens = 12;

std::string command_key(const Tokens& t) {
  std::string key;
  for (const Token& tok : t) {
    if (tok.punct() || in(tables::kCommandNoise, tok.text) || tok.text == "question") continue;
    if (!key.empty()) key += ' ';
    key += tok.text;
  }
  return key;
}

void add_choice_phrases(internal::ChoiceTable& table, const knowledge::Question& q,
                        const std::unordered_map<std::string, int>& finding_index) {
  for (size_t c = 0; c < q.choices.size(); ++c) {
    const auto& choice = q.choices[c];
    table.ids.push_back(choice.id);
    std::vector<int> sets;
    for (const auto& f : choice.sets) {
      auto it = finding_index.find(f);
      if (it != finding_index.end()) sets.push_back(it->second);
    }
    table.sets.push_back(std::move(sets));
    std::string id = choice.id;
    std::replace(id.begin(), id.end(), '_', ' ');
    const int target = static_cast<int>(c);
    table.trie.add(id, target);
    table.trie.add(choice.label, target);
    for (const auto& s : choice.synonyms) table.trie.add(s, target);
  }
}

bool same_choices(const internal::ChoiceTable& table, const knowledge::Question& q) {
  if (table.ids.size() != q.choices.size()) return false;
  for (size_t c = 0; c < q.choices.size(); ++c) {
    if (table.ids[c] != q.choices[c].id) return false;
  }
  return true;
}

}  // namespace

namespace {

using internal::LexiconData;

void add_findings(LexiconData& m, const knowledge::Knowledge& kb) {
  for (size_t i = 0; i < kb.findings.size(); ++i) {
    const auto& f = kb.findings[i];
    m.finding_ids.push_back(f.id);
    m.finding_index[f.id] = static_cast<int>(i);
    bool normal = false;
    for (const auto& s : f.synonyms) {
      m.findings.add(s, static_cast<int>(i));
      for (const auto& w : words_of(s)) normal |= w == "normal" || w == "fine";
    }
    m.normal_is_yes.push_back(normal);
    m.is_event.push_back(std::find(std::begin(tables::kEventFindings),
                                   std::end(tables::kEventFindings),
                                   f.id) != std::end(tables::kEventFindings));
  }
  for (std::string_view b : tables::kBlockers) m.findings.add(b, -1);
  for (const auto& w : tables::kSexWords) m.sex_words.add(w.phrase, w.sex);
  for (const auto& w : tables::kSeverityWords) m.severity_words.add(w.phrase, w.severity);
}

// A topic: phrases that speak of findings without stating them.
void add_topic(LexiconData& m, std::vector<int> findings, bool all, bool inverse,
               const std::vector<std::string_view>& phrases, bool states = false) {
  if (findings.empty()) return;
  m.topics.push_back({std::move(findings), all, inverse, states});
  for (std::string_view p : phrases) {
    m.findings.add(p, -1 - static_cast<int>(m.topics.size()));
  }
}

// A phrase saying a finding's opposite states it absent, as an ability does.
void add_opposites(LexiconData& m) {
  for (const auto& o : tables::kOpposites) {
    auto it = m.finding_index.find(std::string(o.finding));
    if (it != m.finding_index.end()) add_topic(m, {it->second}, false, true, {o.phrase});
  }
}

void add_topics(LexiconData& m) {
  for (const auto& topic : tables::kTopics) {
    std::vector<int> findings;
    for (std::string_view f : topic.findings) {
      auto it = f.empty() ? m.finding_index.end() : m.finding_index.find(std::string(f));
      if (it != m.finding_index.end()) findings.push_back(it->second);
    }
    add_topic(m, std::move(findings), topic.all, false, {topic.phrase}, topic.states);
  }
}

// "I can walk", "able to push off": the ability a "can't ..." phrase of a
// finding denies says the finding is absent. Not "can feel", "can see",
// which say nothing of the finding ("I can feel a lump").
void add_abilities(LexiconData& m, const knowledge::Knowledge& kb) {
  static constexpr std::string_view kNotAbility[] = {"feel", "see", "tell", "remember", "say",
                                                     "think", "hear", "notice", "sleep"};
  for (size_t i = 0; i < kb.findings.size(); ++i) {
    std::vector<std::string> abilities;
    for (const auto& s : kb.findings[i].synonyms) {
      std::vector<std::string> w = words_of(s);
      size_t skip = 0;
      if (w.size() > 2 && w[0] == "can" && w[1] == "not") skip = 2;
      if (w.size() > 2 && w[0] == "unable" && w[1] == "to") skip = 2;
      if (skip == 0 || in(kNotAbility, w[skip])) continue;
      std::string rest;
      for (size_t k = skip; k < w.size(); ++k) rest += " " + w[k];
      abilities.push_back("can" + rest);
      abilities.push_back("able to" + rest);
    }
    add_topic(m, {static_cast<int>(i)}, false, true,
              std::vector<std::string_view>(abilities.begin(), abilities.end()));
  }
}

void add_controls(LexiconData& m, std::vector<std::string>& vocabulary) {
  for (const auto& r : tables::kReplies) {
    m.replies.push_back({words_of(r.phrase), r.value, r.strong});
  }
  std::stable_sort(m.replies.begin(), m.replies.end(),
                   [](const auto& a, const auto& b) { return a.words.size() > b.words.size(); });
  for (const auto& c : tables::kCues) {
    m.cues.push_back({words_of(c.phrase), c.value, c.budget, c.modifiers});
  }
  for (size_t i = 0; i < m.replies.size(); ++i) {
    m.replies_by_first[m.replies[i].words.front()].push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < m.cues.size(); ++i) {
    m.cues_by_first[m.cues[i].words.front()].push_back(static_cast<int>(i));
  }
  for (const auto& c : tables::kCommands) {
    m.commands[command_key(text::tokenize(c.phrase))] = c.command;
    for (auto& w : words_of(c.phrase)) vocabulary.push_back(std::move(w));
  }
  // Control words are vocabulary too, so "tusday" and "brething" get fixed.
  for (const auto& r : m.replies) {
    vocabulary.insert(vocabulary.end(), r.words.begin(), r.words.end());
  }
  for (std::string_view w : tables::kLegWords) vocabulary.emplace_back(w);
  for (std::string_view w : text::time_words()) vocabulary.emplace_back(w);
  for (std::string_view w : internal::person_words()) vocabulary.emplace_back(w);
}

}  // namespace

Lexicon::Lexicon(const knowledge::Knowledge& kb, std::string_view reader_model)
    : impl_(std::make_unique<Impl>(kb, reader_model)) {
  Impl& m = *impl_;
  add_findings(m, kb);
  add_topics(m);
  add_opposites(m);
  add_abilities(m, kb);
  auto index_of = [&m](const char* id) {
    auto it = m.finding_index.find(id);
    return it == m.finding_index.end() ? -1 : it->second;
  };
  const char* sides[3] = {"side_left", "side_right", "bilateral"};
  for (int s = 0; s < 3; ++s) {
    m.side[s] = index_of(sides[s]);
    m.side_targets[s] = {m.side[s]};
  }
  const char* person[3] = {"for_someone_else", "female", "male"};
  for (int p = 0; p < 3; ++p) m.person[p] = index_of(person[p]);
  m.fever = index_of("fever");
  for (const auto& imp : tables::kImplications) {
    const int a = index_of(std::string(imp.finding).c_str());
    const int b = index_of(std::string(imp.implies).c_str());
    if (a < 0 || b < 0) continue;
    m.implications.emplace_back(a, b);
    m.implied_when_asked.push_back(imp.when_asked);
  }
  std::vector<std::string> vocabulary = m.findings.words();
  for (const auto& q : kb.questions) {
    if (q.choices.empty()) continue;
    internal::ChoiceTable& table = m.choices[q.slot];
    add_choice_phrases(table, q, m.finding_index);
    const auto& w = table.trie.words();
    vocabulary.insert(vocabulary.end(), w.begin(), w.end());
  }
  add_controls(m, vocabulary);
  // Words the reading turns on are spelled right: "apart" is no "part".
  std::vector<std::string> known(std::begin(tables::kCommonWords), std::end(tables::kCommonWords));
  known.insert(known.end(), std::begin(tables::kScopeBreakers), std::end(tables::kScopeBreakers));
  known.insert(known.end(), std::begin(tables::kModifiers), std::end(tables::kModifiers));
  known.insert(known.end(), std::begin(tables::kNormal), std::end(tables::kNormal));
  for (const auto& c : m.cues) known.insert(known.end(), c.words.begin(), c.words.end());
  for (const auto& w : vocabulary) {
    if (text::stem(w) != w) known.push_back(text::stem(w));
  }
  m.speller.emplace(vocabulary, known);
  m.raise_only.assign(kb.findings.size(), false);
  for (const auto& rule : kb.red_flags) mark_findings(rule.when, m.finding_index, m.raise_only);
}

Lexicon::~Lexicon() = default;

const std::string& Lexicon::reader_version() const { return impl_->reader.version(); }

std::string valid_utf8(std::string_view text) {
  using utf = boost::locale::utf::utf_traits<char>;
  std::string out;
  out.reserve(text.size());
  const char* p = text.data();
  const char* end = p + text.size();
  while (p != end) {
    const char* start = p;
    boost::locale::utf::code_point c = utf::decode(p, end);
    if (c == boost::locale::utf::illegal || c == boost::locale::utf::incomplete) {
      out += "\xEF\xBF\xBD";  // U+FFFD in place of the one bad byte
      p = start + 1;
    } else {
      out.append(start, p);
    }
  }
  return out;
}

namespace {

// The current question's choices, prepared at construction when it is one
// of the knowledge's questions, else in adhoc; null without choices.
const internal::ChoiceTable* choices_of(const internal::LexiconData& m,
                                        const knowledge::Question* current,
                                        internal::ChoiceTable& adhoc) {
  if (!current || current->choices.empty()) return nullptr;
  auto it = m.choices.find(current->slot);
  if (it != m.choices.end() && same_choices(it->second, *current)) return &it->second;
  add_choice_phrases(adhoc, *current, m.finding_index);
  return &adhoc;
}

}  // namespace

Understanding Lexicon::understand(std::string_view message, const knowledge::Question* current,
                                  const LocalDate& today) const {
  const Impl& m = *impl_;
  Understanding u;
  if (auto other = m.languages.read(message); other.language) {
    u.language = other.language->id;
    u.language_reply = other.language->reply;
    for (auto& [finding, value] : other.findings) {
      if (m.finding_index.count(finding)) u.findings.push_back({finding, value, ""});
    }
    return u;
  }
  Tokens tokens = text::tokenize(message);
  for (Token& t : tokens) {
    if (t.kind != Token::Kind::word || t.filler || t.text.size() < 5) continue;
    if (auto fixed = m.speller->correct(t.text)) {
      t.text = std::move(*fixed);
      text::refresh(t);
    }
  }
  if (tokens.empty()) return u;

  // Commands are whole messages.
  if (std::all_of(tokens.begin(), tokens.end(), [](const Token& t) { return t.is("?"); })) {
    u.command = Command::help;
    return u;
  }
  if (auto it = tokens.size() <= kMaxCommandTokens ? m.commands.find(command_key(tokens))
                                                   : m.commands.end();
      it != m.commands.end()) {
    u.command = it->second;
    return u;
  }

  internal::ChoiceTable adhoc;
  const internal::ChoiceTable* choices = choices_of(m, current, adhoc);
  std::vector<bool> events(tokens.size(), false);
  std::vector<bool> used(tokens.size(), false);
  internal::analyse(m, message, tokens, current, choices, u, events, used);

  // Time, severity and numbers.
  auto spans = text::find_time_expressions(tokens, today);
  for (auto& s : spans) {
    for (size_t k = s.begin; k < s.end; ++k) used[k] = true;
    // "Had a clot 5 years ago", "on the pill for six years", "in plaster for
    // eight weeks": the time of an event or a risk, not of the pain.
    if (events[s.begin]) s.onset_cue = -1;
  }
  if (const text::TimeSpan* s = text::onset(spans)) u.duration_days = s->days;
  internal::numbers(tokens, used, current, u);
  // Words score the pain only in answer to the severity question: said in
  // passing they would stop it being asked, and the patient's number is surer.
  if (current && current->number == "severity" && !u.number) {
    u.number = u.severity = internal::severity_in_words(m, tokens);
  }
  if (!u.reply && current && current->type == knowledge::AnswerType::yes_no) read_reply(message, *current, u);
  return u;
}

void Lexicon::read_reply(std::string_view message, const knowledge::Question& q,
                         Understanding& u) const {
  const Impl& m = *impl_;
  auto index = m.finding_index.find(q.finding);
  if (index == m.finding_index.end()) return;
  if (std::any_of(u.findings.begin(), u.findings.end(),
                  [&](const Observation& o) { return o.finding == q.finding; })) {
    return;  // the rules read the finding itself
  }
  auto guess = m.reader.reply(q.slot, message);
  if (!guess || guess->p < kReaderConfidence) return;
  if (guess->value == Value::no && m.raise_only[static_cast<size_t>(index->second)]) return;
  u.reply = guess->value;
  u.reader_p = guess->p;
}

namespace internal {

namespace {

// Words before a bare number that make it a 0-10 score ("pain is about 7").
constexpr std::string_view kSeverityBefore[] = {
    "pain", "severity", "level", "score",  "rate",    "rated",         "rating", "scale",
    "say",  "hurts",    "about", "around", "roughly", "approximately", "sore"};
// Words that may follow such a score ("a 7 today", "8 at worst").
constexpr std::string_view kSeverityAfter[] = {
    "or", "out",    "today",   "now",  "at",    "but",  "and", "maybe",
    "i",  "though", "tonight", "most", "right", "when", "on",  "if",
    "so", "ish",    "it",      "the",  "pain",  "in",   "by"};

// Between "a" and a score ("a solid 8", "a good 7").
constexpr std::string_view kSeverityAdjectives[] = {"solid", "good", "strong", "high",
                                                    "low",   "firm", "easy",   "definite"};

bool is_number(const std::optional<text::Number>& n) { return n && !n->ordinal; }

}  // namespace

std::optional<double> severity_in_words(const LexiconData& lex, const Tokens& t) {
  for (const auto& m : lex.severity_words.match_all(t)) {
    bool denied = false;
    for (size_t k = 1; k <= 2 && k <= m.begin && !t[m.begin - k].punct(); ++k) {
      denied |= t[m.begin - k].is("not") || t[m.begin - k].is("no");
    }
    if (!denied) return static_cast<double>(m.targets->front());
  }
  return std::nullopt;
}

namespace {

void mark(std::vector<bool>& used, size_t b, size_t e) {
  for (size_t k = b; k < e && k < used.size(); ++k) used[k] = true;
}

// "/10", "out of 10", "of ten" ("/5", "out of 5") from token e: the scale, or
// 0; end is set past it.
double out_of_ten(const Tokens& t, size_t e, size_t& end) {
  const size_t n = t.size();
  size_t k = e;
  bool of = false;
  if (k < n && t[k].is("/")) {
    ++k;
  } else if (k + 1 < n && t[k].is("out") && t[k + 1].is("of")) {
    k += 2;
  } else if (k < n && t[k].is("of")) {
    ++k;
    of = true;  // "one of 5 children" is no score
  } else {
    return 0;
  }
  auto d = text::parse_number(t, k);
  if (!is_number(d) || (d->value != 10 && (d->value != 5 || of))) return 0;
  end = k + static_cast<size_t>(d->len);
  return d->value;
}

template <size_t N>
bool listed(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

// A 0-10 score stated anywhere ("7/10", "pain is about 7", "a solid 8").
void read_severity(const Tokens& t, std::vector<bool>& used, Understanding& u) {
  const size_t n = t.size();
  for (size_t i = 0; i < n && !u.severity; ++i) {
    if (used[i]) continue;
    auto num = text::parse_number(t, i);
    if (!is_number(num)) continue;
    const size_t e = i + static_cast<size_t>(num->len);
    size_t end = e;
    if (double scale = out_of_ten(t, e, end); scale > 0) {
      u.severity = std::clamp(num->value * 10 / scale, 0.0, 10.0);
      mark(used, i, end);
      break;
    }
    if (num->value > 10) continue;
    // "a 7", "an eight maybe", "a solid 8"; not "a deep one".
    auto is_a = [&](size_t k) { return t[k].is("a") || t[k].is("an"); };
    const bool after_a = (i > 0 && is_a(i - 1)) ||
                         (i > 1 && is_a(i - 2) && !t[i].is("one") &&
                          listed(kSeverityAdjectives, t[i - 1].text));
    bool keyword = false;
    for (size_t k = 1; k <= 3 && k <= i && !t[i - k].clause_end(); ++k) {
      keyword |= listed(kSeverityBefore, t[i - k].text);
    }
    const bool tail = e >= n || t[e].punct() || listed(kSeverityAfter, t[e].text);
    if ((after_a || keyword) && tail) {
      u.severity = num->value;
      mark(used, i, e);
    }
  }
}

}  // namespace

void numbers(const Tokens& t, std::vector<bool>& used, const knowledge::Question* q,
             Understanding& u) {
  read_severity(t, used, u);
  if (!q ||
      (q->type != knowledge::AnswerType::number && q->type != knowledge::AnswerType::duration)) {
    return;
  }
  // The first number not already read as something else answers.
  std::optional<double> first;
  for (size_t i = 0; i < t.size(); ++i) {
    if (used[i]) continue;
    auto num = text::parse_number(t, i);
    if (!is_number(num)) continue;
    if (q->max > q->min && (num->value < q->min || num->value > q->max)) continue;
    first = num->value;
    mark(used, i, i + static_cast<size_t>(num->len));
    break;
  }
  if (q->number == "severity") {
    if (!u.severity && first && *first <= 10) u.severity = first;
    u.number = u.severity;
  } else if (q->type == knowledge::AnswerType::duration || q->number == "duration_days") {
    if (!u.duration_days && first) u.duration_days = first;  // a bare number: days
    u.number = u.duration_days;
  } else {
    u.number = first;
    if (!first && q->number == "age") u.number = u.age;  // "I'm 78." read as the age
  }
}

}  // namespace internal

}  // namespace calfbot::dialog
