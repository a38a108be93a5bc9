// Negation and doubt over the phrases of one message: which cues ("no",
// "not", "neither ... nor", "not sure", "my mum had") reach which phrases.
#include <algorithm>

#include "dialog/understanding/lexicon_tables.h"
#include "dialog/understanding/internal.h"

namespace calfbot::dialog::internal {

namespace {

using text::Token;

// How far a negated list is followed past a comma ("no swelling, redness,
// warmth or pain"); a bound keeps a message's reading linear in its length.
constexpr size_t kListLookahead = 40;

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

class Polarity {
 public:
  Polarity(const LexiconData& lex, const Tokens& t, std::vector<Block>& blocks,
           const std::vector<int>& block_at, std::vector<bool>& cue_used)
      : lex_(lex), t_(t), n_(t.size()), blocks_(blocks), block_at_(block_at), cue_used_(cue_used) {}

  // Walks the message once, a block at a time, keeping the cue in force;
  // then the hedged denials ("not hot exactly, but warmer").
  void run() {
    size_t i = 0, next_block = 0;
    while (i < n_) {
      if (next_block < blocks_.size() && blocks_[next_block].begin == i) {
        Block& b = blocks_[next_block++];
        on_block(b);
        i = b.end;
      } else {
        i = on_token(i);
      }
    }
    for (Block& b : blocks_) hedged(b);
  }

 private:
  struct Scope {
    bool on = false;
    Value value = Value::no;
    size_t cue = kNone;
    size_t cue_end = kNone;
    int budget = 0;
    bool modifiers = false;
    bool after_hit = false;
  };

  void on_block(Block& b) {
    // Two phrases in a row without "or" or a comma: the second is not
    // in the list ("not swollen just red").
    if (sc_.on && sc_.after_hit) sc_.on = false;
    // A side is denied only right after the cue ("not the left one"),
    // not in "won't walk on his right leg".
    bool next_to_cue = true;
    for (size_t k = sc_.cue_end; sc_.on && k < b.begin; ++k) next_to_cue &= t_[k].filler;
    if (sc_.on && b.side_only && !next_to_cue) return;
    if (b.denial != kNone) {
      // Denied inside ("thigh is not swollen"), unless a denial before denies
      // that ("I wouldn't say the thigh isn't swollen").
      const bool twice = sc_.on && sc_.value == Value::no;
      b.value = twice ? Value::yes : sc_.on ? sc_.value : Value::no;
      b.cue = sc_.on ? sc_.cue : b.denial;
      cue_used_[b.cue] = true;
      sc_.after_hit = sc_.on;
      return;
    }
    if (sc_.on) {
      b.value = sc_.value;
      b.cue = sc_.cue;
      cue_used_[sc_.cue] = true;
      sc_.after_hit = true;
    } else if (!normal_before(b)) {
      post_position(b);
    }
  }

  // "a normal colour", "the same size": a topic said to be as usual.
  bool normal_before(Block& b) {
    if (!b.topic_only) return false;
    size_t k = b.begin;
    while (k > 0 && t_[k - 1].filler) --k;
    static constexpr std::string_view kUsual[] = {"normal", "same", "usual", "healthy",
                                                  "regular", "good"};
    if (k == 0 || !in(kUsual, t_[k - 1].text)) return false;
    b.value = Value::no;
    b.cue = k - 1;
    cue_used_[k - 1] = true;
    return true;
  }

  // Returns the token after the one (or the cue) read.
  size_t on_token(size_t i) {
    const Token& t = t_[i];
    size_t len = 0;
    if (t.punct()) {
      if (t.is(",") || t.is("/")) {
        sc_.on = sc_.on && sc_.after_hit && (t.is("/") || list_continues(i + 1));
        sc_.after_hit = false;
        sc_.budget = 2;
      } else {
        sc_.on = false;
      }
    } else if (const CuePhrase* c = cue_at(i, len)) {
      open_scope(*c, i, len);
      return i + len;
    } else if (in(tables::kScopeBreakers, t.text)) {
      sc_.on = false;
    } else if (sc_.on && !t.filler) {
      if (sc_.after_hit) {
        sc_.on = t.is("or");
        sc_.after_hit = false;
        sc_.budget = 2;
        sc_.modifiers = false;
      } else if (sc_.modifiers) {
        sc_.on = in(tables::kModifiers, t.text);
      } else {
        sc_.on = --sc_.budget >= 0;
      }
    }
    return i + 1;
  }

  // A denial of a denial before anything is denied says yes: "I wouldn't say
  // there's no swelling", "not not swollen", "I can't say it isn't bigger",
  // "not without pain". A lone "no" before it is an answer ("no not swollen").
  void open_scope(const CuePhrase& c, size_t i, size_t len) {
    // "not sure if I have ...": a hypothetical inside a doubt stays a doubt.
    if (c.value == Value::unknown && sc_.on) return;
    const bool denial_of_denial = sc_.on && !sc_.after_hit && c.value == Value::no &&
                                  sc_.cue != kNone && frames_denial(sc_.cue);
    if (denial_of_denial) cue_used_[sc_.cue] = true;  // "I couldn't say" is then no reply
    sc_ = Scope{true, denial_of_denial ? Value::yes : c.value, i, i + len, c.budget,
                c.modifiers && !denial_of_denial, false};
  }

  bool frames_denial(size_t cue) const {
    const Token& t = t_[cue];
    if (t.is("not") || t.is("never")) return sc_.value == Value::no;
    // "I can't say", "couldn't say": a doubt that a second "not" turns.
    return (t.is("can") || t.is("could")) && sc_.value == Value::unsure;
  }

  // "not chest pain as such, more an ache when I breathe in", "not a gap
  // exactly, but a dip": a denial hedged and then taken back states it.
  void hedged(Block& b) {
    if (b.value != Value::no || b.cue == kNone || !t_[b.cue].is("not")) return;
    static constexpr std::string_view kHedges[] = {"exactly", "such",     "per",   "technically",
                                                   "strictly", "precisely", "proper", "properly"};
    static constexpr std::string_view kContrasts[] = {"but", "more", "rather", "though",
                                                      "although"};
    bool hedge = false;
    size_t k = b.cue;
    for (; k < n_ && k < b.end + 6 && !t_[k].clause_end() && !t_[k].is("but"); ++k) {
      hedge |= in(kHedges, t_[k].text);
    }
    if (!hedge) return;
    for (size_t j = b.end; j < n_ && j < b.end + 10 && !t_[j].clause_end(); ++j) {
      if (in(kContrasts, t_[j].text)) {
        b.value = Value::yes;
        return;
      }
    }
  }

  // The cue starting at token i, or null; len is set to its length.
  const CuePhrase* cue_at(size_t i, size_t& len) const {
    auto it = lex_.cues_by_first.find(t_[i].text);
    if (it == lex_.cues_by_first.end()) return nullptr;
    for (int index : it->second) {
      const CuePhrase& c = lex_.cues[static_cast<size_t>(index)];
      const size_t l = c.words.size();
      if (i + l > n_) continue;
      // A cue of someone else's history or a hypothetical ("mum had", "if i
      // get") may run into the phrase it covers ("had a clot"); it then
      // opens its scope after its first word.
      const bool family = c.value == Value::unknown;
      bool ok = true;
      for (size_t k = 0; k < l && ok; ++k) {
        ok = (block_at_[i + k] < 0 || (family && k > 0)) && t_[i + k].is(c.words[k]);
      }
      if (!ok) continue;
      if (family) {
        len = 1;
        return &c;
      }
      // A lone "no" / "never" / "none" before punctuation answers; it negates nothing.
      if (l == 1 && (i + 1 >= n_ || t_[i + 1].punct()) && c.value == Value::no) return nullptr;
      if (c.value == Value::no && cannot_stop(i + l)) return nullptr;
      len = l;
      return &c;
    }
    return nullptr;
  }

  // "can't stop coughing", "it won't stop throbbing", "never stops aching":
  // what cannot be stopped goes on, so the "not" denies nothing after it.
  // Not "doesn't stop me walking", where the stopping is of someone, nor
  // "doesn't stop when I rest", where the stopping is the phrase denied.
  bool cannot_stop(size_t j) const {
    if (j >= n_ || block_at_[j] >= 0 ||
        !(t_[j].is("stop") || t_[j].is("stops") || t_[j].is("stopping") || t_[j].is("let"))) {
      return false;
    }
    static constexpr std::string_view kWhom[] = {"me", "my", "him", "her", "us", "them",
                                                 "you", "it", "from"};
    if (t_[j].is("let")) return j + 1 < n_ && t_[j + 1].is("up");  // "won't let up"
    return j + 1 >= n_ || !in(kWhom, t_[j + 1].text);
  }

  // After ", " in a negated list: does the list go on to "or"/"nor" and a
  // phrase ("no swelling, redness or warmth")?
  bool list_continues(size_t j) const {
    const size_t limit = std::min(n_, j + kListLookahead);
    while (j < limit) {
      if (t_[j].filler) {
        ++j;
      } else if (block_at_[j] >= 0) {
        j = blocks_[static_cast<size_t>(block_at_[j])].end;
      } else if (t_[j].is(",")) {
        ++j;
      } else if (t_[j].is("or") || t_[j].is("nor")) {
        ++j;
        while (j < n_ && t_[j].filler) ++j;
        return j < n_ && block_at_[j] >= 0;
      } else {
        return false;
      }
    }
    return false;
  }

  // "chest pain: no", "swelling? none", "redness - not sure", "chest pain
  // also not there", "breathing's fine", "chest and breathing are fine".
  void post_position(Block& b) {
    size_t j = b.end;
    const bool comma = j < n_ && (t_[j].is(":") || t_[j].is("?") || t_[j].is(","));
    if (comma) ++j;
    while (j < n_ && !comma && (t_[j].filler || in(tables::kLinkingVerbs, t_[j].text) ||
                                t_[j].is("does") || t_[j].is("do") || t_[j].is("did"))) {
      ++j;
    }
    if (j >= n_ || block_at_[j] >= 0) return;
    size_t last = j;
    const Value v = post_value(j, last, !comma);
    if (v == Value::unknown) return;
    b.value = v;
    b.post = last;
    cue_used_[j] = true;
    if (v != Value::no || comma) return;
    // The phrases listed before it share it ("chest and breathing are fine").
    for (size_t k = static_cast<size_t>(&b - blocks_.data()); k > 0; --k) {
      Block& prev = blocks_[k - 1];
      bool joined = prev.value == Value::yes && prev.cue == kNone;
      for (size_t x = prev.end; joined && x < blocks_[k].begin; ++x) {
        joined = t_[x].is("and") || t_[x].is("or") || t_[x].is(",") || t_[x].filler;
      }
      if (!joined) return;
      prev.value = Value::no;
      prev.post = last;
    }
  }

  // The value a word after a phrase gives it; last is set to its last token.
  Value post_value(size_t j, size_t& last, bool state) const {
    auto ends = [&](size_t k) {
      return k >= n_ || t_[k].punct() || t_[k].is("but") || t_[k].is("and");
    };
    // "fine as far as I know", "fine btw", "ok thanks".
    auto ends_loosely = [&](size_t k) { return ends(k) || in(tables::kAfterNormal, t_[k].text); };
    static constexpr std::string_view kNo[] = {"no", "none", "nope", "nah", "negative", "nil"};
    static constexpr std::string_view kAbsent[] = {
        "there", "present", "really", "noticed", "happening", "anymore", "either", "bother",
        "bothers", "hurt", "hurts", "matter", "it", "me", "at", "all", "much", "any", "make",
        "makes", "difference", "change", "affect", "help", "helps", "worse"};
    if (in(kNo, t_[j].text) && ends(j + 1)) return Value::no;
    if ((t_[j].is("not") && j + 1 < n_ && t_[j + 1].is("sure") && ends(j + 2)) ||
        ((t_[j].is("maybe") || t_[j].is("unsure")) && ends(j + 1))) {
      last = t_[j].is("not") ? j + 1 : j;
      return Value::unsure;
    }
    if (!state) return Value::unknown;
    if (t_[j].is("not")) {
      size_t k = j + 1;
      while (k < n_ && k < j + 6 && in(kAbsent, t_[k].text)) ++k;
      if (k > j + 1 && ends(k)) {
        last = k - 1;
        return Value::no;
      }
    }
    if (in(tables::kNormal, t_[j].text) && ends_loosely(j + 1)) return Value::no;
    return Value::unknown;
  }

  const LexiconData& lex_;
  const Tokens& t_;
  const size_t n_;
  std::vector<Block>& blocks_;
  const std::vector<int>& block_at_;
  std::vector<bool>& cue_used_;
  Scope sc_;
};

}  // namespace

void assign_polarity(const LexiconData& lex, const Tokens& tokens, std::vector<Block>& blocks,
                     const std::vector<int>& block_at, std::vector<bool>& cue_used) {
  Polarity(lex, tokens, blocks, block_at, cue_used).run();
}

}  // namespace calfbot::dialog::internal
