// The current question's choices named in a message, and its reply to the
// question as a whole ("yes", "none of them", "no chest pain", "same size").
#include "dialog/understanding/analyser.h"

#include "dialog/understanding/lexicon_tables.h"

namespace calfbot::dialog::internal {

using text::Token;

void Analyser::choices_out(Understanding& u) {
  if (!ct_) return;
  std::vector<std::pair<size_t, int>> named;  // token position, choice index
  bool cue_choice = false;
  for (const Match& m : matches_) {
    if (!m.choice) continue;
    if (m.cue_words) {
      bool used = false;
      for (size_t k = m.begin; k < m.end; ++k) used |= cue_used_[k] || block_at_[k] >= 0;
      if (used) continue;
      cue_choice = true;
    } else if (block_of(m).value != Value::yes) {
      continue;
    } else if (m.end == m.begin + 1 && (t_[m.begin].is("left") || t_[m.begin].is("right")) &&
               !side_word_[m.begin]) {
      continue;  // "right now", "I left work": not the side
    }
    for (int c : *m.targets) named.emplace_back(m.begin, c);
  }
  // A choice whose findings were all stated present is named too.
  for (size_t c = 0; c < ct_->sets.size(); ++c) {
    const auto& sets = ct_->sets[c];
    if (sets.empty()) continue;
    size_t pos = 0;
    bool all = true;
    for (int f : sets) {
      auto it = yes_at_.find(f);
      all &= it != yes_at_.end();
      if (it != yes_at_.end()) pos = std::max(pos, it->second);
    }
    if (all) named.emplace_back(pos, static_cast<int>(c));
  }
  std::stable_sort(named.begin(), named.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [pos, c] : named) {
    const std::string& id = ct_->ids[static_cast<size_t>(c)];
    if (cue_choice && named.size() > 1 && ct_->sets[static_cast<size_t>(c)].empty()) continue;
    if (std::find(u.choices.begin(), u.choices.end(), id) == u.choices.end()) {
      u.choices.push_back(id);
    }
  }
}

bool Analyser::answers_current(const Block& b) const {
  if (!q_ || q_->type != knowledge::AnswerType::yes_no || q_->finding.empty()) return false;
  auto it = lex_.finding_index.find(q_->finding);
  if (it == lex_.finding_index.end()) return false;
  for (const Match& m : matches_) {
    if (m.choice || m.begin < b.begin || m.begin >= b.end) continue;
    if (std::find(m.targets->begin(), m.targets->end(), it->second) != m.targets->end()) {
      return true;
    }
  }
  return false;
}

void Analyser::reply_out(Understanding& u) {
  size_t i = 0;
  while (i < n_ && (t_[i].punct() || in(tables::kInterjections, t_[i].text))) ++i;
  auto candidates = i < n_ ? lex_.replies_by_first.find(t_[i].text) : lex_.replies_by_first.end();
  const std::vector<int> none;
  for (int index : candidates == lex_.replies_by_first.end() ? none : candidates->second) {
    const ReplyPhrase& r = lex_.replies[static_cast<size_t>(index)];
    const size_t e = i + r.words.size();
    if (e > n_) continue;
    bool ok = true;
    for (size_t k = i; k < e && ok; ++k) ok = t_[k].is(r.words[k - i]) && !by_finding_[k];
    if (!ok) continue;
    const bool alone =
        e >= n_ || t_[e].punct() || t_[e].is("but") || t_[e].is("though") || t_[e].is("however");
    if (!r.strong && !alone) continue;
    bool as_cue = false;
    for (size_t k = i; k < e; ++k) as_cue |= cue_used_[k];
    if (!as_cue) {
      u.reply = r.value;
      return;
    }
    // "no swelling": a reply only when it is about the question asked.
    for (const Block& b : blocks_) {
      if (b.cue >= i && b.cue < e && b.value != Value::unknown && answers_current(b)) {
        u.reply = b.value;
        return;
      }
    }
    return;
  }
  // "I have no chest pain" to "Any chest pain?": the first clause answers.
  size_t clause_end = 0;
  while (clause_end < n_ && !t_[clause_end].clause_end()) ++clause_end;
  for (const Block& b : blocks_) {
    if (b.begin >= clause_end) break;
    if (b.value != Value::unknown && answers_current(b)) {
      u.reply = b.value;
      return;
    }
  }
  if (auto last = closing_reply(u)) {
    u.reply = last;
  } else if (said_normal(u)) {
    u.reply = Value::no;
  }
}

// "I'm 63, so no.", "... so I'd say yes", "Dent, yes.", "..., so I couldn't
// say": a reply closing the message, after "so", "say", "then" or a comma.
std::optional<Value> Analyser::closing_reply(const Understanding& u) const {
  size_t e = n_;
  while (e > 0 && t_[e - 1].punct()) --e;
  if (e < 2) return std::nullopt;
  for (const ReplyPhrase& r : lex_.replies) {
    const size_t len = r.words.size();
    if (len >= e) continue;
    const size_t b = e - len;
    const Token& before = t_[b - 1];
    if (!(before.is("so") || before.is("say") || before.is("then") || before.is(","))) continue;
    bool same = true;
    for (size_t k = 0; k < len && same; ++k) same = t_[b + k].is(r.words[k]) && !by_finding_[b + k];
    if (!same || (!r.strong && !before.is(","))) continue;
    // A doubt at the end does not take back a warning sign stated before it.
    if (r.value == Value::unsure && q_ && !q_->finding.empty()) {
      auto f = lex_.finding_index.find(q_->finding);
      if (f != lex_.finding_index.end() && stated(u, f->second)) return std::nullopt;
    }
    return r.value;
  }
  return std::nullopt;
}

bool Analyser::said_normal(const Understanding& u) const {
  if (!q_ || q_->type != knowledge::AnswerType::yes_no) return false;
  auto it = lex_.finding_index.find(q_->finding);
  if (it == lex_.finding_index.end() || lex_.normal_is_yes[static_cast<size_t>(it->second)]) {
    return false;
  }
  if (stated(u, it->second)) return false;
  for (size_t i = 0; i < n_; ++i) {
    if (by_finding_[i] || t_[i].punct()) continue;
    const std::string_view w = t_[i].text;
    const bool before_no = i > 0 && (t_[i - 1].is("no") || t_[i - 1].is("nothing"));
    const bool normal = in(tables::kNormal, w) || w == "same" ||
                        (before_no && (w == "different" || w == "difference" || w == "wrong"));
    if (!normal) continue;
    bool denied = false;
    for (size_t k = 1; k <= 2 && k <= i && !t_[i - k].punct(); ++k) {
      denied |= t_[i - k].is("not") || t_[i - k].is("never");
    }
    if (!denied) return true;
  }
  return false;
}

}  // namespace calfbot::dialog::internal
