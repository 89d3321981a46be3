#include "report/recommend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "report/lever_analysis.h"

namespace gb {
namespace {

bool energy_tied(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

std::string fmt_s(double s) {
  return s < 1 ? fmt::format("{:.0f} ms", s * 1e3) : fmt::format("{:.2f} s", s);
}

}  // namespace

bool recommends_before(const ConfigPoint& a, const ConfigPoint& b) {
  if (!energy_tied(a.energy_per_image_j, b.energy_per_image_j)) {
    return a.energy_per_image_j < b.energy_per_image_j;
  }
  if (a.p99_response_s != b.p99_response_s) return a.p99_response_s < b.p99_response_s;
  if (a.max_response_s != b.max_response_s) return a.max_response_s < b.max_response_s;
  if (a.mean_batch_size != b.mean_batch_size) return a.mean_batch_size < b.mean_batch_size;
  if (a.policy != b.policy) return a.policy < b.policy;
  return a.levers < b.levers;
}

std::string workload_key(const ConfigPoint& p) {
  return p.model + "|" + p.device + "|" + p.arrival + "|" + p.rate_label();
}

bool better_greedy_baseline(const ConfigPoint& a, const ConfigPoint& b) {
  // greedy:128 (the paper's) above all, then the larger cap.
  const auto rank = [](const ConfigPoint& p) {
    const long cap = static_cast<long>(p.policy_spec->max_batch());
    return cap == 128 ? std::numeric_limits<long>::max() : cap;
  };
  return rank(a) > rank(b);
}

std::vector<Recommendation> recommend(const std::vector<ConfigPoint>& points, double slo_s) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ConfigPoint*>> groups;
  for (const ConfigPoint& p : points) {
    const std::string key = workload_key(p);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&p);
  }
  std::vector<Recommendation> out;
  for (const std::string& key : order) {
    const auto& members = groups[key];
    const ConfigPoint& first = *members.front();
    Recommendation r;
    r.model = first.model;
    r.device = first.device;
    r.arrival = first.arrival;
    r.rate_label = first.rate_label();
    r.rate_hz = first.rate_hz;
    r.candidates = members.size();
    std::vector<ConfigPoint> all;
    for (const ConfigPoint* p : members) all.push_back(*p);
    r.swept = swept_levers(all);
    // The baselines are measured with every lever at its default, where such runs exist.
    const std::vector<std::string> defaults = default_levers(all);
    const bool any_default = std::any_of(all.begin(), all.end(), [&](const ConfigPoint& p) {
      return at_default_levers(p, defaults);
    });
    for (const ConfigPoint* p : members) {
      if (p->max_response_s <= slo_s && p->p99_response_s <= slo_s) {
        ++r.within_slo;
        if (!r.best || recommends_before(*p, *r.best)) r.best = *p;
      }
      if (any_default && !at_default_levers(*p, defaults)) continue;
      if (p->greedy() && !p->unbatched()) {
        if (!r.greedy || better_greedy_baseline(*p, *r.greedy)) r.greedy = *p;
      }
      if (p->unbatched() && (!r.unbatched || recommends_before(*p, *r.unbatched))) {
        r.unbatched = *p;
      }
    }
    if (r.best) {
      const auto saving = [&](const std::optional<ConfigPoint>& base) -> std::optional<double> {
        if (!base || base->energy_per_image_j <= 0) return std::nullopt;
        return 1.0 - r.best->energy_per_image_j / base->energy_per_image_j;
      };
      r.saving_vs_greedy = saving(r.greedy);
      r.saving_vs_unbatched = saving(r.unbatched);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string describe(const Recommendation& r) {
  std::string head = fmt::format("{} {}", r.model, r.rate_label);
  if (!r.best) {
    return fmt::format("{}: none meets the budget ({} configurations measured)", head,
                       r.candidates);
  }
  const ConfigPoint& b = *r.best;
  std::string line = fmt::format("{}: {}, {:.4g} J/image ({}), max {}, p99 {}", head,
                                 combination(b, r.swept), b.energy_per_image_j, b.energy_method,
                                 fmt_s(b.max_response_s), fmt_s(b.p99_response_s));
  std::vector<std::string> savings;
  const std::string chosen = combination(b, r.swept);
  for (const auto& [base, saving] :
       {std::pair{&r.greedy, r.saving_vs_greedy}, {&r.unbatched, r.saving_vs_unbatched}}) {
    const std::string name = *base ? combination(**base, r.swept) : "";
    if (saving && name != chosen)
      savings.push_back(fmt::format("{:.0f} % vs {}", 100 * *saving, name));
  }
  if (!savings.empty()) {
    line += "; saves ";
    for (std::size_t i = 0; i < savings.size(); ++i) line += (i ? ", " : "") + savings[i];
  }
  return line;
}

}  // namespace gb
