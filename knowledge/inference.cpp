#include "knowledge/inference.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace calfbot::knowledge {

namespace {

void normalise(std::vector<double>& p) {
  double sum = 0;
  for (double x : p) sum += x;
  if (sum <= 0) return;
  for (double& x : p) x /= sum;
}

}  // namespace

Model::Model(const Knowledge& kb) : kb_(kb), nf_(kb.findings.size()), nc_(kb.conditions.size()) {
  for (size_t f = 0; f < nf_; ++f) finding_index_.emplace(kb.findings[f].id, static_cast<int>(f));
  p_.resize(nf_ * nc_);
  log_yes_.resize(nf_ * nc_);
  log_no_.resize(nf_ * nc_);
  double prior_sum = 0;
  for (const auto& c : kb.conditions) prior_sum += c.prior;
  for (size_t c = 0; c < nc_; ++c) {
    const Condition& cond = kb.conditions[c];
    log_prior_.push_back(std::log(cond.prior / prior_sum));
    for (size_t f = 0; f < nf_; ++f) {
      auto it = cond.likelihoods.find(kb.findings[f].id);
      double p = it != cond.likelihoods.end() ? it->second : kb.findings[f].default_likelihood;
      // No single answer may make a cause impossible: patients misreport.
      p = std::clamp(p, 0.02, 0.98);
      p_[c * nf_ + f] = p;
      log_yes_[c * nf_ + f] = std::log(p);
      log_no_[c * nf_ + f] = std::log(1 - p);
    }
  }
  // Items sharing an id score once; the first of them gives label and points.
  for (const auto& item : kb.wells) {
    auto it = std::find_if(wells_.begin(), wells_.end(),
                           [&](const WellsItemGroup& g) { return g.id == item.id; });
    if (it == wells_.end()) {
      wells_.push_back({item.id, item.label, item.points, {}});
      it = wells_.end() - 1;
    }
    it->findings.push_back(kb.finding_index(item.finding));
  }
}

std::vector<double> Model::posterior(const Known& known) const {
  std::vector<double> logp(log_prior_);
  for (size_t f = 0; f < nf_ && f < known.size(); ++f) {
    if (known[f] == 0) continue;
    const std::vector<double>& table = known[f] > 0 ? log_yes_ : log_no_;
    for (size_t c = 0; c < nc_; ++c) logp[c] += table[c * nf_ + f];
  }
  double top = *std::max_element(logp.begin(), logp.end());
  std::vector<double> post(nc_);
  for (size_t c = 0; c < nc_; ++c) post[c] = std::exp(logp[c] - top);
  normalise(post);
  return post;
}

std::vector<Ranked> Model::rank(const Known& known, size_t reasons, size_t explained) const {
  const std::vector<double> post = posterior(known);
  // Most likely first; equally likely ones in the knowledge's order.
  std::vector<size_t> order(nc_);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return post[a] > post[b]; });
  std::vector<Ranked> out;
  out.reserve(nc_);
  for (size_t c : order) {
    Ranked r{kb_.conditions[c].id, post[c], {}, {}};
    if (out.size() < explained) explain(r, c, known, reasons);
    out.push_back(std::move(r));
  }
  return out;
}

void Model::explain(Ranked& r, size_t c, const Known& known, size_t reasons) const {
  for (size_t f = 0; f < nf_ && f < known.size(); ++f) {
    if (known[f] == 0) continue;
    double p = p_[c * nf_ + f];
    double ref = std::clamp(kb_.findings[f].default_likelihood, 0.02, 0.98);
    double w = known[f] > 0 ? std::log(p / ref) : std::log((1 - p) / (1 - ref));
    if (std::abs(w) < 0.4) continue;  // too weak to be worth telling
    Reason reason{kb_.findings[f].id, known[f] > 0, w};
    (w > 0 ? r.for_it : r.against_it).push_back(reason);
  }
  auto by_strength = [](const Reason& a, const Reason& b) {
    return std::abs(a.weight) > std::abs(b.weight);
  };
  std::sort(r.for_it.begin(), r.for_it.end(), by_strength);
  std::sort(r.against_it.begin(), r.against_it.end(), by_strength);
  if (r.for_it.size() > reasons) r.for_it.resize(reasons);
  if (r.against_it.size() > reasons) r.against_it.resize(reasons);
}

double Model::entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p) {
    if (x > 1e-12) h -= x * std::log2(x);
  }
  return h;
}

double Model::information(const std::vector<double>& post, const std::vector<int>& findings,
                          bool exclusive) const {
  return information(post, entropy(post), findings, exclusive);
}

double Model::information(const std::vector<double>& post, double h0,
                          const std::vector<int>& findings, bool exclusive) const {
  std::vector<double> joint(nc_);
  // The expected entropy after the answer gains pk * H(posterior | outcome k),
  // where weight(c) = P(outcome k | c).
  auto add_outcome = [&](double& expected, auto weight) {
    double pk = 0;
    for (size_t c = 0; c < nc_; ++c) {
      joint[c] = post[c] * weight(c);
      pk += joint[c];
    }
    if (pk <= 1e-12) return;
    for (double& x : joint) x /= pk;
    expected += pk * entropy(joint);
  };
  if (exclusive) {
    // P(choice k | c), normalised over the choices.
    std::vector<double> sum(nc_, 0.0);
    for (size_t c = 0; c < nc_; ++c) {
      for (int f : findings) sum[c] += p_[c * nf_ + static_cast<size_t>(f)];
    }
    double expected = 0;
    for (int f : findings) {
      add_outcome(expected, [&](size_t c) { return p_[c * nf_ + static_cast<size_t>(f)] / sum[c]; });
    }
    return std::max(0.0, h0 - expected);
  }
  double total = 0;
  for (int f : findings) {
    double expected = 0;
    add_outcome(expected, [&](size_t c) { return p_[c * nf_ + static_cast<size_t>(f)]; });
    add_outcome(expected, [&](size_t c) { return 1 - p_[c * nf_ + static_cast<size_t>(f)]; });
    total += std::max(0.0, h0 - expected);
  }
  return total;
}

WellsScore Model::wells(const Known& known) const {
  WellsScore s;
  s.complete = true;
  for (const auto& item : wells_) {
    // Present if any finding is; absent only when every finding is absent.
    bool any_present = false, all_absent = true;
    for (int f : item.findings) {
      int8_t k = (f >= 0 && static_cast<size_t>(f) < known.size()) ? known[static_cast<size_t>(f)] : 0;
      any_present |= k > 0;
      all_absent &= k < 0;
    }
    const int8_t k = any_present ? 1 : all_absent ? -1 : 0;
    if (k > 0) s.total += item.points;
    if (k == 0) s.complete = false;
    s.parts.push_back(WellsPart{item.id, item.label, item.points, k});
  }
  s.likely = s.total >= 2;
  return s;
}

}  // namespace calfbot::knowledge
