#include "dialog/understanding/phrase_matcher.h"

#include <algorithm>

namespace calfbot::dialog::text {

namespace {

// The stem a "..." chunk of a phrase stands for: up to kMaxGap words.
constexpr std::string_view kGap = "\x01gap";

// Words a "..." never crosses: they open another clause ("a cough, but the
// blood test was fine"), so that its two ends are said of one thing.
// A denial in the gap stops it too: "coughed but there was no blood" is read
// by the phrases it holds, never as a denial of the whole.
bool is_denial(std::string_view w);
// A part of the leg in the gap stops it as well: the words after it are said
// of the leg ("a cough and my calf is red" is no blood in the cough).
// "if" stops it, except an "if you" or "if anyone" that tells what happens
// ("he cries out if anyone touches his toes").
bool stops_gap(const std::vector<Token>& tokens, size_t k) {
  static constexpr std::string_view kStops[] = {
      "but",  "because", "although", "though", "whereas", "except", "unless",
      "calf", "leg",     "foot",     "shin",   "knee",    "ankle",  "thigh", "heel"};
  const Token& t = tokens[k];
  if (t.punct() || is_denial(t.text)) return true;
  if (t.is("if")) {
    return k + 1 >= tokens.size() ||
           !(tokens[k + 1].is("you") || tokens[k + 1].is("anyone") ||
             tokens[k + 1].is("anybody") || tokens[k + 1].is("someone"));
  }
  return std::find(std::begin(kStops), std::end(kStops), t.stem) != std::end(kStops) ||
         std::find(std::begin(kStops), std::end(kStops), t.text) != std::end(kStops);
}

bool is_denial(std::string_view w) {
  return w == "not" || w == "no" || w == "never" || w == "nothing" || w == "none" ||
         w == "without" || w == "nor";
}

// A phrase's stems: each space-separated chunk is "*" (any one word: ""),
// "..." (kGap) or text tokenised like a message.
struct PhraseStems {
  std::vector<std::string> stems, all;  // all keeps the fillers
  std::vector<std::string> texts;       // its words as written, in order
};

PhraseStems split_phrase(std::string_view phrase) {
  PhraseStems out;
  size_t s = 0;
  while (s < phrase.size()) {
    size_t sp = phrase.find(' ', s);
    if (sp == std::string_view::npos) sp = phrase.size();
    std::string_view chunk = phrase.substr(s, sp - s);
    s = sp + 1;
    if (chunk.empty()) continue;
    if (chunk == "*") {
      out.stems.emplace_back();
      out.all.emplace_back();
      continue;
    }
    if (chunk == "...") {
      out.stems.emplace_back(kGap);
      out.all.emplace_back(kGap);
      continue;
    }
    for (const Token& t : tokenize(chunk)) {
      if (t.punct()) continue;
      out.all.push_back(t.stem);
      if (!t.filler) out.stems.push_back(t.stem);
      out.texts.push_back(t.text);
    }
  }
  return out;
}

using Match = PhraseTrie::Match;

// Whether a phrase with a "..." may be read where it stands, beside the
// phrases chosen so far (`owner`: the index in chosen of each token's;
// `in_gap`: read with another "..."). The one-word phrases on its ends that
// give way to it go to `on_ends`.
bool gap_fits(const Match& m, const std::vector<Token>& tokens, const std::vector<int>& owner,
              const std::vector<bool>& in_gap, const std::vector<Match>& chosen,
              std::vector<int>& on_ends) {
  bool free = true;
  for (size_t k = m.begin; k < m.end && free; ++k) {
    free = !in_gap[k];
    const int c = owner[k];
    if (!free || c < 0) continue;
    const Match& o = chosen[static_cast<size_t>(c)];
    // A word of it, not a filler, before the gap's start: it keeps its
    // words (its own denial must not reach the gap). One running on past
    // the end is read with it ("calf ... thicker" and "thicker than the
    // other").
    bool before = false;
    for (size_t x = o.begin; x < m.begin && !before; ++x) {
      before = !tokens[x].filler && !tokens[x].side;
    }
    if (before) {
      free = false;
    } else if (o.end > m.end) {
      k = o.end - 1;  // the rest of it is read with the gap, as one statement
    } else if ((o.begin <= m.begin || o.end >= m.end) && o.end - o.begin == 1) {
      on_ends.push_back(c);  // one word on an end: the gap's own
    }
  }
  return free;
}

// Phrases without a gap first, longest first; then those with a "...".
// A phrase of its own that starts before the gap keeps its words ("can't
// catch my breath" before a "catch ... chest"); a one-word phrase on an
// end gives way ("red" in "cough ... red"); others inside or running on
// past the end are read with it ("toes are puffy and it kills to wiggle
// them"). Returned in message order.
std::vector<Match> choose(std::vector<Match> found, const std::vector<Token>& tokens) {
  std::stable_sort(found.begin(), found.end(), [](const Match& a, const Match& b) {
    if (a.gapped != b.gapped) return b.gapped;
    return a.end - a.begin > b.end - b.begin;
  });
  std::vector<int> owner(tokens.size(), -1);  // index in chosen
  std::vector<bool> in_gap(tokens.size(), false), dropped;
  std::vector<Match> chosen;
  for (const Match& m : found) {
    if (!m.gapped) {
      bool free = true;
      for (size_t k = m.begin; k < m.end && free; ++k) free = owner[k] < 0;
      if (!free) continue;
      for (size_t k = m.begin; k < m.end; ++k) owner[k] = static_cast<int>(chosen.size());
      chosen.push_back(m);
      dropped.push_back(false);
      continue;
    }
    std::vector<int> on_ends;
    if (!gap_fits(m, tokens, owner, in_gap, chosen, on_ends)) continue;
    for (int c : on_ends) {
      dropped[static_cast<size_t>(c)] = true;
      const Match& o = chosen[static_cast<size_t>(c)];
      for (size_t k = o.begin; k < o.end; ++k) owner[k] = -1;
    }
    for (size_t k = m.begin; k < m.end; ++k) in_gap[k] = true;
    chosen.push_back(m);
    dropped.push_back(false);
  }
  {
    size_t kept = 0;
    for (size_t c = 0; c < chosen.size(); ++c) {
      if (!dropped[c]) chosen[kept++] = chosen[c];
    }
    chosen.resize(kept);
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const Match& a, const Match& b) { return a.begin < b.begin; });
  return chosen;
}

}  // namespace

PhraseTrie::PhraseTrie() { nodes_.emplace_back(); }

int PhraseTrie::child(int node, int id) const {
  const auto& next = nodes_[static_cast<size_t>(node)].next;
  auto it = std::lower_bound(next.begin(), next.end(), id,
                             [](const auto& p, int x) { return p.first < x; });
  return it != next.end() && it->first == id ? it->second : -1;
}

bool PhraseTrie::add(std::string_view phrase, int target) {
  PhraseStems split = split_phrase(phrase);
  for (const std::string& text : split.texts) {
    if (seen_words_.insert(text).second) words_.push_back(text);
  }
  std::vector<std::string>& stems = split.stems;
  const std::vector<std::string>& all = split.all;
  // "bit by bit" must not shrink to "by": a phrase that would lose all but
  // one word keeps its fillers and matches them literally.
  if (stems.size() < 2 && all.size() >= 2) stems = all;
  if (stems.empty() || std::all_of(stems.begin(), stems.end(), [](auto& x) { return x.empty(); })) {
    return false;
  }
  // A "..." needs words on both sides of it.
  if (stems.front() == kGap || stems.back() == kGap) return false;
  int node = 0;
  for (const std::string& st : stems) {
    if (st == kGap) {
      int next = nodes_[static_cast<size_t>(node)].gap;
      if (next < 0) {
        next = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
        nodes_[static_cast<size_t>(node)].gap = next;
      }
      node = next;
      continue;
    }
    const int id =
        st.empty() ? -1 : stem_ids_.emplace(st, static_cast<int>(stem_ids_.size())).first->second;
    int next = st.empty() ? nodes_[static_cast<size_t>(node)].wild : child(node, id);
    if (next < 0) {
      next = static_cast<int>(nodes_.size());
      nodes_.emplace_back();
      auto& n = nodes_[static_cast<size_t>(node)];
      if (st.empty()) {
        n.wild = next;
      } else {
        auto it = std::lower_bound(n.next.begin(), n.next.end(), id,
                                   [](const auto& p, int x) { return p.first < x; });
        n.next.insert(it, {id, next});
      }
    }
    node = next;
  }
  auto& end_node = nodes_[static_cast<size_t>(node)];
  if (std::find(end_node.targets.begin(), end_node.targets.end(), target) ==
      end_node.targets.end()) {
    end_node.targets.push_back(target);
  }
  for (const std::string& st : stems) end_node.denies = end_node.denies || is_denial(st);
  end_node.gapped =
      end_node.gapped || std::find(stems.begin(), stems.end(), kGap) != stems.end();
  return true;
}

// node was reached by consuming a real token just before j.
void PhraseTrie::walk(const Words& w, int node, size_t j, Best& best) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  const int g = n.gapped ? 1 : 0;
  if (!n.targets.empty() && j > best.end[g]) {
    best.end[g] = j;
    best.node[g] = node;
  }
  advance(w, node, j, best);
}

void PhraseTrie::advance(const Words& w, int node, size_t j, Best& best,
                         int skipped) const {
  if (j >= w.tokens.size() || w.tokens[j].punct()) return;
  const Node& n = nodes_[static_cast<size_t>(node)];
  if (w.ids[j] >= 0) {
    if (int c = child(node, w.ids[j]); c >= 0) walk(w, c, j + 1, best);
  }
  // A "*" never takes "of": "bottoms of my feet tingle" is no "bottom * tingling".
  if (n.wild >= 0 && !w.tokens[j].is("of")) walk(w, n.wild, j + 1, best);
  if ((w.tokens[j].filler || w.tokens[j].side) && node != 0 && skipped < kMaxSkip) {
    advance(w, node, j + 1, best, skipped + 1);
  }
  // A "...": the rest of the phrase after 0 to kMaxGap words of this clause.
  // Fillers ("my", "a bit") are not counted, up to twice kMaxGap tokens.
  if (n.gap >= 0) {
    size_t words = 0;
    for (size_t g = 0; g <= 2 * kMaxGap && j + g < w.tokens.size(); ++g) {
      if (g > 0) {
        const Token& t = w.tokens[j + g - 1];
        if (stops_gap(w.tokens, j + g - 1)) break;
        words += t.filler ? 0 : 1;
        if (words > kMaxGap) break;
      }
      if (!w.tokens[j + g].punct()) advance(w, n.gap, j + g, best);
    }
  }
}

std::vector<PhraseTrie::Match> PhraseTrie::match_all(const std::vector<Token>& tokens) const {
  Words w{tokens, std::vector<int>(tokens.size(), -1)};
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].punct()) continue;
    auto it = stem_ids_.find(tokens[i].stem);
    if (it != stem_ids_.end()) w.ids[i] = it->second;
  }
  std::vector<Match> found;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].punct() || (w.ids[i] < 0 && nodes_[0].wild < 0)) continue;
    Best best;
    advance(w, 0, i, best);
    // The longest phrase starting here, and the longest with a "..." if it
    // is longer still: it is chosen only when its ends are free.
    for (int g = 0; g < 2; ++g) {
      const int node = best.node[g];
      if (node < 0 || (g == 1 && best.node[0] >= 0 && best.end[1] <= best.end[0])) continue;
      const size_t end = best.end[g];
      const Node& hit = nodes_[static_cast<size_t>(node)];
      Match m{i, end, &hit.targets};
      m.gapped = hit.gapped;
      for (size_t k = i + 1; k + 1 < end && !hit.denies; ++k) {
        if (is_denial(tokens[k].text)) m.denial = k;
      }
      found.push_back(m);
    }
  }
  if (found.size() <= 1) return found;
  return choose(std::move(found), tokens);
}

namespace {

// Optimal string alignment distance, stopping early above 1.
bool within_one(std::string_view a, std::string_view b) {
  if (a == b) return true;
  size_t la = a.size(), lb = b.size();
  if (la > lb + 1 || lb > la + 1) return false;
  size_t i = 0;
  while (i < la && i < lb && a[i] == b[i]) ++i;
  if (la == lb) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  if (la > lb) return a.substr(i + 1) == b.substr(i);
  return a.substr(i) == b.substr(i + 1);
}

}  // namespace

Speller::Speller(const std::vector<std::string>& vocabulary, const std::vector<std::string>& known)
    : known_(known.begin(), known.end()) {
  std::unordered_set<std::string> seen;
  for (const auto& w : vocabulary) {
    known_.insert(w);
    if (w.size() < 4 || !seen.insert(w).second) continue;
    if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) continue;
    int idx = static_cast<int>(words_.size());
    words_.push_back(w);
    deletes_[w].push_back(idx);
    for (size_t i = 0; i < w.size(); ++i) {
      std::string d = w.substr(0, i) + w.substr(i + 1);
      auto& v = deletes_[d];
      if (v.empty() || v.back() != idx) v.push_back(idx);
    }
  }
}

std::optional<std::string> Speller::correct(std::string_view word) const {
  if (word.size() < 5 || known_.count(std::string(word))) return std::nullopt;
  // An inflection of a known word is spelled right ("swells" is no "spells").
  if (known_.count(stem(word))) return std::nullopt;
  // A dropped g: "poundin", "achin", "nothin".
  if (word.size() > 5 && word.substr(word.size() - 2) == "in") {
    std::string with_g = std::string(word) + "g";
    if (known_.count(with_g) || known_.count(stem(with_g))) return with_g;
  }
  if (!std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return std::nullopt;
  }
  int found = -1;
  bool ambiguous = false;
  auto consider = [&](const std::string& key) {
    auto it = deletes_.find(key);
    if (it == deletes_.end()) return;
    for (int idx : it->second) {
      if (idx == found || !within_one(word, words_[static_cast<size_t>(idx)])) continue;
      if (found >= 0) ambiguous = true;
      found = idx;
    }
  };
  std::string w(word);
  consider(w);
  for (size_t i = 0; i < w.size(); ++i) consider(w.substr(0, i) + w.substr(i + 1));
  if (found < 0 || ambiguous) return std::nullopt;
  return words_[static_cast<size_t>(found)];
}

}  // namespace calfbot::dialog::text
