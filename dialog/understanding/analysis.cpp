// Phrases, sides, blocks and findings of one message, and who it is about
// (negation is in negation.cpp, the choices and the reply in reply.cpp).
#include "dialog/understanding/analyser.h"

#include "dialog/understanding/lexicon_tables.h"

namespace calfbot::dialog::internal {

namespace {

using text::Token;

bool is_cue_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {"no",    "none", "neither", "nothing", "not",
                                                "never", "nope", "nah",     "n"};
  return in(kWords, w);
}

}  // namespace

void Analyser::run(Understanding& u, std::vector<bool>& used) {
  find_matches();
  find_sides();
  std::sort(matches_.begin(), matches_.end(),
            [](const Match& a, const Match& b) { return a.begin < b.begin; });
  make_blocks();
  assign_polarity(lex_, t_, blocks_, block_at_, cue_used_);
  findings_out(u);
  stopped_out(u);
  implied_out(u);
  person_out(u, used);
  temperature_out(u, used);
  sides_out(u);
  choices_out(u);
  reply_out(u);
}

void Analyser::mark_events(std::vector<bool>& events) const {
  auto boundary = [this](size_t k) {
    static constexpr std::string_view kWords[] = {"and", "but",     "now",  "then",
                                                  "so",  "because", "while"};
    return t_[k].punct() || in(kWords, t_[k].text);
  };
  // Clause of each token, and whether "after"/"since" has come in it yet.
  std::vector<size_t> clause(n_, 0);
  std::vector<bool> follows(n_, false);
  size_t c = 0;
  bool after = false;
  for (size_t k = 0; k < n_; ++k) {
    if (boundary(k)) {
      ++c;
      after = false;
    }
    clause[k] = c;
    follows[k] = after;
    after = after || t_[k].is("after") || t_[k].is("since") || t_[k].is("following");
  }
  std::vector<bool> event_clause(c + 1, false);
  for (const Match& m : matches_) {
    if (m.choice || block_of(m).value != Value::yes || follows[m.begin]) continue;
    for (int f : *m.targets) {
      if (f >= 0 && lex_.is_event[static_cast<size_t>(f)]) event_clause[clause[m.begin]] = true;
    }
  }
  for (size_t k = 0; k < n_; ++k) events[k] = event_clause[clause[k]] && !boundary(k);
}

void Analyser::find_matches() {
  for (const auto& m : lex_.findings.match_all(t_)) {
    matches_.push_back({m.begin, m.end, m.targets, false, false, m.denial});
    // Phrases naming a side, and blockers ("right now"), settle the side
    // words they hold; other phrases may skip one ("left" in "lower part
    // of my left calf").
    bool side = false, settles = false;
    for (int f : *m.targets) {
      side |= f >= 0 && (f == lex_.side[0] || f == lex_.side[1]);
      settles |= f < 0 || f == lex_.side[0] || f == lex_.side[1] || f == lex_.side[2];
    }
    for (size_t k = m.begin; k < m.end; ++k) {
      covered_[k] = by_finding_[k] = true;
      side_word_[k] = side_word_[k] || side;
      side_settled_[k] = side_settled_[k] || settles;
    }
  }
  if (!ct_) return;
  for (const auto& m : ct_->trie.match_all(t_)) {
    bool cue_words = true;
    for (size_t k = m.begin; k < m.end; ++k) {
      cue_words &= t_[k].filler || is_cue_word(t_[k].text) || t_[k].is("of");
    }
    matches_.push_back({m.begin, m.end, m.targets, true, cue_words});
    if (!cue_words) {
      for (size_t k = m.begin; k < m.end; ++k) covered_[k] = true;
    }
  }
}

bool Analyser::side_question() const {
  if (!q_) return false;
  if (q_->slot == "side") return true;
  if (!ct_) return false;
  for (const auto& sets : ct_->sets) {
    for (int f : sets) {
      if (f >= 0 && (f == lex_.side[0] || f == lex_.side[1] || f == lex_.side[2])) return true;
    }
  }
  return false;
}

void Analyser::find_sides() {
  const bool side_q = side_question();
  size_t words = 0, content_words = 0;
  for (const Token& t : t_) {
    words += t.punct() ? 0 : 1;
    content_words += !t.punct() && !t.filler && !t.is("one") && !t.is("side");
  }
  for (size_t i = 0; i < n_; ++i) {
    if (side_settled_[i] || (by_finding_[i] && !t_[i].side)) continue;
    const std::string& w = t_[i].text;
    int s = (w == "left" || w == "l") ? 0 : (w == "right" || w == "r") ? 1 : w == "both" ? 2 : -1;
    if (s < 0 || lex_.side[s] < 0) continue;
    if ((w == "l" || w == "r") && !(side_q && words <= 3)) continue;
    const std::string_view prev = i > 0 ? std::string_view(t_[i - 1].text) : "";
    // "fatter than the left", "compared to the right": the other leg.
    bool compared = false;
    for (size_t k = 1; k <= 3 && k <= i && !t_[i - k].punct(); ++k) {
      static constexpr std::string_view kCompare[] = {"than", "compared", "unlike", "versus",
                                                      "vs"};
      compared |= in(kCompare, t_[i - k].text);
    }
    if (compared) continue;
    size_t k = i + 1;
    while (k < n_ && (t_[k].filler || (s == 2 && t_[k].is("of")))) ++k;
    const std::string_view next = k < n_ ? std::string_view(t_[k].text) : "";
    if (side_of_other(k)) continue;  // "the left side of my chest"
    const bool leg = k < n_ && !t_[k].punct() && in(tables::kLegWords, next);
    bool fire = leg;
    if (!fire && s < 2 && (prev == "the" || prev == "my" || prev == "his" || prev == "her")) {
      fire = k >= n_ || t_[k].punct() || next == "but" || next == "and" || next == "though";
    }
    if (!fire && s == 2 && (k >= n_ || t_[k].punct())) {
      fire = prev == "is" || prev == "are" || prev == "now" || prev == "in" || prev == "on";
    }
    // "left." as the whole message.
    fire = fire || content_words == 1;
    if (!fire && side_q && !(s < 2 && in(tables::kNotSideBefore, prev))) {
      static constexpr std::string_view kAdverbial[] = {"now",    "away",  "after",
                                                        "before", "there", "here"};
      fire = !(s == 1 && in(kAdverbial, next));
    }
    if (!fire) continue;
    size_t end = i + 1;
    if (leg &&
        std::none_of(by_finding_.begin() + static_cast<long>(i) + 1,
                     by_finding_.begin() + static_cast<long>(k) + 1, [](bool c) { return c; })) {
      end = k + 1;
    }
    matches_.push_back({i, end, &lex_.side_targets[s], false, false});
    side_word_[i] = true;
    for (size_t j = i; j < end; ++j) covered_[j] = by_finding_[j] = true;
  }
}

bool Analyser::side_of_other(size_t k) const {
  if (k + 1 >= n_ || !(t_[k].is("side") || t_[k].is("sides")) || !t_[k + 1].is("of")) return false;
  size_t j = k + 2;
  while (j < n_ && t_[j].filler) ++j;
  return j < n_ && !t_[j].punct() && !in(tables::kLegWords, t_[j].text);
}

void Analyser::make_blocks() {
  for (const Match& m : matches_) {
    if (m.cue_words) continue;
    bool side = !m.choice, topic = !m.choice;
    for (int f : *m.targets) {
      side &= f >= 0 && (f == lex_.side[0] || f == lex_.side[1] || f == lex_.side[2]);
      topic &= f <= -2 && !lex_.topics[static_cast<size_t>(-2 - f)].inverse;
    }
    if (!blocks_.empty() && m.begin < blocks_.back().end) {
      blocks_.back().end = std::max(blocks_.back().end, m.end);
      blocks_.back().side_only &= side;
      blocks_.back().topic_only &= topic;
      if (m.denial != kNone) blocks_.back().denial = m.denial;
    } else {
      Block b;
      b.begin = m.begin;
      b.end = m.end;
      b.side_only = side;
      b.topic_only = topic;
      b.denial = m.denial;
      blocks_.push_back(b);
    }
  }
  for (size_t b = 0; b < blocks_.size(); ++b) {
    for (size_t k = blocks_[b].begin; k < blocks_[b].end; ++k) block_at_[k] = static_cast<int>(b);
  }
}

std::string Analyser::evidence(const Match& m) const {
  const Block& b = block_of(m);
  size_t first = std::min(m.begin, b.cue), last = m.end - 1;
  if (b.post != kNone) last = std::max(last, b.post);
  return t_[first].begin < t_[last].end
             ? std::string(message_.substr(t_[first].begin, t_[last].end - t_[first].begin))
             : std::string();
}

void Analyser::observe(Understanding& u, int finding, Value v, std::string ev, size_t pos) {
  const std::string& id = lex_.finding_ids[static_cast<size_t>(finding)];
  for (auto& o : u.findings) {
    if (o.finding != id) continue;
    // Stated both ways: yes wins (the safer reading), then no over unsure.
    if ((v == Value::yes && o.value != Value::yes) ||
        (v == Value::no && o.value == Value::unsure)) {
      o.value = v;
      o.evidence = std::move(ev);
      if (v == Value::yes) yes_at_[finding] = pos;
    }
    return;
  }
  u.findings.push_back({id, v, std::move(ev)});
  if (v == Value::yes) yes_at_[finding] = pos;
}

void Analyser::findings_out(Understanding& u) {
  for (const Match& m : matches_) {
    if (m.choice) continue;
    const Value v = block_of(m).value;
    if (v == Value::unknown) continue;  // about someone else
    for (int f : *m.targets) {
      if (f >= 0) observe(u, f, v, evidence(m), m.begin);  // f == -1: a blocker phrase
      if (f > -2) continue;
      const auto& topic = lex_.topics[static_cast<size_t>(-2 - f)];
      if (topic.inverse) {
        // Denied by a cue ("not able to walk"), present; said to be fine
        // ("can walk fine") or stated, absent.
        const bool denied = v == Value::no && block_of(m).cue != kNone;
        const Value inverse = denied ? Value::yes : v == Value::unsure ? v : Value::no;
        observe(u, topic.findings.front(), inverse, evidence(m), m.begin);
        continue;
      }
      if (v != Value::no && !topic.states) continue;
      if (!topic.all) observe(u, topic_finding(topic.findings), v, evidence(m), m.begin);
      for (size_t k = 0; topic.all && k < topic.findings.size(); ++k) {
        observe(u, topic.findings[k], v, evidence(m), m.begin);
      }
    }
  }
}

int Analyser::topic_finding(const std::vector<int>& findings) const {
  for (int f : findings) {
    if (q_ && !q_->finding.empty() && lex_.finding_ids[static_cast<size_t>(f)] == q_->finding) {
      return f;
    }
    for (size_t c = 0; ct_ && c < ct_->sets.size(); ++c) {
      const auto& sets = ct_->sets[c];
      if (std::find(sets.begin(), sets.end(), f) != sets.end()) return f;
    }
  }
  return findings.front();
}

void Analyser::stopped_out(Understanding& u) {
  for (std::string_view id : tables::kStoppable) {
    auto f = lex_.finding_index.find(std::string(id));
    if (f == lex_.finding_index.end()) continue;
    auto at = yes_at_.find(f->second);
    if (at == yes_at_.end()) continue;
    bool stopped = false;
    for (size_t k = at->second; k < n_ && !t_[k].clause_end() && !stopped; ++k) {
      stopped = t_[k].is("stopped") || t_[k].is("finished") || t_[k].is("quit") ||
                (t_[k].is("came") && k + 1 < n_ && t_[k + 1].is("off"));
    }
    if (!stopped) continue;
    for (auto& o : u.findings) {
      if (o.finding == id) o.value = Value::no;
    }
    yes_at_.erase(at);
  }
}

void Analyser::implied_out(Understanding& u) {
  for (size_t k = 0; k < lex_.implications.size(); ++k) {
    const auto [finding, implied] = lex_.implications[k];
    auto at = yes_at_.find(finding);
    if (at == yes_at_.end() || stated(u, implied)) continue;
    const std::string& id = lex_.finding_ids[static_cast<size_t>(finding)];
    if (!lex_.implied_when_asked[k] && q_ && q_->finding == id) continue;
    std::string ev;
    for (const auto& o : u.findings) {
      if (o.finding == id) ev = o.evidence;
    }
    observe(u, implied, Value::yes, std::move(ev), at->second);
  }
}

// "39.2 on the ear thermometer", "temp was 38.6", "36.9": a body temperature
// in Celsius (or 96-108 Fahrenheit with "F" or a temperature word) says
// whether there is a fever, unless words said so.
void Analyser::temperature_out(Understanding& u, const std::vector<bool>& used) {
  if (lex_.fever < 0 || stated(u, lex_.fever)) return;
  static constexpr std::string_view kTemperatureWords[] = {
      "temp", "temperature", "thermometer", "fever", "degrees", "c", "f", "fahrenheit"};
  for (size_t i = 0; i < n_; ++i) {
    if (t_[i].kind != Token::Kind::number || used[i]) continue;  // not "36F", an age
    auto num = text::parse_number(t_, i);
    if (!num || num->ordinal) continue;
    bool named = false;
    for (size_t k = i > 3 ? i - 3 : 0; k < n_ && k <= i + 2; ++k) {
      named |= k != i && in(kTemperatureWords, t_[k].text);
    }
    const bool decimal = t_[i].text.find('.') != std::string::npos;
    double c = num->value;
    if (c >= 96 && c <= 108 && named) c = (c - 32) * 5 / 9;
    if (c < 35 || c > 43 || !(decimal || named)) continue;
    if (c > 37.4 && c < 37.8) continue;  // neither
    const std::string ev(message_.substr(t_[i].begin, t_[i].end - t_[i].begin));
    observe(u, lex_.fever, c >= 37.8 ? Value::yes : Value::no, ev, i);
    return;
  }
}

bool Analyser::stated(const Understanding& u, int finding) const {
  if (finding < 0) return true;
  const std::string& id = lex_.finding_ids[static_cast<size_t>(finding)];
  return std::any_of(u.findings.begin(), u.findings.end(),
                     [&](const Observation& o) { return o.finding == id; });
}

std::string Analyser::span_text(Span s) const {
  if (s.empty() || s.end > n_) return std::string();
  return std::string(message_.substr(t_[s.begin].begin, t_[s.end - 1].end - t_[s.begin].begin));
}

std::vector<bool> Analyser::reported() const {
  std::vector<bool> out(n_, false);
  for (const Block& b : blocks_) {
    if (b.value != Value::unknown) continue;
    size_t first = b.begin, last = b.end;
    while (first > 0 && !t_[first - 1].clause_end()) --first;
    while (last < n_ && !t_[last].clause_end()) ++last;
    for (size_t k = first; k < last; ++k) out[k] = true;
  }
  return out;
}

void Analyser::person_out(Understanding& u, std::vector<bool>& used) {
  std::vector<SexWord> sex_words;
  for (const auto& m : lex_.sex_words.match_all(t_)) {
    sex_words.push_back({{m.begin, m.end}, m.targets->front()});
  }
  const bool number_q = q_ && (q_->type == knowledge::AnswerType::number ||
                               q_->type == knowledge::AnswerType::duration);
  const Person p = read_person(t_, by_finding_, reported(), sex_words, !number_q);
  if (p.other && !stated(u, lex_.person[0])) {
    observe(u, lex_.person[0], Value::yes, span_text(p.other_at), p.other_at.begin);
  }
  if (p.sex >= 0 && !stated(u, lex_.person[1]) && !stated(u, lex_.person[2])) {
    observe(u, lex_.person[1 + p.sex], Value::yes, span_text(p.sex_at), p.sex_at.begin);
  }
  if (p.age) {
    u.age = p.age;
    for (size_t k = p.age_at.begin; k < p.age_at.end && k < n_; ++k) used[k] = true;
  }
}

void Analyser::sides_out(Understanding& u) {
  int o[3] = {-1, -1, -1};  // index in u.findings of each side stated present
  for (int s = 0; s < 3; ++s) {
    if (lex_.side[s] < 0) continue;
    const std::string& id = lex_.finding_ids[static_cast<size_t>(lex_.side[s])];
    for (size_t k = 0; k < u.findings.size(); ++k) {
      if (u.findings[k].finding == id && u.findings[k].value == Value::yes) {
        o[s] = static_cast<int>(k);
      }
    }
  }
  if (o[2] >= 0 || (o[0] < 0 && o[1] < 0)) return;
  if (o[0] >= 0 && o[1] >= 0) {
    const std::string ev = u.findings[static_cast<size_t>(o[0])].evidence;
    if (lex_.side[2] >= 0) observe(u, lex_.side[2], Value::yes, ev, 0);
    return;
  }
  const int s = o[0] >= 0 ? 0 : 1;
  const std::string ev = u.findings[static_cast<size_t>(o[s])].evidence;
  for (int other : {1 - s, 2}) {
    if (lex_.side[other] >= 0) observe(u, lex_.side[other], Value::no, ev, 0);
  }
}

void analyse(const LexiconData& lex, std::string_view message, const Tokens& tokens,
             const knowledge::Question* current, const ChoiceTable* choices, Understanding& u,
             std::vector<bool>& events, std::vector<bool>& used) {
  Analyser a(lex, message, tokens, current, choices);
  a.run(u, used);
  a.mark_events(events);
}

}  // namespace calfbot::dialog::internal
