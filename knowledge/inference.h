// Inference over the knowledge: a naive Bayes ranking of the conditions from
// the findings known so far, the information a question would bring, and the
// two-level Wells score for DVT.
//
// Findings are passed as a vector indexed like Knowledge::findings, each
// +1 (present), -1 (absent) or 0 (unknown / the patient was unsure).
// A Model is immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "knowledge/knowledge.h"

namespace calfbot::knowledge {

using Known = std::vector<int8_t>;

struct Reason {
  std::string finding;
  bool present;   // the patient said it is present (true) or absent (false)
  double weight;  // log likelihood ratio against the finding's default; > 0 speaks for
};

struct Ranked {
  std::string condition;
  double score;  // posterior probability, the ranking sums to 1
  std::vector<Reason> for_it, against_it;  // strongest first
};

struct WellsPart {
  std::string id, label;
  int points;
  int8_t known;  // +1 present, -1 absent, 0 not asked or unsure
};

struct WellsScore {
  int total = 0;        // points from items reported present
  bool likely = false;  // total >= 2 (NICE NG158 two-level score)
  bool complete = false;  // every item was answered
  std::vector<WellsPart> parts;
};

class Model {
 public:
  explicit Model(const Knowledge& kb);

  // Posterior over Knowledge::conditions (same order), summing to 1.
  std::vector<double> posterior(const Known& known) const;

  // Conditions ranked most likely first, with up to `reasons` reasons each way
  // for the `explained` most likely (all by default).
  std::vector<Ranked> rank(const Known& known, size_t reasons = 3,
                           size_t explained = SIZE_MAX) const;

  // Expected reduction of the posterior's entropy (bits) from learning a
  // finding; for a set of mutually exclusive findings (one chosen), pass them all
  // with exclusive = true.
  double information(const std::vector<double>& posterior, const std::vector<int>& findings,
                     bool exclusive) const;
  // The same with the posterior's entropy (entropy(posterior)) given, for
  // weighing many questions against one posterior.
  double information(const std::vector<double>& posterior, double posterior_entropy,
                     const std::vector<int>& findings, bool exclusive) const;

  // Entropy of a distribution, in bits.
  static double entropy(const std::vector<double>& p);

  WellsScore wells(const Known& known) const;

  // The Wells items by id, in the knowledge's order: items sharing an id
  // (e.g. "bedridden or recent surgery") score once, when any of their
  // findings is present. Each finding is a Knowledge::findings index, -1 when
  // the knowledge has no such finding.
  struct WellsItemGroup {
    std::string id, label;
    int points;
    std::vector<int> findings;
  };
  const std::vector<WellsItemGroup>& wells_items() const { return wells_; }

  // The index of a finding in Knowledge::findings (the first with that id),
  // -1 when there is none: Knowledge::finding_index by a hash look-up, for the
  // engine's loops that read findings by name many times a turn.
  int finding_index(std::string_view id) const {
    auto it = finding_index_.find(id);
    return it == finding_index_.end() ? -1 : it->second;
  }

  double likelihood(int condition, int finding) const {
    return p_[static_cast<size_t>(condition) * nf_ + static_cast<size_t>(finding)];
  }

 private:
  // Fills in r's reasons, condition c's strongest findings each way.
  void explain(Ranked& r, size_t c, const Known& known, size_t reasons) const;

  const Knowledge& kb_;
  size_t nf_ = 0, nc_ = 0;
  std::vector<double> p_;         // P(present | condition), condition-major
  std::vector<double> log_yes_, log_no_;
  std::vector<double> log_prior_;
  std::vector<WellsItemGroup> wells_;
  std::unordered_map<std::string_view, int> finding_index_;  // views of kb_'s ids
};

}  // namespace calfbot::knowledge
