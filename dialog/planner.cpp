#include "dialog/planner.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "dialog/interlock.h"

namespace calfbot::dialog {

using knowledge::AnswerType;
using knowledge::Question;

namespace {

// The finding indexes a question would tell us about.
std::vector<int> findings_of(const knowledge::Knowledge& kb, const knowledge::Model& model,
                             const Question& q) {
  std::vector<int> out;
  auto add = [&](const std::string& id) {
    int i = model.finding_index(id);
    if (i >= 0) out.push_back(i);
  };
  if (q.type == AnswerType::yes_no) add(q.finding);
  for (const auto& c : q.choices) {
    if (!c.sets.empty()) add(c.sets.front());
  }
  if (q.type == AnswerType::number || q.type == AnswerType::duration) {
    for (const auto& f : kb.findings) {
      if (f.derived_from == q.number) add(f.id);
    }
  }
  return out;
}

// The finding indexes a predicate reads, each once.
void read_findings(const knowledge::Predicate& p, std::vector<int>& out) {
  if (p.kind == knowledge::Predicate::Kind::finding && p.finding >= 0 &&
      std::find(out.begin(), out.end(), p.finding) == out.end()) {
    out.push_back(p.finding);
  }
  for (const auto& c : p.children) read_findings(c, out);
}

// The index in `phase` with the highest score (the first of equals);
// nullopt when none has a score.
template <class Score>
std::optional<size_t> best_of(const std::vector<size_t>& phase, const Score& score) {
  std::optional<size_t> best;
  double best_score = 0;
  for (size_t i : phase) {
    const std::optional<double> s = score(i);
    if (!s) continue;
    if (!best || *s > best_score) {
      best = i;
      best_score = *s;
    }
  }
  return best;
}

}  // namespace

int questions_asked(const State& s) {
  int n = 0;
  for (const auto& a : s.answers) n += (!a.slot.empty() && a.slot != "complaint") ? 1 : 0;
  return n;
}

Planner::Planner(const knowledge::Knowledge& kb, const knowledge::Model& model)
    : kb_(kb), model_(model), by_phase_(std::size(knowledge::kPhases)) {
  for (size_t i = 0; i < kb.questions.size(); ++i) {
    const Question& q = kb.questions[i];
    for (size_t phase = 0; phase < by_phase_.size(); ++phase) {
      if (q.phase == knowledge::kPhases[phase]) by_phase_[phase].push_back(i);
    }
    Asks a;
    auto read = [&](const std::string& id) { a.reads.push_back({model.finding_index(id), id}); };
    if (q.type == AnswerType::yes_no) read(q.finding);
    if (q.type == AnswerType::single_choice || q.type == AnswerType::multi_choice) {
      for (const auto& c : q.choices) {
        for (const auto& f : c.sets) read(f);
      }
    }
    a.informs = findings_of(kb, model, q);
    asks_.push_back(std::move(a));
  }
  asking_.resize(kb.findings.size());
  for (size_t i = 0; i < asks_.size(); ++i) {
    for (const Read& r : asks_[i].reads) {
      if (r.index >= 0) asking_[static_cast<size_t>(r.index)].push_back(i);
    }
  }
  for (const auto& rule : kb.red_flags) {
    if (rule.level != knowledge::Triage::emergency) continue;
    EmergencyRule e{&rule, {}};
    read_findings(rule.when, e.findings);
    emergencies_.push_back(std::move(e));
  }
}

std::vector<bool> Planner::one_short(const Facts& facts) const {
  std::vector<bool> out(kb_.questions.size(), false);
  Facts trial = facts;
  for (const auto& e : emergencies_) {
    const bool started = std::any_of(e.findings.begin(), e.findings.end(),
                                     [&](int f) { return facts.at(f) == Value::yes; });
    if (!started || holds(e.rule->when, facts, false)) continue;
    for (int f : e.findings) {
      if (facts.at(f) != Value::unknown) continue;
      trial.set(f, Value::yes);
      const bool would = holds(e.rule->when, trial, false);
      trial.set(f, Value::unknown);
      if (!would) continue;
      for (size_t q : asking_[static_cast<size_t>(f)]) out[q] = true;
    }
  }
  return out;
}

bool Planner::answered(size_t i, const Facts& facts) const {
  const Question& q = kb_.questions[i];
  const State& s = facts.state();
  for (const auto& a : s.answers) {
    if (a.slot == q.slot) return true;
  }
  const std::vector<Read>& reads = asks_[i].reads;
  switch (q.type) {
    case AnswerType::yes_no: return facts.get(reads[0].index, reads[0].id) != Value::unknown;
    case AnswerType::number:
    case AnswerType::duration: return s.numbers.count(q.number) > 0;
    case AnswerType::single_choice:
      return std::any_of(reads.begin(), reads.end(),
                         [&](const Read& f) { return facts.get(f.index, f.id) == Value::yes; });
    case AnswerType::multi_choice: {
      // A safety screen counts as answered only when every item is known: "no
      // chest pain" in passing must not skip the question about breathlessness.
      bool all_known = true, any_yes = false;
      for (const Read& f : reads) {
        const Value v = facts.get(f.index, f.id);
        all_known &= v != Value::unknown;
        any_yes |= v == Value::yes;
      }
      return all_known || (!q.always_ask && any_yes);
    }
  }
  return false;
}

Plan Planner::next(const Facts& facts, const EngineSettings& settings) const {
  const knowledge::Knowledge& kb = kb_;
  const int asked = questions_asked(facts.state());
  const std::vector<double> post = model_.posterior(facts.known());
  const double entropy = knowledge::Model::entropy(post);
  const double top = *std::max_element(post.begin(), post.end());

  // Whether a question may be asked now, worked out at most once a question
  // (and only for the phases looked at).
  std::vector<int8_t> eligible_cache(kb.questions.size(), -1);
  auto eligible = [&](size_t i) {
    int8_t& e = eligible_cache[i];
    if (e < 0) e = !answered(i, facts) && holds(kb.questions[i].ask_if, facts, false) ? 1 : 0;
    return e == 1;
  };
  // A must: asked in every conversation (always_ask), once its must_if
  // holds, or when an emergency rule is one finding short on it.
  const std::vector<bool> short_on = one_short(facts);
  auto must = [&](size_t i) {
    const Question& q = kb.questions[i];
    return q.always_ask || short_on[i] || (q.must_if && holds(*q.must_if, facts, false));
  };
  int must_ask = 0;
  for (size_t i = 0; i < kb.questions.size(); ++i) {
    if (must(i) && eligible(i)) ++must_ask;
  }
  // The questions every conversation must ask (safety screens among them) keep
  // their place in the budget: once what is left only covers them, nothing else
  // is asked, and they are asked even past the limit (they are finitely many).
  if (must_ask == 0 && asked >= settings.max_questions) return {nullptr, "limit"};
  const bool confident = asked >= settings.min_questions && top >= settings.stop_confidence;
  if (must_ask == 0 && confident) return {nullptr, "confident"};
  // Once the leading cause is clear, only those questions remain.
  const bool only_must = confident || settings.max_questions - asked <= must_ask;
  auto score = [&](size_t i) -> std::optional<double> {
    if (!eligible(i)) return std::nullopt;
    // Questions every conversation asks come first, in the knowledge's order;
    // then the one that best separates the leading causes.
    if (must(i)) return 1e6 - static_cast<double>(i);
    if (only_must) return std::nullopt;
    const double information = model_.information(
        post, entropy, asks_[i].informs, kb.questions[i].type == AnswerType::single_choice);
    if (information < settings.min_information) return std::nullopt;
    return information;
  };
  for (const auto& phase : by_phase_) {
    if (auto best = best_of(phase, score)) return {&kb.questions[*best], ""};
  }
  return {nullptr, "nothing more to ask"};
}

}  // namespace calfbot::dialog
