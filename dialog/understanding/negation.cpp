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

  // Walks the message once, a block at a time, keeping the cue in force.
  void run() {
    struct Scope {
      bool on = false;
      Value value = Value::no;
      size_t cue = kNone;
      size_t cue_end = kNone;
      int budget = 0;
      bool modifiers = false;
      bool after_hit = false;
    } sc;
    size_t i = 0, next_block = 0;
    while (i < n_) {
      if (next_block < blocks_.size() && blocks_[next_block].begin == i) {
        Block& b = blocks_[next_block++];
        // Two phrases in a row without "or" or a comma: the second is not
        // in the list ("not swollen just red").
        if (sc.on && sc.after_hit) sc.on = false;
        // A side is denied only right after the cue ("not the left one"),
        // not in "won't walk on his right leg".
        bool next_to_cue = true;
        for (size_t k = sc.cue_end; sc.on && k < b.begin; ++k) next_to_cue &= t_[k].filler;
        if (sc.on && b.side_only && !next_to_cue) {
          i = b.end;
          continue;
        }
        if (sc.on) {
          b.value = sc.value;
          b.cue = sc.cue;
          cue_used_[sc.cue] = true;
          sc.after_hit = true;
        } else {
          post_position(b);
        }
        i = b.end;
        continue;
      }
      const Token& t = t_[i];
      size_t len = 0;
      if (t.punct()) {
        if (t.is(",") || t.is("/")) {
          sc.on = sc.on && sc.after_hit && (t.is("/") || list_continues(i + 1));
          sc.after_hit = false;
          sc.budget = 2;
        } else {
          sc.on = false;
        }
      } else if (const CuePhrase* c = cue_at(i, len)) {
        // "not sure if I have ...": a hypothetical inside a doubt stays a doubt.
        if (c->value != Value::unknown || !sc.on) {
          sc = Scope{true, c->value, i, i + len, c->budget, c->modifiers, false};
        }
        i += len;
        continue;
      } else if (in(tables::kScopeBreakers, t.text)) {
        sc.on = false;
      } else if (sc.on && !t.filler) {
        if (sc.after_hit) {
          sc.on = t.is("or");
          sc.after_hit = false;
          sc.budget = 2;
          sc.modifiers = false;
        } else if (sc.modifiers) {
          sc.on = in(tables::kModifiers, t.text);
        } else {
          sc.on = --sc.budget >= 0;
        }
      }
      ++i;
    }
  }

 private:
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
      len = l;
      return &c;
    }
    return nullptr;
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

  // "chest pain: no", "swelling? none", "redness - not sure".
  void post_position(Block& b) {
    size_t j = b.end;
    if (j < n_ && (t_[j].is(":") || t_[j].is("?") || t_[j].is(","))) ++j;
    if (j >= n_ || block_at_[j] >= 0) return;
    auto ends = [&](size_t k) {
      return k >= n_ || t_[k].punct() || t_[k].is("but") || t_[k].is("and");
    };
    static constexpr std::string_view kNo[] = {"no", "none", "nope", "nah", "negative", "nil"};
    if (in(kNo, t_[j].text) && ends(j + 1)) {
      b.value = Value::no;
    } else if ((t_[j].is("not") && j + 1 < n_ && t_[j + 1].is("sure") && ends(j + 2)) ||
               ((t_[j].is("maybe") || t_[j].is("unsure")) && ends(j + 1))) {
      b.value = Value::unsure;
    } else {
      return;
    }
    b.post = j;
    cue_used_[j] = true;
  }

  const LexiconData& lex_;
  const Tokens& t_;
  const size_t n_;
  std::vector<Block>& blocks_;
  const std::vector<int>& block_at_;
  std::vector<bool>& cue_used_;
};

}  // namespace

void assign_polarity(const LexiconData& lex, const Tokens& tokens, std::vector<Block>& blocks,
                     const std::vector<int>& block_at, std::vector<bool>& cue_used) {
  Polarity(lex, tokens, blocks, block_at, cue_used).run();
}

}  // namespace calfbot::dialog::internal
